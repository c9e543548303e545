//! Edits of the single-line diagram as pure functions on the project document: the tree seen
//! from the utility bus, adding a device in series or as a feeder branch, connecting a load,
//! deleting a device with everything downstream. Each returns a new document; the caller
//! keeps the old one for undo.

import type { Device, DeviceOf, DeviceType, MeterKind, ProjectDocument } from "../api/types";
import { CT_PRIMARIES_A } from "./steps";

/** Device kinds connected between two buses. */
export const SERIES_TYPES = ["ground_switch", "cable", "vcb", "lbs_pf", "transformer", "lv_breaker", "ds", "vct"] as const;
/** Device kinds hanging on one bus. */
export const SHUNT_TYPES = ["load", "capacitor", "la", "vt"] as const;
/** Device kinds attached to other devices, not to a bus: meters on their VT/CT, earthing on what it bonds. */
export const ATTACHED_TYPES = ["meter", "earthing"] as const;
export type SeriesType = (typeof SERIES_TYPES)[number];
export type ShuntType = (typeof SHUNT_TYPES)[number];
export type AttachedType = (typeof ATTACHED_TYPES)[number];

/** Low voltage per the technical standard: at most 600 V AC. */
export const LV_MAX_V = 600;

/** A series device's two buses, or `undefined` for any other kind. */
export function ends(d: Device): { from: string; to: string } | undefined {
  return "from" in d && "to" in d ? { from: d.from, to: d.to } : undefined;
}

/** The bus a shunt device (load, capacitor, LA, VT, …) hangs on. */
export function shuntBus(d: Device): string | undefined {
  return "bus" in d ? d.bus : undefined;
}

export function isType<T extends DeviceType>(d: Device | undefined, type: T): d is DeviceOf<T> {
  return d?.type === type;
}

/** A device before it is placed: without its buses. */
export type Unplaced = Device extends infer D ? (D extends unknown ? Omit<D, "from" | "to" | "bus"> : never) : never;

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
    const e = ends(d);
    const bus = shuntBus(d);
    if (d.type === "bus") t.busIndex.set(d.id, i);
    else if (e) {
      push(t.children, e.from, i);
      t.feeder.set(e.to, i);
    } else if (bus !== undefined) push(t.shunts, bus, i);
  });
  return t;
}

export function busVoltage(doc: ProjectDocument, busId: string): number {
  const b = doc.devices.find((d): d is DeviceOf<"bus"> => d.type === "bus" && d.id === busId);
  return typeof b?.voltage_v === "number" ? b.voltage_v : doc.utility.voltage_v;
}

/** A fresh id: the prefix and the first free number ("VCB1", "VCB2", …). */
export function freshId(doc: ProjectDocument, prefix: string): string {
  const used = new Set(doc.devices.map((d) => d.id));
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** The id prefix of each kind: the letters a Japanese single-line diagram labels it with. */
export const PREFIX: Record<SeriesType | ShuntType | AttachedType | "bus", string> = {
  ground_switch: "PAS",
  cable: "C",
  vcb: "VCB",
  lbs_pf: "PF",
  transformer: "TR",
  lv_breaker: "MCCB",
  ds: "DS",
  vct: "VCT",
  load: "L",
  capacitor: "SC",
  la: "LA",
  vt: "VT",
  meter: "MT",
  earthing: "E",
  bus: "B",
};

/** Power factor the contract demand is turned into a current with (as the engine's `vct_rating`). */
const DEMAND_POWER_FACTOR = 0.9;

/**
 * The CT primary of a metering unit for a contract demand: the smallest standard primary at
 * or above the contract current kW / (√3 · V · cos φ); 50 A when the contract is not given.
 */
export function vctCtPrimary(contract_kw: number | null | undefined, voltage_v: number): number {
  if (!contract_kw || !(contract_kw > 0) || !(voltage_v > 0)) return 50;
  const amps = (contract_kw * 1000) / (Math.sqrt(3) * voltage_v * DEMAND_POWER_FACTOR);
  return CT_PRIMARIES_A.find((a) => a >= amps) ?? CT_PRIMARIES_A[CT_PRIMARIES_A.length - 1];
}

/** The metering unit's class the contract demand calls for (METI: 0.5W from 500 kW, 0.3W from 10 000 kW). */
export function vctClass(contract_kw: number | null | undefined): DeviceOf<"vct">["accuracy_class"] {
  const kw = contract_kw ?? 0;
  return kw >= 10_000 ? "0.3W" : kw >= 500 ? "0.5W" : "1.0W";
}

/** What a new device's defaults may depend on beyond its bus voltage. */
export interface Context {
  /** The contract demand (契約電力), kW: sizes a metering unit. */
  contract_kw?: number | null;
}

/** Typical ratings for a new device of `type` on a bus at `voltage_v` volts. */
export function newDevice(type: SeriesType | ShuntType, id: string, voltage_v: number, ctx: Context = {}): Unplaced {
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
    case "ds":
      // A 7.2 kV 400 A disconnector (JIS C 4606), 12.5 kA for 1 s.
      return { type, id, rated_current_a: 400, short_time_ka: 12.5 };
    case "vct":
      // The utility's metering unit: 6600/110 V, its CT sized for the contract demand.
      return {
        type, id, primary_v: voltage_v, secondary_v: 110, ct_primary_a: vctCtPrimary(ctx.contract_kw, voltage_v), ct_secondary_a: 5,
        accuracy_class: vctClass(ctx.contract_kw), vt_rated_burden_va: 50, ct_rated_burden_va: 15,
      };
    case "load":
      // A 200 V load on a 210 V bus; at 6.6 kV the bus voltage itself.
      return { type, id, rated_kva: 100, power_factor: 0.85, rated_voltage_v: lv ? 200 : voltage_v };
    case "capacitor":
      // JIS C 4902-1: behind a 6 % series reactor the capacitor is rated V / (1 − 0.06).
      return { type, id, rated_kvar: 50, reactor_percent: 6, rated_voltage_v: lv ? 200 : Math.round(voltage_v / 0.94) };
    case "la":
      // JIS C 4608: 8.4 kV on 6.6 kV (4.2 kV on 3.3 kV), 2.5 kA nominal discharge current.
      return { type, id, rated_voltage_v: Math.round((voltage_v * 8400) / 6600), nominal_discharge_current_ka: 2.5 };
    case "vt":
      // JIS C 1731-2: 6600/110 V, 100 VA, class 1.0, behind a 1 A current-limiting fuse.
      return { type, id, primary_v: voltage_v, secondary_v: 110, rated_burden_va: 100, accuracy_class: "1.0", fuse: { rating_a: 1, breaking_capacity_ka: 40 } };
  }
}

/** Which circuits a meter of `kind` has (as the engine's `MeterKind::circuits`). */
export function meterCircuits(kind: MeterKind): { voltage: boolean; current: boolean } {
  if (kind === "voltmeter" || kind === "frequency") return { voltage: true, current: false };
  if (kind === "ammeter") return { voltage: false, current: true };
  return { voltage: true, current: true };
}

/** Devices that can feed a meter's voltage circuit (VTs and VCTs) or its current circuit (VCTs and VCBs with their CT). */
export function meterSources(doc: ProjectDocument): { vt: string[]; ct: string[] } {
  return {
    vt: doc.devices.filter((d) => d.type === "vt" || d.type === "vct").map((d) => d.id),
    ct: doc.devices.filter((d) => d.type === "vct" || d.type === "vcb").map((d) => d.id),
  };
}

/** Devices an earthing can bond: everything but buses, meters and earthing. */
export function bondable(doc: ProjectDocument): string[] {
  return doc.devices.filter((d) => d.type !== "bus" && d.type !== "meter" && d.type !== "earthing").map((d) => d.id);
}

/**
 * A new meter or earthing. A meter is a voltmeter on the first VT (or VCT), else an ammeter on
 * the first CT, attached to `target` when that can feed it; an earthing is class A at 10 Ω
 * bonding the arresters no earthing holds yet (or `target`).
 */
export function newAttached(doc: ProjectDocument, type: AttachedType, id: string, target?: string): Device {
  if (type === "earthing") {
    const held = new Set(doc.devices.flatMap((d) => (d.type === "earthing" ? d.devices ?? [] : [])));
    const devices = target ? [target] : doc.devices.filter((d) => d.type === "la" && !held.has(d.id)).map((d) => d.id);
    return { type, id, class: "a", resistance_ohm: 10, devices };
  }
  const src = meterSources(doc);
  const vt = target && src.vt.includes(target) ? target : target && src.ct.includes(target) ? undefined : src.vt[0];
  if (vt) return { type, id, kind: "voltmeter", vt };
  const ct = target && src.ct.includes(target) ? target : src.ct[0];
  if (ct) return { type, id, kind: "ammeter", ct };
  return { type, id, kind: "voltmeter" };
}

/** Add a meter or an earthing (see [`newAttached`]). */
export function addAttached(doc: ProjectDocument, type: AttachedType, target?: string): [ProjectDocument, number] {
  const devices = [...doc.devices, newAttached(doc, type, freshId(doc, PREFIX[type]), target)];
  return [withDevices(doc, devices), devices.length - 1];
}

/** The shunt kinds that make sense on a bus at this voltage (arresters and VTs on high voltage only). */
export function shuntTypesAt(voltage_v: number): ShuntType[] {
  return voltage_v <= LV_MAX_V ? ["load", "capacitor"] : [...SHUNT_TYPES];
}

/** The kinds that make sense below a bus at this voltage. */
export function seriesTypesAt(voltage_v: number): SeriesType[] {
  return voltage_v <= LV_MAX_V ? ["lv_breaker", "cable"] : ["vcb", "lbs_pf", "transformer", "cable", "ground_switch", "ds", "vct"];
}

function withDevices(doc: ProjectDocument, devices: Device[]): ProjectDocument {
  return { ...doc, devices };
}

function newBus(doc: ProjectDocument, voltage_v: number): Device {
  return { type: "bus", id: freshId(doc, PREFIX.bus), voltage_v };
}

function fresh(doc: ProjectDocument, type: SeriesType | ShuntType, voltage_v: number): Unplaced {
  return newDevice(type, freshId(doc, PREFIX[type]), voltage_v, { contract_kw: doc.contract_demand_kw });
}

/** A feeder branch: `type` from `busId` to a new bus. Returns the document and the new index. */
export function addBranch(doc: ProjectDocument, busId: string, type: SeriesType): [ProjectDocument, number] {
  const v = busVoltage(doc, busId);
  const dev = fresh(doc, type, v);
  const down = newBus(doc, dev.type === "transformer" ? dev.secondary_v : v);
  const placed = { ...dev, from: busId, to: down.id } as Device;
  const devices = [...doc.devices, down, placed];
  return [withDevices(doc, devices), devices.length - 1];
}

/** Insert `type` in series just below the series device at `index`. */
export function insertSeries(doc: ProjectDocument, index: number, type: SeriesType): [ProjectDocument, number] {
  const above = doc.devices[index];
  const e = above && ends(above);
  if (!e) return [doc, index];
  const v = busVoltage(doc, e.to);
  const mid = newBus(doc, v);
  const dev = { ...fresh(doc, type, v), from: mid.id, to: e.to } as Device;
  const devices = doc.devices.map((d, i) => (i === index ? ({ ...d, to: mid.id } as Device) : d));
  devices.push(mid, dev);
  return [withDevices(doc, devices), devices.length - 1];
}

/** Connect a load, capacitor, arrester or VT to `busId`. */
export function addShunt(doc: ProjectDocument, busId: string, type: ShuntType): [ProjectDocument, number] {
  const dev = { ...fresh(doc, type, busVoltage(doc, busId)), bus: busId } as Device;
  const devices = [...doc.devices, dev];
  return [withDevices(doc, devices), devices.length - 1];
}

/**
 * The series device directly below the one at `index` when the two can trade places: the bus
 * between them carries nothing else and both sides are at one voltage.
 */
export function swappableBelow(doc: ProjectDocument, index: number): number | undefined {
  const d = doc.devices[index];
  const de = d && ends(d);
  if (!de || d.type === "transformer") return undefined;
  const t = tree(doc);
  const below = t.children.get(de.to) ?? [];
  if (below.length !== 1 || (t.shunts.get(de.to) ?? []).length) return undefined;
  const e = doc.devices[below[0]];
  const ee = ends(e);
  if (!ee || e.type === "transformer" || busVoltage(doc, de.from) !== busVoltage(doc, ee.to)) return undefined;
  return below[0];
}

/** Swap the series device at `index` with the one directly below it (see [`swappableBelow`]). */
export function swapWithBelow(doc: ProjectDocument, index: number): ProjectDocument {
  const j = swappableBelow(doc, index);
  if (j === undefined) return doc;
  const d = ends(doc.devices[index])!;
  const e = ends(doc.devices[j])!;
  return withDevices(
    doc,
    doc.devices.map((x, i) => (i === index ? ({ ...x, ...e } as Device) : i === j ? ({ ...x, ...d } as Device) : x)),
  );
}

/**
 * Indices removed when the device at `index` is deleted with everything downstream, the
 * meters fed by a removed instrument transformer included.
 */
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
      const to = ends(doc.devices[c])?.to;
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
    const to = ends(start)?.to;
    if (to) visitBus(to);
  }
  const gone = new Set([...out].map((i) => doc.devices[i].id));
  doc.devices.forEach((d, i) => {
    if (d.type === "meter" && ((d.vt && gone.has(d.vt)) || (d.ct && gone.has(d.ct)))) out.add(i);
  });
  return out;
}

/**
 * Delete the device at `index` with everything downstream ([`subtree`]); earthing no longer
 * bonds the removed devices and a DS loses an interlock with a removed breaker.
 */
export function deleteSubtree(doc: ProjectDocument, index: number): ProjectDocument {
  const gone = subtree(doc, index);
  const ids = new Set([...gone].map((i) => doc.devices[i].id));
  const kept = doc.devices
    .filter((_, i) => !gone.has(i))
    .map((d): Device => {
      if (d.type === "earthing" && d.devices?.some((x) => ids.has(x))) return { ...d, devices: d.devices.filter((x) => !ids.has(x)) };
      if (d.type === "ds" && d.interlock && ids.has(d.interlock)) {
        const { interlock: _, ...rest } = d;
        return rest;
      }
      return d;
    });
  return withDevices(doc, kept);
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
