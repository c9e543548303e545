//! How a device's `library_ref` finds its item: a company reference `{id, version}` in the
//! project's own copies (`company_library`), a built-in id in the built-in library. Nothing
//! here reads the company's current library: a project analyses with the copies it carries.
//!
//! [`ProjectLibrary`] answers the [`Library`] questions of validation and the short-circuit
//! study; [`Resolver`] hands the studies the engineering data (curves, cable constants).

use crate::curves::FuseCurves;
use crate::model::{
    Cable, CableImpedance, Library, LibraryFacts, LibraryKind, LibraryRef, LvBreaker, OcrSettings,
    PowerFuseSettings, Project,
};

use super::company::{CompanyBreaker, CompanyDevice, CompanyItem, CompanyRelay};
use super::{builtin, BreakerItem, BuiltinLibrary};

/// The copy in `copies` that `r` names: same id and same version. `None` for a built-in id.
pub fn find_copy<'a>(copies: &'a [CompanyItem], r: &LibraryRef) -> Option<&'a CompanyItem> {
    let c = r.company()?;
    copies.iter().find(|i| i.id == c.id && i.version == c.version)
}

/// The project's copies of company items in front of a base library (the built-in one).
pub struct ProjectLibrary<'a> {
    copies: &'a [CompanyItem],
    base: &'a dyn Library,
}

impl<'a> ProjectLibrary<'a> {
    /// Company references resolve in `copies`, built-in ids in `base`.
    pub fn new(copies: &'a [CompanyItem], base: &'a dyn Library) -> Self {
        ProjectLibrary { copies, base }
    }
}

impl Library for ProjectLibrary<'_> {
    fn contains(&self, kind: LibraryKind, reference: &LibraryRef) -> bool {
        match reference {
            LibraryRef::Builtin(_) => self.base.contains(kind, reference),
            LibraryRef::Company(_) => find_copy(self.copies, reference).is_some_and(|i| i.device.kind() == kind),
        }
    }

    fn cable_impedance(&self, reference: &LibraryRef) -> Option<CableImpedance> {
        match reference {
            LibraryRef::Builtin(_) => self.base.cable_impedance(reference),
            LibraryRef::Company(_) => match &find_copy(self.copies, reference)?.device {
                CompanyDevice::Cable(c) => Some(CableImpedance { r_ohm_per_km: c.r_ohm_per_km, x_ohm_per_km: c.x_ohm_per_km }),
                _ => None,
            },
        }
    }

    fn facts(&self, kind: LibraryKind, reference: &LibraryRef) -> Option<LibraryFacts> {
        if let LibraryRef::Builtin(_) = reference {
            return self.base.facts(kind, reference);
        }
        let item = find_copy(self.copies, reference)?;
        if item.device.kind() != kind {
            return None;
        }
        Some(match &item.device {
            CompanyDevice::Relay(r) => LibraryFacts::Relay { curve: r.curve },
            CompanyDevice::Fuse(f) => LibraryFacts::Fuse { fuse_type: f.fuse_type, ratings_a: f.ratings_a() },
            CompanyDevice::Breaker(b) => LibraryFacts::Breaker {
                kind: b.kind,
                frame_a: b.frame_a,
                ratings_a: b.ratings_a.clone(),
                electronic: Some(b.is_electronic()),
            },
            CompanyDevice::Cable(c) => LibraryFacts::Cable { cable_type: c.cable_type.clone(), size_mm2: c.size_mm2 },
            CompanyDevice::Transformer(t) => LibraryFacts::Transformer {
                phases: t.phases,
                rated_kva: t.rated_kva,
                primary_v: t.primary_v,
                secondary_v: t.secondary_v,
            },
        })
    }
}

/// The constants of a cable item the studies use, whichever library it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct CableData {
    /// Type designation, e.g. `CVT`.
    pub cable_type: String,
    /// Conductor size, mm².
    pub size_mm2: f64,
    /// True for a company item (maker's data), false for a built-in item (JCS 0168).
    pub company: bool,
    /// Conductor resistance at 20 °C, Ω/km.
    pub r_ohm_per_km: f64,
    /// Reactance, Ω/km.
    pub x_ohm_per_km: f64,
    /// Capacitance per phase, µF/km (0 when unknown).
    pub c_uf_per_km: f64,
    /// Withstand constant K, A·√s/mm².
    pub withstand_k: f64,
    /// Current-carrying capacity of one circuit, A.
    pub ampacity_a: f64,
}

impl CableData {
    /// Where the ampacity comes from, in Japanese.
    pub fn ampacity_basis_ja(&self) -> &'static str {
        if self.company { "メーカー資料" } else { "JCS 0168 気中" }
    }
    /// Where the ampacity comes from, in English.
    pub fn ampacity_basis_en(&self) -> &'static str {
        if self.company { "maker's data" } else { "JCS 0168 in air" }
    }
}

/// Typed look-ups for the studies: the project's copies first, then the built-in library.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    copies: &'a [CompanyItem],
    builtin: &'a BuiltinLibrary,
}

impl<'a> Resolver<'a> {
    /// The resolver of a project (its copies in front of the built-in library).
    pub fn of(project: &'a Project) -> Resolver<'a> {
        Resolver { copies: &project.company_library, builtin: builtin() }
    }

    /// A resolver that knows only the built-in library.
    pub fn builtin_only() -> Resolver<'static> {
        Resolver { copies: &[], builtin: builtin() }
    }

    /// The project as a [`Library`] (for [`Project::cable_impedance`] and the short-circuit
    /// study).
    pub fn library(&self) -> ProjectLibrary<'a> {
        ProjectLibrary::new(self.copies, self.builtin)
    }

    /// The project's copy a reference names.
    pub fn copy(&self, r: Option<&LibraryRef>) -> Option<&'a CompanyItem> {
        find_copy(self.copies, r?)
    }

    /// The company relay an OCR refers to, if any.
    pub fn relay(&self, ocr: &OcrSettings) -> Option<&'a CompanyRelay> {
        match &self.copy(ocr.library_ref.as_ref())?.device {
            CompanyDevice::Relay(r) => Some(r),
            _ => None,
        }
    }

    /// The company breaker an LV breaker refers to, if any.
    pub fn company_breaker(&self, b: &LvBreaker) -> Option<&'a CompanyBreaker> {
        match &self.copy(b.library_ref.as_ref())?.device {
            CompanyDevice::Breaker(c) => Some(c),
            _ => None,
        }
    }

    /// The built-in breaker frame an LV breaker refers to, if any.
    pub fn builtin_breaker(&self, b: &LvBreaker) -> Option<&'a BreakerItem> {
        self.builtin.breaker(b.library_ref.as_ref()?.builtin_id()?)
    }

    /// The curves of a PF: the company copy's curves for its rating, else the built-in item,
    /// else the generic curve of its type and rating (melting spread 0.20; the checks set
    /// their own).
    pub fn fuse_curves(&self, fuse: &PowerFuseSettings) -> Option<FuseCurves> {
        let r = fuse.library_ref.as_ref();
        if let Some(item) = self.copy(r) {
            return match &item.device {
                CompanyDevice::Fuse(f) => f.curves(fuse.rating_a),
                _ => None,
            };
        }
        match r.and_then(LibraryRef::builtin_id).and_then(|id| self.builtin.fuse(id)) {
            Some(item) => Some(item.curves.clone()),
            None => super::generic_fuse_curves(crate::checks::devices::pf_type_of(fuse.fuse_type), fuse.rating_a),
        }
    }

    /// Breaking capacity of a PF, kA: its own, else its library item's, else 40 kA.
    pub fn fuse_breaking_ka(&self, fuse: &PowerFuseSettings) -> f64 {
        let r = fuse.library_ref.as_ref();
        let item = match self.copy(r).map(|i| &i.device) {
            Some(CompanyDevice::Fuse(f)) => Some(f.breaking_capacity_ka),
            _ => r.and_then(LibraryRef::builtin_id).and_then(|id| self.builtin.fuse(id)).map(|i| i.breaking_capacity_ka),
        };
        fuse.breaking_capacity_ka.or(item).unwrap_or(40.0)
    }

    /// The cable item a cable refers to: its company copy or built-in item.
    pub fn cable(&self, c: &Cable) -> Option<CableData> {
        let r = c.library_ref.as_ref()?;
        if let Some(item) = self.copy(Some(r)) {
            return match &item.device {
                CompanyDevice::Cable(k) => Some(CableData {
                    cable_type: k.cable_type.clone(),
                    size_mm2: k.size_mm2,
                    company: true,
                    r_ohm_per_km: k.r_ohm_per_km,
                    x_ohm_per_km: k.x_ohm_per_km,
                    c_uf_per_km: k.c_uf_per_km,
                    withstand_k: k.withstand_k,
                    ampacity_a: k.ampacity_a,
                }),
                _ => None,
            };
        }
        self.builtin.cable(r.builtin_id()?).map(builtin_cable)
    }

    /// [`Resolver::cable`], else the built-in cable of the same type and size.
    pub fn cable_or_by_size(&self, c: &Cable) -> Option<CableData> {
        self.cable(c).or_else(|| self.builtin.cable_by_size(&c.cable_type, c.size_mm2).map(builtin_cable))
    }
}

fn builtin_cable(i: &super::CableItem) -> CableData {
    CableData {
        cable_type: i.cable_type.to_string(),
        size_mm2: i.size_mm2,
        company: false,
        r_ohm_per_km: i.r_ohm_per_km,
        x_ohm_per_km: i.x_ohm_per_km,
        c_uf_per_km: i.c_uf_per_km,
        withstand_k: i.withstand_k,
        ampacity_a: i.ampacity_a,
    }
}
