//! Ground protection: a ground relay at the service-point switch covering the lead-in cable, DGR voltage settings, customer ground relays in series.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroundProtectionSettings {}

#[allow(clippy::derivable_impls)]
impl Default for GroundProtectionSettings {
    fn default() -> Self {
        GroundProtectionSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
