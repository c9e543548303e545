//! The audit log tab: a filter (period, user, operation, result, target), the events newest
//! first with "load more" paging, the filtered events as a CSV file (UTF-8 with BOM, or
//! Shift_JIS for older Excel) fetched with the bearer token and saved from a Blob, and a check
//! of the keyed hash chain that names the first event that does not hold.

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { adminApi, type AuditEvent, type ChainVerification } from "./api";
import { adminError, adminFieldErrors } from "./errors";
import { csvFileName, emptyFilter, type AuditFilter, type AuditResult } from "./query";
import { useAdminText } from "./text";

const PAGE = 50;
const RESULTS: AuditResult[] = ["success", "failed", "denied", "started"];

export function AuditLog({ canListUsers }: { canListUsers: boolean }) {
  const { t, a, lang, dateTime } = useAdminText();
  const [form, setForm] = useState<AuditFilter>(emptyFilter);
  const [applied, setApplied] = useState<AuditFilter>(emptyFilter);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Map<string, string>>(new Map());
  const [users, setUsers] = useState<{ id: string; name: string }[]>([]);
  const [download, setDownload] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const [verification, setVerification] = useState<ChainVerification | "running" | { error: string } | null>(null);

  // Only the answer to the latest request is shown (a slow earlier one is dropped).
  const latest = useRef(0);
  const load = useCallback(async (f: AuditFilter, cursor: string | null) => {
    const ticket = ++latest.current;
    setBusy(true);
    setError(null);
    setFields(new Map());
    try {
      const page = await adminApi.audit(f, cursor, PAGE);
      if (ticket !== latest.current) return;
      setEvents((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.next);
      setApplied(f);
    } catch (e) {
      if (ticket !== latest.current) return;
      setFields(adminFieldErrors(e, lang, a));
      setError(adminError(e, t, a));
    } finally {
      if (ticket === latest.current) setBusy(false);
    }
  }, [t, a, lang]);
  useEffect(() => void load(emptyFilter, null), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    // User ids are opaque: offer the company's users by name where the caller may list them.
    if (canListUsers) adminApi.users().then((l) => setUsers(l.map((u) => ({ id: u.id, name: `${u.name} <${u.email}>` }))), () => {});
  }, [canListUsers]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(form, null);
  };
  const set = (k: keyof AuditFilter) => (v: string) => setForm({ ...form, [k]: v });

  const saveCsv = async (encoding: "utf-8" | "shift_jis") => {
    setDownload({ kind: "info", text: a.downloading });
    try {
      const blob = await adminApi.auditCsv(applied, encoding);
      const name = csvFileName(applied, encoding, new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10));
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownload({ kind: "info", text: a.downloaded(name) });
    } catch (e) {
      setDownload({ kind: "error", text: adminError(e, t, a) });
    }
  };
  const verify = async () => {
    setVerification("running");
    try {
      setVerification(await adminApi.verify());
    } catch (e) {
      setVerification({ error: adminError(e, t, a) });
    }
  };

  const input = (k: Exclude<keyof AuditFilter, "result">, label: string, extra: { type?: string; placeholder?: string; list?: string } = {}) => {
    const errId = `audit-${k}-error`;
    return (
      <div className="field">
        <label htmlFor={`audit-${k}`}>{label}</label>
        <input
          id={`audit-${k}`}
          type={extra.type ?? "text"}
          value={form[k]}
          placeholder={extra.placeholder}
          list={extra.list}
          autoComplete="off"
          aria-invalid={fields.has(k) || undefined}
          aria-describedby={fields.has(k) ? errId : undefined}
          onChange={(e) => set(k)(e.target.value)}
        />
        {fields.has(k) && <p id={errId} className="field-error">{fields.get(k)}</p>}
      </div>
    );
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{a.auditTitle}</h2>
      <form onSubmit={submit} className="audit-filter" aria-label={a.filter} data-testid="audit-filter">
        {input("from", a.from, { type: "date" })}
        {input("to", a.to, { type: "date" })}
        {input("user", a.user, { list: users.length ? "audit-users" : undefined })}
        {users.length > 0 && (
          <datalist id="audit-users">
            {users.map((u) => <option key={u.id} value={u.id} label={u.name} />)}
          </datalist>
        )}
        {input("operation", a.operation, { placeholder: a.operationPlaceholder })}
        <div className="field">
          <label htmlFor="audit-result">{a.result}</label>
          <select id="audit-result" value={form.result} onChange={(e) => set("result")(e.target.value)}>
            <option value="">{a.any}</option>
            {RESULTS.map((r) => <option key={r} value={r}>{a[`result_${r}`]}</option>)}
          </select>
        </div>
        {input("target", a.target, { placeholder: a.targetPlaceholder })}
        <div className="buttons left">
          <button type="submit" className="primary" disabled={busy}>{a.apply}</button>
          <button type="button" onClick={() => { setForm(emptyFilter); void load(emptyFilter, null); }}>{a.clear}</button>
        </div>
        <p className="muted small filter-help">{a.periodHelp}</p>
      </form>
      <div className="toolbar">
        <button onClick={() => void saveCsv("utf-8")} data-testid="csv-utf8">{a.downloadUtf8}</button>
        <button onClick={() => void saveCsv("shift_jis")} data-testid="csv-sjis">{a.downloadSjis}</button>
        <button onClick={() => void verify()} disabled={verification === "running"} data-testid="verify-chain">
          {verification === "running" ? a.verifying : a.verify}
        </button>
      </div>
      {download && <p className={download.kind} role={download.kind === "error" ? "alert" : "status"} data-testid="csv-status">{download.text}</p>}
      {verification && verification !== "running" && <Verification v={verification} />}
      {error && <p className="error" role="alert" data-testid="audit-error">{error}</p>}
      {events && events.length === 0 && <p>{a.noEvents}</p>}
      {events && events.length > 0 && (
        <>
          <p className="muted small" role="status">{a.shownCount(events.length)}</p>
          <table className="list audit" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{a.colSeq}</th>
                <th scope="col">{a.colAt}</th>
                <th scope="col">{a.colOperation}</th>
                <th scope="col">{a.colResult}</th>
                <th scope="col">{a.colUser}</th>
                <th scope="col">{a.colTarget}</th>
                <th scope="col">{a.colSource}</th>
                <th scope="col">{a.colDetail}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-operation={e.operation} data-result={e.result} data-target={e.target ?? ""}>
                  <td className="num">{e.seq}</td>
                  <td className="nowrap">{dateTime(e.at)}</td>
                  <td className="mono">{e.operation}</td>
                  <td><span className={`badge ${e.result}`}>{a[`result_${e.result}`]}</span></td>
                  <td>
                    {e.user_name ?? ""}
                    {e.user_id && <div className="muted small mono">{e.user_id}</div>}
                  </td>
                  <td className="mono small">{e.target ?? ""}</td>
                  <td className="mono small">{e.source_ip ?? ""}</td>
                  <td className="mono small detail">{e.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {next && (
        <div className="pager">
          <button onClick={() => void load(applied, next)} disabled={busy} data-testid="audit-more">{busy ? t.loading : a.more}</button>
        </div>
      )}
    </section>
  );
}

function Verification({ v }: { v: ChainVerification | { error: string } }) {
  const { a } = useAdminText();
  if ("error" in v) return <p className="error" role="alert">{v.error}</p>;
  if (v.intact) {
    return (
      <p className="ok" role="status" data-testid="verify-result" data-intact="true">
        {v.events === 0 ? a.verifyEmpty : `✓ ${a.verifyOk(v.events, String(v.head_seq ?? "—"))}`}
      </p>
    );
  }
  const b = v.first_broken;
  const reasons: Record<string, string> = {
    sequence_gap: a.reason_sequence_gap,
    previous_hash_mismatch: a.reason_previous_hash_mismatch,
    hash_mismatch: a.reason_hash_mismatch,
    anchor_mismatch: a.reason_anchor_mismatch,
    truncated: a.reason_truncated,
  };
  return (
    <p className="warn" role="alert" data-testid="verify-result" data-intact="false">
      {b ? a.verifyBroken(b.seq, b.id, reasons[b.reason] ?? b.reason) : a.reason_hash_mismatch}
    </p>
  );
}
