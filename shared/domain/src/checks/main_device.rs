//! One main protective device after the service-point switch, with every load behind it.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MainDeviceSettings {}

#[allow(clippy::derivable_impls)]
impl Default for MainDeviceSettings {
    fn default() -> Self {
        MainDeviceSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
