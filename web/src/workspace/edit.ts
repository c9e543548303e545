//! Edits of the single-line diagram as pure functions on the project document: the tree seen
//! from the utility bus, adding a device in series or as a feeder branch, connecting a load,
//! deleting a device with everything downstream. Each returns a new document; the caller
//! keeps the old one for undo.

import type { Device, ProjectDocument } from "../api/types";

/** Device kinds connected between two buses. */
export const SERIES_TYPES = ["ground_switch", "cable", "vcb", "lbs_pf", "transformer", "lv_breaker"] as const;
/** Device kinds hanging on one bus. */
export const SHUNT_TYPES = ["load", "capacitor"] as const;
export type SeriesType = (typeof SERIES_TYPES)[number];
export type ShuntType = (typeof SHUNT_TYPES)[number];

/** Low voltage per the technical standard: at most 600 V AC. */
export const LV_MAX_V = 600;

export interface Tree {
  /** Series devices leaving each bus (indices into `devices`). */
  children: Map<string, number[]>;
  /** Shunt devices on each bus. */
  shunts: Map<string, number[]>;
  /** The series device feeding each bus. */
  feeder: Map<string, number>;
  busIndex: Map<string, number>;
}

export function tree(doc: ProjectDocument): Tree {
  const t: Tree = { children: new Map(), shunts: new Map(), feeder: new Map(), busIndex: new Map() };
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  doc.devices.forEach((d, i) => {
    if (d.type === "bus") t.busIndex.set(d.id, i);
    else if (d.from !== undefined && d.to !== undefined) {
      push(t.children, d.from, i);
      t.feeder.set(d.to, i);
    } else if (d.bus !== undefined) push(t.shunts, d.bus, i);
  });
  return t;
}

export function busVoltage(doc: ProjectDocument, busId: string): number {
  const b = doc.devices.find((d) => d.type === "bus" && d.id === busId);
  return typeof b?.voltage_v === "number" ? b.voltage_v : doc.utility.voltage_v;
}

/** A fresh id: the prefix and the first free number ("VCB1", "VCB2", …). */
export function freshId(doc: ProjectDocument, prefix: string): string {
  const used = new Set(doc.devices.map((d) => d.id));
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

const PREFIX: Record<string, string> = {
  ground_switch: "PAS",
  cable: "C",
  vcb: "VCB",
  lbs_pf: "PF",
  transformer: "TR",
  lv_breaker: "MCCB",
  load: "L",
  capacitor: "SC",
  bus: "B",
};

/** Typical ratings for a new device of `type` on a bus at `voltage_v` volts. */
export function newDevice(type: SeriesType | ShuntType, id: string, voltage_v: number): Device {
  const lv = voltage_v <= LV_MAX_V;
  switch (type) {
    case "ground_switch":
      return { type, id, kind: "pas", rated_current_a: 200, ground_relay: { kind: "dgr", current_a: 0.2, time_s: 0.2, voltage_percent: 5 } };
    case "cable":
      return lv
        ? { type, id, cable_type: "CV", size_mm2: 100, length_m: 20, r_ohm_per_km: 0.187, x_ohm_per_km: 0.08, withstand_k: 134 }
        : { type, id, cable_type: "CVT", size_mm2: 38, length_m: 50, r_ohm_per_km: 0.491, x_ohm_per_km: 0.12, withstand_k: 134 };
    case "vcb":
      return {
        type, id, rated_current_a: 600, breaking_capacity_ka: 12.5,
        ocr: { curve: "ei", ct_primary_a: 75, ct_secondary_a: 5, tap_a: 4, lever: 2, instantaneous_tap_a: 40 },
      };
    case "lbs_pf":
      return { type, id, rated_current_a: 200, fuse: { fuse_type: "T", rating_a: 30 } };
    case "transformer":
      return {
        type, id, phases: "three", rated_kva: 300, primary_v: voltage_v, secondary_v: 210,
        impedance: { form: "rx", r_percent: 1.3, x_percent: 3.6 },
      };
    case "lv_breaker":
      return { type, id, kind: "mccb", rated_current_a: 200, frame_a: 225, breaking_capacity_ka: 25, trip: { kind: "thermal_magnetic", instantaneous_multiple: 10 } };
    case "load":
      // A 200 V load on a 210 V bus; at 6.6 kV the bus voltage itself.
      return { type, id, rated_kva: 100, power_factor: 0.85, rated_voltage_v: lv ? 200 : voltage_v };
    case "capacitor":
      // JIS C 4902-1: behind a 6 % series reactor the capacitor is rated V / (1 − 0.06).
      return { type, id, rated_kvar: 50, reactor_percent: 6, rated_voltage_v: lv ? 200 : Math.round(voltage_v / 0.94) };
  }
}

/** The kinds that make sense below a bus at this voltage. */
export function seriesTypesAt(voltage_v: number): SeriesType[] {
  return voltage_v <= LV_MAX_V ? ["lv_breaker", "cable"] : ["vcb", "lbs_pf", "transformer", "cable", "ground_switch"];
}

function withDevices(doc: ProjectDocument, devices: Device[]): ProjectDocument {
  return { ...doc, devices };
}

function newBus(doc: ProjectDocument, voltage_v: number): Device {
  return { type: "bus", id: freshId(doc, PREFIX.bus), voltage_v };
}

/** A feeder branch: `type` from `busId` to a new bus. Returns the document and the new index. */
export function addBranch(doc: ProjectDocument, busId: string, type: SeriesType): [ProjectDocument, number] {
  const v = busVoltage(doc, busId);
  const dev = newDevice(type, freshId(doc, PREFIX[type]), v);
  const down = newBus(doc, type === "transformer" ? Number(dev.secondary_v) : v);
  const placed = { ...dev, from: busId, to: down.id };
  const devices = [...doc.devices, down, placed];
  return [withDevices(doc, devices), devices.length - 1];
}

/** Insert `type` in series just below the series device at `index`. */
export function insertSeries(doc: ProjectDocument, index: number, type: SeriesType): [ProjectDocument, number] {
  const above = doc.devices[index];
  if (!above?.to) return [doc, index];
  const v = busVoltage(doc, above.to);
  const mid = newBus(doc, v);
  const dev = { ...newDevice(type, freshId(doc, PREFIX[type]), v), from: mid.id, to: above.to };
  const devices = doc.devices.map((d, i) => (i === index ? { ...d, to: mid.id } : d));
  devices.push(mid, dev);
  return [withDevices(doc, devices), devices.length - 1];
}

/** Connect a load or capacitor to `busId`. */
export function addShunt(doc: ProjectDocument, busId: string, type: ShuntType): [ProjectDocument, number] {
  const dev = { ...newDevice(type, freshId(doc, PREFIX[type]), busVoltage(doc, busId)), bus: busId };
  const devices = [...doc.devices, dev];
  return [withDevices(doc, devices), devices.length - 1];
}

/**
 * The series device directly below the one at `index` when the two can trade places: the bus
 * between them carries nothing else and both sides are at one voltage.
 */
export function swappableBelow(doc: ProjectDocument, index: number): number | undefined {
  const d = doc.devices[index];
  if (!d?.from || !d.to || d.type === "transformer") return undefined;
  const t = tree(doc);
  const below = t.children.get(d.to) ?? [];
  if (below.length !== 1 || (t.shunts.get(d.to) ?? []).length) return undefined;
  const e = doc.devices[below[0]];
  if (!e.to || e.type === "transformer" || busVoltage(doc, d.from) !== busVoltage(doc, e.to)) return undefined;
  return below[0];
}

/** Swap the series device at `index` with the one directly below it (see [`swappableBelow`]). */
export function swapWithBelow(doc: ProjectDocument, index: number): ProjectDocument {
  const j = swappableBelow(doc, index);
  if (j === undefined) return doc;
  const d = doc.devices[index];
  const e = doc.devices[j];
  return withDevices(
    doc,
    doc.devices.map((x, i) => (i === index ? { ...x, from: e.from, to: e.to } : i === j ? { ...x, from: d.from, to: d.to } : x)),
  );
}

/** Indices removed when the device at `index` is deleted with everything downstream. */
export function subtree(doc: ProjectDocument, index: number): Set<number> {
  const t = tree(doc);
  const out = new Set<number>();
  const start = doc.devices[index];
  if (!start) return out;
  const visitBus = (busId: string) => {
    const bi = t.busIndex.get(busId);
    if (bi !== undefined) out.add(bi);
    for (const s of t.shunts.get(busId) ?? []) out.add(s);
    for (const c of t.children.get(busId) ?? []) {
      if (out.has(c)) continue;
      out.add(c);
      const to = doc.devices[c].to;
      if (to) visitBus(to);
    }
  };
  if (start.type === "bus") {
    if (start.id === doc.utility.bus) return out;
    const f = t.feeder.get(start.id);
    if (f !== undefined) out.add(f);
    visitBus(start.id);
  } else {
    out.add(index);
    if (start.to) visitBus(start.to);
  }
  return out;
}

export function deleteSubtree(doc: ProjectDocument, index: number): ProjectDocument {
  const gone = subtree(doc, index);
  return withDevices(doc, doc.devices.filter((_, i) => !gone.has(i)));
}

/** Set a value at a path inside device `index` (e.g. ["ocr", "tap_a"]); `undefined` removes it. */
export function setField(doc: ProjectDocument, index: number, path: string[], value: unknown): ProjectDocument {
  const put = (obj: Record<string, unknown>, p: string[]): Record<string, unknown> => {
    const [head, ...rest] = p;
    const copy = { ...obj };
    if (rest.length === 0) {
      if (value === undefined) delete copy[head];
      else copy[head] = value;
    } else {
      copy[head] = put((obj[head] as Record<string, unknown>) ?? {}, rest);
    }
    return copy;
  };
  return withDevices(doc, doc.devices.map((d, i) => (i === index ? (put(d, path) as Device) : d)));
}

/** Several fields of device `index` at once (one edit for undo). */
export function setFields(doc: ProjectDocument, index: number, changes: readonly [string[], unknown][]): ProjectDocument {
  return changes.reduce((d, [path, value]) => setField(d, index, path, value), doc);
}
