//! The support-access tab (`settings_manage`): let the operator's support staff read one
//! project for 1–72 hours (they otherwise see metadata only), the company's grants with who
//! granted them, why, and until when in Japan time (in force, revoked, run out), and
//! revocation, confirmed first. Hours out of range and no project are refused before sending;
//! the API's refusals are shown beside the field they name.

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { Field } from "../auth/SignIn";
import { jstDateTime } from "../desk/announce";
import type { Dict } from "../i18n/dict";
import { Dialog } from "../lib/Dialog";
import { listAll } from "../projects/api";
import { adminApi } from "./api";
import { adminError, adminFieldErrors } from "./errors";
import { DEFAULT_GRANT_HOURS, grantState, readHours, sortGrants, type Grant } from "./grants";
import { useAdminText, type AdminText } from "./text";

type Notice = { kind: "info" | "error"; text: string };

function grantError(e: unknown, t: Dict, a: AdminText): string {
  return e instanceof ApiError && e.code === "validation_failed" ? a.invalidInput : adminError(e, t, a);
}

export function SupportAccess() {
  const { t, a, lang } = useAdminText();
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [projects, setProjects] = useState<{ id: string; name: string }[] | null>(null);
  const [project, setProject] = useState("");
  const [hours, setHours] = useState(String(DEFAULT_GRANT_HOURS));
  const [reason, setReason] = useState("");
  const [fields, setFields] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirm, setConfirm] = useState<Grant | null>(null);

  const reload = useCallback(async () => {
    try {
      const [list, ps] = await Promise.all([adminApi.grants(), listAll()]);
      setGrants(sortGrants(list, Date.now()));
      setProjects(ps.map((p) => ({ id: p.id, name: p.name })));
    } catch (e) {
      setNotice({ kind: "error", text: grantError(e, t, a) });
    }
  }, [t, a]);
  useEffect(() => void reload(), [reload]);

  const nameOf = (id: string) => projects?.find((p) => p.id === id)?.name ?? a.unknownProject(id);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    const h = readHours(hours);
    const local = new Map<string, string>();
    if (!project) local.set("/project_id", a.projectRequired);
    if (!h.ok) local.set("/hours", a[`hours_${h.reason}`]);
    setFields(local);
    if (local.size || !h.ok) {
      setNotice({ kind: "error", text: a.invalidInput });
      return;
    }
    setBusy(true);
    try {
      const g = await adminApi.grant({ project_id: project, hours: h.value, reason: reason.trim() || null });
      setNotice({ kind: "info", text: a.granted(nameOf(g.project_id), jstDateTime(g.expires_at, lang)) });
      setReason("");
      await reload();
    } catch (err) {
      setFields(adminFieldErrors(err, lang, a));
      setNotice({ kind: "error", text: grantError(err, t, a) });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (g: Grant) => {
    setConfirm(null);
    setNotice(null);
    try {
      await adminApi.revokeGrant(g.id);
      setNotice({ kind: "info", text: a.revoked(nameOf(g.project_id)) });
      await reload();
    } catch (e) {
      setNotice({ kind: "error", text: grantError(e, t, a) });
    }
  };

  const now = Date.now();
  const hoursError = fields.get("/hours");
  const projectError = fields.get("/project_id");
  return (
    <section aria-labelledby="grants-title" className="admin-form support-access">
      <h2 id="grants-title">{a.grantsTitle}</h2>
      <p className="lead" data-testid="grants-lead">{a.grantsLead}</p>
      <form onSubmit={submit} noValidate data-testid="grant-form">
        <fieldset>
          <legend>{a.grantTitle}</legend>
          <div className="field">
            <label htmlFor="grant-project">{a.grantProject}</label>
            <select
              id="grant-project"
              value={project}
              onChange={(e) => setProject(e.target.value)}
              aria-invalid={projectError ? true : undefined}
              aria-describedby={projectError ? "grant-project-error" : undefined}
            >
              <option value="">{a.grantChooseProject}</option>
              {projects?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
            {projects?.length === 0 && <p className="muted small">{a.grantNoProjects}</p>}
            {projectError && <p id="grant-project-error" className="field-error">{projectError}</p>}
          </div>
          <div className="field">
            <label htmlFor="grant-hours">{a.grantHours}</label>
            <input
              id="grant-hours"
              name="grant-hours"
              inputMode="numeric"
              value={hours}
              onChange={(e) => setHours(e.target.value)}
              aria-invalid={hoursError ? true : undefined}
              aria-describedby={`grant-hours-help${hoursError ? " grant-hours-error" : ""}`}
            />
            {hoursError && <p id="grant-hours-error" className="field-error">{hoursError}</p>}
            <p id="grant-hours-help" className="muted small">{a.grantHoursHelp}</p>
          </div>
          <Field id="grant-reason" label={a.grantReason} value={reason} onChange={setReason} autoComplete="off" error={fields.get("/reason")} />
        </fieldset>
        {notice && <p className={notice.kind} role={notice.kind === "error" ? "alert" : "status"} data-testid="grants-notice">{notice.text}</p>}
        <div className="buttons left">
          <button type="submit" className="primary" disabled={busy}>{busy ? a.granting : a.grantSubmit}</button>
        </div>
      </form>
      <div className="toolbar">
        <h3 id="grants-list-title">{a.grantsListTitle}</h3>
        {grants && <span className="muted">{a.grantCount(grants.length)}</span>}
      </div>
      {!grants && notice?.kind !== "error" && <p>{t.loading}</p>}
      {grants?.length === 0 && <p>{a.noGrants}</p>}
      {grants && grants.length > 0 && (
        <table className="list" data-testid="grants-table" aria-labelledby="grants-list-title">
          <thead>
            <tr>
              <th scope="col">{a.colProject}</th>
              <th scope="col">{a.colStatus}</th>
              <th scope="col">{a.colExpires}</th>
              <th scope="col">{a.colGrantedBy}</th>
              <th scope="col">{a.colGrantedAt}</th>
              <th scope="col">{a.colReason}</th>
              <th scope="col">{a.colActions}</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => {
              const state = grantState(g, now);
              const name = nameOf(g.project_id);
              return (
                <tr key={g.id} data-grant={g.id} data-project={g.project_id} data-state={state}>
                  <th scope="row">{name}</th>
                  <td className="nowrap"><span className={`badge ${state}`}>{a[`grant_${state}`]}</span></td>
                  <td className="nowrap">
                    {jstDateTime(g.expires_at, lang)}
                    {g.revoked_at != null && <div className="muted small">{a.revokedAt(jstDateTime(g.revoked_at, lang))}</div>}
                  </td>
                  <td>{g.granted_by_name}</td>
                  <td className="nowrap">{jstDateTime(g.created_at, lang)}</td>
                  <td>{g.reason ?? ""}</td>
                  <td className="actions">
                    {state === "active" && (
                      <button className="danger" aria-label={a.revokeFor(name)} onClick={() => setConfirm(g)}>{a.revoke}</button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {confirm && (
        <Dialog title={a.confirmRevokeTitle} onClose={() => setConfirm(null)} testId="confirm-revoke">
          <p>{a.confirmRevokeBody(nameOf(confirm.project_id))}</p>
          <div className="buttons">
            <button onClick={() => setConfirm(null)} autoFocus>{t.cancel}</button>
            <button className="danger" onClick={() => void revoke(confirm)}>{a.revoke}</button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
