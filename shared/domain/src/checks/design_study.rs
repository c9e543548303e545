//! Rules on the design study ([`crate::study`]): transformer loading, power-factor
//! correction and the voltage drop of the LV wiring.
//!
//! Rules (ids; thresholds in [`DesignStudySettings`], sources in
//! `docs/rules/design_study.md`):
//! - `transformer_loading` — each transformer with loads below it: its demand (demand
//!   factors and diversity applied) above its rating fails; above `transformer_loading_limit`
//!   × its rating (smaller than the standard size the study selects) warns.
//! - `power_factor_correction` — the site with its banks: a power factor below
//!   `min_power_factor` (the tariff's 85 %) warns as under-compensated; a leading power
//!   factor at the demand warns as over-compensated.
//! - `voltage_drop` — each load below a transformer with LV cables on its way: the wiring
//!   drop (the larger of the simplified and exact results) against 内線規程 1310-1: trunk
//!   and branch each within their limits up to the long-route length, the whole route within
//!   the table's limit beyond it; over a limit fails.

use serde::Serialize;

use super::{CheckResult, Ctx, Margin, Status};
use crate::study::voltage_drop::WiringLimits;
use crate::study::{self, DesignStudy};

/// A wiring drop limit for routes up to a length (内線規程 1310-1, routes over 60 m).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RouteLimit {
    /// Longest route the limit applies to, m (`None`: no bound, the last row).
    pub up_to_m: Option<f64>,
    /// Trunk + branch drop limit, % of the nominal voltage.
    pub limit_percent: f64,
}

/// Settings of the design study and its rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DesignStudySettings {
    /// Diversity factor (不等率 ≥ 1) between the loads of one transformer, and of the site
    /// (default 1.0: the loads' demands coincide — the conservative reading).
    pub diversity_factor: f64,
    /// Largest demand accepted on a transformer, as a fraction of its rating, when selecting
    /// the standard size; an installed transformer loaded above it warns (default 0.8:
    /// practice leaves 20 % for growth and keeps the transformer near its best efficiency).
    pub transformer_loading_limit: f64,
    /// Design target of the power-factor correction: the report's required kvar (default
    /// 0.95).
    pub target_power_factor: f64,
    /// Power factor below which `power_factor_correction` warns (default 0.85: the
    /// reference of the high-voltage tariffs' 力率割引 — the basic charge is multiplied by
    /// (185 − PF%)/100, so below 85 % the customer pays more).
    pub min_power_factor: f64,
    /// Series reactor the report's capacitor rating assumes, % (default 6, JIS C 4902).
    pub reference_reactor_percent: f64,
    /// Trunk (幹線) drop limit for routes up to `long_route_m`, % (default 3: 内線規程
    /// 1310-1 for wiring supplied from a transformer on the premises).
    pub trunk_limit_percent: f64,
    /// Branch-circuit (分岐回路) drop limit for routes up to `long_route_m`, % (default 2).
    pub branch_limit_percent: f64,
    /// Route length from the transformer beyond which the total limits apply, m (default 60).
    pub long_route_m: f64,
    /// Total limits beyond `long_route_m`, shortest first (default 内線規程 表1310-1 for
    /// supply from a transformer: 120 m 5 %, 200 m 6 %, beyond 7 %).
    pub long_route_limits: Vec<RouteLimit>,
}

impl Default for DesignStudySettings {
    fn default() -> Self {
        DesignStudySettings {
            diversity_factor: 1.0,
            transformer_loading_limit: 0.8,
            target_power_factor: 0.95,
            min_power_factor: 0.85,
            reference_reactor_percent: 6.0,
            trunk_limit_percent: 3.0,
            branch_limit_percent: 2.0,
            long_route_m: 60.0,
            long_route_limits: vec![
                RouteLimit { up_to_m: Some(120.0), limit_percent: 5.0 },
                RouteLimit { up_to_m: Some(200.0), limit_percent: 6.0 },
                RouteLimit { up_to_m: None, limit_percent: 7.0 },
            ],
        }
    }
}

impl DesignStudySettings {
    /// The limits that apply to a wiring route of `length_m`.
    pub fn wiring_limits(&self, length_m: f64) -> WiringLimits {
        if length_m <= self.long_route_m {
            return WiringLimits::Split { trunk_percent: self.trunk_limit_percent, branch_percent: self.branch_limit_percent };
        }
        let percent = self
            .long_route_limits
            .iter()
            .find(|r| r.up_to_m.is_none_or(|m| length_m <= m))
            .or(self.long_route_limits.last())
            .map(|r| r.limit_percent)
            .unwrap_or(self.trunk_limit_percent + self.branch_limit_percent);
        WiringLimits::Total { percent }
    }
}

/// Relative tolerance of the comparisons (a demand exactly at a limit passes).
const TOL: f64 = 1e-9;

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let s = study::design_study(ctx.project, &ctx.settings.design_study);
    transformer_loading(ctx, &s, out);
    power_factor_correction(ctx, &s, out);
    voltage_drop(&s, out);
}

/// One decimal, without a negative zero.
fn f1(v: f64) -> String {
    format!("{:.1}", v + 0.0)
}

/// Rule `transformer_loading`.
fn transformer_loading(ctx: &Ctx<'_>, s: &DesignStudy, out: &mut Vec<CheckResult>) {
    let limit = ctx.settings.design_study.transformer_loading_limit;
    for t in &s.transformers {
        if t.load_count == 0 || !(t.demand_kva > 0.0) {
            continue;
        }
        let name = &t.name;
        let (d, r) = (t.demand_kva, t.rated_kva);
        let sel_ja = t.selected_kva.map(|k| format!("{k} kVA")).unwrap_or_else(|| "標準容量の範囲外".into());
        let sel_en = t.selected_kva.map(|k| format!("{k} kVA")).unwrap_or_else(|| "beyond the standard sizes".into());
        let basis_ja = format!("（設備容量 {} kVA、需要率・不等率 {} を適用）", f1(t.installed_kva), t.diversity_factor);
        let basis_en = format!(" (installed {} kVA, demand factors and diversity {} applied)", f1(t.installed_kva), t.diversity_factor);
        let (status, ja, en) = if d > r * (1.0 + TOL) {
            (
                Status::Fail,
                format!("{name} の需要 {} kVA（負荷率 {} %）が定格 {r} kVA を超えます: 過負荷です。負荷率 {} % 以下となる標準容量は {sel_ja}", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
                format!("the demand on {name}, {} kVA ({} % loading), exceeds its rating of {r} kVA: overloaded; the standard size for at most {} % loading is {sel_en}", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
            )
        } else if d > limit * r * (1.0 + TOL) {
            (
                Status::Warning,
                format!("{name} の需要 {} kVA は定格 {r} kVA の {} % で、負荷率の上限 {} % を超えます（余裕不足）。選定される標準容量は {sel_ja}", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
                format!("the demand on {name}, {} kVA, is {} % of its {r} kVA rating, above the {} % loading limit (little margin); the standard size selected is {sel_en}", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
            )
        } else {
            (
                Status::Pass,
                format!("{name} の需要 {} kVA は定格 {r} kVA の {} %（上限 {} %）: 適合", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
                format!("the demand on {name}, {} kVA, is {} % of its {r} kVA rating (limit {} %): sufficient", f1(d), f1(t.loading_percent), f1(limit * 100.0)),
            )
        };
        out.push(CheckResult {
            rule: "transformer_loading",
            devices: vec![t.device_id.clone()],
            status,
            worst_margin: Some(Margin::ratio(r / d)),
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja + &basis_ja,
            message_en: en + &basis_en,
        });
    }
}

/// Rule `power_factor_correction`.
fn power_factor_correction(ctx: &Ctx<'_>, s: &DesignStudy, out: &mut Vec<CheckResult>) {
    let Some(pf) = &s.power_factor else { return };
    let mut devices = vec![ctx.project.utility.bus.clone()];
    devices.extend(pf.banks.iter().map(|b| b.device_id.clone()));
    let (after, min, target) = (pf.power_factor_after, pf.min_power_factor, pf.target_power_factor);
    let need_ja = if pf.additional_kvar > 0.0 { format!("。目標力率 {target} には更に {} kvar が必要です", f1(pf.additional_kvar)) } else { String::new() };
    let need_en = if pf.additional_kvar > 0.0 { format!("; {} kvar more would reach the {target} target", f1(pf.additional_kvar)) } else { String::new() };
    let (status, margin, ja, en) = if pf.leading {
        (
            Status::Warning,
            pf.demand_kvar / pf.installed_kvar,
            format!("コンデンサ {} kvar が需要の無効電力 {} kvar を超え、需要時にも進み力率 {:.3} になります（過補償）。軽負荷時は更に進みます。容量を減らすか自動力率調整としてください", f1(pf.installed_kvar), f1(pf.demand_kvar), after),
            format!("the banks' {} kvar exceed the demand's {} kvar: the site leads (power factor {:.3}) even at its demand, more so at light load (over-compensated); reduce them or switch them automatically", f1(pf.installed_kvar), f1(pf.demand_kvar), after),
        )
    } else if after < min * (1.0 - TOL) {
        (
            Status::Warning,
            after / min,
            format!("需要時の力率 {:.3}（コンデンサ {} kvar）は基準力率 {min} 未満です（補償不足）。目標力率 {target} には計 {} kvar（6 % リアクトル付きコンデンサ定格 {} kvar）が必要です", after, f1(pf.installed_kvar), f1(pf.required_kvar), f1(pf.required_capacitor_kvar)),
            format!("the power factor at the demand is {:.3} with {} kvar of banks, below the {min} reference (under-compensated); {} kvar in all ({} kvar of capacitor rating with a 6 % reactor) reach the {target} target", after, f1(pf.installed_kvar), f1(pf.required_kvar), f1(pf.required_capacitor_kvar)),
        )
    } else {
        (
            Status::Pass,
            after / min,
            format!("需要時の力率 {:.3}（改善前 {:.3}、コンデンサ {} kvar）は基準力率 {min} 以上です{need_ja}", after, pf.power_factor_before, f1(pf.installed_kvar)),
            format!("the power factor at the demand is {:.3} (before correction {:.3}, banks {} kvar), at least the {min} reference{need_en}", after, pf.power_factor_before, f1(pf.installed_kvar)),
        )
    };
    out.push(CheckResult {
        rule: "power_factor_correction",
        devices,
        status,
        worst_margin: Some(Margin::ratio(margin)),
        at_current_a: None,
        current_basis_v: None,
        message_ja: ja,
        message_en: en,
    });
}

/// Rule `voltage_drop`.
fn voltage_drop(s: &DesignStudy, out: &mut Vec<CheckResult>) {
    for row in &s.voltage_drop {
        let Some(limits) = row.limits else { continue };
        let (trunk, branch) = (row.trunk_percent.worst(), row.branch_percent.worst());
        let total = (row.trunk_percent.simplified + row.branch_percent.simplified).max(row.trunk_percent.exact + row.branch_percent.exact);
        let len = row.wiring_length_m;
        let (ok, ratio, ja_lim, en_lim) = match limits {
            WiringLimits::Split { trunk_percent, branch_percent } => {
                let ratio = (trunk_percent / trunk).min(branch_percent / branch);
                (
                    trunk <= trunk_percent * (1.0 + TOL) && branch <= branch_percent * (1.0 + TOL),
                    ratio,
                    format!("幹線 {:.2} %（上限 {trunk_percent} %）、分岐回路 {:.2} %（上限 {branch_percent} %）、こう長 {} m", trunk, branch, f1(len)),
                    format!("trunk {:.2} % (limit {trunk_percent} %), branch {:.2} % (limit {branch_percent} %), route {} m", trunk, branch, f1(len)),
                )
            }
            WiringLimits::Total { percent } => (
                total <= percent * (1.0 + TOL),
                percent / total,
                format!("幹線と分岐回路の計 {:.2} %（こう長 {} m の上限 {percent} %）", total, f1(len)),
                format!("trunk and branch together {:.2} % (limit {percent} % for a {} m route)", total, f1(len)),
            ),
        };
        let mut devices: Vec<String> = row.transformer_id.iter().cloned().collect();
        devices.extend(row.segments.iter().filter(|g| matches!(g.section, study::voltage_drop::Section::Trunk | study::voltage_drop::Section::Branch)).map(|g| g.device_id.clone()));
        devices.push(row.load_id.clone());
        let name = &row.name;
        out.push(CheckResult {
            rule: "voltage_drop",
            devices,
            status: if ok { Status::Pass } else { Status::Fail },
            worst_margin: Some(Margin::ratio(ratio)),
            at_current_a: None,
            current_basis_v: None,
            message_ja: format!("{name} までの低圧配線の電圧降下: {ja_lim}（内線規程 1310-1）: {}", if ok { "適合" } else { "上限を超えます" }),
            message_en: format!("voltage drop of the LV wiring to {name}: {en_lim} (内線規程 1310-1): {}", if ok { "within the limits" } else { "over the limit" }),
        });
    }
}
