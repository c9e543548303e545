//! Identifiers parsed at the edge: a value of these types is always a well-formed id.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must be 1–64 characters of a–z, 0–9, '-' or '_'")]
pub struct InvalidId {
    pub kind: &'static str,
}

fn check(kind: &'static str, s: &str) -> Result<(), InvalidId> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(InvalidId { kind })
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parse a candidate id: 1–64 characters of `a-z`, `0-9`, `-`, `_`.
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                check($kind, s).map(|()| Self(s.to_owned()))
            }
            /// A fresh random id (UUID v7, time ordered).
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().simple().to_string())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A tenant (one customer company).
    TenantId, "tenant id"
);
impl TenantId {
    /// The service operator's own audit chain: every `/ops` request is logged there. No
    /// company can have this id (see [`TenantId::is_reserved`]).
    pub fn operator_log() -> TenantId {
        TenantId("_operator".to_owned())
    }

    /// Ids starting with `_` belong to the service itself; no company is created with one.
    pub fn is_reserved(&self) -> bool {
        self.0.starts_with('_')
    }
}

id_type!(
    /// A user inside a tenant.
    UserId, "user id"
);
id_type!(
    /// A project inside a tenant.
    ProjectId, "project id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_separators_and_case_that_could_escape_a_key() {
        for bad in ["", "A", "a#b", "a/b", "TENANT", "x".repeat(65).as_str(), "ä"] {
            assert!(TenantId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(TenantId::parse("acme-01").unwrap().as_str(), "acme-01");
        assert!(ProjectId::parse(ProjectId::generate().as_str()).is_ok());
    }

    #[test]
    fn the_operator_log_is_no_company() {
        assert!(TenantId::operator_log().is_reserved());
        assert!(TenantId::parse("_x").unwrap().is_reserved());
        assert!(!TenantId::parse("acme").unwrap().is_reserved());
    }
}
