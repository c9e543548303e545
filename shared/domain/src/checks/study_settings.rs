//! Study criteria outside practice. A project may set its own margin, inrush and withstand
//! criteria; a value that makes the study more lenient than the customary one is reported as
//! a warning on the project (rule `study_settings`), never applied silently. Values that
//! cannot be meant (a zero margin) are refused by validation instead.
//!
//! Rules and thresholds are listed in `docs/rules/input.md`.

use super::{CheckResult, Ctx, Margin, MarginUnit, Status};
use crate::model::Device;

/// Bounds of customary practice; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StudySettings {
    /// Smallest customary margin between relays in series, s (default 0.2; practice
    /// 0.2–0.3 s).
    pub min_margin_s: f64,
    /// Smallest customary transformer inrush multiple (default 8: practice 10 × rated current;
    /// makers give 8–12 × for distribution transformers).
    pub min_inrush_multiple: f64,
    /// Shortest customary inrush duration, s (default 0.1).
    pub min_inrush_duration_s: f64,
    /// Largest customary transformer withstand: multiple of rated current (default 25) …
    pub max_withstand_multiple: f64,
    /// … for this long, s (default 2.0; JIS C 4304/4306 short-circuit strength).
    pub max_withstand_duration_s: f64,
    /// Shortest credible VCB opening time, cycles of the supply (default 2; 3 cycles is the
    /// rated interrupting time of the usual 6.6 kV VCB).
    pub min_breaker_cycles: f64,
}

impl Default for StudySettings {
    fn default() -> Self {
        StudySettings {
            min_margin_s: 0.2,
            min_inrush_multiple: 8.0,
            min_inrush_duration_s: 0.1,
            max_withstand_multiple: 25.0,
            max_withstand_duration_s: 2.0,
            min_breaker_cycles: 2.0,
        }
    }
}

fn warning(devices: Vec<String>, pointer: &str, value: f64, unit: MarginUnit, ja: String, en: String) -> CheckResult {
    CheckResult {
        rule: "study_settings",
        devices,
        status: Status::Warning,
        worst_margin: Some(Margin { value: value.is_finite().then_some(value), unit }),
        at_current_a: None,
        current_basis_v: None,
        message_ja: format!("{ja}（{pointer}）"),
        message_en: format!("{en} ({pointer})"),
    }
}

/// Report every study criterion more lenient than practice.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let bounds = &ctx.settings.study;
    let s = &ctx.project.settings;
    if let Some(m) = s.margin_s.filter(|&m| m < bounds.min_margin_s) {
        out.push(warning(
            Vec::new(),
            "/settings/margin_s",
            m,
            MarginUnit::Seconds,
            format!("直列継電器の時限差 {m} s は慣用値（{} s 以上）より小さく設定されています", bounds.min_margin_s),
            format!("the series relay margin {m} s is below the customary {} s or more", bounds.min_margin_s),
        ));
    }
    if let Some(k) = s.inrush_multiple.filter(|&k| k < bounds.min_inrush_multiple) {
        out.push(warning(
            Vec::new(),
            "/settings/inrush_multiple",
            k,
            MarginUnit::Ratio,
            format!("変圧器励磁突入電流 {k} 倍は慣用値（定格の 10 倍、下限 {} 倍）より小さく、突入電流の検討が甘くなります", bounds.min_inrush_multiple),
            format!("a transformer inrush of {k} × rated is below the customary 10 × (at least {} ×): the inrush checks become lenient", bounds.min_inrush_multiple),
        ));
    }
    if let Some(t) = s.inrush_duration_s.filter(|&t| t < bounds.min_inrush_duration_s) {
        out.push(warning(
            Vec::new(),
            "/settings/inrush_duration_s",
            t,
            MarginUnit::Seconds,
            format!("励磁突入電流の継続時間 {t} s は慣用値 {} s より短く設定されています", bounds.min_inrush_duration_s),
            format!("an inrush duration of {t} s is shorter than the customary {} s", bounds.min_inrush_duration_s),
        ));
    }
    if let Some(k) = s.transformer_withstand_multiple.filter(|&k| k > bounds.max_withstand_multiple) {
        out.push(warning(
            Vec::new(),
            "/settings/transformer_withstand_multiple",
            k,
            MarginUnit::Ratio,
            format!("変圧器の短絡強度 {k} 倍は JIS の {} 倍を超えて設定されています", bounds.max_withstand_multiple),
            format!("a transformer withstand of {k} × rated exceeds the standard {} ×", bounds.max_withstand_multiple),
        ));
    }
    if let Some(t) = s.transformer_withstand_duration_s.filter(|&t| t > bounds.max_withstand_duration_s) {
        out.push(warning(
            Vec::new(),
            "/settings/transformer_withstand_duration_s",
            t,
            MarginUnit::Seconds,
            format!("変圧器の短絡強度の継続時間 {t} s は JIS の {} s を超えて設定されています", bounds.max_withstand_duration_s),
            format!("a transformer withstand duration of {t} s exceeds the standard {} s", bounds.max_withstand_duration_s),
        ));
    }
    let min_breaker_s = bounds.min_breaker_cycles / ctx.frequency_hz;
    for (i, d) in ctx.project.devices.iter().enumerate() {
        match d {
            Device::Transformer(t) => {
                let Some(inrush) = &t.inrush else { continue };
                if inrush.multiple < bounds.min_inrush_multiple || inrush.duration_s < bounds.min_inrush_duration_s {
                    out.push(warning(
                        vec![t.id.clone()],
                        &format!("/devices/{i}/inrush"),
                        inrush.multiple,
                        MarginUnit::Ratio,
                        format!(
                            "{} の励磁突入電流 {} 倍 {} s は慣用値（{} 倍以上、{} s 以上）を下回ります。メーカー資料で確認してください",
                            d.display_name(), inrush.multiple, inrush.duration_s, bounds.min_inrush_multiple, bounds.min_inrush_duration_s
                        ),
                        format!(
                            "the inrush of {} ({} × for {} s) is below the customary {} × for {} s: confirm it with the maker's data",
                            d.display_name(), inrush.multiple, inrush.duration_s, bounds.min_inrush_multiple, bounds.min_inrush_duration_s
                        ),
                    ));
                }
            }
            Device::Vcb(v) => {
                let Some(bt) = v.ocr.breaker_time_s.filter(|&bt| bt < min_breaker_s) else { continue };
                out.push(warning(
                    vec![v.id.clone()],
                    &format!("/devices/{i}/ocr/breaker_time_s"),
                    bt,
                    MarginUnit::Seconds,
                    format!("{} の遮断器動作時間 {bt} s は {} サイクル（{min_breaker_s:.3} s）より短く設定されています", d.display_name(), bounds.min_breaker_cycles),
                    format!("the breaker time of {} ({bt} s) is shorter than {} cycles ({min_breaker_s:.3} s)", d.display_name(), bounds.min_breaker_cycles),
                ));
            }
            _ => {}
        }
    }
}
