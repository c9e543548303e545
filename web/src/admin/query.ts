//! The audit log's filter as the form holds it, and the query string `GET /audit` and
//! `GET /audit.csv` read: empty fields are left out, text is trimmed (and full-width
//! characters read as their ASCII forms), the cursor and the CSV encoding are added last.

import type { components } from "../api/schema";

export type AuditResult = components["schemas"]["AuditResult"];

/** The filter form: a period in Japan's calendar days (YYYY-MM-DD), and exact-match fields. */
export interface AuditFilter {
  from: string;
  to: string;
  /** A user id. */
  user: string;
  /** The beginning of an operation name (`POST /admin/users`, `auth.`). */
  operation: string;
  result: AuditResult | "";
  /** A target (`user:…`, `project:…`). */
  target: string;
}

export const emptyFilter: AuditFilter = { from: "", to: "", user: "", operation: "", result: "", target: "" };

/** `?from=…&…` for this filter (`""` when nothing is set). */
export function auditQuery(f: AuditFilter, extra: { limit?: number; cursor?: string | null; encoding?: "utf-8" | "shift_jis" } = {}): string {
  const q = new URLSearchParams();
  for (const key of ["from", "to", "user", "operation", "result", "target"] as const) {
    const v = f[key].normalize("NFKC").trim();
    if (v) q.set(key, v);
  }
  if (extra.limit !== undefined) q.set("limit", String(extra.limit));
  if (extra.cursor) q.set("cursor", extra.cursor);
  if (extra.encoding) q.set("encoding", extra.encoding);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The file name a download of the log gets: `audit-<from>_<to>[-sjis].csv`. */
export function csvFileName(f: AuditFilter, encoding: "utf-8" | "shift_jis", today: string): string {
  const from = f.from.trim() || "";
  const to = f.to.trim() || today;
  const period = from ? `${from}_${to}` : to;
  return `audit-${period}${encoding === "shift_jis" ? "-sjis" : ""}.csv`;
}
