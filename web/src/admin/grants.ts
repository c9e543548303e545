//! Support-access grants as the administration screen shows and asks for them: what a grant
//! is at a moment (in force, revoked, or run out), the list's order (those in force first,
//! then the newest), and the hours typed in the form read as 1–72 whole hours.

import type { components } from "../api/schema";
import { parseNumber } from "../lib/nfkc";

export type Grant = components["schemas"]["Grant"];
export type GrantInput = components["schemas"]["GrantInput"];

/** The longest grant the API allows, hours. */
export const MAX_GRANT_HOURS = 72;
/** What the form offers first: a working day and night. */
export const DEFAULT_GRANT_HOURS = 24;

export type GrantState = "active" | "revoked" | "expired";

/** What `g` is at `now`: revoked (whenever it ran to), run out, or in force. */
export function grantState(g: Grant, now: number): GrantState {
  if (g.revoked_at != null) return "revoked";
  return g.expires_at > now ? "active" : "expired";
}

/** Those in force first (the soonest to run out first), then the rest newest first. */
export function sortGrants(items: readonly Grant[], now: number): Grant[] {
  const active = (g: Grant) => grantState(g, now) === "active";
  return [...items].sort((a, b) =>
    Number(active(b)) - Number(active(a)) ||
    (active(a) ? a.expires_at - b.expires_at : b.created_at - a.created_at) ||
    a.id.localeCompare(b.id),
  );
}

export type Hours = { ok: true; value: number } | { ok: false; reason: "empty" | "not_a_whole_number" | "out_of_range" };

/** The hours typed ("24", "２４", "24h"): a whole number from 1 to 72. */
export function readHours(text: string): Hours {
  const n = parseNumber(text, "h");
  if (!n.ok) return { ok: false, reason: n.reason === "empty" ? "empty" : "not_a_whole_number" };
  if (!Number.isInteger(n.value)) return { ok: false, reason: "not_a_whole_number" };
  if (n.value < 1 || n.value > MAX_GRANT_HOURS) return { ok: false, reason: "out_of_range" };
  return { ok: true, value: n.value };
}
