//! Motor starting: the starting current for the starting time lies below the minimum band of every protective device upstream.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MotorStartSettings {}

#[allow(clippy::derivable_impls)]
impl Default for MotorStartSettings {
    fn default() -> Self {
        MotorStartSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
