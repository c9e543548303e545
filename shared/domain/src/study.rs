//! The design study beside the protection study (docs/engineering.md §10): the load list with
//! demand factors, the demand on every transformer and the standard size it calls for, the
//! power-factor correction the site needs against the capacitor banks installed, and the
//! voltage drop from the service point to every load.
//!
//! [`design_study`] computes it once for a validated project; the analysis carries it
//! ([`crate::analysis::Analysis::design_study`]) and the rules of
//! [`crate::checks::design_study`] judge it (`docs/rules/design_study.md`).

pub mod loads;
pub mod power_factor;
pub mod transformer_sizing;
pub mod voltage_drop;

use serde::Serialize;

use crate::checks::design_study::DesignStudySettings;
use crate::model::topology::Topology;
use crate::model::Project;

pub use loads::LoadRow;
pub use power_factor::PowerFactorStudy;
pub use transformer_sizing::TransformerRow;
pub use voltage_drop::VoltageDropRow;

/// Everything the design study computes for one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DesignStudy {
    /// One row per load and motor, in project order.
    pub loads: Vec<LoadRow>,
    /// One row per transformer, in project order.
    pub transformers: Vec<TransformerRow>,
    /// The site's power factor and its correction; `None` when the project has no load.
    pub power_factor: Option<PowerFactorStudy>,
    /// One row per load and motor: the voltage drop from the service point to it.
    pub voltage_drop: Vec<VoltageDropRow>,
}

/// Compute the design study of a validated project. Never panics; devices the topology
/// does not reach are left out.
pub fn design_study(project: &Project, settings: &DesignStudySettings) -> DesignStudy {
    let (topo, _) = Topology::build(project);
    let demands = loads::demands(project, &topo);
    DesignStudy {
        loads: demands.iter().map(|d| d.row.clone()).collect(),
        transformers: transformer_sizing::rows(project, &demands, settings),
        power_factor: power_factor::study(project, &topo, &demands, settings),
        voltage_drop: voltage_drop::rows(project, &topo, &demands, settings),
    }
}
