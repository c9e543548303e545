//! The users tab: the company's users (role, permissions, status, second factor, lock), an
//! invitation form, a role-and-permissions dialog, and disable/enable, unlock, second-factor
//! reset and removal (each destructive one confirmed first). A refusal is shown on the row
//! or in the dialog it belongs to, in words ("the last administrator…"), and a field the API
//! names gets its message beside it.

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { Me } from "../api/types";
import { Field } from "../auth/SignIn";
import { Dialog } from "../lib/Dialog";
import { normalise } from "../lib/nfkc";
import { accessBody, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from "./access";
import { adminApi, type UserAction, type UserView } from "./api";
import { adminError, adminFieldErrors } from "./errors";
import { useAdminText } from "./text";

type Confirm = { kind: "disable" | "reset-mfa" | "remove"; user: UserView };
type Notice = { kind: "info" | "error"; message: string; userId?: string };

export function Users({ me }: { me: Me }) {
  const { t, a } = useAdminText();
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [mfa, setMfa] = useState<Map<string, UserView["mfa"]>>(new Map());
  const [notice, setNotice] = useState<Notice | null>(null);
  const [dialog, setDialog] = useState<null | { kind: "invite" } | { kind: "access"; user: UserView } | Confirm>(null);

  const reload = useCallback(async () => {
    try {
      const list = await adminApi.users();
      setUsers(list);
      // The list does not carry second factors: each user's own record does.
      const found = new Map<string, UserView["mfa"]>();
      await Promise.all(list.map(async (u) => {
        try {
          found.set(u.id, (await adminApi.user(u.id)).mfa ?? null);
        } catch {
          // Left unknown ("—"); the list itself loaded.
        }
      }));
      setMfa(found);
    } catch (e) {
      setNotice({ kind: "error", message: adminError(e, t, a) });
    }
  }, [t, a]);
  useEffect(() => void reload(), [reload]);

  const act = async (user: UserView, action: UserAction | "remove") => {
    setNotice(null);
    try {
      if (action === "remove") {
        await adminApi.remove(user.id);
        setNotice({ kind: "info", message: a.removed(user.name) });
      } else {
        const after = await adminApi.act(user.id, action);
        const done = { disable: a.disabled, enable: a.enabled, "reset-mfa": a.mfaReset, unlock: (n: string) => a.unlocked(n, after.was_locked ?? true) }[action];
        setNotice({ kind: "info", message: done(user.name) });
      }
      await reload();
    } catch (e) {
      setNotice({ kind: "error", message: adminError(e, t, a), userId: user.id });
    }
  };

  const mfaLabel = (u: UserView) => {
    if (!mfa.has(u.id)) return a.mfaUnknown;
    const m = mfa.get(u.id);
    return m?.preferred ? t[`mfa_${m.preferred}` as "mfa_email"] ?? m.preferred : a.mfaNone;
  };
  const roleLabel = (r: string) => t[`role_${r}` as "role_viewer"] ?? r;

  return (
    <section aria-labelledby="users-title">
      <div className="toolbar">
        <h2 id="users-title">{a.usersTitle}</h2>
        {users && <span className="muted">{a.userCount(users.length)}</span>}
        <button className="primary" onClick={() => setDialog({ kind: "invite" })}>{a.invite}</button>
      </div>
      {notice && !notice.userId && <p className={notice.kind} role={notice.kind === "error" ? "alert" : "status"} data-testid="users-notice">{notice.message}</p>}
      {!users && notice?.kind !== "error" && <p>{t.loading}</p>}
      {users?.length === 0 && <p>{a.noUsers}</p>}
      {users && users.length > 0 && (
        <table className="list" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{a.colName}</th>
              <th scope="col">{a.colEmail}</th>
              <th scope="col">{a.colRole}</th>
              <th scope="col">{a.colPermissions}</th>
              <th scope="col">{a.colStatus}</th>
              <th scope="col">{a.colMfa}</th>
              <th scope="col">{a.colLocked}</th>
              <th scope="col">{a.colActions}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.email} data-status={u.status} data-locked={String(u.locked)}>
                <th scope="row">
                  {u.name}
                  {u.id === me.user.id && <span className="muted">{a.you}</span>}
                </th>
                <td>{u.email}</td>
                <td className="nowrap">{roleLabel(u.role)}</td>
                <td>
                  {u.narrowed ? a.narrowedCount(u.permissions.length, ROLE_PERMISSIONS[u.role].length) : a.roleDefault}
                  {u.narrowed && <div className="muted small">{u.permissions.map((p) => a[`perm_${p}`]).join(a.listSeparator)}</div>}
                </td>
                <td className="nowrap"><span className={`badge ${u.status}`}>{a[`status_${u.status}`]}</span></td>
                <td className="nowrap">{mfaLabel(u)}</td>
                <td className="nowrap">{u.locked ? <span className="badge locked">{a.locked}</span> : a.notLocked}</td>
                <td className="actions">
                  <div role="group" aria-label={a.actionsFor(u.name)} className="row-actions">
                    <button onClick={() => setDialog({ kind: "access", user: u })}>{a.changeAccess}</button>
                    {u.status === "active" ? (
                      <button onClick={() => setDialog({ kind: "disable", user: u })}>{a.disable}</button>
                    ) : (
                      <button onClick={() => void act(u, "enable")}>{a.enable}</button>
                    )}
                    <button onClick={() => void act(u, "unlock")} disabled={u.locked === false}>{a.unlock}</button>
                    <button onClick={() => setDialog({ kind: "reset-mfa", user: u })}>{a.resetMfa}</button>
                    <button className="danger" onClick={() => setDialog({ kind: "remove", user: u })}>{a.remove}</button>
                  </div>
                  {notice?.userId === u.id && <p className={notice.kind} role="alert" data-testid="row-error">{notice.message}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog?.kind === "invite" && (
        <AccessDialog
          mode="invite"
          onClose={() => setDialog(null)}
          onDone={(u) => {
            setDialog(null);
            setNotice({ kind: "info", message: a.invited(u.email) });
            void reload();
          }}
        />
      )}
      {dialog?.kind === "access" && (
        <AccessDialog
          mode="access"
          user={dialog.user}
          onClose={() => setDialog(null)}
          onDone={(u) => {
            setDialog(null);
            setNotice({ kind: "info", message: a.accessSaved(u.name) });
            void reload();
          }}
        />
      )}
      {dialog && (dialog.kind === "disable" || dialog.kind === "reset-mfa" || dialog.kind === "remove") && (
        <Dialog
          title={{ disable: a.confirmDisableTitle, "reset-mfa": a.confirmResetMfaTitle, remove: a.confirmRemoveTitle }[dialog.kind]}
          onClose={() => setDialog(null)}
          testId={`confirm-${dialog.kind}`}
        >
          <p>{{ disable: a.confirmDisableBody, "reset-mfa": a.confirmResetMfaBody, remove: a.confirmRemoveBody }[dialog.kind](a.nameWithEmail(dialog.user.name, dialog.user.email))}</p>
          <div className="buttons">
            <button onClick={() => setDialog(null)} autoFocus>{t.cancel}</button>
            <button
              className="danger"
              onClick={() => {
                const { kind, user } = dialog;
                setDialog(null);
                void act(user, kind);
              }}
            >
              {{ disable: a.disable, "reset-mfa": a.resetMfa, remove: a.remove }[dialog.kind]}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** The permissions of one role as checkboxes; the ones unticked are withheld. */
function PermissionBoxes({ idPrefix, role, ticked, onChange, error }: { idPrefix: string; role: Role; ticked: Set<Permission>; onChange: (s: Set<Permission>) => void; error?: string }) {
  const { a } = useAdminText();
  const errId = `${idPrefix}-perm-error`;
  return (
    <fieldset className="field multi" aria-describedby={error ? errId : undefined} data-testid="permission-boxes">
      <legend>{a.permissions}</legend>
      <p className="muted small">{a.permissionsLead}</p>
      {ROLE_PERMISSIONS[role].map((p) => (
        <label className="check" key={p}>
          <input
            type="checkbox"
            name={p}
            checked={ticked.has(p)}
            onChange={(e) => {
              const next = new Set(ticked);
              if (e.target.checked) next.add(p);
              else next.delete(p);
              onChange(next);
            }}
          />
          {a[`perm_${p}`]}
        </label>
      ))}
      {error && <p id={errId} className="field-error">{error}</p>}
    </fieldset>
  );
}

/** The invitation form (`mode="invite"`) or a user's role and permissions (`mode="access"`). */
function AccessDialog(props: { mode: "invite" | "access"; user?: UserView; onClose: () => void; onDone: (u: UserView) => void }) {
  const { t, a, lang } = useAdminText();
  const { user } = props;
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [role, setRole] = useState<Role>(user?.role ?? "designer");
  const [ticked, setTicked] = useState<Set<Permission>>(new Set(user?.permissions ?? ROLE_PERMISSIONS.designer));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Map<string, string>>(new Map());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields(new Map());
    try {
      const access = accessBody(role, ticked);
      const done =
        props.mode === "invite"
          ? await adminApi.invite({ name: name.trim(), email: normalise(email), phone_number: phone.trim() ? normalise(phone).replace(/[\s-]/g, "") : null, ...access })
          : await adminApi.setAccess(user!.id, access);
      props.onDone(done);
    } catch (err) {
      const f = adminFieldErrors(err, lang, a);
      // Every `/permissions/<i>` error belongs to the one group of boxes.
      const perms = [...f].filter(([k]) => k.startsWith("/permissions")).map(([, v]) => v);
      if (perms.length) f.set("/permissions", perms.join(" "));
      if (err instanceof ApiError && err.code === "email_taken") f.set("/email", a.emailTaken);
      setFields(f);
      setError(adminError(err, t, a));
    } finally {
      setBusy(false);
    }
  };
  const id = props.mode;
  const title = props.mode === "invite" ? a.inviteTitle : a.accessTitle(user!.name);
  return (
    <Dialog title={title} onClose={props.onClose} testId={`${id}-dialog`}>
      <form onSubmit={submit} noValidate>
        {props.mode === "invite" && (
          <>
            <p className="small">{a.inviteLead}</p>
            <Field id="invite-name" label={a.name} value={name} onChange={setName} autoComplete="off" error={fields.get("/name")} />
            <Field id="invite-email" label={a.email} value={email} onChange={setEmail} type="email" autoComplete="off" error={fields.get("/email")} />
            <Field id="invite-phone" label={a.phone} value={phone} onChange={setPhone} inputMode="tel" autoComplete="off" error={fields.get("/phone_number")} />
          </>
        )}
        <div className="field">
          <label htmlFor={`${id}-role`}>{a.role}</label>
          <select
            id={`${id}-role`}
            value={role}
            aria-invalid={fields.has("/role") || undefined}
            onChange={(e) => {
              const r = e.target.value as Role;
              setRole(r);
              setTicked(new Set(ROLE_PERMISSIONS[r]));
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>{t[`role_${r}`]}</option>
            ))}
          </select>
          {fields.get("/role") && <p className="field-error">{fields.get("/role")}</p>}
        </div>
        <PermissionBoxes idPrefix={id} role={role} ticked={ticked} onChange={setTicked} error={fields.get("/permissions")} />
        {error && <p className="error" role="alert" data-testid="dialog-error">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={props.onClose}>{t.cancel}</button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? a.sending : props.mode === "invite" ? a.sendInvite : a.save}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
