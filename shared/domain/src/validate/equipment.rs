//! Validation of the equipment beside the protective devices ([`crate::model::equipment`]): DS,
//! VCT, LA, VT, meters and earthing, the CT ratings of a VCB and the ZCT/ZPD of a ground relay.
//! Every value must describe a real device (positive ratios, a known class, the ratings a
//! rule needs), and every id a meter, an earthing or a DS interlock names must be a device of
//! the right kind. Errors carry the JSON pointer of the field, as everywhere in validation.

use std::collections::{HashMap, HashSet};

use super::{num, short, Validator, CT_PRIMARY_RATINGS_A, TRANSFORMER_VOLTAGE_TOLERANCE};
use crate::model::{CurrentTransformer, Device, EarthingClass, GroundRelayKind, GroundRelaySettings, Project};

/// Largest burden accepted anywhere (rated or connected), VA.
const MAX_BURDEN_VA: f64 = 1_000.0;

impl Validator<'_> {
    /// Values of a DS, VCT, LA, VT, meter or earthing at pointer `p`. References to other
    /// devices are checked by [`Validator::attachments`].
    pub(super) fn equipment(&mut self, project: &Project, p: &str, d: &Device) {
        let f = |field: &str| format!("{p}/{field}");
        match d {
            Device::Ds(ds) => {
                self.range(&f("rated_current_a"), ds.rated_current_a, 0.0, 10_000.0, true, "A");
                self.opt_range(&f("short_time_ka"), ds.short_time_ka, 0.0, 100.0, true, "kA");
            }
            Device::Vct(v) => {
                self.voltage_ratio(p, v.primary_v, v.secondary_v);
                self.winding_matches_bus(project, &f("primary_v"), &v.from, v.primary_v);
                self.one_of(&f("ct_primary_a"), v.ct_primary_a, &CT_PRIMARY_RATINGS_A, "A");
                self.one_of(&f("ct_secondary_a"), v.ct_secondary_a, &[1.0, 5.0], "A");
                self.opt_range(&f("vt_rated_burden_va"), v.vt_rated_burden_va, 0.0, MAX_BURDEN_VA, true, "VA");
                self.opt_range(&f("ct_rated_burden_va"), v.ct_rated_burden_va, 0.0, MAX_BURDEN_VA, true, "VA");
            }
            Device::La(l) => {
                self.range(&f("rated_voltage_v"), l.rated_voltage_v, 0.0, 36_000.0, true, "V");
                self.range(&f("nominal_discharge_current_ka"), l.nominal_discharge_current_ka, 0.0, 100.0, true, "kA");
            }
            Device::Vt(v) => {
                self.voltage_ratio(p, v.primary_v, v.secondary_v);
                self.winding_matches_bus(project, &f("primary_v"), &v.bus, v.primary_v);
                self.range(&f("rated_burden_va"), v.rated_burden_va, 0.0, MAX_BURDEN_VA, true, "VA");
                self.opt_range(&f("relay_burden_va"), v.relay_burden_va, 0.0, MAX_BURDEN_VA, false, "VA");
                if let Some(fuse) = &v.fuse {
                    self.range(&f("fuse/rating_a"), fuse.rating_a, 0.0, 30.0, true, "A");
                    self.opt_range(&f("fuse/breaking_capacity_ka"), fuse.breaking_capacity_ka, 0.0, 200.0, true, "kA");
                }
            }
            Device::Meter(m) => {
                let (voltage, current) = m.kind.circuits();
                for (field, needed, given, what_ja, what_en) in [
                    ("vt", voltage, m.vt.is_some(), "電圧回路", "voltage circuit"),
                    ("ct", current, m.ct.is_some(), "電流回路", "current circuit"),
                ] {
                    if needed && !given {
                        self.push(
                            f(field),
                            "missing_field",
                            format!("この計器の{what_ja}を供給する `{field}` が必要です"),
                            format!("`{field}` is needed: the device feeding this meter's {what_en}"),
                        );
                    } else if !needed && given {
                        self.push(
                            f(field),
                            "conflicting_fields",
                            format!("この計器には{what_ja}がありません（`{field}` は指定できません）"),
                            format!("this meter has no {what_en} (`{field}` is not allowed)"),
                        );
                    }
                }
                for (field, burden, source) in [("voltage_burden_va", m.voltage_burden_va, &m.vt), ("current_burden_va", m.current_burden_va, &m.ct)] {
                    self.opt_range(&f(field), burden, 0.0, MAX_BURDEN_VA, false, "VA");
                    if burden.is_some() && source.is_none() {
                        self.push(
                            f(field),
                            "conflicting_fields",
                            "負担を受け持つ変成器が指定されていません".into(),
                            "a burden is given for a circuit no instrument transformer feeds".into(),
                        );
                    }
                }
            }
            Device::Earthing(e) => {
                self.range(&f("resistance_ohm"), e.resistance_ohm, 0.0, 10_000.0, true, "Ω");
                match (e.class, e.ground_fault_current_a) {
                    (EarthingClass::B, None) => self.push(
                        f("ground_fault_current_a"),
                        "missing_field",
                        "B 種接地には高圧側の 1 線地絡電流 I₁（電力会社の値）が必要です（抵抗値の上限 150/I₁ Ω）".into(),
                        "class B earthing needs the high-voltage one-line ground-fault current I₁ (the utility's value): its limit is 150/I₁ Ω".into(),
                    ),
                    (EarthingClass::B, Some(i)) => {
                        self.range(&f("ground_fault_current_a"), i, 0.0, 1_000.0, true, "A");
                    }
                    (_, Some(_)) => self.push(
                        f("ground_fault_current_a"),
                        "conflicting_fields",
                        "1 線地絡電流は B 種接地にだけ指定します".into(),
                        "ground_fault_current_a is for class B earthing only".into(),
                    ),
                    (_, None) => {}
                }
                if let Some(t) = e.disconnection_time_s {
                    if e.class == EarthingClass::A {
                        self.push(
                            f("disconnection_time_s"),
                            "conflicting_fields",
                            "A 種接地の抵抗値は遮断時間によって緩和されません".into(),
                            "class A earthing has no relaxation by disconnection time".into(),
                        );
                    } else {
                        self.range(&f("disconnection_time_s"), t, 0.0, 10.0, true, "s");
                    }
                }
                let mut seen = HashSet::new();
                for (i, id) in e.devices.iter().enumerate() {
                    if !seen.insert(id.as_str()) {
                        self.push(
                            f(&format!("devices/{i}")),
                            "duplicate_reference",
                            format!("機器 `{}` が二度挙げられています", short(id)),
                            format!("device `{}` is listed twice", short(id)),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// A stepping-down voltage ratio: primary 50 V … 36 kV, secondary up to 500 V and below
    /// the primary.
    fn voltage_ratio(&mut self, p: &str, primary_v: f64, secondary_v: f64) {
        let a = self.range(&format!("{p}/primary_v"), primary_v, 50.0, 36_000.0, false, "V");
        let b = self.range(&format!("{p}/secondary_v"), secondary_v, 0.0, 500.0, true, "V");
        if a && b && secondary_v >= primary_v {
            self.push(
                format!("{p}/secondary_v"),
                "inconsistent_ratings",
                format!("二次電圧 {} V が一次電圧 {} V 以上です", num(secondary_v), num(primary_v)),
                format!("secondary voltage {} V is not below the primary voltage {} V", num(secondary_v), num(primary_v)),
            );
        }
    }

    /// An instrument transformer's rated primary voltage against its bus (±10 %, as a power
    /// transformer's winding). An unknown bus is reported by `terminals`.
    fn winding_matches_bus(&mut self, project: &Project, p: &str, bus_id: &str, rated_v: f64) {
        let Some(bus) = project.bus(bus_id) else { return };
        if !(bus.voltage_v.is_finite() && rated_v.is_finite() && rated_v > 0.0) {
            return;
        }
        if (bus.voltage_v - rated_v).abs() / rated_v > TRANSFORMER_VOLTAGE_TOLERANCE {
            self.push(
                p,
                "voltage_mismatch",
                format!("一次電圧 {} V が母線 `{}` の電圧 {} V と合いません", num(rated_v), short(bus_id), num(bus.voltage_v)),
                format!("primary voltage {} V does not match bus `{}` at {} V", num(rated_v), short(bus_id), num(bus.voltage_v)),
            );
        }
    }

    /// The CT ratings of a VCB (`p` points at `ct`).
    pub(super) fn current_transformer(&mut self, p: &str, ct: &CurrentTransformer) {
        self.range(&format!("{p}/rated_burden_va"), ct.rated_burden_va, 0.0, MAX_BURDEN_VA, true, "VA");
        self.range(&format!("{p}/overcurrent_constant"), ct.overcurrent_constant, 1.0, 100.0, false, "");
        self.opt_range(&format!("{p}/relay_burden_va"), ct.relay_burden_va, 0.0, MAX_BURDEN_VA, false, "VA");
        self.opt_range(&format!("{p}/internal_burden_va"), ct.internal_burden_va, 0.0, MAX_BURDEN_VA, false, "VA");
        self.opt_range(&format!("{p}/overcurrent_strength"), ct.overcurrent_strength, 1.0, 1_000.0, false, "×");
    }

    /// The ZCT and ZPD of a ground relay (`p` points at the relay settings).
    pub(super) fn zero_phase(&mut self, p: &str, g: &GroundRelaySettings) {
        if let Some(z) = &g.zct {
            self.range(&format!("{p}/zct/rated_primary_ma"), z.rated_primary_ma, 0.0, 10_000.0, true, "mA");
            self.range(&format!("{p}/zct/rated_secondary_ma"), z.rated_secondary_ma, 0.0, 1_000.0, true, "mA");
            self.opt_range(&format!("{p}/zct/short_time_ka"), z.short_time_ka, 0.0, 100.0, true, "kA");
        }
        if let Some(z) = &g.zpd {
            self.range(&format!("{p}/zpd/rated_voltage_v"), z.rated_voltage_v, 0.0, 36_000.0, true, "V");
            if g.kind != GroundRelayKind::Dgr {
                self.push(
                    format!("{p}/zpd"),
                    "conflicting_fields",
                    "ZPD（零相基準入力装置）は方向地絡継電器（DGR）の入力です".into(),
                    "a ZPD feeds a directional ground relay (DGR) only".into(),
                );
            }
        }
    }

    /// The ids meters, earthing and DS interlocks name: each must be a device of a kind that
    /// can play that part.
    pub(super) fn attachments(&mut self, project: &Project) {
        let mut by_id: HashMap<&str, &Device> = HashMap::new();
        for d in &project.devices {
            by_id.entry(d.id()).or_insert(d);
        }
        for (i, d) in project.devices.iter().enumerate() {
            let p = format!("/devices/{i}");
            let mut refs: Vec<(String, &str, &[&str], &str, &str)> = Vec::new();
            match d {
                Device::Meter(m) => {
                    if let Some(vt) = &m.vt {
                        refs.push(("vt".into(), vt, &["vt", "vct"], "VT または VCT", "a VT or a VCT"));
                    }
                    if let Some(ct) = &m.ct {
                        refs.push(("ct".into(), ct, &["vct", "vcb"], "VCT または VCB（その CT）", "a VCT or a VCB (its CT)"));
                    }
                }
                Device::Earthing(_) => {
                    for (field, id) in d.attachments() {
                        refs.push((
                            field,
                            id,
                            &["cable", "transformer", "vcb", "lbs_pf", "ground_switch", "lv_breaker", "capacitor", "load", "motor", "generator", "ds", "vct", "la", "vt"],
                            "母線・計器・接地以外の機器",
                            "a device other than a bus, a meter or an earthing",
                        ));
                    }
                }
                Device::Ds(ds) => {
                    if let Some(x) = &ds.interlock {
                        refs.push(("interlock".into(), x, &["vcb", "lbs_pf", "ground_switch"], "遮断器・負荷開閉器（VCB、LBS + PF、PAS/UGS）", "a breaking device (VCB, LBS + PF, PAS/UGS)"));
                    }
                }
                _ => {}
            }
            for (field, id, kinds, what_ja, what_en) in refs {
                match by_id.get(id) {
                    None => self.push(
                        format!("{p}/{field}"),
                        "unknown_device",
                        format!("機器 `{}` がありません", short(id)),
                        format!("no device `{}`", short(id)),
                    ),
                    Some(target) if !kinds.contains(&target.type_name()) => self.push(
                        format!("{p}/{field}"),
                        "wrong_device_type",
                        format!("`{}` は {} です（{what_ja}を指定します）", short(id), target.type_name()),
                        format!("`{}` is a {}; {what_en} is expected", short(id), target.type_name()),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
