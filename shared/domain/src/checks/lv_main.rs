//! Rule `ocr_vs_lv_main`: an HV overcurrent relay against the LV main breaker below its
//! transformer, on the chart at the utility voltage.
//!
//! The relay's two elements are judged apart, because a user must be able to tell a sound
//! design from a reversal:
//! - below the relay's instantaneous pickup with its tolerance (pickup × (1 − 15 %), where the
//!   instantaneous element may start to act) only the *time element* can trip the HV breaker:
//!   any overlap of its band with the LV main's band there means an LV overload or fault
//!   trips the whole transformer first → **fail**, with the margin of that region;
//! - an overlap only at or above that current is the instantaneous element acting together
//!   with the LV main for the largest LV faults → **warning** (partial selectivity; common
//!   when the instantaneous is kept below the LV fault so that the relay clears the
//!   transformer's secondary fault fast), with the margin of the instantaneous region and
//!   the time-element region's margin in the message;
//! - no overlap → pass.
//!
//! Currents below the LV main's certain long-time pickup are not judged: there the breaker
//! need not trip at all; the relay pickup against the LV main's continuous current is a
//! ratings question (see `docs/rules/coordination.md`). Margins are time ratios, earliest
//! relay operation / latest LV clearing (≥ 1 selective): a band margin in seconds would read
//! 0.000 s at the millisecond end of the chart.

use super::{fmt_a, nominal_inst_pickup, CheckResult, Ctx, Margin, PairOutcome, PairSpec, Status};

/// Judge an HV relay (`spec.up`) over an LV main (`spec.down`) from their compared bands.
pub(super) fn judge(spec: &PairSpec<'_>, o: &PairOutcome, ctx: &Ctx<'_>) -> CheckResult {
    let (un, dn) = (&spec.up_name, &spec.down_name);
    let device_margin = ctx.settings.device_margin_s;
    let inst_from = spec.up.instantaneous_min_pickup_a();
    // Plain characters only: the message goes into cp932 CSV reports too.
    let low = (1.0 - ctx.settings.relay_tolerance.instantaneous_pickup) * 100.0;
    let (inst_ja, inst_en) = match inst_from {
        Some(p) => (
            format!("瞬時要素が動作し得る {}（整定値の {low:.0} %）未満", fmt_a(p)),
            format!("below {}, where its instantaneous element may start to act ({low:.0} % of its setting)", fmt_a(p)),
        ),
        None => ("瞬時要素はロック".to_string(), "its instantaneous element is locked".to_string()),
    };
    let (status, margin, at, ja, en);
    if o.band_worst_out < device_margin {
        // The time element overlaps: the region below the instantaneous decides.
        status = Status::Fail;
        margin = o.ratio_worst_out;
        at = o.ratio_worst_out_at;
        let from = o.first_overlap_at.unwrap_or(o.band_worst_out_at);
        if o.band_worst_out.is_finite() {
            ja = format!(
                "{un} の限時要素の動作帯が {dn} の動作帯と {} 以上で重なります（{inst_ja}、時間比 最小 {:.2}、{} において）。低圧側の過負荷・故障で {un} が先に動作し、選択遮断できません",
                fmt_a(from),
                margin,
                fmt_a(at)
            );
            en = format!(
                "the time element of {un} overlaps the band of {dn} from {} ({inst_en}; worst time ratio {:.2} at {}): an LV overload or fault trips {un} first: not selective",
                fmt_a(from),
                margin,
                fmt_a(at)
            );
        } else {
            ja = format!("{un} の限時要素は {} で動作し得ますが、{dn} はその電流で確実には動作しません（{inst_ja}）。選択遮断できません", fmt_a(o.band_worst_out_at));
            en = format!("the time element of {un} may operate at {} where {dn} does not certainly operate ({inst_en}): not selective", fmt_a(o.band_worst_out_at));
        }
    } else if o.band_worst < device_margin {
        // Only the instantaneous element overlaps: that region decides the warning.
        status = Status::Warning;
        margin = o.ratio_worst;
        at = o.ratio_worst_at;
        let from = o.first_overlap_at.unwrap_or(o.band_worst_at);
        let inst_setting = nominal_inst_pickup(spec.up).map(fmt_a).unwrap_or_default();
        let below = if o.ratio_worst_out.is_finite() {
            (
                format!("。それ未満では限時要素が選択遮断します（時間比 最小 {:.2}、{} において）", o.ratio_worst_out, fmt_a(o.ratio_worst_out_at)),
                format!("; below it the time element is selective (worst time ratio {:.2} at {})", o.ratio_worst_out, fmt_a(o.ratio_worst_out_at)),
            )
        } else {
            (String::new(), String::new())
        };
        ja = format!(
            "{un} の瞬時要素（{}）が {} 以上の故障（{dn} 側の最大故障電流 {}（換算）まで）で {dn} と同時に動作し得ます（部分的な選択遮断、時間比 最小 {:.2}、{} において）{}",
            inst_setting,
            fmt_a(from),
            fmt_a(spec.i_hi),
            margin,
            fmt_a(at),
            below.0
        );
        en = format!(
            "only the instantaneous element of {un} ({}) overlaps {dn}: it may operate together with {dn} for faults from {} up to the largest fault at {dn} ({} referred): partial selectivity (worst time ratio {:.2} at {}){}",
            inst_setting,
            fmt_a(from),
            fmt_a(spec.i_hi),
            margin,
            fmt_a(at),
            below.1
        );
    } else {
        status = Status::Pass;
        margin = o.ratio_worst;
        at = o.ratio_worst_at;
        ja = format!("{dn} は {un} より先に動作します（時間比 最小 {:.2}、{} において、最大故障電流 {} まで）", margin, fmt_a(at), fmt_a(spec.i_hi));
        en = format!("{dn} operates before {un} (worst time ratio {:.2} at {}, up to the maximum fault current {})", margin, fmt_a(at), fmt_a(spec.i_hi));
    }
    CheckResult {
        rule: spec.rule,
        devices: vec![spec.up_id.clone(), spec.down_id.clone()],
        status,
        worst_margin: Some(Margin::ratio(margin)),
        at_current_a: Some(at),
        current_basis_v: Some(ctx.chart_v),
        message_ja: ja,
        message_en: en,
    }
}
