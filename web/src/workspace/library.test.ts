import { describe, expect, it } from "vitest";
import type { Device } from "../api/types";
import { applyItem, choicesFor, reconcile, relayItemFor, relaySteps, search, type Library } from "./library";

const relay = (id: string, family: string, dial_min: number, dial_max: number) => ({
  id, family, name_ja: `${family} OCR`, name_en: `${family} OCR`, taps_a: [3, 3.5, 4, 4.5, 5, 6], dial_min, dial_max, instantaneous_tap_min_a: 10, instantaneous_tap_max_a: 60, source: "",
});
const fuse = (type: string, rating_a: number) => ({ id: `pf.${type.toLowerCase()}.${rating_a}a`, fuse_type: type, rating_a, rated_voltage_kv: 7.2, breaking_capacity_ka: 40, curves: {}, source: "" });
const lib = {
  relays: [relay("ocr.jis.ei", "jis_ei", 0.25, 20), relay("ocr.jis.vi", "jis_vi", 0.25, 20), relay("ocr.iec.si", "iec_si", 0.025, 2)],
  fuses: [fuse("T", 30), fuse("T", 40), fuse("G", 30)],
  breakers: [
    { id: "mccb.225af", kind: "mccb", frame_a: 225, ratings_a: [100, 125, 150, 175, 200, 225], icu_230v_ka: 50, technology: "thermal_magnetic", instantaneous_multiple: 10, source: "" },
    { id: "acb.1000af", kind: "acb", frame_a: 1000, ratings_a: [1000], icu_230v_ka: 65, technology: "electronic", instantaneous_multiple: 12, source: "" },
  ],
  cables: [
    { id: "cable.cvt.38", cable_type: "CVT", voltage_class_v: 6600, size_mm2: 38, r_ohm_per_km: 0.491, x_ohm_per_km: 0.12, c_uf_per_km: 0.3, withstand_k: 134, ampacity_a: 155, source: "" },
    { id: "cable.cv.38", cable_type: "CV", voltage_class_v: 600, size_mm2: 38, r_ohm_per_km: 0.491, x_ohm_per_km: 0.09, c_uf_per_km: 0, withstand_k: 134, ampacity_a: 140, source: "" },
  ],
  transformers: [],
} as unknown as Library;

const vcb: Device = { type: "vcb", id: "VCB1", from: "SP", to: "B1", ocr: { curve: "ei", ct_primary_a: 75, ct_secondary_a: 5, tap_a: 4, lever: 2, instantaneous_tap_a: 70 } };

describe("the library items that fit a device", () => {
  it("a VCB's OCR takes any relay curve; a cable only those of its bus's voltage class", () => {
    expect(choicesFor(vcb, lib, 6600, "ja").map((c) => c.id)).toEqual(["ocr.jis.ei", "ocr.jis.vi", "ocr.iec.si"]);
    const cable: Device = { type: "cable", id: "C1", cable_type: "CV", size_mm2: 38 };
    expect(choicesFor(cable, lib, 210, "ja").map((c) => c.id)).toEqual(["cable.cv.38"]);
    expect(choicesFor(cable, lib, 6600, "ja").map((c) => c.id)).toEqual(["cable.cvt.38"]);
    expect(choicesFor({ type: "load", id: "L1" }, lib, 210, "ja")).toEqual([]);
  });

  it("searching matches every word, full-width and any case (ＶＩ finds jis_vi)", () => {
    const all = choicesFor(vcb, lib, 6600, "ja");
    expect(search(all, "ＶＩ").map((c) => c.id)).toEqual(["ocr.jis.vi"]);
    expect(search(choicesFor({ type: "lbs_pf", id: "PF1", fuse: { fuse_type: "T", rating_a: 30 } }, lib, 6600, "ja"), "T ４０a").map((c) => c.id)).toEqual(["pf.t.40a"]);
  });
});

describe("choosing an item", () => {
  it("a relay curve writes library_ref and the curve; an instantaneous tap beyond its 10–60 A range moves to 60 A", () => {
    expect(applyItem(vcb, "relay", lib.relays[1], 6600)).toEqual([
      [["ocr", "library_ref"], "ocr.jis.vi"],
      [["ocr", "curve"], "vi"],
      [["ocr", "instantaneous_tap_a"], 60],
    ]);
  });

  it("a JIS curve for a relay set by TMS 0.3 takes lever 3 instead (lever 10 = TMS 1.0)", () => {
    const iec: Device = { ...vcb, ocr: { curve: "iec_si", ct_primary_a: 75, ct_secondary_a: 5, tap_a: 4, tms: 0.3, instantaneous_tap_a: 40 } };
    expect(applyItem(iec, "relay", lib.relays[0], 6600)).toEqual([
      [["ocr", "library_ref"], "ocr.jis.ei"],
      [["ocr", "curve"], "ei"],
      [["ocr", "tms"], undefined],
      [["ocr", "lever"], 3],
    ]);
  });

  it("a breaker frame keeps the nearest rating it is made in, and its Icu on a 210 V bus", () => {
    const mccb: Device = { type: "lv_breaker", id: "MCCB1", kind: "mccb", frame_a: 250, rated_current_a: 190, breaking_capacity_ka: 25, trip: { kind: "thermal_magnetic", instantaneous_multiple: 8 } };
    expect(applyItem(mccb, "breaker", lib.breakers[0], 210)).toEqual([
      [["library_ref"], "mccb.225af"],
      [["kind"], "mccb"],
      [["frame_a"], 225],
      [["rated_current_a"], 200],
      [["breaking_capacity_ka"], 50],
      [["trip", "instantaneous_multiple"], 10],
    ]);
  });
});

describe("a device stays true to its library item", () => {
  it("a PF edited from 30 A to 40 A names the 40 A fuse; to 35 A, no item: the reference goes", () => {
    const pf = (rating_a: number): Device => ({ type: "lbs_pf", id: "PF1", fuse: { fuse_type: "T", rating_a, library_ref: "pf.t.30a" } });
    expect(reconcile(pf(30), lib)).toBeNull();
    expect(reconcile(pf(40), lib)).toEqual([["fuse", "library_ref"], "pf.t.40a"]);
    expect(reconcile(pf(35), lib)).toEqual([["fuse", "library_ref"], undefined]);
  });
  it("a relay whose curve changed names the item of the new curve", () => {
    const changed: Device = { ...vcb, ocr: { ...vcb.ocr!, curve: "vi", library_ref: "ocr.jis.ei" } };
    expect(reconcile(changed, lib)).toEqual([["ocr", "library_ref"], "ocr.jis.vi"]);
  });
});

describe("the steps a relay can take", () => {
  it("come from its item: 10–60 A instantaneous; without a library, the JIS steps", () => {
    const item = relayItemFor(vcb.ocr!, lib)!;
    expect(item.id).toBe("ocr.jis.ei");
    const s = relaySteps(vcb.ocr!, item);
    expect(s.instantaneous.at(-1)).toBe(60);
    expect(s.taps).toEqual([3, 3.5, 4, 4.5, 5, 6]);
    expect(relaySteps(vcb.ocr!).instantaneous.at(-1)).toBe(100);
  });
  it("are scaled for a 1 A CT secondary (the library's are for 5 A)", () => {
    expect(relaySteps({ ct_secondary_a: 1 }, lib.relays[0]).taps).toEqual([0.6, 0.7, 0.8, 0.9, 1, 1.2]);
  });
});
