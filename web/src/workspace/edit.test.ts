import { describe, expect, it } from "vitest";
import { blankDocument, samples } from "../projects/samples";
import {
  ATTACHED_TYPES, SERIES_TYPES, SHUNT_TYPES, addAttached, addBranch, addShunt, deleteSubtree, insertSeries, meterCircuits, seriesTypesAt,
  shuntTypesAt, subtree, swapWithBelow, swappableBelow, tree, vctClass, vctCtPrimary,
} from "./edit";

describe("building a diagram from the utility bus", () => {
  it("a transformer branch creates a secondary bus at 210 V fed by the transformer", () => {
    const [doc, i] = addBranch(blankDocument("t"), "SP", "transformer");
    const tr = doc.devices[i];
    expect(tr.from).toBe("SP");
    const sec = doc.devices.find((d) => d.id === tr.to);
    expect(sec?.voltage_v).toBe(210);
    expect(tree(doc).feeder.get(String(tr.to))).toBe(i);
  });

  it("inserting in series puts the new device between the selected one and its old bus", () => {
    const [d1, vcb] = addBranch(blankDocument("t"), "SP", "vcb");
    const oldTo = d1.devices[vcb].to;
    const [d2, cable] = insertSeries(d1, vcb, "cable");
    expect(d2.devices[cable].to).toBe(oldTo);
    expect(d2.devices[cable].from).toBe(d2.devices[vcb].to);
    expect(d2.devices[vcb].to).not.toBe(oldTo);
  });

  it("deleting a feeder removes its bus, the branch below and the loads, and nothing else", () => {
    let [doc, vcb] = addBranch(blankDocument("t"), "SP", "vcb");
    const hv = String(doc.devices[vcb].to);
    let tr: number;
    [doc, tr] = addBranch(doc, hv, "transformer");
    [doc] = addShunt(doc, String(doc.devices[tr].to), "load");
    [doc] = addBranch(doc, "SP", "lbs_pf");
    expect(subtree(doc, tr).size).toBe(3); // transformer, its secondary bus, the load
    const after = deleteSubtree(doc, tr);
    expect(after.devices.map((d) => d.type).sort()).toEqual(["bus", "bus", "bus", "lbs_pf", "vcb"]);
  });
});

describe("swapping two devices in series", () => {
  it("puts the cable above the breaker and keeps the buses", () => {
    let [doc, vcb] = addBranch(blankDocument("t"), "SP", "vcb");
    let cable: number;
    [doc, cable] = addBranch(doc, String(doc.devices[vcb].to), "cable");
    expect(swappableBelow(doc, vcb)).toBe(cable);
    const after = swapWithBelow(doc, vcb);
    expect(after.devices[cable].from).toBe("SP");
    expect(after.devices[vcb].to).toBe(doc.devices[cable].to);
    expect(after.devices.filter((d) => d.type === "bus").length).toBe(3);
  });
  it("refuses when the bus between them feeds a load too", () => {
    let [doc, vcb] = addBranch(blankDocument("t"), "SP", "vcb");
    const mid = String(doc.devices[vcb].to);
    [doc] = addBranch(doc, mid, "cable");
    [doc] = addShunt(doc, mid, "load");
    expect(swappableBelow(doc, vcb)).toBeUndefined();
  });
});

describe("the station equipment", () => {
  const sample = samples.find((s) => s.key === "cb_multi")!.doc;

  it("classifies DS and VCT as series, LA and VT as on a bus, meters and earthing as attached", () => {
    expect(SERIES_TYPES).toEqual(expect.arrayContaining(["ds", "vct"]));
    expect(SHUNT_TYPES).toEqual(expect.arrayContaining(["la", "vt"]));
    expect(ATTACHED_TYPES).toEqual(["meter", "earthing"]);
    const t = tree(sample);
    const at = (id: string) => sample.devices.findIndex((d) => d.id === id);
    expect(t.children.get("HV_M")).toEqual([at("DS1")]);
    expect(t.feeder.get("HV_M")).toBe(at("VCT"));
    expect(t.shunts.get("HV_DS")).toEqual([at("LA1"), at("VT1")]);
    // Meters and earthing hang on no bus.
    const placed = new Set([...t.children.values(), ...t.shunts.values()].flat());
    expect(["WH", "VM", "AM", "EA", "EB", "EC", "ED"].filter((id) => placed.has(at(id)))).toEqual([]);
  });

  it("offers arresters and VTs on a 6.6 kV bus only, DS and VCT below one", () => {
    expect(shuntTypesAt(6600)).toEqual(["load", "capacitor", "la", "vt"]);
    expect(shuntTypesAt(210)).toEqual(["load", "capacitor"]);
    expect(seriesTypesAt(6600)).toEqual(expect.arrayContaining(["ds", "vct"]));
    expect(seriesTypesAt(420)).not.toContain("ds");
  });

  it("a new DS is 400 A, 12.5 kA", () => {
    const [doc, i] = addBranch(blankDocument("t"), "SP", "ds");
    expect(doc.devices[i]).toMatchObject({ type: "ds", id: "DS1", from: "SP", rated_current_a: 400, short_time_ka: 12.5 });
  });

  it("a new VCT is 6600/110 V with the CT the contract demand needs", () => {
    // 900 kW / (√3 × 6.6 kV × 0.9) = 87.5 A: the 100/5 A CT, class 0.5W from 500 kW.
    const [doc, i] = addBranch({ ...blankDocument("t"), contract_demand_kw: 900 }, "SP", "vct");
    expect(doc.devices[i]).toMatchObject({ type: "vct", primary_v: 6600, secondary_v: 110, ct_primary_a: 100, ct_secondary_a: 5, accuracy_class: "0.5W" });
    // 200 kW → 19.4 A: 20/5 A, class 1.0W; no contract: 50/5 A.
    expect(vctCtPrimary(200, 6600)).toBe(20);
    expect(vctClass(200)).toBe("1.0W");
    expect(vctCtPrimary(undefined, 6600)).toBe(50);
  });

  it("a new LA is 8.4 kV 2.5 kA on 6.6 kV, and a new VT 6600/110 V 100 VA class 1.0", () => {
    let [doc, la] = addShunt(blankDocument("t"), "SP", "la");
    expect(doc.devices[la]).toMatchObject({ type: "la", id: "LA1", bus: "SP", rated_voltage_v: 8400, nominal_discharge_current_ka: 2.5 });
    let vt: number;
    [doc, vt] = addShunt(doc, "SP", "vt");
    expect(doc.devices[vt]).toMatchObject({ type: "vt", id: "VT1", bus: "SP", primary_v: 6600, secondary_v: 110, rated_burden_va: 100, accuracy_class: "1.0" });
    // 4.2 kV on a 3.3 kV bus.
    const [d33, la33] = addShunt({ ...doc, devices: [...doc.devices, { type: "bus", id: "B33", voltage_v: 3300 }] }, "B33", "la");
    expect(d33.devices[la33]).toMatchObject({ rated_voltage_v: 4200 });
  });

  it("a new earthing is class A at 10 Ω bonding the arresters; a new meter hangs on the VT", () => {
    let [doc] = addShunt(blankDocument("t"), "SP", "la");
    [doc] = addShunt(doc, "SP", "vt");
    let e: number;
    [doc, e] = addAttached(doc, "earthing");
    expect(doc.devices[e]).toMatchObject({ type: "earthing", id: "E1", class: "a", resistance_ohm: 10, devices: ["LA1"] });
    let m: number;
    [doc, m] = addAttached(doc, "meter");
    expect(doc.devices[m]).toEqual({ type: "meter", id: "MT1", kind: "voltmeter", vt: "VT1" });
    // A second earthing does not take the arrester from the first.
    const [again, e2] = addAttached(doc, "earthing");
    expect(again.devices[e2]).toMatchObject({ id: "E2", devices: [] });
  });

  it("a meter on a VCB's CT is an ammeter; on a VCT it reads voltage and current circuits as its kind needs", () => {
    const [doc, m] = addAttached(sample, "meter", "VCB_MAIN");
    expect(doc.devices[m]).toMatchObject({ kind: "ammeter", ct: "VCB_MAIN" });
    expect(meterCircuits("watt_hour")).toEqual({ voltage: true, current: true });
    expect(meterCircuits("frequency")).toEqual({ voltage: true, current: false });
  });

  it("deleting a VT removes its meters and the earthing no longer names it", () => {
    const vt = sample.devices.findIndex((d) => d.id === "VT1");
    expect([...subtree(sample, vt)].map((i) => sample.devices[i].id).sort()).toEqual(["VM", "VT1"]);
    const after = deleteSubtree(sample, vt);
    const ea = after.devices.find((d) => d.id === "EA");
    expect(ea?.type === "earthing" && ea.devices).toEqual(["LA1", "DS1", "VCB_MAIN"]);
    expect(after.devices.find((d) => d.id === "ED")).toMatchObject({ devices: ["VCT", "M1"] });
  });

  it("deleting the breaker a DS is interlocked with drops the interlock", () => {
    const doc = { ...sample, devices: sample.devices.map((d) => (d.id === "DS1" ? { ...d, interlock: "VCB_TR1" } : d)) };
    const after = deleteSubtree(doc, doc.devices.findIndex((d) => d.id === "VCB_TR1"));
    expect(after.devices.find((d) => d.id === "DS1")).not.toHaveProperty("interlock");
  });
});
