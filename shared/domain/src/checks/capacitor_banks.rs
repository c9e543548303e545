//! Capacitor banks: series reactor, and the inrush of all banks behind one switch energised together.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CapacitorSettings {}

#[allow(clippy::derivable_impls)]
impl Default for CapacitorSettings {
    fn default() -> Self {
        CapacitorSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
