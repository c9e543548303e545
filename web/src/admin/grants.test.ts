import { describe, expect, it } from "vitest";
import { grantState, readHours, sortGrants, type Grant } from "./grants";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 1);

function grant(id: string, created_at: number, hours: number, revoked_at: number | null = null): Grant {
  return {
    id,
    version: 1,
    project_id: "p1",
    granted_by: "u1",
    granted_by_name: "管理者",
    reason: null,
    created_at,
    expires_at: created_at + hours * HOUR,
    revoked_at,
    revoked_by: revoked_at ? "u1" : null,
    active: revoked_at === null && created_at + hours * HOUR > NOW,
  };
}

describe("what a grant is at a moment", () => {
  it("in force until it runs out; run out at its expiry", () => {
    const g = grant("g", NOW - HOUR, 24);
    expect(grantState(g, NOW)).toBe("active");
    expect(grantState(g, g.expires_at)).toBe("expired");
  });
  it("revoked, whether or not it would still run", () => {
    expect(grantState(grant("g", NOW - HOUR, 24, NOW - 1), NOW)).toBe("revoked");
    expect(grantState(grant("g", NOW - 48 * HOUR, 24, NOW - 30 * HOUR), NOW)).toBe("revoked");
  });
});

describe("the list of grants", () => {
  it("those in force first, the soonest to run out first; then the rest newest first", () => {
    const items = [
      grant("old-expired", NOW - 100 * HOUR, 1),
      grant("long", NOW - HOUR, 72),
      grant("revoked-new", NOW - 2 * HOUR, 24, NOW - HOUR),
      grant("short", NOW - HOUR, 2),
    ];
    expect(sortGrants(items, NOW).map((g) => g.id)).toEqual(["short", "long", "revoked-new", "old-expired"]);
  });
});

describe("the hours typed", () => {
  it("1 to 72 whole hours, full-width digits and an 'h' accepted", () => {
    expect(readHours("24")).toEqual({ ok: true, value: 24 });
    expect(readHours("７２")).toEqual({ ok: true, value: 72 });
    expect(readHours("1h")).toEqual({ ok: true, value: 1 });
  });
  it("refuses none, zero, more than 72, fractions and words, saying why", () => {
    expect(readHours(" ")).toEqual({ ok: false, reason: "empty" });
    expect(readHours("0")).toEqual({ ok: false, reason: "out_of_range" });
    expect(readHours("73")).toEqual({ ok: false, reason: "out_of_range" });
    expect(readHours("1.5")).toEqual({ ok: false, reason: "not_a_whole_number" });
    expect(readHours("one day")).toEqual({ ok: false, reason: "not_a_whole_number" });
  });
});
