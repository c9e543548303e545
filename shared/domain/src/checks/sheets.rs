//! The relay test sheet (試験成績: operating times at 300 % and 700 % of tap with their
//! tolerance bands, instantaneous at 200 %) and the setting table (整定表) of every
//! protective device.

use crate::library::resolve::Resolver;
use serde::Serialize;

use crate::curves::OvercurrentRelay;
use crate::model::{Device, OcrSettings, Project, TripUnit};

use super::{devices, CheckSettings, UTILITY_ID};

/// One test point of a time element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestPoint {
    /// Test current as a percentage of tap (300 or 700).
    pub percent_of_tap: f64,
    /// Test current, A secondary.
    pub current_secondary_a: f64,
    /// Test current, A primary.
    pub current_primary_a: f64,
    /// Operating time from the curve, s (relay alone, no breaker).
    pub nominal_s: f64,
    /// Tolerance, ± fraction.
    pub tolerance: f64,
    /// Acceptance band, s.
    pub min_s: f64,
    pub max_s: f64,
}

/// The instantaneous test line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstantaneousTest {
    /// Instantaneous tap, A secondary.
    pub tap_a: f64,
    /// Pickup acceptance band, A secondary (tap ± instantaneous tolerance).
    pub pickup_min_a: f64,
    pub pickup_max_a: f64,
    /// Test current at 200 % of the tap, A secondary.
    pub test_current_secondary_a: f64,
    /// Largest acceptable operating time at 200 %, s.
    pub max_s: f64,
}

/// One relay on the test sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestSheetRow {
    pub device_id: String,
    pub name: String,
    /// Curve id as in the model (`ei`, `vi`, …).
    pub curve: String,
    pub ct_primary_a: f64,
    pub ct_secondary_a: f64,
    /// Time-element tap, A secondary (`None`: locked).
    pub tap_a: Option<f64>,
    /// Pickup acceptance band, A secondary.
    pub pickup_min_a: Option<f64>,
    pub pickup_max_a: Option<f64>,
    pub lever: Option<f64>,
    pub tms: Option<f64>,
    /// Points at 300 % and 700 % of tap (empty when the time element is locked).
    pub points: Vec<TestPoint>,
    pub instantaneous: Option<InstantaneousTest>,
}

fn curve_id(o: &OcrSettings) -> String {
    serde_json::to_value(o.curve).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The test-sheet row of one relay.
/// A company relay item's curve (resolved by `lib`) gives the test points' times.
pub fn test_sheet_row(
    id: &str,
    name: &str,
    ocr: &OcrSettings,
    lib: &Resolver<'_>,
    settings: &CheckSettings,
    frequency_hz: f64,
) -> TestSheetRow {
    let relay: Option<OvercurrentRelay> = devices::relay_from_ocr(ocr, lib, settings, frequency_hz).ok();
    let tol = settings.relay_tolerance;
    let ratio = ocr.ct_ratio();
    let mut points = Vec::new();
    if let (Some(r), Some(tap)) = (&relay, ocr.tap_a) {
        for pct in [300.0, 700.0] {
            let m = pct / 100.0;
            let nominal = r.time_element_at_multiple(m);
            let e = tol.time_tolerance_at(m);
            points.push(TestPoint {
                percent_of_tap: pct,
                current_secondary_a: tap * m,
                current_primary_a: tap * m * ratio,
                nominal_s: nominal,
                tolerance: e,
                min_s: nominal * (1.0 - e),
                max_s: nominal * (1.0 + e),
            });
        }
    }
    let instantaneous = ocr.instantaneous_tap_a.map(|t| InstantaneousTest {
        tap_a: t,
        pickup_min_a: t * (1.0 - tol.instantaneous_pickup),
        pickup_max_a: t * (1.0 + tol.instantaneous_pickup),
        test_current_secondary_a: 2.0 * t,
        max_s: ocr.instantaneous_time_s.unwrap_or(settings.instantaneous_max_time_s),
    });
    TestSheetRow {
        device_id: id.to_string(),
        name: name.to_string(),
        curve: curve_id(ocr),
        ct_primary_a: ocr.ct_primary_a,
        ct_secondary_a: ocr.ct_secondary_a,
        tap_a: ocr.tap_a,
        pickup_min_a: ocr.tap_a.map(|t| t * (1.0 - tol.pickup)),
        pickup_max_a: ocr.tap_a.map(|t| t * (1.0 + tol.pickup)),
        lever: ocr.lever,
        tms: ocr.effective_tms(),
        points,
        instantaneous,
    }
}

/// The test sheet of every customer OCR (VCB relays), in project order.
pub fn test_sheet(project: &Project, settings: &CheckSettings) -> Vec<TestSheetRow> {
    let f = project.utility.frequency_hz.hz();
    project
        .devices
        .iter()
        .filter_map(|d| match d {
            Device::Vcb(v) => Some(test_sheet_row(&v.id, d.display_name(), &v.ocr, &Resolver::of(project), settings, f)),
            _ => None,
        })
        .collect()
}

/// One line of the setting table. Fields that do not apply to the device are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SettingRow {
    pub device_id: String,
    pub name: String,
    /// Model type (`vcb`, `lbs_pf`, `lv_breaker`, `ground_switch`) or `utility`.
    pub device_type: String,
    /// OCR curve id.
    pub curve: Option<String>,
    /// CT ratio as written, e.g. `75/5`.
    pub ct_ratio: Option<String>,
    /// Time-element tap, A secondary, and its primary pickup, A.
    pub tap_a: Option<f64>,
    pub pickup_primary_a: Option<f64>,
    pub lever: Option<f64>,
    pub tms: Option<f64>,
    /// Instantaneous tap, A secondary, and its primary pickup, A.
    pub instantaneous_tap_a: Option<f64>,
    pub instantaneous_primary_a: Option<f64>,
    /// Fuse, e.g. `T 30 A`.
    pub fuse: Option<String>,
    /// Rated current In, A; frame AF, A.
    pub rated_current_a: Option<f64>,
    pub frame_a: Option<f64>,
    /// Breaking capacity, kA.
    pub breaking_capacity_ka: Option<f64>,
    /// Trip unit summary for LV breakers.
    pub trip: Option<String>,
    /// Ground relay summary, e.g. `DGR 0.2 A 0.2 s`.
    pub ground_relay: Option<String>,
    /// The company library item whose data the device uses: maker, model, source document,
    /// revision, id and version (absent for built-in or generic data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_item: Option<String>,
}

impl SettingRow {
    fn empty(id: &str, name: &str, device_type: &str) -> SettingRow {
        SettingRow {
            device_id: id.into(),
            name: name.into(),
            device_type: device_type.into(),
            curve: None,
            ct_ratio: None,
            tap_a: None,
            pickup_primary_a: None,
            lever: None,
            tms: None,
            instantaneous_tap_a: None,
            instantaneous_primary_a: None,
            fuse: None,
            rated_current_a: None,
            frame_a: None,
            breaking_capacity_ka: None,
            trip: None,
            ground_relay: None,
            library_item: None,
        }
    }

    fn with_ocr(mut self, o: &OcrSettings) -> SettingRow {
        self.curve = Some(curve_id(o));
        self.ct_ratio = Some(format!("{}/{}", o.ct_primary_a, o.ct_secondary_a));
        self.tap_a = o.tap_a;
        self.pickup_primary_a = o.pickup_primary_a();
        self.lever = o.lever;
        self.tms = o.effective_tms();
        self.instantaneous_tap_a = o.instantaneous_tap_a;
        self.instantaneous_primary_a = o.instantaneous_primary_a();
        self
    }
}

fn ground_text(g: &crate::model::GroundRelaySettings) -> String {
    let kind = match g.kind {
        crate::model::GroundRelayKind::Gr => "GR",
        crate::model::GroundRelayKind::Dgr => "DGR",
    };
    let v = g.voltage_percent.map(|v| format!(" V0 {v} %")).unwrap_or_default();
    format!("{kind} {} A {} s{v}", g.current_a, g.time_s)
}

/// The setting table: the utility's relays first, then every protective device in project
/// order.
pub fn setting_table(project: &Project) -> Vec<SettingRow> {
    let mut rows = Vec::new();
    let u = &project.utility;
    if u.ocr.is_some() || u.ground_relay.is_some() {
        let mut r = SettingRow::empty(UTILITY_ID, "電力会社 / utility", "utility");
        if let Some(o) = &u.ocr {
            r = r.with_ocr(o);
        }
        r.ground_relay = u.ground_relay.as_ref().map(ground_text);
        rows.push(r);
    }
    for d in &project.devices {
        let row = match d {
            Device::Vcb(v) => {
                let mut r = SettingRow::empty(&v.id, d.display_name(), "vcb").with_ocr(&v.ocr);
                r.rated_current_a = Some(v.rated_current_a);
                r.breaking_capacity_ka = Some(v.breaking_capacity_ka);
                r.ground_relay = v.ground_relay.as_ref().map(ground_text);
                r
            }
            Device::LbsPf(l) => {
                let mut r = SettingRow::empty(&l.id, d.display_name(), "lbs_pf");
                r.fuse = Some(format!("{:?} {} A", l.fuse.fuse_type, l.fuse.rating_a));
                r.rated_current_a = l.rated_current_a;
                r.breaking_capacity_ka = Some(devices::fuse_breaking_ka(&l.fuse, &Resolver::of(project)));
                r
            }
            Device::LvBreaker(b) => {
                let mut r = SettingRow::empty(&b.id, d.display_name(), "lv_breaker");
                r.rated_current_a = Some(b.rated_current_a);
                r.frame_a = Some(b.frame_a);
                r.breaking_capacity_ka = Some(b.breaking_capacity_ka);
                r.trip = Some(match b.trip {
                    TripUnit::ThermalMagnetic { instantaneous_multiple } => match instantaneous_multiple {
                        Some(m) => format!("thermal-magnetic, I {m} × In"),
                        None => "thermal-magnetic".into(),
                    },
                    TripUnit::Electronic { lt_multiple, lt_time_s, st_multiple, st_time_s, i_multiple } => {
                        let mut s = format!("LT {lt_multiple} × In {lt_time_s} s");
                        if let Some(m) = st_multiple {
                            s.push_str(&format!(", ST {m} × Ir {} s", st_time_s.unwrap_or(0.1)));
                        }
                        if let Some(m) = i_multiple {
                            s.push_str(&format!(", I {m} × In"));
                        }
                        s
                    }
                });
                r
            }
            Device::GroundSwitch(g) => {
                let mut r = SettingRow::empty(&g.id, d.display_name(), "ground_switch");
                r.rated_current_a = Some(g.rated_current_a);
                r.ground_relay = g.ground_relay.as_ref().map(ground_text);
                r
            }
            _ => continue,
        };
        rows.push(row);
    }
    // Name the company items whose data the rows rest on.
    let lib = Resolver::of(project);
    for (device_id, _, r) in crate::library::company::library_refs(project) {
        if let (Some(item), Some(row)) = (lib.copy(Some(r)), rows.iter_mut().find(|row| row.device_id == device_id)) {
            row.library_item = Some(format!(
                "{} {}（{} {}; {} v{}）",
                item.maker, item.model, item.source_document, item.revision, item.id, item.version
            ));
        }
    }
    rows
}
