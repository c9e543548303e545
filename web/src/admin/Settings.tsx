//! The company settings tab: the IP allow-list (one network per line) with the caller's own
//! address as the API reports it, whether a second factor is required, and the lockout
//! policy. A list that would shut the administrator out (their address known and outside
//! every network) or that holds a line that is not a network is refused before it is sent;
//! the API applies the same test and its refusal is shown the same way.

import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Field } from "../auth/SignIn";
import { parseNumber } from "../lib/nfkc";
import { adminApi, type SettingsView } from "./api";
import { admits, readList, type Network } from "./cidr";
import { adminError, adminFieldErrors } from "./errors";
import { useAdminText } from "./text";

export function Settings() {
  const { t, a, lang } = useAdminText();
  const [loaded, setLoaded] = useState<SettingsView | null>(null);
  const [listText, setListText] = useState("");
  const [mfaRequired, setMfaRequired] = useState(false);
  const [threshold, setThreshold] = useState("");
  const [duration, setDuration] = useState("");
  const [untilUnlocked, setUntilUnlocked] = useState(false);
  const [retention, setRetention] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const [fields, setFields] = useState<Map<string, string>>(new Map());
  const [tried, setTried] = useState(false);

  const show = (s: SettingsView) => {
    setLoaded(s);
    setListText(s.ip_allow_list.join("\n"));
    setMfaRequired(s.mfa_required);
    setThreshold(String(s.lockout_threshold));
    setDuration(String(s.lockout_duration_minutes));
    setUntilUnlocked(s.lockout_until_unlocked);
    setRetention(String(s.audit_retention_days));
  };
  useEffect(() => {
    adminApi.settings().then(show, (e) => setMessage({ kind: "error", text: adminError(e, t, a) }));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const entries = useMemo(() => readList(listText), [listText]);
  const invalid = entries.filter((e) => !e.network);
  const yourIp = loaded?.your_ip ?? null;
  const verdict = invalid.length ? null : admits(entries.map((e) => e.network as Network), yourIp);

  /** The API's errors on `/ip_allow_list/<i>`, read as the line of the editor they name. */
  const listErrors = [...fields]
    .filter(([k]) => k.startsWith("/ip_allow_list"))
    .map(([k, v]) => {
      const i = Number(k.split("/")[2]);
      return Number.isInteger(i) && entries[i] ? a.lineError(entries[i].line, v) : v;
    });
  const clientListErrors = tried || listText ? invalid.map((e) => a.lineInvalid(e.line, e.text)) : [];
  const listMessages = [...clientListErrors, ...listErrors, ...(fields.get("/confirm_lockout") ? [a.wouldLockOut] : [])];

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setMessage(null);
    setFields(new Map());
    const th = parseNumber(threshold);
    const du = parseNumber(duration);
    const re = parseNumber(retention);
    const local = new Map<string, string>();
    if (!th.ok || !Number.isInteger(th.value)) local.set("/lockout_threshold", a.notANumber);
    if (!du.ok || !Number.isInteger(du.value)) local.set("/lockout_duration_minutes", a.notANumber);
    if (!re.ok || !Number.isInteger(re.value)) local.set("/audit_retention_days", a.notANumber);
    if (invalid.length || verdict === false || local.size) {
      setFields(local);
      setMessage({ kind: "error", text: verdict === false ? a.excludesYou(yourIp ?? "") : a.settingsInvalid });
      return;
    }
    setBusy(true);
    try {
      const saved = await adminApi.saveSettings({
        ip_allow_list: entries.map((x) => x.text),
        mfa_required: mfaRequired,
        lockout_threshold: th.ok ? th.value : null,
        lockout_duration_minutes: du.ok ? du.value : null,
        lockout_until_unlocked: untilUnlocked,
        audit_retention_days: re.ok ? re.value : null,
        confirm_lockout: false,
      });
      show(saved);
      setTried(false);
      setMessage({ kind: "info", text: a.settingsSaved });
    } catch (err) {
      setFields(adminFieldErrors(err, lang, a));
      setMessage({ kind: "error", text: adminError(err, t, a) });
    } finally {
      setBusy(false);
    }
  };

  if (!loaded) {
    return message ? <p className="error" role="alert">{message.text}</p> : <p>{t.loading}</p>;
  }
  const listHelpId = "ip-allow-list-help";
  const listErrId = "ip-allow-list-error";
  return (
    <section aria-labelledby="settings-title" className="admin-form">
      <h2 id="settings-title">{a.settingsTitle}</h2>
      <form onSubmit={save} noValidate data-testid="settings-form">
        <fieldset>
          <legend>{a.ipTitle}</legend>
          <div className="field">
            <label htmlFor="ip-allow-list">{a.ipLabel}</label>
            <textarea
              id="ip-allow-list"
              rows={6}
              spellCheck={false}
              className="mono"
              value={listText}
              onChange={(e) => setListText(e.target.value)}
              aria-invalid={listMessages.length > 0 || verdict === false || undefined}
              aria-describedby={`${listHelpId}${listMessages.length ? ` ${listErrId}` : ""}`}
            />
            <p id={listHelpId} className="muted small">{a.ipHelp}</p>
            {listMessages.length > 0 && (
              <ul id={listErrId} className="field-error" data-testid="ip-errors">
                {listMessages.map((m) => <li key={m}>{m}</li>)}
              </ul>
            )}
          </div>
          <p data-testid="your-ip">
            {yourIp ? a.yourAddress(yourIp) : a.yourAddressUnknown}
            {yourIp && entries.length > 0 && verdict === false && (
              <button type="button" className="link" onClick={() => setListText(`${listText.replace(/\s*$/, "")}\n${yourIp}`)}>
                {a.addYourAddress}
              </button>
            )}
          </p>
          {yourIp && entries.length > 0 && verdict !== null && (
            <p className={verdict ? "ok small" : "warn small"} data-testid="ip-verdict" data-admits={String(verdict)}>
              {verdict ? a.admitsYou(yourIp) : a.excludesYou(yourIp)}
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>{a.mfaTitle}</legend>
          <label className="check">
            <input type="checkbox" checked={mfaRequired} onChange={(e) => setMfaRequired(e.target.checked)} />
            {a.mfaRequired}
          </label>
        </fieldset>
        <fieldset>
          <legend>{a.lockoutTitle}</legend>
          <Field id="lockout-threshold" label={a.lockoutThreshold} value={threshold} onChange={setThreshold} inputMode="numeric" error={fields.get("/lockout_threshold")} />
          <Field id="lockout-duration" label={a.lockoutDuration} value={duration} onChange={setDuration} inputMode="numeric" error={fields.get("/lockout_duration_minutes")} />
          <label className="check">
            <input type="checkbox" checked={untilUnlocked} onChange={(e) => setUntilUnlocked(e.target.checked)} />
            {a.lockoutUntilUnlocked}
          </label>
        </fieldset>
        <fieldset>
          <legend>{a.auditRetentionTitle}</legend>
          <Field id="audit-retention" label={a.auditRetention} value={retention} onChange={setRetention} inputMode="numeric" error={fields.get("/audit_retention_days")} />
        </fieldset>
        {message && <p className={message.kind} role={message.kind === "error" ? "alert" : "status"} data-testid="settings-message">{message.text}</p>}
        <div className="buttons left">
          <button type="submit" className="primary" disabled={busy}>{busy ? t.saving : a.saveSettings}</button>
        </div>
      </form>
    </section>
  );
}
