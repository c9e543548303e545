import { describe, expect, it } from "vitest";
import type { Chart } from "../api/types";
import { referChart } from "./AnalysisView";

describe("referring the chart's current axis to another voltage", () => {
  const chart: Chart = {
    voltage_v: 6600, current_min_a: 10, current_max_a: 100_000, time_min_s: 0.01, time_max_s: 1000,
    curves: [{ device_id: "VCB1", name: "", role: "ocr", voltage_v: 6600, current_scale: 1, lines: [{ line: "nominal", points: [{ current_a: 600, time_s: 0.2 }] }] }],
    fault_markers: [{ bus_id: "LV", name: "", voltage_v: 210, current_a: 649.4 }],
  };
  it("multiplies every current by 6600/210 = 31.43 on the 210 V axis, times unchanged", () => {
    const lv = referChart(chart, 210);
    expect(lv.curves[0].lines[0].points[0].current_a).toBeCloseTo(600 * 31.428571, 3);
    expect(lv.curves[0].lines[0].points[0].time_s).toBe(0.2);
    // The 210 V fault of 649.4 A at 6.6 kV is 20.41 kA at 210 V (±0.01 kA).
    expect(lv.fault_markers[0].current_a / 1000).toBeCloseTo(20.41, 2);
  });
  it("leaves the chart alone at its own voltage", () => {
    expect(referChart(chart, 6600)).toBe(chart);
  });
});
