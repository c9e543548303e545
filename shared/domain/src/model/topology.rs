//! The radial tree of a project's diagram, oriented from the utility's service-point bus.
//!
//! [`Topology::build`] never panics; it reports what prevents a radial tree (a cycle, a
//! device whose two terminals are the same bus, a part of the diagram the utility does not
//! reach) as [`TopologyIssue`]s, which [`crate::validate`] turns into errors with pointers.
//! Terminals that name no bus are skipped here (validation reports them as dangling).

use std::collections::{HashMap, VecDeque};

use super::{Device, Project};

/// Something that keeps the diagram from being one radial tree fed by the utility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopologyIssue {
    /// `utility.bus` names no bus.
    UtilityBusMissing,
    /// The series device at this index has the same bus at both terminals.
    SelfLoop(usize),
    /// The series device at this index closes a loop (or parallels another device).
    Cycle(usize),
    /// The device at this index is not reached from the utility bus.
    Disconnected(usize),
}

/// The oriented radial tree. Indices are positions in `project.devices`.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// Bus id → device index of the bus.
    pub bus_index: HashMap<String, usize>,
    /// Device index of the service-point bus.
    pub source_bus: usize,
    /// Buses in breadth-first order from the source (device indices).
    pub bus_order: Vec<usize>,
    /// For each device index: for a bus, the series device feeding it from the source side
    /// (`None` for the source bus or an unreached bus); unused for other devices.
    pub feeder_of_bus: Vec<Option<usize>>,
    /// For each device index: for a reached series device, `(upstream bus, downstream bus)`.
    pub oriented: Vec<Option<(usize, usize)>>,
    /// For each device index: for a reached bus, its depth (number of series devices from the
    /// source).
    pub depth: Vec<Option<usize>>,
}

impl Topology {
    /// Builds the oriented tree. Returns the tree as far as it could be built and every issue.
    pub fn build(project: &Project) -> (Topology, Vec<TopologyIssue>) {
        let n = project.devices.len();
        let mut issues = Vec::new();
        let mut topo = Topology {
            feeder_of_bus: vec![None; n],
            oriented: vec![None; n],
            depth: vec![None; n],
            ..Default::default()
        };
        for (i, d) in project.devices.iter().enumerate() {
            if let Device::Bus(b) = d {
                topo.bus_index.entry(b.id.clone()).or_insert(i);
            }
        }
        let mut adjacency: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (i, d) in project.devices.iter().enumerate() {
            if let Some((f, t)) = d.series_terminals() {
                let (Some(&fi), Some(&ti)) = (topo.bus_index.get(f), topo.bus_index.get(t)) else {
                    continue;
                };
                if fi == ti {
                    issues.push(TopologyIssue::SelfLoop(i));
                    continue;
                }
                adjacency[fi].push((i, ti));
                adjacency[ti].push((i, fi));
            }
        }
        let Some(&source) = topo.bus_index.get(project.utility.bus.as_str()) else {
            issues.push(TopologyIssue::UtilityBusMissing);
            return (topo, issues);
        };
        topo.source_bus = source;
        let mut visited_edge = vec![false; n];
        let mut queue = VecDeque::from([source]);
        topo.depth[source] = Some(0);
        while let Some(bus) = queue.pop_front() {
            topo.bus_order.push(bus);
            let depth = topo.depth[bus].unwrap_or(0);
            for &(edge, other) in &adjacency[bus] {
                if visited_edge[edge] {
                    continue;
                }
                visited_edge[edge] = true;
                if topo.depth[other].is_some() {
                    issues.push(TopologyIssue::Cycle(edge));
                    continue;
                }
                topo.depth[other] = Some(depth + 1);
                topo.feeder_of_bus[other] = Some(edge);
                topo.oriented[edge] = Some((bus, other));
                queue.push_back(other);
            }
        }
        for (i, d) in project.devices.iter().enumerate() {
            let reached = match d {
                Device::Bus(_) => topo.depth[i].is_some(),
                _ => match (d.series_terminals(), d.shunt_bus()) {
                    (Some(_), _) => topo.oriented[i].is_some() || visited_edge[i],
                    (None, Some(b)) => topo
                        .bus_index
                        .get(b)
                        .is_none_or(|&bi| topo.depth[bi].is_some()),
                    _ => true,
                },
            };
            let dangling_series = d.series_terminals().is_some_and(|(f, t)| {
                !topo.bus_index.contains_key(f) || !topo.bus_index.contains_key(t)
            });
            let self_loop = issues.contains(&TopologyIssue::SelfLoop(i));
            if !reached && !dangling_series && !self_loop {
                issues.push(TopologyIssue::Disconnected(i));
            }
        }
        (topo, issues)
    }

    /// The series devices from the source down to `bus` (device indices, source side first).
    pub fn path_to_bus(&self, project: &Project, bus: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut current = bus;
        while let Some(edge) = self.feeder_of_bus.get(current).copied().flatten() {
            path.push(edge);
            match self.oriented[edge] {
                Some((up, _)) => current = up,
                None => break,
            }
            if path.len() > project.devices.len() {
                break;
            }
        }
        path.reverse();
        path
    }

    /// The bus a device sits at on the source side: a series device's upstream bus, a shunt
    /// device's bus, a bus itself.
    pub fn upstream_bus(&self, project: &Project, device: usize) -> Option<usize> {
        let d = project.devices.get(device)?;
        match d {
            Device::Bus(_) => Some(device),
            _ => match (self.oriented.get(device).copied().flatten(), d.shunt_bus()) {
                (Some((up, _)), _) => Some(up),
                (None, Some(b)) => self.bus_index.get(b).copied(),
                _ => None,
            },
        }
    }

    /// A series device's downstream bus.
    pub fn downstream_bus(&self, device: usize) -> Option<usize> {
        self.oriented
            .get(device)
            .copied()
            .flatten()
            .map(|(_, down)| down)
    }

    /// Series devices between the source and `device` (exclusive), nearest first.
    pub fn upstream_devices(&self, project: &Project, device: usize) -> Vec<usize> {
        let Some(bus) = self.upstream_bus(project, device) else {
            return Vec::new();
        };
        let mut path = self.path_to_bus(project, bus);
        path.reverse();
        path
    }

    /// Every bus fed through the series device `device` (its subtree), breadth-first.
    pub fn downstream_buses(&self, project: &Project, device: usize) -> Vec<usize> {
        let Some(start) = self.downstream_bus(device) else {
            return Vec::new();
        };
        self.bus_order
            .iter()
            .copied()
            .filter(|&b| b == start || self.path_to_bus(project, b).contains(&device))
            .collect()
    }
}
