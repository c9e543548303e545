//! Transformer capacity (変圧器容量): the demand each transformer carries and the standard
//! size that demand calls for (docs/engineering.md §10.2).
//!
//! Demand of a transformer = Σ (installed × demand factor) of every load below it, taken
//! as vectors (kW and kvar summed apart), divided by the diversity factor (不等率 ≥ 1):
//! `S_d = √((ΣP)² + (ΣQ)²) / diversity`. The size called for is the smallest standard
//! rating `S` with `S_d ≤ loading_limit × S`.

use serde::Serialize;

use super::loads::LoadDemand;
use crate::checks::design_study::DesignStudySettings;
use crate::model::{Device, Phases, Project};

/// Standard ratings of three-phase distribution transformers, kVA (JIS C 4304 oil-immersed
/// and JIS C 4306 moulded, 6 kV class: 20 … 2 000 kVA).
pub const THREE_PHASE_SIZES_KVA: [f64; 13] = [20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0];

/// Standard ratings of single-phase distribution transformers, kVA (JIS C 4304 / 4306:
/// 10 … 500 kVA).
pub const SINGLE_PHASE_SIZES_KVA: [f64; 10] = [10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0];

/// The smallest standard rating that carries `demand_kva` at `loading_limit` (0 < limit ≤ 1),
/// `None` when even the largest does not (or the input is not a finite positive number).
pub fn select_standard_kva(phases: Phases, demand_kva: f64, loading_limit: f64) -> Option<f64> {
    if !(demand_kva.is_finite() && demand_kva >= 0.0 && loading_limit > 0.0) {
        return None;
    }
    let sizes: &[f64] = match phases {
        Phases::Three => &THREE_PHASE_SIZES_KVA,
        Phases::Single => &SINGLE_PHASE_SIZES_KVA,
    };
    sizes.iter().copied().find(|s| demand_kva <= loading_limit * s * (1.0 + 1e-9))
}

/// One transformer's demand and the size it calls for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransformerRow {
    pub device_id: String,
    pub name: String,
    pub phases: Phases,
    /// Installed rating, kVA.
    pub rated_kva: f64,
    /// Loads and motors below it.
    pub load_count: usize,
    /// Σ installed input of those loads, kVA (arithmetic).
    pub installed_kva: f64,
    /// Diversity factor applied (不等率 ≥ 1).
    pub diversity_factor: f64,
    /// Demand: Σ (installed × demand factor) / diversity, kW, kvar, kVA.
    pub demand_kw: f64,
    pub demand_kvar: f64,
    pub demand_kva: f64,
    /// Power factor of the demand (1 when there is none).
    pub power_factor: f64,
    /// Largest loading accepted when selecting a size (fraction of the rating).
    pub loading_limit: f64,
    /// Smallest standard rating carrying the demand at the loading limit, kVA; `None` beyond
    /// the table.
    pub selected_kva: Option<f64>,
    /// Demand / installed rating, %.
    pub loading_percent: f64,
}

/// Rows for every transformer of the project, in project order.
pub(crate) fn rows(project: &Project, demands: &[LoadDemand], settings: &DesignStudySettings) -> Vec<TransformerRow> {
    let diversity = settings.diversity_factor;
    let mut out = Vec::new();
    let through = super::loads::loads_through(demands, project.devices.len());
    for (i, d) in project.devices.iter().enumerate() {
        let Device::Transformer(t) = d else { continue };
        let below: Vec<&LoadDemand> = through[i].iter().map(|&k| &demands[k]).collect();
        let p: f64 = below.iter().fold(0.0, |a, l| a + l.row.demand_kw) / diversity;
        let q: f64 = below.iter().fold(0.0, |a, l| a + l.row.demand_kvar) / diversity;
        let s = p.hypot(q);
        out.push(TransformerRow {
            device_id: t.id.clone(),
            name: d.display_name().to_string(),
            phases: t.phases,
            rated_kva: t.rated_kva,
            load_count: below.len(),
            installed_kva: below.iter().fold(0.0, |a, l| a + l.row.installed_kva),
            diversity_factor: diversity,
            demand_kw: p,
            demand_kvar: q,
            demand_kva: s,
            power_factor: if s > 0.0 { p / s } else { 1.0 },
            loading_limit: settings.transformer_loading_limit,
            selected_kva: select_standard_kva(t.phases, s, settings.transformer_loading_limit),
            loading_percent: s / t.rated_kva * 100.0,
        });
    }
    out
}
