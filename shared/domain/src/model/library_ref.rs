//! How a device names a library item (`library_ref`): a built-in item by its id, or one
//! version of a company item, whose copy the project carries (docs/library.md).

use serde::{Deserialize, Serialize};

/// A device's reference to a library item.
///
/// JSON: a built-in item by its id, `"pf.t.30a"`, or a company item by id and version,
/// `{"id": "acme.pf.t-30", "version": 3}`. A company reference resolves only against the
/// project's own copy in [`super::Project::company_library`] (same id, same version); a built-in id
/// only against the built-in library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum LibraryRef {
    /// A built-in item id, e.g. `pf.t.30a`.
    Builtin(String),
    /// A company item at one version.
    Company(CompanyRef),
}

/// A reference to one version of a company library item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyRef {
    /// The item's id in the company library.
    pub id: String,
    /// The item's version (1, 2, …) the project's copy holds.
    pub version: u32,
}

impl LibraryRef {
    /// The item id (built-in or company).
    pub fn id(&self) -> &str {
        match self {
            LibraryRef::Builtin(id) => id,
            LibraryRef::Company(c) => &c.id,
        }
    }
    /// The built-in id, `None` for a company reference.
    pub fn builtin_id(&self) -> Option<&str> {
        match self {
            LibraryRef::Builtin(id) => Some(id),
            LibraryRef::Company(_) => None,
        }
    }
    /// The company reference, `None` for a built-in id.
    pub fn company(&self) -> Option<&CompanyRef> {
        match self {
            LibraryRef::Builtin(_) => None,
            LibraryRef::Company(c) => Some(c),
        }
    }
}

impl std::fmt::Display for LibraryRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LibraryRef::Builtin(id) => f.write_str(id),
            LibraryRef::Company(c) => write!(f, "{} v{}", c.id, c.version),
        }
    }
}

impl From<&str> for LibraryRef {
    fn from(id: &str) -> Self {
        LibraryRef::Builtin(id.to_string())
    }
}

impl<'de> Deserialize<'de> for LibraryRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = LibraryRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a built-in library id or a company item {\"id\", \"version\"}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LibraryRef, E> {
                Ok(LibraryRef::Builtin(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<LibraryRef, A::Error> {
                CompanyRef::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(LibraryRef::Company)
            }
        }
        d.deserialize_any(V)
    }
}
