//! The radial tree as the coordination checks see it: paths from the utility, upstream and
//! downstream relations, independent of how `from`/`to` were written.

use domain::model::parse_project;
use domain::model::topology::Topology;

fn case_b() -> domain::model::Project {
    let path = format!(
        "{}/../../tests/fixtures/case_b.json",
        env!("CARGO_MANIFEST_DIR")
    );
    parse_project(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ids(p: &domain::model::Project, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| p.devices[i].id().to_string()).collect()
}

#[test]
fn paths_run_from_the_utility_to_each_bus() {
    let p = case_b();
    let (t, issues) = Topology::build(&p);
    assert!(issues.is_empty());
    let lv1 = t.bus_index["LV1"];
    assert_eq!(
        ids(&p, &t.path_to_bus(&p, lv1)),
        ["PAS", "C1", "VCB1", "TR1", "ACB1"]
    );
    let acb = p.devices.iter().position(|d| d.id() == "ACB1").unwrap();
    assert_eq!(
        ids(&p, &t.upstream_devices(&p, acb)),
        ["TR1", "VCB1", "C1", "PAS"]
    );
    let vcb = p.devices.iter().position(|d| d.id() == "VCB1").unwrap();
    let down: Vec<&str> = t
        .downstream_buses(&p, vcb)
        .iter()
        .map(|&b| p.devices[b].id())
        .collect();
    assert_eq!(down, ["TRP", "LV", "LV1"]);
}

#[test]
fn orientation_does_not_depend_on_how_from_and_to_were_written() {
    let mut p = case_b();
    if let domain::model::Device::Cable(c) = &mut p.devices[7] {
        std::mem::swap(&mut c.from, &mut c.to);
    }
    let (t, issues) = Topology::build(&p);
    assert!(issues.is_empty());
    let (up, down) = t.oriented[7].unwrap();
    assert_eq!((p.devices[up].id(), p.devices[down].id()), ("P1", "HV"));
}
