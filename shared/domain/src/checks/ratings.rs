//! Ratings against what each device carries: fuses, breakers, relay pickups and cables against the continuous current downstream; PF selection for transformers and capacitors; breaker rated current as a step of its frame.
//!
//! Rules and thresholds are listed in `docs/rules.md`.

use super::{CheckResult, Ctx};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RatingSettings {}

#[allow(clippy::derivable_impls)]
impl Default for RatingSettings {
    fn default() -> Self {
        RatingSettings {}
    }
}

/// Run these rules.
pub(crate) fn run(_ctx: &Ctx<'_>, _out: &mut Vec<CheckResult>) {}
