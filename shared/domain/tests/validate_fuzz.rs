//! Property tests of the parser, the validator and the study on hostile input: arbitrary
//! text, arbitrary JSON, and sample projects with random mutations. Properties: no panic, no
//! hang (every case is one pass over bounded input); every error carries a pointer that is
//! empty or starts with `/`, a non-empty snake_case code and both messages; a project that is
//! accepted yields a study whose currents are finite and positive.

use domain::model::parse_project;
use domain::shortcircuit::study;
use proptest::prelude::*;
use serde_json::{json, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just(0.0),
            Just(-1.0),
            Just(1e300),
            Just(1e-300),
            Just(6600.0),
            Just(4.5)
        ]
        .prop_map(|f| json!(f)),
        "[a-z_]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("bus"),
            Just("cable"),
            Just("vcb"),
            Just("SP"),
            Just("LV"),
            Just("ei"),
            Just("50"),
            Just("rx")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,10}".prop_map(|s| s),
                    Just("type".to_string()),
                    Just("id".to_string())
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn pointers(v: &Value, here: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(prop::sample::Index, Value),
    Remove(prop::sample::Index),
    Scale(prop::sample::Index, f64),
    DuplicateDevice(prop::sample::Index),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), arb_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                Just(-1.0),
                Just(0.0),
                Just(1e-9),
                Just(0.5),
                Just(2.0),
                Just(1e12),
                Just(1e305)
            ]
        )
            .prop_map(|(i, k)| Mutation::Scale(i, k)),
        any::<prop::sample::Index>().prop_map(Mutation::DuplicateDevice),
    ]
}

fn apply(v: &mut Value, m: &Mutation) {
    let mut ps = Vec::new();
    pointers(v, String::new(), &mut ps);
    match m {
        Mutation::Replace(i, new) => {
            if let Some(t) = v.pointer_mut(&ps[i.index(ps.len())]) {
                *t = new.clone();
            }
        }
        Mutation::Remove(i) => {
            let p = &ps[i.index(ps.len())];
            if let Some((parent, key)) = p.rsplit_once('/') {
                match v.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(k) = key.parse::<usize>() {
                            if k < a.len() {
                                a.remove(k);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Scale(i, k) => {
            if let Some(t) = v.pointer_mut(&ps[i.index(ps.len())]) {
                if let Some(f) = t.as_f64() {
                    if let Some(n) = serde_json::Number::from_f64(f * k) {
                        *t = Value::Number(n);
                    }
                }
            }
        }
        Mutation::DuplicateDevice(i) => {
            if let Some(Value::Array(d)) = v.get_mut("devices") {
                if !d.is_empty() {
                    let c = d[i.index(d.len())].clone();
                    d.push(c);
                }
            }
        }
    }
}

fn check(text: &str) {
    match parse_project(text) {
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(e.pointer.is_empty() || e.pointer.starts_with('/'), "{e:?}");
                assert!(
                    !e.code.is_empty()
                        && e.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{e:?}"
                );
                assert!(
                    !e.message_ja.is_empty() && !e.message_en.is_empty(),
                    "{e:?}"
                );
            }
        }
        Ok(p) => {
            let s = study(&p, domain::library::builtin());
            for b in &s.buses {
                for r in [&b.percent_z, &b.iec_max, &b.iec_min] {
                    assert!(r.ik_ka.is_finite() && r.ik_ka > 0.0, "{} {:?}", b.bus_id, r);
                    assert!(
                        r.ip_ka.is_finite() && r.ith_ka.is_finite(),
                        "{} {:?}",
                        b.bus_id,
                        r
                    );
                }
            }
            serde_json::to_string(&s).expect("study serializes");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        check(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        check(&v.to_string());
    }

    #[test]
    fn arbitrary_devices_never_panic(devices in prop::collection::vec(arb_json(), 0..6)) {
        let mut v = fixture("case_b.json");
        v["devices"].as_array_mut().unwrap().extend(devices);
        check(&v.to_string());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..5,
        mutations in prop::collection::vec(arb_mutation(), 1..4),
    ) {
        let name = ["case_a.json", "case_b.json", "pfs_300kva.json", "cb_multi.json", "bad_coordination.json"][which];
        let mut v = fixture(name);
        for m in &mutations {
            apply(&mut v, m);
        }
        check(&v.to_string());
    }
}
