import { describe, expect, it } from "vitest";
import type { Analysis, BusShortCircuit, DeviceCurve, FaultCurrents } from "../api/types";
import { clipChart, deviceLocations, faultSequence, pathMarkers, timeAt } from "./faults";

// A small hand-made site: the utility's relay, a main VCB1 at 6.6 kV, a 6.6 kV/210 V
// transformer TR1 and an LV breaker MCCB1. Every curve is sampled at the chart's 6 600 V, as
// the engine does; MCCB1's currents are its own times 210/6600.
const RATIO = 210 / 6600;
const fc = (ik_ka: number): FaultCurrents => ({ ik_ka, ip_ka: 2.5 * ik_ka, r_percent: 1, x_percent: 7, sk_mva: 1, ik_at_utility_a: ik_ka * 1000 });
const bus = (bus_id: string, voltage_v: number, path: string[], max_ka: number, min_ka: number): BusShortCircuit => ({
  bus_id,
  name: bus_id,
  voltage_v,
  path,
  ratio_to_utility: voltage_v === 6600 ? 1 : RATIO,
  percent_z: fc(max_ka),
  iec_max: fc(max_ka),
  iec_min: fc(min_ka),
});
const pts = (...p: [number, number][]) => p.map(([current_a, time_s]) => ({ current_a, time_s }));
const curve = (device_id: string, role: string, voltage_v: number, max: [number, number][], min: [number, number][]): DeviceCurve => ({
  device_id,
  name: `${device_id} name`,
  role,
  voltage_v,
  current_scale: voltage_v / 6600,
  lines: [
    { line: "min", points: pts(...min) },
    { line: "max", points: pts(...max) },
  ],
});

const analysis: Pick<Analysis, "chart" | "short_circuit"> = {
  short_circuit: {
    buses: [
      bus("SP", 6600, [], 12.5, 10),
      bus("HV", 6600, ["VCB1"], 11, 9),
      bus("LV", 210, ["VCB1", "TR1"], 33, 15.4),
      bus("LV1", 210, ["VCB1", "TR1", "MCCB1"], 33, 15.4),
    ],
    notes: [],
  },
  chart: {
    voltage_v: 6600,
    current_min_a: 10,
    current_max_a: 100_000,
    time_min_s: 0.01,
    time_max_s: 1000,
    fault_markers: [],
    curves: [
      // t = 100 s × (500 A / I)² on its upper edge, 50 s × (450 A / I)² on its lower edge.
      curve("utility", "utility_ocr", 6600, [[500, 100], [5000, 1]], [[450, 50], [4500, 0.5]]),
      // Inverse part t = 10 s × (100 A / I)², instantaneous from 1 000 A at 0.05 s.
      curve("VCB1", "ocr", 6600, [[100, 10], [1000, 0.1], [1000, 0.05], [100_000, 0.05]], [[90, 5], [900, 0.05], [900, 0.02], [100_000, 0.02]]),
      // Instantaneous from 100 A at 6.6 kV (3 143 A at 210 V), 0.02 s.
      curve("MCCB1", "lv_breaker", 210, [[10, 1000], [100, 10], [100, 0.02], [100_000, 0.02]], [[8, 500], [80, 5], [80, 0.005], [100_000, 0.005]]),
      { device_id: "TR1", name: "", role: "transformer_inrush", voltage_v: 6600, current_scale: 1, lines: [{ line: "inrush", points: pts([300, 0.1]) }] },
    ],
  },
};

describe("the time on a sampled curve", () => {
  it("is interpolated in log–log: 10 s × (100/490)² = 0.41649 s at 490 A", () => {
    expect(timeAt(pts([100, 10], [1000, 0.1]), 490)).toBeCloseTo(0.416493, 5);
  });
  it("takes the faster time on an instantaneous step and holds the last time beyond the samples", () => {
    expect(timeAt(pts([100, 10], [1000, 0.1], [1000, 0.05], [100_000, 0.05]), 1000)).toBe(0.05);
    expect(timeAt(pts([500, 100], [5000, 1]), 11_000)).toBe(1);
  });
  it("is undefined below the first current: the device does not pick up", () => {
    expect(timeAt(pts([500, 100], [5000, 1]), 490)).toBeUndefined();
  });
});

describe("the sequence of operation for a fault on a bus", () => {
  it("a maximum fault on the LV bus LV1: MCCB1 first, then VCB1 and the utility as backup", () => {
    // 33 kA at 210 V is 33 000 × 210/6600 = 1 050 A at 6.6 kV.
    //   MCCB1: on its instantaneous part, 0.02 s (it carries 1 050 / (210/6600) = 33 000 A).
    //   VCB1: 1 050 A is past its 1 000 A instantaneous step, 0.05 s.
    //   utility: 100 s × (500/1 050)² = 22.676 s (lower edge 50 s × (450/1 050)² = 9.1837 s).
    const s = faultSequence(analysis, "LV1", "max")!;
    expect(s.chart_a).toBeCloseTo(1050, 6);
    expect(s.steps.map((x) => [x.device_id, x.order])).toEqual([
      ["MCCB1", "first"],
      ["VCB1", "backup"],
      ["utility", "backup"],
    ]);
    expect(s.steps[0].time_s).toBeCloseTo(0.02, 9);
    expect(s.steps[0].current_a).toBeCloseTo(33_000, 6);
    expect(s.steps[1].time_s).toBeCloseTo(0.05, 9);
    expect(s.steps[1].current_a).toBeCloseTo(1050, 6);
    expect(s.steps[2].time_s).toBeCloseTo(22.6757, 3);
    expect(s.steps[2].earliest_s).toBeCloseTo(9.18367, 4);
    expect(s.idle).toEqual([]);
  });

  it("a minimum fault on LV1: VCB1 on its inverse part, the utility's relay does not pick up", () => {
    // 15.4 kA at 210 V is 15 400 × 210/6600 = 490 A at 6.6 kV: below VCB1's instantaneous,
    // so VCB1 takes 10 s × (100/490)² = 0.41649 s; the utility's upper edge starts at 500 A.
    const s = faultSequence(analysis, "LV1", "min")!;
    expect(s.chart_a).toBeCloseTo(490, 6);
    expect(s.steps.map((x) => [x.device_id, x.order, Number(x.time_s.toFixed(5))])).toEqual([
      ["MCCB1", "first", 0.02],
      ["VCB1", "backup", 0.41649],
    ]);
    expect(s.idle.map((x) => x.device_id)).toEqual(["utility"]);
  });

  it("a fault on the LV bus above MCCB1 is not cleared by it: VCB1 first", () => {
    const s = faultSequence(analysis, "LV", "max")!;
    expect(s.steps.map((x) => x.device_id)).toEqual(["VCB1", "utility"]);
    expect(s.steps[0].order).toBe("first");
  });

  it("an unknown bus has no sequence", () => {
    expect(faultSequence(analysis, "nowhere", "max")).toBeNull();
  });
});

describe("fault currents on the chart", () => {
  it("each device sits on the bus its path starts from; the utility on the source bus", () => {
    const at = deviceLocations(analysis.short_circuit.buses);
    expect(at.get("utility")?.bus_id).toBe("SP");
    expect(at.get("VCB1")?.bus_id).toBe("SP");
    expect(at.get("TR1")?.bus_id).toBe("HV");
    expect(at.get("MCCB1")?.bus_id).toBe("LV");
  });

  it("a curve ends at the largest fault current where its device sits", () => {
    const clipped = clipChart(analysis.chart, analysis.short_circuit.buses);
    const upper = (id: string) => clipped.curves.find((c) => c.device_id === id)!.lines.find((l) => l.line === "max")!.points;
    // MCCB1 on LV: 33 kA at 210 V = 1 050 A at 6.6 kV; its flat 0.02 s part ends there.
    expect(upper("MCCB1").at(-1)!.current_a).toBeCloseTo(1050, 6);
    expect(upper("MCCB1").at(-1)!.time_s).toBeCloseTo(0.02, 9);
    // VCB1 on SP: 12.5 kA.
    expect(upper("VCB1").at(-1)!.current_a).toBeCloseTo(12_500, 6);
    // The utility's samples stop at 5 kA, below its 12.5 kA: unchanged.
    expect(upper("utility")).toEqual(analysis.chart.curves[0].lines[1].points);
  });

  it("markers for the maximum and minimum fault at every bus of the path, one per current", () => {
    const m = pathMarkers(analysis.short_circuit.buses, "LV1", analysis.chart);
    expect(m.map((x) => [x.kase, x.bus_ids.join("+"), Math.round(x.current_a)])).toEqual([
      ["min", "LV+LV1", 490],
      ["max", "LV+LV1", 1050],
      ["min", "HV", 9000],
      ["min", "SP", 10_000],
      ["max", "HV", 11_000],
      ["max", "SP", 12_500],
    ]);
  });
});
