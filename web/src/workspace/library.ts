//! The engine's built-in library (`GET /library`, read once per session) as the device panel
//! uses it: the items that fit a device (relay curves for a VCB's OCR, fuses for an LBS + PF,
//! frames for an LV breaker, cables of the bus's voltage class, transformers), what choosing
//! one writes into the document (`library_ref` and the fields the engine checks against the
//! item), the setting steps an item allows, and keeping `library_ref` true when a field is
//! edited by hand (the engine refuses a device that disagrees with its item).

import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import type { Device, OcrSettings } from "../api/types";
import { normalise } from "../lib/nfkc";
import * as S from "./steps";

type Schemas = components["schemas"];
export type Library = Schemas["Library"];
export type RelayItem = Schemas["RelayItem"];
export type FuseItem = Schemas["FuseItem"];
export type BreakerItem = Schemas["BreakerItem"];
export type CableItem = Schemas["CableItem"];
export type TransformerItem = Schemas["TransformerItem"];

export type LibraryKind = "relay" | "fuse" | "breaker" | "cable" | "transformer";

/** Where a device kind keeps its `library_ref`, and which list of the library it names. */
export const LIBRARY_OF: Record<string, { kind: LibraryKind; path: string[] } | undefined> = {
  vcb: { kind: "relay", path: ["ocr", "library_ref"] },
  lbs_pf: { kind: "fuse", path: ["fuse", "library_ref"] },
  lv_breaker: { kind: "breaker", path: ["library_ref"] },
  cable: { kind: "cable", path: ["library_ref"] },
  transformer: { kind: "transformer", path: ["library_ref"] },
};

let loading: Promise<Library> | null = null;

/** The library, asked for once (a failed request is asked again next time). */
export function loadLibrary(): Promise<Library> {
  loading ??= api.get<Library>("/library").then(
    (r) => r.body,
    (e) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

/** The OCR curve a relay item stands for (the model's `OcrSettings.curve`). */
export function curveOf(item: RelayItem): string {
  return item.family.startsWith("jis_") ? item.family.slice(4) : item.family;
}

function sameNumber(a: number | undefined, b: number | undefined): boolean {
  return typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/** One item as the picker shows it. */
export interface Choice {
  id: string;
  kind: LibraryKind;
  /** The item's own name (relays), else its designation built from its data. */
  model: string;
  /** Rating and main data, with units. */
  rating: string;
  item: RelayItem | FuseItem | BreakerItem | CableItem | TransformerItem;
}

const n = (v: number) => String(Number(v.toPrecision(6)));

function choice(kind: LibraryKind, item: Choice["item"], lang: "ja" | "en"): Choice {
  switch (kind) {
    case "relay": {
      const r = item as RelayItem;
      const lever = r.family.startsWith("jis_") ? `L ${n(r.dial_min)}–${n(r.dial_max)}` : `TMS ${n(r.dial_min)}–${n(r.dial_max)}`;
      return { id: r.id, kind, item, model: lang === "ja" ? r.name_ja : r.name_en, rating: `${n(Math.min(...r.taps_a))}–${n(Math.max(...r.taps_a))} A · ${lever} · I ${n(r.instantaneous_tap_min_a)}–${n(r.instantaneous_tap_max_a)} A` };
    }
    case "fuse": {
      const f = item as FuseItem;
      return { id: f.id, kind, item, model: `PF ${f.fuse_type}`, rating: `${n(f.rating_a)} A · ${n(f.rated_voltage_kv)} kV · ${n(f.breaking_capacity_ka)} kA` };
    }
    case "breaker": {
      const b = item as BreakerItem;
      return { id: b.id, kind, item, model: `${b.kind.toUpperCase()} ${n(b.frame_a)} AF`, rating: `${b.ratings_a.map(n).join("/")} AT · Icu ${n(b.icu_230v_ka)} kA (230 V)` };
    }
    case "cable": {
      const c = item as CableItem;
      return { id: c.id, kind, item, model: `${c.cable_type} ${n(c.size_mm2)} mm²`, rating: `${n(c.r_ohm_per_km)} + j${n(c.x_ohm_per_km)} Ω/km · ${n(c.ampacity_a)} A` };
    }
    case "transformer": {
      const t = item as TransformerItem;
      return { id: t.id, kind, item, model: `${t.phases === "three" ? "3φ" : "1φ"} ${n(t.rated_kva)} kVA`, rating: `${n(t.primary_v)}/${n(t.secondary_v)} V · %Z ${n(t.r_percent)} + j${n(t.x_percent)}` };
    }
  }
}

/**
 * The library items that fit `device`: every relay curve for an OCR, every fuse, every
 * breaker frame, the cables of the voltage class of the bus they leave (`bus_v`), the
 * transformers for that primary voltage (all of them when none matches).
 */
export function choicesFor(device: Device, lib: Library, bus_v: number, lang: "ja" | "en"): Choice[] {
  const where = LIBRARY_OF[device.type];
  if (!where) return [];
  switch (where.kind) {
    case "relay":
      return lib.relays.map((r) => choice("relay", r, lang));
    case "fuse":
      return lib.fuses.map((f) => choice("fuse", f, lang));
    case "breaker":
      return lib.breakers.map((b) => choice("breaker", b, lang));
    case "cable":
      return lib.cables.filter((c) => (bus_v > 600 ? c.voltage_class_v > 600 : c.voltage_class_v <= 600)).map((c) => choice("cable", c, lang));
    case "transformer": {
      const fit = lib.transformers.filter((t) => sameNumber(t.primary_v, bus_v));
      return (fit.length ? fit : lib.transformers).map((t) => choice("transformer", t, lang));
    }
  }
}

/** The choices whose id, designation or rating hold every word of `query` (NFKC, any case). */
export function search(choices: readonly Choice[], query: string): Choice[] {
  const words = normalise(query).toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...choices];
  return choices.filter((c) => {
    const text = normalise(`${c.id} ${c.model} ${c.rating}`).toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The item a device names, if the library has it. */
export function itemOf(device: Device, lib: Library): Choice["item"] | undefined {
  const where = LIBRARY_OF[device.type];
  if (!where) return undefined;
  const ref = get(device, where.path);
  return typeof ref === "string" ? listOf(lib, where.kind).find((i) => i.id === ref) : undefined;
}

function listOf(lib: Library, kind: LibraryKind): Choice["item"][] {
  return { relay: lib.relays, fuse: lib.fuses, breaker: lib.breakers, cable: lib.cables, transformer: lib.transformers }[kind];
}

function get(d: unknown, path: readonly string[]): unknown {
  let v: unknown = d;
  for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** An edit of one field of a device: the path inside it and the new value (`undefined` removes). */
export type Change = [string[], unknown];

function nearest(value: number, steps: readonly number[]): number {
  return steps.reduce((best, s) => (Math.abs(s - value) < Math.abs(best - value) ? s : best), steps[0]);
}

/**
 * What choosing `item` for `device` writes: its `library_ref`, and every field the engine
 * checks against the item (curve; fuse type and rating; breaker kind, frame and a rated
 * current it is made in; cable type, size and impedance; transformer rating, voltages and
 * impedance). Relay settings outside the item's ranges move to the nearest allowed step.
 * `bus_v` is the voltage of the bus the device leaves (an LV breaker's Icu is at 230 V).
 */
export function applyItem(device: Device, kind: LibraryKind, item: Choice["item"], bus_v: number): Change[] {
  switch (kind) {
    case "relay": {
      const r = item as RelayItem;
      const ocr: OcrSettings | undefined = device.type === "vcb" ? device.ocr : undefined;
      const out: Change[] = [[["ocr", "library_ref"], r.id], [["ocr", "curve"], curveOf(r)]];
      if (!ocr) return out;
      const steps = relaySteps(ocr, r);
      if (typeof ocr.tap_a === "number" && !steps.taps.includes(ocr.tap_a)) out.push([["ocr", "tap_a"], nearest(ocr.tap_a, steps.taps)]);
      if (typeof ocr.instantaneous_tap_a === "number" && !steps.instantaneous.includes(ocr.instantaneous_tap_a)) out.push([["ocr", "instantaneous_tap_a"], nearest(ocr.instantaneous_tap_a, steps.instantaneous)]);
      if (r.family.startsWith("jis_") && typeof ocr.tms === "number") {
        // JIS curves are set by lever (lever 10 = TMS 1.0).
        out.push([["ocr", "tms"], undefined], [["ocr", "lever"], nearest(ocr.tms * 10, steps.levers)]);
      } else if (typeof ocr.lever === "number" && !steps.levers.includes(ocr.lever)) {
        out.push([["ocr", "lever"], nearest(ocr.lever, steps.levers)]);
      }
      return out;
    }
    case "fuse": {
      const f = item as FuseItem;
      return [[["fuse", "library_ref"], f.id], [["fuse", "fuse_type"], f.fuse_type], [["fuse", "rating_a"], f.rating_a]];
    }
    case "breaker": {
      const b = item as BreakerItem;
      const rated = device.type === "lv_breaker" ? nearest(device.rated_current_a, b.ratings_a) : b.ratings_a[b.ratings_a.length - 1];
      const out: Change[] = [[["library_ref"], b.id], [["kind"], b.kind], [["frame_a"], b.frame_a], [["rated_current_a"], rated]];
      if (bus_v <= 240) out.push([["breaking_capacity_ka"], b.icu_230v_ka]);
      const trip = device.type === "lv_breaker" ? device.trip : undefined;
      if (b.technology === "thermal_magnetic" && trip?.kind === "thermal_magnetic") out.push([["trip", "instantaneous_multiple"], b.instantaneous_multiple]);
      return out;
    }
    case "cable": {
      const c = item as CableItem;
      return [
        [["library_ref"], c.id],
        [["cable_type"], c.cable_type],
        [["size_mm2"], c.size_mm2],
        [["r_ohm_per_km"], c.r_ohm_per_km],
        [["x_ohm_per_km"], c.x_ohm_per_km],
        [["withstand_k"], c.withstand_k],
      ];
    }
    case "transformer": {
      const t = item as TransformerItem;
      return [
        [["library_ref"], t.id],
        [["phases"], t.phases],
        [["rated_kva"], t.rated_kva],
        [["primary_v"], t.primary_v],
        [["secondary_v"], t.secondary_v],
        [["impedance"], { form: "rx", r_percent: t.r_percent, x_percent: t.x_percent }],
      ];
    }
  }
}

/** Whether `device` declares what its item is (the engine's `library_mismatch` rule). */
export function agrees(device: Device, kind: LibraryKind, item: Choice["item"]): boolean {
  switch (kind) {
    case "relay":
      return device.type === "vcb" && device.ocr.curve === curveOf(item as RelayItem);
    case "fuse": {
      const f = item as FuseItem;
      return device.type === "lbs_pf" && device.fuse.fuse_type === f.fuse_type && sameNumber(device.fuse.rating_a, f.rating_a);
    }
    case "breaker": {
      const b = item as BreakerItem;
      if (device.type !== "lv_breaker") return false;
      return device.kind === b.kind && sameNumber(device.frame_a, b.frame_a) && b.ratings_a.some((r) => sameNumber(r, device.rated_current_a));
    }
    case "cable": {
      const c = item as CableItem;
      return device.type === "cable" && device.cable_type.trim().toUpperCase() === c.cable_type.toUpperCase() && sameNumber(device.size_mm2, c.size_mm2);
    }
    case "transformer": {
      const t = item as TransformerItem;
      if (device.type !== "transformer") return false;
      return device.phases === t.phases && sameNumber(device.rated_kva, t.rated_kva) && sameNumber(device.primary_v, t.primary_v) && sameNumber(device.secondary_v, t.secondary_v);
    }
  }
}

/**
 * After a field of a device that names a library item was edited by hand (`after`): the
 * `library_ref` change that keeps the device true to the library — the item that matches
 * what it now declares (a PF changed from 30 A to 40 A names the 40 A fuse), else none.
 */
export function reconcile(after: Device, lib: Library): Change | null {
  const where = LIBRARY_OF[after.type];
  if (!where) return null;
  const ref = get(after, where.path);
  if (typeof ref !== "string") return null;
  const current = listOf(lib, where.kind).find((i) => i.id === ref);
  if (current && agrees(after, where.kind, current)) return null;
  const match = listOf(lib, where.kind).find((i) => agrees(after, where.kind, i));
  return [where.path, match?.id];
}

/** The steps an OCR can take: time taps, levers and instantaneous taps, for its CT secondary. */
export interface RelaySteps {
  taps: number[];
  levers: number[];
  instantaneous: number[];
}

/**
 * The steps of an OCR set with `item` (its tap list, its lever or TMS range — lever 10 = TMS
 * 1.0 — and its instantaneous range), for the relay's CT secondary (the library's ranges are
 * for 5 A); without an item, the JIS steps of `steps.ts`.
 */
export function relaySteps(ocr: Pick<OcrSettings, "ct_secondary_a">, item?: RelayItem): RelaySteps {
  const scale = ocr.ct_secondary_a > 0 ? ocr.ct_secondary_a / 5 : 1;
  const scaled = (xs: readonly number[]) => xs.map((x) => Number((x * scale).toPrecision(6)));
  if (!item) return { taps: scaled(S.OCR_TAPS_A), levers: [...S.OCR_LEVERS], instantaneous: scaled(S.OCR_INST_TAPS_A) };
  const lever = item.family.startsWith("jis_") ? 1 : 10;
  const levers = S.OCR_LEVERS.filter((l) => l >= item.dial_min * lever - 1e-9 && l <= item.dial_max * lever + 1e-9);
  const instantaneous = S.OCR_INST_TAPS_A.filter((i) => i >= item.instantaneous_tap_min_a - 1e-9 && i <= item.instantaneous_tap_max_a + 1e-9);
  return { taps: scaled(item.taps_a), levers, instantaneous: scaled(instantaneous) };
}

/** The relay item that sets the steps of `ocr`: the one it names, else the one of its curve. */
export function relayItemFor(ocr: OcrSettings, lib: Library | null): RelayItem | undefined {
  if (!lib) return undefined;
  return lib.relays.find((r) => r.id === ocr.library_ref) ?? lib.relays.find((r) => curveOf(r) === ocr.curve);
}

/** The fuse ratings the library has for a fuse type (the generic list without a library). */
export function fuseRatings(fuse_type: string, lib: Library | null): number[] {
  const mine = lib?.fuses.filter((f) => f.fuse_type === fuse_type).map((f) => f.rating_a) ?? [];
  return mine.length ? [...new Set(mine)].sort((a, b) => a - b) : [...S.PF_RATINGS_A];
}

/** The library for a component: `null` until it has arrived; `failed` when it could not be read. */
export function useLibrary(): { lib: Library | null; failed: boolean } {
  const [state, setState] = useState<{ lib: Library | null; failed: boolean }>({ lib: null, failed: false });
  useEffect(() => {
    let live = true;
    loadLibrary().then(
      (lib) => live && setState({ lib, failed: false }),
      () => live && setState({ lib: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
