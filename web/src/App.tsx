//! The application frame: header (product, language switch, account, sign-out) and the
//! screen for the current address: sign-in, the project list (`#/`) or a workspace
//! (`#/p/<id>`).

import { Suspense, lazy, useEffect, useState } from "react";
import { Account } from "./auth/Account";
import { SignIn } from "./auth/SignIn";
import { isSignedIn, onSessionChange, signOut } from "./auth/session";
import { useI18n } from "./i18n";
import { ProjectList } from "./projects/ProjectList";

// The workspace (diagram, chart, library, exports) loads when a project is opened, so the
// sign-in and the project list start with less to download.
const Workspace = lazy(() => import("./workspace/Workspace").then((m) => ({ default: m.Workspace })));

function route(): { screen: "projects" } | { screen: "workspace"; id: string } {
  const m = /^#\/p\/([a-z0-9_-]+)/.exec(location.hash);
  return m ? { screen: "workspace", id: m[1] } : { screen: "projects" };
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const [signedIn, setSignedIn] = useState(isSignedIn);
  const [notice, setNotice] = useState<string | undefined>();
  const [where, setWhere] = useState(route);
  const [account, setAccount] = useState(false);

  useEffect(() => onSessionChange((s, reason) => {
    setSignedIn(s);
    setNotice(reason === "expired" ? t.sessionExpired : undefined);
  }), [t]);
  useEffect(() => {
    const on = () => setWhere(route());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  useEffect(() => {
    document.title = t.appName;
  }, [t]);

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
            <button onClick={() => setAccount(true)}>{t.account}</button>
            <button onClick={() => void signOut()} data-testid="sign-out">{t.signOut}</button>
          </>
        )}
      </header>
      {!signedIn && <SignIn notice={notice} />}
      {signedIn && where.screen === "projects" && <ProjectList onOpen={(id) => go(`#/p/${id}`)} />}
      {signedIn && where.screen === "workspace" && (
        <Suspense fallback={<main className="workspace"><p role="status">{t.loading}</p></main>}>
          <Workspace key={where.id} projectId={where.id} onBack={() => go("#/")} />
        </Suspense>
      )}
      {signedIn && account && <Account onClose={() => setAccount(false)} />}
    </>
  );
}
