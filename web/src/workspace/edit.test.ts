import { describe, expect, it } from "vitest";
import { blankDocument } from "../projects/samples";
import { addBranch, addShunt, deleteSubtree, insertSeries, subtree, swapWithBelow, swappableBelow, tree } from "./edit";

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
