//! Fault contribution of rotating machines: asynchronous motors and generators in parallel
//! operation with the utility (docs/engineering.md §5, "Motors and generators").
//!
//! * **IEC 60909-0 (maximum case)**: a motor is the impedance Z_M = 1/(I_LR/I_rM) · U_rM²/S_rM
//!   with R_M/X_M by the standard's groups (0.42 for low-voltage motors and motor groups with
//!   their connection cables; above 1 kV 0.10 for P_rM/p ≥ 1 MW, else 0.15); a generator is
//!   K_G·(R_Gf + jX_d'') with K_G = (U_n/U_rG)·c_max/(1 + x_d''·sin φ_rG) and the fictitious
//!   R_Gf = 0.15, 0.07 or 0.05 · X_d''. The minimum case includes no machine (IEC 60909-0).
//! * **%Z method**: a motor is %Z = `settings.motor_percent_z` (*practice*, default 25 %) on its
//!   own kVA, a generator x_d'' on its own kVA, both at the bus voltage, with the R/X above
//!   and no correction factor.
//!
//! Every source becomes a passive impedance to earth (the equivalent voltage source at the
//! fault); the impedance at each three-phase bus is the diagonal of the inverse of the bus
//! admittance matrix. A single-phase bus takes the change found at the three-phase bus that
//! feeds its transformer (twice, for the loop; a quarter of that for the 105 V loop).
//!
//! Neglect rule (IEC 60909-0, asynchronous motors): at a bus where the rated currents of the
//! motors, referred to the bus, sum to at most 1 % of the fault current without them, the
//! motors are left out (generators in parallel are always included). Machines on single-phase
//! buses are not included (a study note says so).

use super::{BusState, StudyNote, Z};
use crate::model::{Device, Project};
use crate::shortcircuit::StudyOptions;

/// Fraction of the fault current without motors up to which the motors' summed rated current
/// lets them be neglected (IEC 60909-0: Σ I_rM ≤ 0.01 · I_k'').
pub const NEGLECT_FRACTION: f64 = 0.01;

/// R/X of low-voltage motors and motor groups with their connection cables (IEC 60909-0).
pub const RX_LV_MOTOR: f64 = 0.42;
/// R/X of motors above 1 kV with P_rM/p ≥ 1 MW (IEC 60909-0).
pub const RX_MV_MOTOR_LARGE: f64 = 0.10;
/// R/X of motors above 1 kV with P_rM/p < 1 MW (IEC 60909-0).
pub const RX_MV_MOTOR_SMALL: f64 = 0.15;

/// R_Gf/X_d'' of a generator (IEC 60909-0): 0.15 up to 1 kV; above, 0.07 below 100 MVA and
/// 0.05 from 100 MVA.
pub fn generator_rx(rated_voltage_v: f64, rated_kva: f64) -> f64 {
    if rated_voltage_v <= 1000.0 {
        0.15
    } else if rated_kva < 100_000.0 {
        0.07
    } else {
        0.05
    }
}

/// R_M/X_M of a motor by the groups of IEC 60909-0.
pub fn motor_rx(rated_voltage_v: f64, rated_kw: f64, pole_pairs: u32) -> f64 {
    if rated_voltage_v < 1000.0 {
        RX_LV_MOTOR
    } else if rated_kw / f64::from(pole_pairs.max(1)) >= 1000.0 {
        RX_MV_MOTOR_LARGE
    } else {
        RX_MV_MOTOR_SMALL
    }
}

/// One contributing machine: its bus, impedance by method (%Z, IEC max; Ω per phase at the
/// bus) and rated current at its own rated voltage.
#[derive(Debug, Clone, Copy)]
struct Machine {
    bus: usize,
    z: [Z; 2],
    rated_current_a: f64,
    motor: bool,
}

/// Per three-phase and single-phase bus: the impedance with machines, per method (%Z, IEC
/// max), in Ω at the bus, and the 105 V loop at a 1φ3W bus.
#[derive(Debug, Clone, Copy)]
pub(super) struct WithMachines {
    pub z: [Z; 2],
    pub z_ln: Option<[Z; 2]>,
    /// Σ rated current of the motors referred to this bus, A.
    pub motors_rated_current_a: f64,
    /// Whether the motors were left out at this bus by the neglect rule, per method.
    pub motors_neglected: [bool; 2],
    /// R/X for the peak factor κ by IEC 60909-0 method C (equivalent frequency), per method;
    /// `None` where it is the R/X of `z` (single-phase buses).
    pub rx_kappa: [Option<f64>; 2],
}

/// Equivalent frequency of IEC 60909-0 method C as a fraction of the system frequency
/// (f_c = 20 Hz at 50 Hz, 24 Hz at 60 Hz).
pub const METHOD_C_FREQUENCY_RATIO: f64 = 0.4;

#[derive(Debug, Clone, Copy)]
struct C {
    re: f64,
    im: f64,
}

impl C {
    const ZERO: C = C { re: 0.0, im: 0.0 };
    fn from(z: Z) -> C {
        C { re: z.r, im: z.x }
    }
    fn add(self, o: C) -> C {
        C { re: self.re + o.re, im: self.im + o.im }
    }
    fn sub(self, o: C) -> C {
        C { re: self.re - o.re, im: self.im - o.im }
    }
    fn mul(self, o: C) -> C {
        C { re: self.re * o.re - self.im * o.im, im: self.re * o.im + self.im * o.re }
    }
    fn inv(self) -> C {
        let d = self.re * self.re + self.im * self.im;
        C { re: self.re / d, im: -self.im / d }
    }
    #[cfg(test)]
    fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }
}

/// Impedance to earth at every node of a radial network: the diagonal of the inverse of its
/// nodal admittance matrix, found in two sweeps over the tree instead of inverting the matrix
/// (linear in the number of nodes).
///
/// `tree[j]` is `(parent, branch impedance)` for every node but the root (`None`), parents
/// numbered before their children; `shunt[j]` the admittance to earth at node `j` (the source
/// at the root, the machines). Upward: `y_sub` is the admittance of the subtree below a node,
/// its own shunt included (a child subtree behind branch z adds y/(1 + z·y)). Downward:
/// `y_up` is the admittance seen from a node towards its parent, the parent's subtree
/// without this child plus the parent's own `y_up`, behind the branch. The node impedance is
/// 1/(y_sub + y_up). `None` when a result is not finite (a singular network).
fn thevenin_on_tree(tree: &[Option<(usize, C)>], shunt: &[C]) -> Option<Vec<C>> {
    let n = tree.len();
    let behind = |z: C, y: C| y.mul(C { re: 1.0, im: 0.0 }.add(z.mul(y)).inv());
    let mut y_sub = shunt.to_vec();
    let mut through = vec![C::ZERO; n];
    for j in (0..n).rev() {
        if let Some((p, z)) = tree[j] {
            if p >= j {
                return None;
            }
            through[j] = behind(z, y_sub[j]);
            y_sub[p] = y_sub[p].add(through[j]);
        }
    }
    let mut y_up = vec![C::ZERO; n];
    let mut out = Vec::with_capacity(n);
    for j in 0..n {
        if let Some((p, z)) = tree[j] {
            y_up[j] = behind(z, y_up[p].add(y_sub[p]).sub(through[j]));
        }
        let zj = y_sub[j].add(y_up[j]).inv();
        if !(zj.re.is_finite() && zj.im.is_finite()) {
            return None;
        }
        out.push(zj);
    }
    Some(out)
}

/// The machines that contribute, and notes for every machine of the project.
fn machines(project: &Project, bus_index: &dyn Fn(&str) -> Option<usize>, states: &[Option<BusState>], options: &StudyOptions, notes: &mut Vec<StudyNote>) -> Vec<Machine> {
    let motor_pct = project.settings.motor_percent_z_or_default();
    let mut out = Vec::new();
    for d in &project.devices {
        let (bus_id, motor) = match d {
            Device::Motor(m) => (&m.bus, true),
            Device::Generator(g) => (&g.bus, false),
            _ => continue,
        };
        let Some(b) = bus_index(bus_id) else { continue };
        let Some(state) = states[b] else { continue };
        let v_bus = match project.devices.get(b) {
            Some(Device::Bus(bus)) => bus.voltage_v,
            _ => continue,
        };
        let note = |code: &'static str, ja: &str, en: &str| StudyNote {
            device_id: Some(d.id().to_string()),
            code,
            message_ja: ja.into(),
            message_en: en.into(),
        };
        if state.single_phase {
            notes.push(note(
                "contribution_not_included",
                "単相母線の回転機の短絡電流寄与は計算に含まれていません",
                "machines on single-phase buses are not included in the fault contribution",
            ));
            continue;
        }
        match d {
            Device::Motor(m) => {
                let s_va = m.rated_kva() * 1000.0;
                let u = m.rated_voltage_v;
                let rx = motor_rx(u, m.rated_kw, m.pole_pairs.unwrap_or(crate::model::Motor::DEFAULT_POLE_PAIRS));
                let split = |zabs: f64| {
                    let x = zabs / (1.0 + rx * rx).sqrt();
                    Z { r: rx * x, x }
                };
                let z_iec = split(u * u / s_va / m.locked_rotor_multiple_or_default());
                let z_pct = split(motor_pct / 100.0 * v_bus * v_bus / s_va);
                out.push(Machine {
                    bus: b,
                    z: [z_pct, z_iec],
                    rated_current_a: s_va / (3f64.sqrt() * u),
                    motor,
                });
                notes.push(note(
                    "motor_contribution",
                    "電動機の短絡電流寄与は「寄与込み」の値に含まれます（寄与が 1 % 以下の母線では無視）",
                    "this motor's contribution is in the 'with contribution' currents (neglected where it is at most 1 %)",
                ));
            }
            Device::Generator(g) if g.in_parallel() => {
                let Some(xd) = g.xd_subtransient_percent else { continue };
                let s_va = g.rated_kva * 1000.0;
                let u = g.rated_voltage_v;
                let rx = generator_rx(u, g.rated_kva);
                let x_g = xd / 100.0 * u * u / s_va;
                let (c_max, _) = options.c_factors(v_bus);
                let cos = g.power_factor_or_default().clamp(0.0, 1.0);
                let sin = (1.0 - cos * cos).sqrt();
                let k_g = v_bus / u * c_max / (1.0 + xd / 100.0 * sin);
                let x_pct = xd / 100.0 * v_bus * v_bus / s_va;
                out.push(Machine {
                    bus: b,
                    z: [Z { r: rx * x_pct, x: x_pct }, Z { r: rx * x_g, x: x_g }.scale(k_g)],
                    rated_current_a: s_va / (3f64.sqrt() * u),
                    motor,
                });
                notes.push(note(
                    "generator_contribution",
                    "系統連系発電機の短絡電流寄与は「寄与込み」の値に含まれます",
                    "this generator runs in parallel: its contribution is in the 'with contribution' currents",
                ));
            }
            _ => notes.push(note(
                "generator_standby",
                "非常用（系統連系しない）発電機のため、受電側の短絡電流に寄与しません",
                "a standby generator (not in parallel with the utility) adds nothing to faults on the utility supply",
            )),
        }
    }
    out
}

/// The sweep's per-bus data the contribution needs.
pub(super) struct Network<'a> {
    pub project: &'a Project,
    pub states: &'a [Option<BusState>],
    /// Per bus fed over a three-phase edge: (upstream bus, series impedance by method %Z / IEC
    /// max in Ω at this bus; zero for switchgear).
    pub branches: &'a [Option<(usize, [Z; 2])>],
    /// Per single-phase bus: the three-phase bus feeding its transformer.
    pub feeding_three_phase: &'a [Option<usize>],
    pub source_bus: usize,
    pub bus_index: &'a dyn Fn(&str) -> Option<usize>,
}

/// Impedances with machine contribution for every bus, or `None` per bus where nothing
/// contributes (then the currents with contribution equal those without).
pub(super) fn with_machines(net: &Network<'_>, options: &StudyOptions, notes: &mut Vec<StudyNote>) -> Vec<Option<WithMachines>> {
    let n = net.states.len();
    let all = machines(net.project, net.bus_index, net.states, options, notes);
    let mut out = vec![None; n];
    if all.is_empty() {
        return out;
    }
    // Nodes: three-phase buses; buses joined by switchgear share a node.
    let mut node_of: Vec<Option<usize>> = vec![None; n];
    let mut nodes = 0usize;
    let three_phase: Vec<usize> = (0..n).filter(|&b| net.states[b].is_some_and(|s| !s.single_phase)).collect();
    // Parents before children: order by the depth of the feeder chain (each bus's depth
    // found once: walk up to a bus already known, then fill in on the way back).
    let mut depth_of: Vec<Option<usize>> = vec![None; n];
    let mut chain = Vec::new();
    for &start in &three_phase {
        let mut b = start;
        // Up to a bus of known depth (`Some`) or to the top of the chain (`None`, depth 0).
        let known = loop {
            if let Some(d) = depth_of[b] {
                break Some(d);
            }
            chain.push(b);
            match net.branches[b] {
                Some((up, _)) if chain.len() <= n => b = up,
                _ => break None,
            }
        };
        let top = known.map_or(0, |d| d + 1);
        for (k, &c) in chain.iter().rev().enumerate() {
            depth_of[c] = Some(top + k);
        }
        chain.clear();
    }
    let depth = |b: usize| depth_of[b].unwrap_or(0);
    let mut ordered = three_phase.clone();
    ordered.sort_by_key(|&b| depth(b));
    for &b in &ordered {
        match net.branches[b] {
            Some((up, z)) if z[0].abs() == 0.0 && z[1].abs() == 0.0 && node_of[up].is_some() => node_of[b] = node_of[up],
            _ => {
                node_of[b] = Some(nodes);
                nodes += 1;
            }
        }
    }
    let ratio = |b: usize| net.states[b].map(|s| s.ratio_to_utility).unwrap_or(f64::NAN);
    let to_util = |z: Z, b: usize| z.scale(1.0 / (ratio(b) * ratio(b)));

    // The node tree: per node, its parent node and the impedance between them (a bus is fed
    // by one branch; nodes are numbered parents first).
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; nodes];
    for &b in &ordered {
        let Some((up, _)) = net.branches[b] else { continue };
        let (Some(i), Some(j)) = (node_of[up], node_of[b]) else { continue };
        if i != j {
            parent[j] = Some((i, b));
        }
    }

    // Z_th per method and machine set (all machines; generators only), per node.
    // `xs` scales every reactance (1, or method C's f_c/f for κ).
    let solve = |m: usize, with_motors: bool, xs: f64| -> Option<Vec<C>> {
        let at = |z: Z| C::from(Z { r: z.r, x: z.x * xs });
        let src = node_of[net.source_bus]?;
        let mut shunt = vec![C::ZERO; nodes];
        shunt[src] = shunt[src].add(at(net.states[net.source_bus]?.z[m]).inv());
        for mach in all.iter().filter(|k| with_motors || !k.motor) {
            let Some(i) = node_of[mach.bus] else { continue };
            shunt[i] = shunt[i].add(at(to_util(mach.z[m], mach.bus)).inv());
        }
        let mut tree = Vec::with_capacity(nodes);
        for (j, p) in parent.iter().enumerate() {
            tree.push(match p {
                Some((i, b)) => {
                    let z = net.branches[*b]?.1[m];
                    Some((*i, at(to_util(z, *b))))
                }
                None if j == src => None,
                // A node the source does not feed: no tree (nor a regular admittance matrix).
                None => return None,
            });
        }
        thevenin_on_tree(&tree, &shunt)
    };
    let any_generator = all.iter().any(|k| !k.motor);
    let fc = METHOD_C_FREQUENCY_RATIO;
    let z_all: [Option<Vec<C>>; 2] = [solve(0, true, 1.0), solve(1, true, 1.0)];
    let zc_all: [Option<Vec<C>>; 2] = [solve(0, true, fc), solve(1, true, fc)];
    type PerMethod = [Option<Vec<C>>; 2];
    let (z_gen, zc_gen): (PerMethod, PerMethod) = if any_generator {
        ([solve(0, false, 1.0), solve(1, false, 1.0)], [solve(0, false, fc), solve(1, false, fc)])
    } else {
        ([None, None], [None, None])
    };

    let motors: Vec<&Machine> = all.iter().filter(|k| k.motor).collect();
    // Σ I_rM referred to a bus: Σ (I_rM · ratio of the motor's bus) / ratio of the bus.
    let motor_sum_at_utility: f64 = motors.iter().map(|k| k.rated_current_a * ratio(k.bus)).sum();
    let motor_sum_at = |b: usize| motor_sum_at_utility / ratio(b);

    // Three-phase buses.
    for &b in &three_phase {
        let Some(state) = net.states[b] else { continue };
        let Some(node) = node_of[b] else { continue };
        let v = match net.project.devices.get(b) {
            Some(Device::Bus(bus)) => bus.voltage_v,
            _ => continue,
        };
        let sum = motor_sum_at(b);
        let mut z = [state.z[0], state.z[1]];
        let mut neglected = [false; 2];
        let mut rx_kappa = [None; 2];
        for m in 0..2 {
            let c = if m == 0 { 1.0 } else { options.c_factors(v).0 };
            let ik_without = c * v / (3f64.sqrt() * state.z[m].abs());
            neglected[m] = !motors.is_empty() && sum <= NEGLECT_FRACTION * ik_without;
            let (pick, pick_c) = if neglected[m] { (z_gen[m].as_ref(), zc_gen[m].as_ref()) } else { (z_all[m].as_ref(), zc_all[m].as_ref()) };
            if let (Some(zs), Some(zc)) = (pick, pick_c) {
                let zu = zs[node];
                let r2 = ratio(b) * ratio(b);
                z[m] = Z { r: zu.re * r2, x: zu.im * r2 };
                // IEC 60909-0 method C: R/X = (R_c/X_c)·(f_c/f).
                let c = zc[node];
                rx_kappa[m] = (c.im > 0.0).then(|| c.re / c.im * fc);
            }
        }
        out[b] = Some(WithMachines { z, z_ln: None, motors_rated_current_a: sum, motors_neglected: neglected, rx_kappa });
    }
    // Single-phase buses: the change at the feeding three-phase bus, as a loop.
    for b in 0..n {
        let Some(state) = net.states[b] else { continue };
        if !state.single_phase {
            continue;
        }
        let Some(a) = net.feeding_three_phase[b] else { continue };
        let (Some(up), Some(up_state)) = (out[a], net.states[a]) else { continue };
        let k = 2.0 * (ratio(b) / ratio(a)).powi(2);
        let delta = |m: usize| Z { r: up.z[m].r - up_state.z[m].r, x: up.z[m].x - up_state.z[m].x };
        let z = [state.z[0].add(delta(0).scale(k)), state.z[1].add(delta(1).scale(k))];
        let z_ln = state.z_ln.map(|zl| [zl[0].add(delta(0).scale(k / 4.0)), zl[1].add(delta(1).scale(k / 4.0))]);
        out[b] = Some(WithMachines {
            z,
            z_ln,
            motors_rated_current_a: motor_sum_at(b),
            motors_neglected: up.motors_neglected,
            rx_kappa: [None; 2],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

/// Inverse of a complex matrix by Gauss–Jordan elimination with partial pivoting; `None` when
/// singular.
pub(super) fn invert(mut a: Vec<Vec<C>>) -> Option<Vec<Vec<C>>> {
    let n = a.len();
    let mut inv: Vec<Vec<C>> = (0..n).map(|i| (0..n).map(|j| if i == j { C { re: 1.0, im: 0.0 } } else { C::ZERO }).collect()).collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        let magnitude = a[pivot][col].abs();
        if magnitude.is_nan() || magnitude <= 0.0 {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col].inv();
        for j in 0..n {
            a[col][j] = a[col][j].mul(p);
            inv[col][j] = inv[col][j].mul(p);
        }
        for i in 0..n {
            if i == col {
                continue;
            }
            let f = a[i][col];
            if f.abs() == 0.0 {
                continue;
            }
            for j in 0..n {
                a[i][j] = a[i][j].sub(f.mul(a[col][j]));
                inv[i][j] = inv[i][j].sub(f.mul(inv[col][j]));
            }
        }
    }
    Some(inv)
}


    /// A small deterministic generator (no dependency): uniform in [0, 1).
    fn lcg(state: &mut u64) -> f64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn tree_sweeps_equal_the_inverse_of_the_admittance_matrix() {
        let mut s = 7u64;
        for case in 0..200 {
            let n = 1 + (lcg(&mut s) * 60.0) as usize;
            let mut tree = vec![None];
            for j in 1..n {
                let p = (lcg(&mut s) * j as f64) as usize;
                // Branches from near zero (switchgear-like) to long cables and transformers.
                let z = C { re: 10f64.powf(-4.0 + 4.0 * lcg(&mut s)), im: 10f64.powf(-4.0 + 4.0 * lcg(&mut s)) };
                tree.push(Some((p, z)));
            }
            let mut shunt = vec![C::ZERO; n];
            shunt[0] = C { re: 0.05, im: 0.5 }.inv();
            for y in shunt.iter_mut().skip(1) {
                if lcg(&mut s) < 0.3 {
                    *y = C { re: 0.42, im: 1.0 }.mul(C { re: 10f64.powf(-1.0 + 3.0 * lcg(&mut s)), im: 0.0 }).inv();
                }
            }
            let mut y = vec![vec![C::ZERO; n]; n];
            for (j, t) in tree.iter().enumerate() {
                y[j][j] = y[j][j].add(shunt[j]);
                if let Some((p, z)) = t {
                    let yb = z.inv();
                    y[*p][*p] = y[*p][*p].add(yb);
                    y[j][j] = y[j][j].add(yb);
                    y[*p][j] = y[*p][j].sub(yb);
                    y[j][*p] = y[j][*p].sub(yb);
                }
            }
            let dense = invert(y).expect("regular");
            let swept = thevenin_on_tree(&tree, &shunt).expect("finite");
            for j in 0..n {
                let d = dense[j][j];
                let e = swept[j].sub(d).abs() / d.abs();
                assert!(e < 1e-11, "case {case}, node {j} of {n}: {e:e}");
            }
        }
    }

    #[test]
    fn a_node_without_any_admittance_gives_no_result() {
        // The root has no source: the network is singular, as the matrix would be.
        let tree = vec![None, Some((0, C { re: 0.1, im: 0.2 }))];
        assert!(thevenin_on_tree(&tree, &[C::ZERO, C::ZERO]).is_none());
    }
}
