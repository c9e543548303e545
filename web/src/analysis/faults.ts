//! Fault currents on the coordination chart, read from the analysis alone: where each device
//! sits (the bus on its source side), the largest current that can flow there (a curve ends
//! at it), the maximum and minimum fault currents along the path from the source to a bus, and
//! the sequence of operation for a fault placed on a bus — which protective devices on that
//! path operate, and when, interpolated on the engine's sampled curves.
//!
//! Currents are in amperes at the chart's voltage (`chart.voltage_v`, the utility's) unless a
//! name says otherwise: a fault on a 210 V bus is seen on the 6.6 kV side divided by the
//! transformers' ratio (`ratio_to_utility`), which is where the engine samples every curve.

import type { Analysis, BusShortCircuit, Chart, CurvePoint, DeviceCurve, FaultCurrents } from "../api/types";

/** The IEC 60909 case a fault is studied at: `max` (c = 1.1 at LV) or `min`. */
export type FaultCase = "max" | "min";

/** Curves of devices that clear a fault (ground relays and withstand or inrush points do not). */
const PROTECTIVE_ROLES = new Set(["utility_ocr", "ocr", "fuse", "lv_breaker"]);

/** The id the engine gives the utility's relay curve; it stands above every path. */
export const UTILITY = "utility";

/**
 * The time on a sampled time–current line at `current_a`, interpolated linearly in log–log
 * (the chart's axes); `undefined` below the line's first current (the device does not pick
 * up) or when the line has no point. Beyond the last sample the last time holds. Where the
 * line is vertical at exactly this current (an instantaneous step), the faster time counts.
 */
export function timeAt(points: readonly CurvePoint[], current_a: number): number | undefined {
  if (!points.length || !(current_a > 0)) return undefined;
  const first = Math.min(...points.map((p) => p.current_a));
  if (current_a < first) return undefined;
  let best: number | undefined;
  const take = (t: number) => {
    if (best === undefined || t < best) best = t;
  };
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const lo = Math.min(a.current_a, b.current_a);
    const hi = Math.max(a.current_a, b.current_a);
    if (current_a < lo || current_a > hi) continue;
    if (a.current_a === b.current_a) {
      take(Math.min(a.time_s, b.time_s));
      continue;
    }
    const f = (Math.log(current_a) - Math.log(a.current_a)) / (Math.log(b.current_a) - Math.log(a.current_a));
    take(Math.exp(Math.log(a.time_s) + f * (Math.log(b.time_s) - Math.log(a.time_s))));
  }
  if (best === undefined) {
    // Beyond the last sample (or a single point): the nearest sample below the current.
    const below = points.filter((p) => p.current_a <= current_a);
    take(Math.min(...below.map((p) => p.time_s)));
  }
  return best;
}

/** The line cut at `max_a`: the samples up to it and one interpolated end point on it. */
export function clipLine(points: readonly CurvePoint[], max_a: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (p.current_a <= max_a) {
      out.push(p);
      continue;
    }
    const prev = points[i - 1];
    if (prev && prev.current_a < max_a) {
      const f = (Math.log(max_a) - Math.log(prev.current_a)) / (Math.log(p.current_a) - Math.log(prev.current_a));
      out.push({ current_a: max_a, time_s: Math.exp(Math.log(prev.time_s) + f * (Math.log(p.time_s) - Math.log(prev.time_s))) });
    }
    // A curve that comes back below the limit (it does not for a time–current
    // characteristic) would be drawn from there on again; stop at the first crossing.
    break;
  }
  return out;
}

const pathKey = (path: readonly string[]) => path.join("\u0000");

/** The bus at the source (the one with an empty path). */
export function sourceBus(buses: readonly BusShortCircuit[]): BusShortCircuit | undefined {
  return buses.find((b) => b.path.length === 0);
}

/**
 * The bus on the source side of every series device (the bus it is connected from), and of
 * the utility's relay (the source bus). A device is the last step of the path of the bus it
 * feeds; its own bus is the one whose path is that path without it.
 */
export function deviceLocations(buses: readonly BusShortCircuit[]): Map<string, BusShortCircuit> {
  const byPath = new Map(buses.map((b) => [pathKey(b.path), b]));
  const out = new Map<string, BusShortCircuit>();
  const source = sourceBus(buses);
  if (source) out.set(UTILITY, source);
  for (const b of buses) {
    if (!b.path.length) continue;
    const from = byPath.get(pathKey(b.path.slice(0, -1)));
    if (from) out.set(b.path[b.path.length - 1], from);
  }
  return out;
}

/** Refers a current at `bus` (A at its own voltage) to the chart's voltage. */
function toChart(bus: BusShortCircuit, current_a: number, chart: Chart, source: BusShortCircuit | undefined): number {
  const utility_v = source?.voltage_v ?? chart.voltage_v;
  return (current_a * bus.ratio_to_utility * utility_v) / chart.voltage_v;
}

function currents(bus: BusShortCircuit, kase: FaultCase): FaultCurrents {
  return kase === "max" ? bus.iec_max : bus.iec_min;
}

/** The fault current of `kase` at `bus`: kA at the bus and A at the chart's voltage. */
export function faultCurrent(buses: readonly BusShortCircuit[], bus: BusShortCircuit, kase: FaultCase, chart: Chart): { ik_ka: number; chart_a: number } {
  const ik_ka = currents(bus, kase).ik_ka;
  return { ik_ka, chart_a: toChart(bus, ik_ka * 1000, chart, sourceBus(buses)) };
}

/**
 * The largest current that can flow at `bus`, A at the chart's voltage: the largest of the
 * %Z method and IEC 60909 maximum, with motor contribution where the engine gives it.
 */
export function maxAvailable(buses: readonly BusShortCircuit[], bus: BusShortCircuit, chart: Chart): number {
  const cases = [bus.percent_z, bus.iec_max, bus.percent_z_with_contribution, bus.iec_max_with_contribution];
  const ik = Math.max(...cases.filter((c): c is FaultCurrents => !!c).map((c) => c.ik_ka));
  return toChart(bus, ik * 1000, chart, sourceBus(buses));
}

/**
 * The chart with each device's curve ending at the largest fault current available where the
 * device sits: no current beyond it can flow through the device. Curves of devices the
 * short-circuit table does not place, and single points (inrush, withstand), are kept whole.
 */
export function clipChart(chart: Chart, buses: readonly BusShortCircuit[]): Chart {
  const where = deviceLocations(buses);
  const limit = new Map<string, number>();
  for (const [id, bus] of where) limit.set(id, maxAvailable(buses, bus, chart));
  return {
    ...chart,
    curves: chart.curves.map((c) => {
      const max = limit.get(c.device_id);
      if (max === undefined) return c;
      return { ...c, lines: c.lines.map((l) => (l.points.length > 1 ? { ...l, points: clipLine(l.points, max) } : l)) };
    }),
  };
}

/** The buses from the source to `busId` (source first), or none when it is unknown. */
export function pathBuses(buses: readonly BusShortCircuit[], busId: string): BusShortCircuit[] {
  const target = buses.find((b) => b.bus_id === busId);
  if (!target) return [];
  const byPath = new Map(buses.map((b) => [pathKey(b.path), b]));
  const out: BusShortCircuit[] = [];
  for (let n = 0; n <= target.path.length; n++) {
    const b = byPath.get(pathKey(target.path.slice(0, n)));
    if (b) out.push(b);
  }
  return out;
}

/** The bus farthest from the source (the longest path; the first such in table order). */
export function deepestBus(buses: readonly BusShortCircuit[]): BusShortCircuit | undefined {
  return buses.reduce<BusShortCircuit | undefined>((best, b) => (!best || b.path.length > best.path.length ? b : best), undefined);
}

/** One marker line on the chart: the buses of the path that share one fault current. */
export interface FaultMarkerLine {
  kase: FaultCase;
  bus_ids: string[];
  /** kA at the buses' own voltage. */
  ik_ka: number;
  voltage_v: number;
  /** A at the chart's voltage. */
  current_a: number;
}

/**
 * The maximum and minimum fault current at each bus of the path to `busId`, one line per
 * distinct current (buses joined by a breaker share theirs), sorted by current.
 */
export function pathMarkers(buses: readonly BusShortCircuit[], busId: string, chart: Chart): FaultMarkerLine[] {
  const out: FaultMarkerLine[] = [];
  for (const kase of ["max", "min"] as const) {
    for (const b of pathBuses(buses, busId)) {
      const f = faultCurrent(buses, b, kase, chart);
      const same = out.find((m) => m.kase === kase && Math.abs(m.current_a - f.chart_a) <= 1e-6 * f.chart_a);
      if (same) same.bus_ids.push(b.bus_id);
      else out.push({ kase, bus_ids: [b.bus_id], ik_ka: f.ik_ka, voltage_v: b.voltage_v, current_a: f.chart_a });
    }
  }
  return out.sort((a, b) => a.current_a - b.current_a);
}

/** A device that operates for the fault. */
export interface OperatingStep {
  device_id: string;
  name: string;
  role: string;
  /** The current through the device at its own voltage, A. */
  current_a: number;
  voltage_v: number;
  /** Band's lower edge (earliest operation, or a fuse's allowable line), s; absent when that edge does not reach the current. */
  earliest_s?: number;
  /** Band's upper edge: latest operation or total clearing, s. The order of operation follows it. */
  time_s: number;
  /** `first`: clears the fault; `backup`: would clear it if everything before it failed. */
  order: "first" | "backup";
}

/** The sequence of operation for a fault on one bus. */
export interface FaultSequence {
  bus_id: string;
  kase: FaultCase;
  /** Fault current at the bus, kA at its own voltage. */
  ik_ka: number;
  voltage_v: number;
  /** The same current at the chart's voltage, A. */
  chart_a: number;
  /** Devices that operate, in the order they clear. */
  steps: OperatingStep[];
  /** Protective devices on the path whose curves do not reach the fault current (they stay closed). */
  idle: { device_id: string; name: string; current_a: number; voltage_v: number }[];
}

function line(c: DeviceCurve, ...kinds: string[]): CurvePoint[] | undefined {
  for (const k of kinds) {
    const l = c.lines.find((x) => x.line === k);
    if (l && l.points.length) return l.points;
  }
  return undefined;
}

/**
 * Which protective devices on the path from the source to `busId` operate for a `kase` fault
 * there, and when: each device's curve (at the chart's voltage) is read at the fault current
 * referred to the chart's voltage, which is the same as reading its own curve at the current
 * through it. Sorted by the upper edge of each band (the time by which the device has surely
 * cleared), ties by the lower edge; the first clears the fault, the others are backup.
 */
export function faultSequence(analysis: Pick<Analysis, "chart" | "short_circuit">, busId: string, kase: FaultCase): FaultSequence | null {
  const buses = analysis.short_circuit.buses;
  const bus = buses.find((b) => b.bus_id === busId);
  if (!bus) return null;
  const { ik_ka, chart_a } = faultCurrent(buses, bus, kase, analysis.chart);
  const onPath = [UTILITY, ...bus.path];
  const steps: Omit<OperatingStep, "order">[] = [];
  const idle: FaultSequence["idle"] = [];
  for (const id of onPath) {
    for (const c of analysis.chart.curves.filter((x) => x.device_id === id && PROTECTIVE_ROLES.has(x.role))) {
      const current_a = c.current_scale > 0 ? chart_a / c.current_scale : chart_a;
      const upper = line(c, "max", "clearing", "nominal");
      const lower = line(c, "min", "allowable", "melting", "nominal");
      const time_s = upper && timeAt(upper, chart_a);
      if (time_s === undefined) {
        idle.push({ device_id: id, name: c.name, current_a, voltage_v: c.voltage_v });
        continue;
      }
      const earliest_s = lower && timeAt(lower, chart_a);
      steps.push({ device_id: id, name: c.name, role: c.role, current_a, voltage_v: c.voltage_v, earliest_s, time_s });
    }
  }
  steps.sort((a, b) => a.time_s - b.time_s || (a.earliest_s ?? a.time_s) - (b.earliest_s ?? b.time_s));
  return {
    bus_id: busId,
    kase,
    ik_ka,
    voltage_v: bus.voltage_v,
    chart_a,
    steps: steps.map((s, i) => ({ ...s, order: i === 0 ? "first" : "backup" })),
    idle,
  };
}
