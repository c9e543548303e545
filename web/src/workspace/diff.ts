//! The differences between two project documents, as JSON pointers with both values, so a
//! conflict dialog can show exactly what each side holds.

import type { Json } from "../api/types";

export interface Difference {
  pointer: string;
  mine: string;
  theirs: string;
}

function flatten(v: unknown, at: string, out: Map<string, string>) {
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, Json>);
    if (entries.length === 0) out.set(at, Array.isArray(v) ? "[]" : "{}");
    for (const [k, x] of entries) flatten(x, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
  } else if (v !== undefined) {
    out.set(at, JSON.stringify(v));
  }
}

export function differences(mine: unknown, theirs: unknown): Difference[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(mine, "", a);
  flatten(theirs, "", b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => ({ pointer: k, mine: a.get(k) ?? "—", theirs: b.get(k) ?? "—" }));
}

/** The device a pointer falls in, by id ("L1"), for a reader who does not count indices. */
export function deviceAt(pointer: string, ...docs: unknown[]): string | undefined {
  const m = /^\/devices\/(\d+)(?:\/|$)/.exec(pointer);
  if (!m) return undefined;
  for (const d of docs) {
    const dev = (d as { devices?: { id?: string }[] } | null)?.devices?.[Number(m[1])];
    if (dev?.id) return dev.id;
  }
  return undefined;
}
