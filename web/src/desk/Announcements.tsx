//! The operator's announcements as users see them: the banner under the header of a
//! signed-in user (incidents and maintenance under way, planned windows, the end of the
//! service, a recent release; each dismissable for the session), and the service's status
//! on the sign-in page (the public `GET /status`, no token). Times are Japan time.

import { useEffect, useState } from "react";
import type { Dict, Lang } from "../i18n/dict";
import { useI18n } from "../i18n";
import { bannerAt, dismissKey, jstWindow, shownAt, wordsOf, type Phase, type ServiceStatus, type Shown } from "./announce";
import { deskApi } from "./api";

/** Announcements are read again this often, and the phases (planned → under way) re-evaluated each minute. */
const RELOAD_MS = 5 * 60_000;
const TICK_MS = 60_000;
const DISMISSED_KEY = "kyocho.dismissed-announcements";

const ICON: Record<Phase, string> = {
  incident: "⚠",
  maintenance_now: "⚙",
  maintenance_planned: "⚙",
  end_of_service: "ℹ",
  release: "ℹ",
};

function loadDismissed(): Set<string> {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

/** When it happens, as the phase words it: a window, "since …" for an incident, "ends …". */
function when(s: Shown, lang: Lang, t: Dict, now: number): string {
  const a = s.announcement;
  switch (s.phase) {
    case "incident":
      return a.ends_at != null ? jstWindow(a.starts_at, a.ends_at, lang, now) : t.whenSince(jstWindow(a.starts_at, null, lang, now));
    case "end_of_service":
      return t.whenEnds(jstWindow(a.starts_at, null, lang, now));
    default:
      return jstWindow(a.starts_at, a.ends_at, lang, now);
  }
}

/** The current time, moving on every minute. */
function useMinute(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(tick);
  }, []);
  return now;
}

/** The banner of a signed-in user (mounted under the header). */
export function AnnouncementBanner() {
  const { t, lang } = useI18n();
  const now = useMinute();
  const [all, setAll] = useState<Shown["announcement"][]>([]);
  const [dismissed, setDismissed] = useState(loadDismissed);

  useEffect(() => {
    let live = true;
    // A failure leaves the banner as it was: it is news, not the work at hand.
    const load = () => void deskApi.announcements().then((items) => live && setAll(items), () => {});
    load();
    const reload = setInterval(load, RELOAD_MS);
    return () => {
      live = false;
      clearInterval(reload);
    };
  }, []);

  const dismiss = (s: Shown) => {
    const next = new Set(dismissed).add(dismissKey(s.announcement));
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify([...next]));
    setDismissed(next);
  };

  const shown = bannerAt(all, now, dismissed);
  return (
    <div role="status" className="announcements-live">
      {shown.length > 0 && (
        <section className="announcements" aria-label={t.announcements} data-testid="announcements">
          <ul>
            {shown.map((s) => {
              const { title, text } = wordsOf(s.announcement, lang);
              return (
                <li key={s.announcement.id} className={`announcement ${s.phase}`} data-id={s.announcement.id} data-phase={s.phase}>
                  <span className="announcement-icon" aria-hidden="true">{ICON[s.phase]}</span>
                  <div className="announcement-body">
                    <p className="announcement-head">
                      <span className="phase">{t[`phase_${s.phase}`]}</span>
                      <strong className="when">{when(s, lang, t, now)}</strong>
                      <span className="title">{title}</span>
                    </p>
                    <p className="announcement-text">{text}</p>
                  </div>
                  <button type="button" className="dismiss" aria-label={t.dismissAnnouncement(title)} title={t.dismissAnnouncement(title)} onClick={() => dismiss(s)}>
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}

/** The service's state and its planned windows, for the sign-in page (no token needed). */
export function ServiceStatusPanel() {
  const { t, lang } = useI18n();
  const now = useMinute();
  const [status, setStatus] = useState<ServiceStatus | "failed" | null>(null);
  useEffect(() => {
    let live = true;
    deskApi.status().then((s) => live && setStatus(s), () => live && setStatus("failed"));
    return () => {
      live = false;
    };
  }, []);

  if (status === null) return null;
  if (status === "failed") {
    return (
      <section className="card service-status" aria-labelledby="service-status-title" data-testid="service-status">
        <h2 id="service-status-title">{t.serviceStatus}</h2>
        <p className="muted small">{t.statusUnavailable}</p>
      </section>
    );
  }
  const shown = shownAt(status.announcements, now);
  return (
    <section className="card service-status" aria-labelledby="service-status-title" data-testid="service-status" data-state={status.state}>
      <h2 id="service-status-title">{t.serviceStatus}</h2>
      <p className={`state ${status.state}`}>
        <span className="state-dot" aria-hidden="true" />
        {t[`state_${status.state}`]}
      </p>
      <h3>{t.statusPlanned}</h3>
      {shown.length === 0 && <p className="muted small">{t.statusNothingPlanned}</p>}
      {shown.length > 0 && (
        <ul>
          {shown.map((s) => {
            const { title, text } = wordsOf(s.announcement, lang);
            return (
              <li key={s.announcement.id} className={`announcement ${s.phase}`} data-id={s.announcement.id} data-phase={s.phase}>
                <span className="announcement-icon" aria-hidden="true">{ICON[s.phase]}</span>
                <div className="announcement-body">
                  <p className="announcement-head">
                    <span className="phase">{t[`phase_${s.phase}`]}</span>
                    <strong className="when">{when(s, lang, t, now)}</strong>
                  </p>
                  <p className="announcement-text">
                    <span className="title">{title}</span>
                    {text && <span className="muted">{` — ${text}`}</span>}
                  </p>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
