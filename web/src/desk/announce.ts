//! Announcements as the client shows them: times in Japan time whatever the browser's zone
//! ("12/5(金) 22:00–12/6(土) 02:00 JST"), what each announcement is at a given moment (an
//! incident or a maintenance window under way, a planned window, the end of the service, a
//! recent release), and which ones the banner shows, most urgent first, leaving out those the
//! user dismissed this session.

import type { components } from "../api/schema";
import type { Lang } from "../i18n/dict";

export type Announcement = components["schemas"]["Announcement"];
export type ServiceStatus = components["schemas"]["ServiceStatus"];
export type ServiceState = components["schemas"]["ServiceState"];

/** Japan has one zone and no daylight saving: UTC+9 all year. */
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
/** How long a release without an end stays in the banner after it begins. */
export const RELEASE_SHOWN_DAYS = 7;

const WEEKDAYS: Record<Lang, readonly string[]> = {
  ja: ["日", "月", "火", "水", "木", "金", "土"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface JstParts {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0 (Sunday) – 6. */
  weekday: number;
  /** "22:00". */
  time: string;
}

function jst(ms: number): JstParts {
  const d = new Date(ms + JST_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), time: `${hh}:${mm}` };
}

const sameDay = (a: JstParts, b: JstParts) => a.year === b.year && a.month === b.month && a.day === b.day;

/** A day with its weekday, the year only when it is not `thisYear`: "12/5(金)", "Fri 5 Dec", "2027/1/5(火)". */
function day(p: JstParts, lang: Lang, thisYear: number): string {
  const w = WEEKDAYS[lang][p.weekday];
  if (lang === "ja") return `${p.year === thisYear ? "" : `${p.year}/`}${p.month}/${p.day}(${w})`;
  return `${w} ${p.day} ${MONTHS_EN[p.month - 1]}${p.year === thisYear ? "" : ` ${p.year}`}`;
}

/** A moment in Japan time, in full: "2026/12/05 22:00 JST", "5 Dec 2026, 22:00 JST". */
export function jstDateTime(ms: number, lang: Lang): string {
  const p = jst(ms);
  if (lang === "ja") return `${p.year}/${String(p.month).padStart(2, "0")}/${String(p.day).padStart(2, "0")} ${p.time} JST`;
  return `${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}, ${p.time} JST`;
}

/**
 * A window (or a moment, without `end`) in Japan time, as a notice words it, the year left
 * out when it is the year of `now`: "12/5(金) 22:00–12/6(土) 02:00 JST", "12/5(金)
 * 22:00–23:30 JST" within one day, "Fri 5 Dec 22:00 – Sat 6 Dec 02:00 JST".
 */
export function jstWindow(start: number, end: number | null | undefined, lang: Lang, now: number): string {
  const thisYear = jst(now).year;
  const s = jst(start);
  const from = `${day(s, lang, thisYear)} ${s.time}`;
  if (end === null || end === undefined) return `${from} JST`;
  const e = jst(end);
  const to = sameDay(s, e) ? e.time : `${day(e, lang, thisYear)} ${e.time}`;
  const dash = lang === "en" && !sameDay(s, e) ? " – " : "–";
  return `${from}${dash}${to} JST`;
}

/** What an announcement is at a moment, as the banner and the status page sort and colour it. */
export type Phase = "incident" | "maintenance_now" | "maintenance_planned" | "end_of_service" | "release";

/** Most urgent first. */
const PHASE_ORDER: readonly Phase[] = ["incident", "maintenance_now", "maintenance_planned", "end_of_service", "release"];

/**
 * What `a` is at `now`, or `null` when it is nothing to show: withdrawn, over, an incident
 * not yet begun, a release not begun or more than [`RELEASE_SHOWN_DAYS`] old (without an end).
 */
export function phase(a: Announcement, now: number): Phase | null {
  if (a.withdrawn_at != null) return null;
  if (a.ends_at != null && a.ends_at <= now) return null;
  const begun = a.starts_at <= now;
  switch (a.kind) {
    case "incident":
      return begun ? "incident" : null;
    case "maintenance":
      return begun ? "maintenance_now" : "maintenance_planned";
    case "end_of_service":
      return "end_of_service";
    case "release":
      if (!begun) return null;
      return a.ends_at != null || now - a.starts_at < RELEASE_SHOWN_DAYS * DAY_MS ? "release" : null;
  }
}

/** One announcement as shown, with what it is now. */
export interface Shown {
  announcement: Announcement;
  phase: Phase;
}

/** The announcements worth showing at `now`, most urgent first, then the earliest first. */
export function shownAt(all: readonly Announcement[], now: number): Shown[] {
  return all
    .flatMap((announcement) => {
      const p = phase(announcement, now);
      return p ? [{ announcement, phase: p }] : [];
    })
    .sort((x, y) =>
      PHASE_ORDER.indexOf(x.phase) - PHASE_ORDER.indexOf(y.phase) ||
      x.announcement.starts_at - y.announcement.starts_at ||
      x.announcement.id.localeCompare(y.announcement.id),
    );
}

/**
 * What a dismissal remembers: the announcement at this version, so that one the operator
 * changes afterwards (a window moved, an incident updated) is shown again.
 */
export function dismissKey(a: Announcement): string {
  return `${a.id}@${a.version}`;
}

/** The banner at `now`: what is worth showing, less what the user dismissed. */
export function bannerAt(all: readonly Announcement[], now: number, dismissed: ReadonlySet<string>): Shown[] {
  return shownAt(all, now).filter((s) => !dismissed.has(dismissKey(s.announcement)));
}

/** The title and text in the user's language. */
export function wordsOf(a: Announcement, lang: Lang): { title: string; text: string } {
  return lang === "ja" ? { title: a.title_ja, text: a.text_ja } : { title: a.title_en, text: a.text_en };
}
