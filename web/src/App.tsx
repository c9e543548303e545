//! The application frame: header (product, language switch, support, administration,
//! account, sign-out), the operator's announcements under it once signed in, and the screen
//! for the current address: sign-in, the project list (`#/`), a workspace (`#/p/<id>`), the
//! support desk (`#/support`, `#/support/<id>`) or the administration screens
//! (`#/admin/<tab>`, offered to a user holding `user_manage`, `settings_manage` or
//! `audit_read`).

import { Suspense, lazy, useEffect, useState } from "react";
import { ADMIN_PERMISSIONS } from "./admin/access";
import { api } from "./api/client";
import type { Me } from "./api/types";
import { Account } from "./auth/Account";
import { SignIn } from "./auth/SignIn";
import { isSignedIn, onSessionChange, signOut } from "./auth/session";
import { AnnouncementBanner } from "./desk/Announcements";
import { useI18n } from "./i18n";
import { describeError } from "./lib/errors";
import { ProjectList } from "./projects/ProjectList";
import { route } from "./route";

// The workspace (diagram, chart, library, exports) loads when a project is opened, so the
// sign-in and the project list start with less to download.
const Workspace = lazy(() => import("./workspace/Workspace").then((m) => ({ default: m.Workspace })));
// The administration screens load when opened, for the few users who may.
const Admin = lazy(() => import("./admin/Admin").then((m) => ({ default: m.Admin })));
// The support desk loads when opened.
const Support = lazy(() => import("./support/Support").then((m) => ({ default: m.Support })));

export function App() {
  const { t, lang, setLang } = useI18n();
  const [signedIn, setSignedIn] = useState(isSignedIn);
  const [notice, setNotice] = useState<string | undefined>();
  const [where, setWhere] = useState(() => route(location.hash));
  const [account, setAccount] = useState(false);
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<string | null>(null);

  useEffect(() => onSessionChange((s, reason) => {
    setSignedIn(s);
    setNotice(reason === "expired" ? t.sessionExpired : undefined);
  }), [t]);
  useEffect(() => {
    const on = () => setWhere(route(location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  useEffect(() => {
    document.title = t.appName;
  }, [t]);
  useEffect(() => {
    setMe(null);
    setMeError(null);
    if (signedIn) api.get<Me>("/me").then((r) => setMe(r.body), (e) => setMeError(describeError(e, t)));
  }, [signedIn]); // eslint-disable-line react-hooks/exhaustive-deps
  const mayAdminister = !!me?.permissions.some((p) => ADMIN_PERMISSIONS.includes(p));

  const go = (hash: string) => {
    location.hash = hash;
  };

  return (
    <>
      <header className="app-header">
        <a className="brand" href="#/">{t.appName}</a>
        <span className="tagline">{t.appTagline}</span>
        <span className="spacer" />
        <label htmlFor="lang" className="sr-only">{t.language}</label>
        <select id="lang" value={lang} onChange={(e) => setLang(e.target.value as "ja" | "en")}>
          <option value="ja">{t.langJa}</option>
          <option value="en">{t.langEn}</option>
        </select>
        {signedIn && (
          <>
            <a href="#/support" className="button" aria-current={where.screen === "support" ? "page" : undefined} data-testid="support-link">{t.support}</a>
            {mayAdminister && (
              <a href="#/admin" className="button" aria-current={where.screen === "admin" ? "page" : undefined} data-testid="admin-link">{t.admin}</a>
            )}
            <button onClick={() => setAccount(true)}>{t.account}</button>
            <button onClick={() => void signOut()} data-testid="sign-out">{t.signOut}</button>
          </>
        )}
      </header>
      {signedIn && <AnnouncementBanner />}
      {!signedIn && <SignIn notice={notice} />}
      {signedIn && where.screen === "projects" && <ProjectList onOpen={(id) => go(`#/p/${id}`)} />}
      {signedIn && where.screen === "workspace" && (
        <Suspense fallback={<main className="workspace"><p role="status">{t.loading}</p></main>}>
          <Workspace key={where.id} projectId={where.id} onBack={() => go("#/")} />
        </Suspense>
      )}
      {signedIn && where.screen === "admin" && (
        me ? (
          <Suspense fallback={<main><p role="status">{t.loading}</p></main>}>
            <Admin me={me} tab={where.tab} onTab={(tab) => go(`#/admin/${tab}`)} />
          </Suspense>
        ) : (
          <main>{meError ? <p className="error" role="alert">{meError}</p> : <p role="status">{t.loading}</p>}</main>
        )
      )}
      {signedIn && where.screen === "support" && (
        <Suspense fallback={<main><p role="status">{t.loading}</p></main>}>
          <Support id={where.id} showAuthors={me?.role === "tenant_admin"} />
        </Suspense>
      )}
      {signedIn && account && <Account onClose={() => setAccount(false)} />}
    </>
  );
}
