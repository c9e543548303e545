//! Ground-switch and switchgear duty: SO lock at the service point, short-time and making ratings of PAS/UGS/LBS/VCB against the fault currents.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SwitchgearSettings {}

#[allow(clippy::derivable_impls)]
impl Default for SwitchgearSettings {
    fn default() -> Self {
        SwitchgearSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
