//! The built-in library: stable ids, stated sources, physically ordered curves, the JIS C
//! 4604 repeated-overcurrent duties of docs/engineering.md §3 and the cable data of §5/§6.

use domain::curves::{BreakerTrip, CableWithstand};
use domain::library::{self, builtin, PfType};
use domain::model::{Library, LibraryKind};

#[test]
fn every_item_states_its_source_and_generic_items_say_so() {
    let lib = builtin();
    for f in &lib.fuses {
        assert!(f.source.contains("Generic") && f.source.contains("NOT a maker"), "{}", f.id);
    }
    for s in lib.breakers.iter().map(|b| b.source).chain(lib.cables.iter().map(|c| c.source)).chain(lib.transformers.iter().map(|t| t.source)).chain(lib.relays.iter().map(|r| r.source)) {
        assert!(s.to_lowercase().contains("generic"), "{s}");
    }
}

#[test]
fn pf_ratings_cover_3_to_200_a_for_every_type() {
    let lib = builtin();
    for t in ["g", "t", "m", "c"] {
        for r in [3, 5, 10, 15, 20, 30, 40, 50, 60, 75, 100, 125, 150, 200] {
            let id = format!("pf.{t}.{r}a");
            assert!(lib.fuse(&id).is_some(), "{id}");
            assert!(lib.contains(LibraryKind::Fuse, &id.as_str().into()));
        }
    }
}

#[test]
fn pf_allowable_curves_carry_the_repeated_overcurrent_duties() {
    // docs/engineering.md §3: T 10 × In for 0.1 s; M 5 × In for 10 s; C 70 × In for 0.002 s.
    let lib = builtin();
    for f in &lib.fuses {
        let (mult, t) = match f.fuse_type {
            PfType::T => (10.0, 0.1),
            PfType::M => (5.0, 10.0),
            PfType::C => (70.0, 0.002),
            PfType::G => continue,
        };
        let allowed = f.curves.allowable_at(mult * f.rating_a);
        assert!(allowed > t, "{}: allowable {allowed} s at {mult} × In", f.id);
    }
}

#[test]
fn pf_curves_are_ordered_allowable_melting_clearing() {
    for f in &builtin().fuses {
        for k in 0..200 {
            let i = f.rating_a * 10f64.powf(k as f64 / 40.0);
            let (a, mm, m, c) = (f.curves.allowable_at(i), f.curves.minimum_melting(i), f.curves.melting.time_at(i), f.curves.clearing.time_at(i));
            assert!(a <= mm || mm.is_infinite(), "{} at {i}: allowable {a} > min melting {mm}", f.id);
            assert!(mm <= m || m.is_infinite());
            assert!(m <= c || c.is_infinite(), "{} at {i}: melting {m} > clearing {c}", f.id);
        }
        // Below the first catalogue point the fuse never melts.
        assert!(f.curves.melting.time_at(1.9 * f.rating_a).is_infinite());
    }
}

#[test]
fn breaker_frames_have_ordered_bands_and_the_200_percent_times() {
    let lib = builtin();
    for id in ["mccb.50af", "mccb.100af", "mccb.225af", "mccb.400af", "mccb.600af", "mccb.800af"] {
        assert!(lib.breaker(id).is_some(), "{id}");
    }
    for rated in [15.0, 50.0, 100.0, 225.0, 400.0, 800.0] {
        let trip = library::thermal_magnetic_trip(rated, 10.0).unwrap();
        // No trip at 1.05 × In within the conventional time; trip at 2 × In within the table time.
        let b105 = trip.band(1.05 * rated);
        assert!(b105.min_s >= 3600.0 * (1.0 - 1e-9) && b105.max_s.is_infinite(), "{b105:?}");
        let b2 = trip.band(2.0 * rated);
        assert!((b2.max_s - library::mccb_max_time_at_200_percent_s(rated)).abs() < 1e-9);
        // Instantaneous ±20 %: may trip from 8 × In, certainly from 12 × In.
        assert!(trip.band(7.99 * rated).min_s > 0.1);
        assert!(trip.band(8.0 * rated).min_s <= 0.02);
        assert!(trip.band(11.99 * rated).max_s > 0.1);
        assert!(trip.band(12.0 * rated).max_s <= 0.02);
        if let BreakerTrip::ThermalMagnetic(t) = &trip {
            assert_eq!(t.instantaneous_a, 10.0 * rated);
        }
    }
}

#[test]
fn cables_carry_case_b_data_and_the_withstand_of_section_6() {
    let lib = builtin();
    let c = lib.cable("cable.cvt.38").unwrap();
    assert_eq!((c.r_ohm_per_km, c.x_ohm_per_km), (0.491, 0.12));
    let imp = lib.cable_impedance(&"cable.cvt.38".into()).unwrap();
    assert_eq!((imp.r_ohm_per_km, imp.x_ohm_per_km), (0.491, 0.12));
    // §6: CVT 38 mm² withstands 0.168 s at 12.43 kA; 22 mm² 0.056 s (0.5 %).
    let w = |id: &str| {
        let c = lib.cable(id).unwrap();
        CableWithstand { k: c.withstand_k, size_mm2: c.size_mm2 }.time_at(12_430.0)
    };
    assert!((w("cable.cvt.38") / 0.168 - 1.0).abs() < 5e-3);
    assert!((w("cable.cvt.22") / 0.056 - 1.0).abs() < 5e-3);
    // §7: CVT 38 mm² charging ≈ 1.38 A/km at 60 Hz (1 %).
    let ic = 3f64.sqrt() * 2.0 * std::f64::consts::PI * 60.0 * c.c_uf_per_km * 1e-6 * 6600.0;
    assert!((ic / 1.38 - 1.0).abs() < 0.01, "{ic}");
    for s in [14, 22, 38, 60, 100, 150, 200, 250, 325] {
        assert!(lib.cable(&format!("cable.cvt.{s}")).is_some());
        assert!(lib.cable(&format!("cable.cv.{s}")).is_some());
    }
    assert_eq!(lib.cable_by_size("cv-3c", 38.0).map(|c| c.id.as_str()), Some("cable.cv.38"));
}

#[test]
fn transformer_sizes_and_case_b_impedance() {
    let lib = builtin();
    let t = lib.transformer("tr.3ph.500kva").unwrap();
    assert_eq!((t.r_percent, t.x_percent, t.rated_kva), (1.2, 4.0, 500.0));
    for kva in [50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000] {
        assert!(lib.contains(LibraryKind::Transformer, &format!("tr.3ph.{kva}kva").as_str().into()));
    }
    for kva in [10, 20, 30, 50, 75, 100, 150, 200, 300, 500] {
        assert!(lib.contains(LibraryKind::Transformer, &format!("tr.1ph.{kva}kva").as_str().into()));
    }
    assert!(!lib.contains(LibraryKind::Transformer, &"tr.3ph.499kva".into()));
}

#[test]
fn jis_relay_items_use_the_lever() {
    let r = builtin().relay("ocr.jis.ei").unwrap();
    assert_eq!(r.taps_a, vec![3.0, 3.5, 4.0, 4.5, 5.0, 6.0]);
    assert_eq!((r.dial_min, r.dial_max), (0.25, 20.0));
    assert_eq!(r.family.dial(), domain::curves::DialScale::JisLever);
}
