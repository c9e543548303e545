//! The design-study CSV reports (docs/engineering.md §10): load list (負荷一覧), transformer
//! sizing (変圧器容量計算), power-factor correction (力率改善計算) and voltage drop
//! (電圧降下計算). Written through [`crate::reports`] like every other report.

use domain::analysis::Analysis;
use domain::study::loads::LoadKind;
use domain::study::voltage_drop::{Section, WiringLimits};

use crate::reports::{fmt, h, o, Language, Table};

fn ja(lang: Language) -> bool {
    lang == Language::Japanese
}

fn yes_no(v: bool) -> String {
    if v { "1".into() } else { "0".into() }
}

/// One row per load and motor, grouped by transformer and then by feeder (project order
/// within a group).
pub(crate) fn loads(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("機器ID", "device_id"),
            ("名称", "name"),
            ("種別", "kind"),
            ("母線ID", "bus_id"),
            ("電圧[V]", "voltage_v"),
            ("単相", "single_phase"),
            ("フィーダ", "feeder_id"),
            ("変圧器", "transformer_id"),
            ("設備容量[kVA]", "installed_kva"),
            ("力率", "power_factor"),
            ("需要率", "demand_factor"),
            ("需要電力[kW]", "demand_kw"),
            ("無効電力[kvar]", "demand_kvar"),
            ("需要容量[kVA]", "demand_kva"),
            ("電流[A]", "current_a"),
        ],
    );
    let mut list: Vec<_> = analysis.design_study.loads.iter().collect();
    list.sort_by(|a, b| (&a.transformer_id, &a.feeder_id).cmp(&(&b.transformer_id, &b.feeder_id)));
    let rows = list
        .into_iter()
        .map(|l| {
            let kind = match (l.kind, ja(lang)) {
                (LoadKind::Load, true) => "負荷",
                (LoadKind::Motor, true) => "電動機",
                (LoadKind::Load, false) => "load",
                (LoadKind::Motor, false) => "motor",
            };
            vec![
                l.device_id.clone(),
                l.name.clone(),
                kind.into(),
                l.bus_id.clone(),
                fmt(l.voltage_v),
                yes_no(l.single_phase),
                l.feeder_id.clone().unwrap_or_default(),
                l.transformer_id.clone().unwrap_or_default(),
                fmt(l.installed_kva),
                fmt(l.power_factor),
                fmt(l.demand_factor),
                fmt(l.demand_kw),
                fmt(l.demand_kvar),
                fmt(l.demand_kva),
                fmt(l.current_a),
            ]
        })
        .collect();
    Table { header, rows }
}

/// One row per transformer.
pub(crate) fn transformer_sizing(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("機器ID", "device_id"),
            ("名称", "name"),
            ("相数", "phases"),
            ("定格容量[kVA]", "rated_kva"),
            ("負荷数", "load_count"),
            ("設備容量[kVA]", "installed_kva"),
            ("不等率", "diversity_factor"),
            ("需要電力[kW]", "demand_kw"),
            ("無効電力[kvar]", "demand_kvar"),
            ("需要容量[kVA]", "demand_kva"),
            ("総合力率", "power_factor"),
            ("負荷率上限", "loading_limit"),
            ("選定標準容量[kVA]", "selected_kva"),
            ("負荷率[%]", "loading_percent"),
        ],
    );
    let rows = analysis
        .design_study
        .transformers
        .iter()
        .map(|t| {
            let phases = match (t.phases, ja(lang)) {
                (domain::model::Phases::Three, true) => "三相",
                (domain::model::Phases::Single, true) => "単相",
                (domain::model::Phases::Three, false) => "three",
                (domain::model::Phases::Single, false) => "single",
            };
            vec![
                t.device_id.clone(),
                t.name.clone(),
                phases.into(),
                fmt(t.rated_kva),
                t.load_count.to_string(),
                fmt(t.installed_kva),
                fmt(t.diversity_factor),
                fmt(t.demand_kw),
                fmt(t.demand_kvar),
                fmt(t.demand_kva),
                fmt(t.power_factor),
                fmt(t.loading_limit),
                o(t.selected_kva),
                fmt(t.loading_percent),
            ]
        })
        .collect();
    Table { header, rows }
}

/// One row per capacitor bank, then a row for the site (its id is the service-point bus).
pub(crate) fn power_factor(project: &domain::model::Project, analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("機器ID", "device_id"),
            ("名称", "name"),
            ("母線ID", "bus_id"),
            ("母線電圧[V]", "bus_voltage_v"),
            ("コンデンサ定格容量[kvar]", "rated_kvar"),
            ("コンデンサ定格電圧[V]", "rated_voltage_v"),
            ("直列リアクトル[%]", "reactor_percent"),
            ("実効容量[kvar]", "effective_kvar"),
            ("需要電力[kW]", "demand_kw"),
            ("無効電力[kvar]", "demand_kvar"),
            ("改善前力率", "power_factor_before"),
            ("目標力率", "target_power_factor"),
            ("必要容量[kvar]", "required_kvar"),
            ("必要コンデンサ定格[kvar]", "required_capacitor_kvar"),
            ("改善後力率", "power_factor_after"),
            ("進み力率", "leading"),
            ("不足容量[kvar]", "additional_kvar"),
        ],
    );
    let mut rows = Vec::new();
    let Some(pf) = &analysis.design_study.power_factor else { return Table { header, rows } };
    for b in &pf.banks {
        let mut r = vec![
            b.device_id.clone(),
            b.name.clone(),
            b.bus_id.clone(),
            fmt(b.bus_voltage_v),
            fmt(b.rated_kvar),
            fmt(b.rated_voltage_v),
            fmt(b.reactor_percent),
            fmt(b.effective_kvar),
        ];
        r.extend(std::iter::repeat_n(String::new(), 9));
        rows.push(r);
    }
    let mut site = vec![
        project.utility.bus.clone(),
        if ja(lang) { "需要家全体".into() } else { "site".into() },
    ];
    site.extend(std::iter::repeat_n(String::new(), 5));
    site.extend([
        fmt(pf.installed_kvar),
        fmt(pf.demand_kw),
        fmt(pf.demand_kvar),
        fmt(pf.power_factor_before),
        fmt(pf.target_power_factor),
        fmt(pf.required_kvar),
        fmt(pf.required_capacitor_kvar),
        fmt(pf.power_factor_after),
        yes_no(pf.leading),
        fmt(pf.additional_kvar),
    ]);
    rows.push(site);
    Table { header, rows }
}

/// One row per load, then one per cable or transformer on its way.
pub(crate) fn voltage_drop(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("負荷ID", "load_id"),
            ("名称", "name"),
            ("区間", "section"),
            ("機器ID", "device_id"),
            ("こう長[m]", "length_m"),
            ("電流[A]", "current_a"),
            ("力率", "power_factor"),
            ("電圧降下 簡略式[%]", "simplified_percent"),
            ("電圧降下 厳密式[%]", "exact_percent"),
            ("上限[%]", "limit_percent"),
        ],
    );
    let section = |s: Section| -> &'static str {
        match (s, ja(lang)) {
            (Section::Supply, true) => "上位",
            (Section::Transformer, true) => "変圧器",
            (Section::Trunk, true) => "幹線",
            (Section::Branch, true) => "分岐回路",
            (Section::Supply, false) => "supply",
            (Section::Transformer, false) => "transformer",
            (Section::Trunk, false) => "trunk",
            (Section::Branch, false) => "branch",
        }
    };
    let mut rows = Vec::new();
    for r in &analysis.design_study.voltage_drop {
        let (trunk_lim, branch_lim, total_lim) = match r.limits {
            Some(WiringLimits::Split { trunk_percent, branch_percent }) => (Some(trunk_percent), Some(branch_percent), None),
            Some(WiringLimits::Total { percent }) => (None, None, Some(percent)),
            None => (None, None, None),
        };
        rows.push(vec![
            r.load_id.clone(),
            r.name.clone(),
            if ja(lang) { "合計".into() } else { "total".into() },
            r.transformer_id.clone().unwrap_or_default(),
            fmt(r.wiring_length_m),
            String::new(),
            String::new(),
            fmt(r.total_percent.simplified),
            fmt(r.total_percent.exact),
            o(total_lim),
        ]);
        for g in &r.segments {
            let lim = match g.section {
                Section::Trunk => trunk_lim,
                Section::Branch => branch_lim,
                _ => None,
            };
            rows.push(vec![
                r.load_id.clone(),
                r.name.clone(),
                section(g.section).into(),
                g.device_id.clone(),
                fmt(g.length_m),
                fmt(g.current_a),
                fmt(g.power_factor),
                fmt(g.simplified_percent),
                fmt(g.exact_percent),
                o(lim),
            ]);
        }
    }
    Table { header, rows }
}
