import { describe, expect, it } from "vitest";
import { bannerAt, dismissKey, jstDateTime, jstWindow, phase, shownAt, type Announcement } from "./announce";

/** A moment given in Japan time (UTC+9). */
const jst = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h - 9, mi);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 30 November 2026, 10:00 in Japan. */
const NOW = jst(2026, 11, 30, 10);

let seq = 0;
function ann(kind: Announcement["kind"], starts_at: number, ends_at?: number | null, more: Partial<Announcement> = {}): Announcement {
  seq += 1;
  return {
    id: `a${seq}`,
    version: 1,
    kind,
    title_ja: `お知らせ${seq}`,
    title_en: `Notice ${seq}`,
    text_ja: "本文",
    text_en: "Text",
    starts_at,
    ends_at,
    audience: { type: "all" },
    created_at: NOW - DAY,
    updated_at: NOW - DAY,
    ...more,
  };
}

describe("times in Japan time, whatever the browser's zone", () => {
  it("a night window across midnight names both days with their weekdays", () => {
    // Saturday 5 December 22:00 to Sunday 6 December 02:00, Japan time (13:00–17:00 UTC).
    expect(jstWindow(jst(2026, 12, 5, 22), jst(2026, 12, 6, 2), "ja", NOW)).toBe("12/5(土) 22:00–12/6(日) 02:00 JST");
    expect(jstWindow(jst(2026, 12, 5, 22), jst(2026, 12, 6, 2), "en", NOW)).toBe("Sat 5 Dec 22:00 – Sun 6 Dec 02:00 JST");
  });
  it("a window within one day names the day once", () => {
    expect(jstWindow(jst(2026, 12, 5, 22), jst(2026, 12, 5, 23, 30), "ja", NOW)).toBe("12/5(土) 22:00–23:30 JST");
    expect(jstWindow(jst(2026, 12, 5, 22), jst(2026, 12, 5, 23, 30), "en", NOW)).toBe("Sat 5 Dec 22:00–23:30 JST");
  });
  it("09:00 in Japan is midnight UTC: the day is Japan's, not UTC's", () => {
    // 2026-12-04T15:00Z is already Saturday 5 December 00:00 in Japan.
    expect(jstWindow(Date.UTC(2026, 11, 4, 15), Date.UTC(2026, 11, 4, 18), "ja", NOW)).toBe("12/5(土) 00:00–03:00 JST");
  });
  it("the year is written only when it is not this year", () => {
    expect(jstWindow(jst(2027, 1, 5, 22), jst(2027, 1, 6, 2), "ja", NOW)).toBe("2027/1/5(火) 22:00–2027/1/6(水) 02:00 JST");
    expect(jstWindow(jst(2027, 1, 5, 22), null, "en", NOW)).toBe("Tue 5 Jan 2027 22:00 JST");
  });
  it("a moment in full", () => {
    expect(jstDateTime(jst(2026, 12, 2, 9, 5), "ja")).toBe("2026/12/02 09:05 JST");
    expect(jstDateTime(jst(2026, 12, 2, 9, 5), "en")).toBe("2 Dec 2026, 09:05 JST");
  });
});

describe("what an announcement is at a moment", () => {
  it("a maintenance window is planned before it begins, under way inside it, and gone after it", () => {
    const m = ann("maintenance", NOW + 3 * DAY, NOW + 3 * DAY + 4 * HOUR);
    expect(phase(m, NOW)).toBe("maintenance_planned");
    expect(phase(m, NOW + 3 * DAY)).toBe("maintenance_now");
    expect(phase(m, NOW + 3 * DAY + 4 * HOUR)).toBeNull();
  });
  it("an incident shows once begun, until it ends; a withdrawn one never", () => {
    expect(phase(ann("incident", NOW + HOUR), NOW)).toBeNull();
    expect(phase(ann("incident", NOW - HOUR), NOW)).toBe("incident");
    expect(phase(ann("incident", NOW - 2 * HOUR, NOW - HOUR), NOW)).toBeNull();
    expect(phase(ann("incident", NOW - HOUR, null, { withdrawn_at: NOW - 1 }), NOW)).toBeNull();
  });
  it("a release without an end shows for a week after it begins", () => {
    const r = ann("release", NOW - 6 * DAY);
    expect(phase(r, NOW)).toBe("release");
    expect(phase(r, NOW + DAY)).toBeNull();
    expect(phase(ann("release", NOW + DAY), NOW)).toBeNull();
  });
  it("the end of the service is shown from its notice on", () => {
    expect(phase(ann("end_of_service", NOW + 120 * DAY), NOW)).toBe("end_of_service");
  });
});

describe("the banner", () => {
  const later = ann("maintenance", NOW + 10 * DAY, NOW + 10 * DAY + HOUR);
  const sooner = ann("maintenance", NOW + 3 * DAY, NOW + 3 * DAY + HOUR);
  const now = ann("maintenance", NOW - HOUR, NOW + HOUR);
  const incident = ann("incident", NOW - 10 * HOUR);
  const ending = ann("end_of_service", NOW + 100 * DAY);
  const release = ann("release", NOW - DAY);
  const past = ann("maintenance", NOW - 5 * DAY, NOW - 5 * DAY + HOUR);
  const all = [release, later, past, ending, sooner, now, incident];

  it("shows the incident first, then maintenance under way, then planned windows soonest first, the end of the service and a release", () => {
    expect(shownAt(all, NOW).map((s) => [s.announcement.id, s.phase])).toEqual([
      [incident.id, "incident"],
      [now.id, "maintenance_now"],
      [sooner.id, "maintenance_planned"],
      [later.id, "maintenance_planned"],
      [ending.id, "end_of_service"],
      [release.id, "release"],
    ]);
  });
  it("leaves out what the user dismissed, until the operator changes it", () => {
    const dismissed = new Set([dismissKey(incident), dismissKey(sooner)]);
    expect(bannerAt(all, NOW, dismissed).map((s) => s.announcement.id)).toEqual([now.id, later.id, ending.id, release.id]);
    const moved = { ...sooner, version: 2, starts_at: sooner.starts_at + DAY, ends_at: sooner.ends_at! + DAY };
    expect(bannerAt([moved], NOW, dismissed).map((s) => s.announcement.id)).toEqual([sooner.id]);
  });
});
