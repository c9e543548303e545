//! Measures parsing + validation + short-circuit study time for the largest accepted project
//! (`MAX_DEVICES` in a radial chain) and the refusal of a 100 000-device document. Prints the
//! median of several runs. `cargo run --release -p domain --example validate_speed`

use std::time::{Duration, Instant};

use domain::validate::MAX_DEVICES;

fn chain(devices: usize) -> String {
    let buses = devices / 2;
    let mut list = Vec::new();
    for i in 0..buses {
        list.push(format!(r#"{{"type":"bus","id":"B{i}","voltage_v":6600}}"#));
    }
    for i in 1..buses {
        list.push(format!(
            r#"{{"type":"cable","id":"C{i}","from":"B{}","to":"B{i}","cable_type":"CVT","size_mm2":38,"length_m":1,"r_ohm_per_km":0.491,"x_ohm_per_km":0.12}}"#,
            i - 1
        ));
    }
    while list.len() < devices {
        list.push(format!(
            r#"{{"type":"load","id":"L{}","bus":"B0","rated_kva":10,"rated_voltage_v":6600}}"#,
            list.len()
        ));
    }
    format!(
        r#"{{"schema_version":1,"name":"chain","utility":{{"bus":"B0","voltage_v":6600,"frequency_hz":"50","short_circuit":{{"form":"current","ik_ka":12.5,"x_over_r":10}}}},"devices":[{}]}}"#,
        list.join(",")
    )
}

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..11)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let ok = chain(MAX_DEVICES);
    let t_parse = median(|| {
        domain::model::parse_project(&ok).expect("valid");
    });
    let project = domain::model::parse_project(&ok).expect("valid");
    let t_study = median(|| {
        domain::shortcircuit::study(&project, domain::library::builtin());
    });
    let big = chain(100_000);
    let t_refuse = median(|| {
        domain::model::parse_project(&big).expect_err("too many devices");
    });
    let small = format!(
        r#"{{"schema_version":1,"devices":[{}]}}"#,
        vec![r#"{"type":"bus"}"#; 100_000].join(",")
    );
    let t_small = median(|| {
        domain::model::parse_project(&small).expect_err("too many devices");
    });
    println!("{MAX_DEVICES} devices ({} bytes): parse + validate median {t_parse:?}; study median {t_study:?}", ok.len());
    println!(
        "100 000 devices ({} bytes, over the size limit): refused in median {t_refuse:?}",
        big.len()
    );
    println!(
        "100 000 minimal devices ({} bytes): refused in median {t_small:?}",
        small.len()
    );
}
