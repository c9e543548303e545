//! The administration screen (`#/admin/<tab>`): users, company settings, the audit log and
//! support access, each tab shown only to a user holding its permission. Loaded on demand, like the
//! workspace, so the sign-in page does not carry it.

import { useRef, type KeyboardEvent } from "react";
import "./admin.css";
import type { Me } from "../api/types";
import type { AdminTab } from "../route";
import type { Permission } from "./access";
import { AuditLog } from "./AuditLog";
import { Settings } from "./Settings";
import { SupportAccess } from "./SupportAccess";
import { useAdminText } from "./text";
import { Users } from "./Users";


const TABS: { tab: AdminTab; needs: Permission }[] = [
  { tab: "users", needs: "user_manage" },
  { tab: "settings", needs: "settings_manage" },
  { tab: "audit", needs: "audit_read" },
  { tab: "support-access", needs: "settings_manage" },
];

export function Admin({ me, tab, onTab }: { me: Me; tab: AdminTab | null; onTab: (tab: AdminTab) => void }) {
  const { a } = useAdminText();
  const tabs = TABS.filter((x) => me.permissions.includes(x.needs)).map((x) => x.tab);
  const current = tab && tabs.includes(tab) ? tab : tabs[0];
  const refs = useRef(new Map<AdminTab, HTMLButtonElement>());
  const label = { users: a.tabUsers, settings: a.tabSettings, audit: a.tabAudit, "support-access": a.tabSupportAccess };

  // Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern).
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.indexOf(current);
    const next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i + tabs.length - 1) % tabs.length] : e.key === "Home" ? tabs[0] : e.key === "End" ? tabs[tabs.length - 1] : null;
    if (!next) return;
    e.preventDefault();
    onTab(next);
    refs.current.get(next)?.focus();
  };

  return (
    <main className="admin" aria-labelledby="admin-title">
      <div className="toolbar">
        <a href="#/">{a.backToProjects}</a>
        <h1 id="admin-title">{a.title}</h1>
        <span className="muted">{`${me.company.name} (${me.company.id})`}</span>
      </div>
      {tabs.length === 0 && <p className="error" role="alert">{a.noAccess}</p>}
      {current && (
        <>
          <div role="tablist" aria-label={a.tabs} className="tabs" onKeyDown={onKey}>
            {tabs.map((k) => (
              <button
                key={k}
                ref={(el) => void (el ? refs.current.set(k, el) : refs.current.delete(k))}
                role="tab"
                id={`admin-tab-${k}`}
                aria-selected={current === k}
                aria-controls={`admin-panel-${k}`}
                tabIndex={current === k ? 0 : -1}
                onClick={() => onTab(k)}
                data-testid={`admin-tab-${k}`}
              >
                {label[k]}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`admin-panel-${current}`} aria-labelledby={`admin-tab-${current}`} className="tabpanel admin-panel">
            {current === "users" && <Users me={me} />}
            {current === "settings" && <Settings />}
            {current === "audit" && <AuditLog canListUsers={me.permissions.includes("user_manage")} />}
            {current === "support-access" && <SupportAccess />}
          </div>
        </>
      )}
    </main>
  );
}
