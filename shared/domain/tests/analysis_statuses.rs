//! The coordination checks give the same statuses as they did before the engine was made
//! linear and its chart sampling adaptive: on every sample project and on synthetic sites of
//! several sizes, the summary, the count of pass / warning / fail per rule, and a hash (FNV-1a
//! 64) of the ordered list of `rule|devices|status` lines. Numbers and messages are not part of
//! this: where a check's worst margin lies on a flat stretch the current it names may move with
//! the last bits of a short-circuit current.

use std::collections::BTreeMap;

use domain::analysis::parse_and_analyze;
use domain::checks::Status;

struct Expected {
    /// A file of tests/fixtures, or `site_json(n)`.
    project: &'static str,
    /// Overall status, pass, warning, fail.
    summary: (&'static str, usize, usize, usize),
    /// `rule:pass/warning/fail` per rule, sorted by rule.
    rules: &'static str,
    /// FNV-1a 64 of the `rule|device,device|status\n` lines in order.
    fnv: u64,
}

const EXPECTED: &[Expected] = &[
    Expected {
        project: "1p3w_105v_fail.json",
        summary: ("fail", 51, 0, 1),
        rules: "breaking_capacity:4/0/1 cable_ampacity:1/0/0 cable_withstand:1/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:1/0/0 capacitor_reactor:1/0/0 dgr_voltage:1/0/0 ground_relay_coverage:1/0/0 ground_vs_utility:1/0/0 lbs_rating:1/0/0 lv_breaker_frame:3/0/0 lv_breaker_rating:3/0/0 lv_series:1/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:3/0/0 motor_start:2/0/0 motor_start_instantaneous:1/0/0 pf_main_capacity:1/0/0 pf_rating:2/0/0 pf_selection:2/0/0 pf_series:1/0/0 pf_vs_lv_main:2/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:3/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:2/0/0 transformer_loading:2/0/0 transformer_protection:2/0/0",
        fnv: 0xe3a60fa45ca38664,
    },
    Expected {
        project: "1p3w_105v_pass.json",
        summary: ("pass", 52, 0, 0),
        rules: "breaking_capacity:5/0/0 cable_ampacity:1/0/0 cable_withstand:1/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:1/0/0 capacitor_reactor:1/0/0 dgr_voltage:1/0/0 ground_relay_coverage:1/0/0 ground_vs_utility:1/0/0 lbs_rating:1/0/0 lv_breaker_frame:3/0/0 lv_breaker_rating:3/0/0 lv_series:1/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:3/0/0 motor_start:2/0/0 motor_start_instantaneous:1/0/0 pf_main_capacity:1/0/0 pf_rating:2/0/0 pf_selection:2/0/0 pf_series:1/0/0 pf_vs_lv_main:2/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:3/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:2/0/0 transformer_loading:2/0/0 transformer_protection:2/0/0",
        fnv: 0xe4284ee8a3a7baa5,
    },
    Expected {
        project: "bad_coordination.json",
        summary: ("fail", 36, 0, 10),
        rules: "breaking_capacity:3/0/1 cable_ampacity:2/0/0 cable_withstand:1/0/1 dgr_required:0/0/1 ground_relay_coverage:2/0/0 ground_vs_utility:0/0/1 hv_series:0/0/1 lbs_rating:1/0/0 lv_breaker_frame:1/0/0 lv_breaker_rating:0/0/1 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:0/0/1 making_current:4/0/0 ocr_pickup:1/0/1 ocr_vs_lv_main:0/0/1 pf_rating:1/0/0 pf_selection:1/0/0 pf_vs_upstream_ocr:1/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:4/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:1/0/1 transformer_loading:2/0/0 transformer_protection:2/0/0 vcb_rating:2/0/0",
        fnv: 0xf0de1f48ee8bb425,
    },
    Expected {
        project: "case_a.json",
        summary: ("warning", 11, 1, 0),
        rules: "breaking_capacity:1/0/0 dgr_required:1/0/0 ground_vs_utility:1/0/0 main_device:1/0/0 main_vs_utility:0/1/0 making_current:1/0/0 ocr_pickup:1/0/0 service_ground_relay:1/0/0 short_time_withstand:1/0/0 transformer_inrush:1/0/0 transformer_protection:1/0/0 vcb_rating:1/0/0",
        fnv: 0xdffcaa3198d05688,
    },
    Expected {
        project: "case_b.json",
        summary: ("warning", 24, 2, 0),
        rules: "breaking_capacity:2/0/0 cable_ampacity:1/0/0 cable_withstand:1/0/0 dgr_voltage:1/0/0 ground_relay_coverage:1/0/0 ground_vs_utility:1/0/0 lv_breaker_frame:1/0/0 lv_breaker_rating:1/0/0 main_device:1/0/0 main_vs_utility:0/1/0 making_current:2/0/0 ocr_pickup:1/0/0 ocr_vs_lv_main:0/1/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:2/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:1/0/0 transformer_loading:1/0/0 transformer_protection:1/0/0 vcb_rating:1/0/0",
        fnv: 0x39315cec3dbb22dc,
    },
    Expected {
        project: "cb_multi.json",
        summary: ("warning", 97, 7, 0),
        rules: "breaking_capacity:9/0/0 cable_ampacity:2/0/0 cable_withstand:2/0/0 capacitor_bank_inrush:2/0/0 capacitor_inrush:2/0/0 capacitor_reactor:2/0/0 ct_burden:2/0/0 ct_overcurrent_constant:1/0/0 ct_overcurrent_strength:1/0/0 dgr_required:1/0/0 dgr_voltage:1/0/0 ds_interlock:1/0/0 earthing_resistance:4/0/0 ground_relay_coverage:1/0/0 ground_series:1/0/0 ground_vs_utility:2/0/0 hv_series:0/2/0 la_rating:1/0/0 lbs_rating:2/0/0 lv_breaker_frame:4/0/0 lv_breaker_rating:4/0/0 lv_series:1/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:0/1/0 making_current:6/0/0 motor_start:4/0/0 motor_start_instantaneous:3/0/0 ocr_pickup:3/0/0 ocr_vs_lv_main:0/2/0 pf_rating:2/0/0 pf_selection:2/0/0 pf_vs_lv_main:1/0/0 pf_vs_upstream_ocr:0/2/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:6/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:3/0/0 transformer_loading:3/0/0 transformer_protection:3/0/0 vcb_rating:3/0/0 vct_rating:1/0/0 voltage_drop:1/0/0 vt_burden:2/0/0 vt_fuse:1/0/0",
        fnv: 0xfde6541e426b4fed,
    },
    Expected {
        project: "pfs_300kva.json",
        summary: ("pass", 48, 0, 0),
        rules: "breaking_capacity:4/0/0 cable_ampacity:1/0/0 cable_withstand:1/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:1/0/0 capacitor_reactor:1/0/0 dgr_voltage:1/0/0 ground_relay_coverage:1/0/0 ground_vs_utility:1/0/0 lbs_rating:1/0/0 lv_breaker_frame:2/0/0 lv_breaker_rating:2/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:3/0/0 motor_start:2/0/0 motor_start_instantaneous:1/0/0 pf_main_capacity:1/0/0 pf_rating:2/0/0 pf_selection:2/0/0 pf_series:1/0/0 pf_vs_lv_main:2/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:3/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:1/0/0 transformer_inrush:2/0/0 transformer_loading:2/0/0 transformer_protection:2/0/0",
        fnv: 0xa4d838dc6cc3274f,
    },
    Expected {
        project: "site_json(30)",
        summary: ("fail", 48, 0, 4),
        rules: "breaking_capacity:6/0/0 cable_ampacity:2/0/0 cable_withstand:2/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:1/0/0 capacitor_reactor:1/0/0 dgr_voltage:1/0/0 ground_relay_coverage:2/0/0 ground_vs_utility:1/0/0 hv_series:0/0/1 lv_breaker_frame:3/0/0 lv_breaker_rating:2/0/1 lv_series:2/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:4/0/0 ocr_pickup:2/0/0 ocr_vs_lv_main:0/0/1 pf_rating:1/0/0 pf_vs_upstream_ocr:1/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:4/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:0/0/1 transformer_inrush:1/0/0 transformer_loading:1/0/0 transformer_protection:1/0/0 vcb_rating:2/0/0",
        fnv: 0x6f65ef809f13bd6b,
    },
    Expected {
        project: "site_json(75)",
        summary: ("fail", 118, 0, 13),
        rules: "breaking_capacity:19/0/0 cable_ampacity:5/0/0 cable_withstand:5/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:2/0/0 capacitor_reactor:2/0/0 dgr_voltage:1/0/0 ground_relay_coverage:5/0/0 ground_vs_utility:1/0/0 hv_series:0/0/4 lv_breaker_frame:12/0/0 lv_breaker_rating:8/0/4 lv_series:8/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:8/0/0 ocr_pickup:5/0/0 ocr_vs_lv_main:0/0/4 pf_rating:2/0/0 pf_vs_upstream_ocr:2/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:8/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:0/0/1 transformer_inrush:4/0/0 transformer_loading:4/0/0 transformer_protection:4/0/0 vcb_rating:5/0/0",
        fnv: 0xbb3e35886042e362,
    },
    Expected {
        project: "site_json(200)",
        summary: ("fail", 298, 0, 39),
        rules: "breaking_capacity:53/0/0 cable_ampacity:12/0/1 cable_withstand:13/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:4/0/0 capacitor_reactor:4/0/0 dgr_voltage:1/0/0 ground_relay_coverage:13/0/0 ground_vs_utility:1/0/0 hv_series:0/0/12 lv_breaker_frame:36/0/0 lv_breaker_rating:24/0/12 lv_series:24/0/0 main_device:1/0/0 main_inrush:1/0/0 main_vs_utility:1/0/0 making_current:18/0/0 ocr_pickup:12/0/1 ocr_vs_lv_main:0/0/12 pf_rating:4/0/0 pf_vs_upstream_ocr:4/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:18/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:0/0/1 transformer_inrush:12/0/0 transformer_loading:12/0/0 transformer_protection:12/0/0 vcb_rating:13/0/0",
        fnv: 0x68a9264b1c12159a,
    },
    Expected {
        project: "site_json(480)",
        summary: ("fail", 723, 0, 98),
        rules: "breaking_capacity:133/0/0 cable_ampacity:31/0/1 cable_withstand:32/0/0 capacitor_bank_inrush:1/0/0 capacitor_inrush:8/0/0 capacitor_reactor:8/0/0 dgr_voltage:1/0/0 ground_relay_coverage:32/0/0 ground_vs_utility:1/0/0 hv_series:0/0/31 lv_breaker_frame:93/0/0 lv_breaker_rating:62/0/31 lv_series:62/0/0 main_device:1/0/0 main_inrush:0/0/1 main_vs_utility:1/0/0 making_current:41/0/0 ocr_pickup:31/0/1 ocr_vs_lv_main:0/0/31 pf_rating:8/0/0 pf_vs_upstream_ocr:8/0/0 power_factor_correction:1/0/0 service_ground_relay:1/0/0 short_time_withstand:41/0/0 so_lock_current:1/0/0 so_lock_required:1/0/0 so_lock_vs_utility:0/0/1 transformer_inrush:31/0/0 transformer_loading:31/0/0 transformer_protection:31/0/0 vcb_rating:31/0/1",
        fnv: 0xd9793db24384682a,
    },
];

fn word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warning => "warning",
        Status::Fail => "fail",
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[test]
fn check_statuses_are_unchanged_on_every_sample_and_synthetic_project() {
    for e in EXPECTED {
        let json = match e.project.strip_prefix("site_json(").and_then(|s| s.strip_suffix(')')) {
            Some(n) => domain::synthetic::site_json(n.parse().expect("size")),
            None => {
                let path = format!("{}/../../tests/fixtures/{}", env!("CARGO_MANIFEST_DIR"), e.project);
                std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
            }
        };
        let a = parse_and_analyze(&json).unwrap_or_else(|err| panic!("{}: {err:?}", e.project));
        let s = &a.summary;
        assert_eq!((word(s.status), s.pass, s.warning, s.fail), e.summary, "{}: summary", e.project);
        let mut per_rule: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        let mut lines = String::new();
        for r in &a.checks {
            per_rule.entry(r.rule).or_default()[r.status as usize] += 1;
            lines.push_str(&format!("{}|{}|{}\n", r.rule, r.devices.join(","), word(r.status)));
        }
        let rules: Vec<String> = per_rule.iter().map(|(k, v)| format!("{k}:{}/{}/{}", v[0], v[1], v[2])).collect();
        assert_eq!(rules.join(" "), e.rules, "{}: statuses per rule", e.project);
        assert_eq!(fnv1a(lines.as_bytes()), e.fnv, "{}: the ordered list of checks and statuses", e.project);
    }
}
