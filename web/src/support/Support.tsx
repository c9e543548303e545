//! The support desk (`#/support`), for every signed-in user: their inquiries (a company
//! administrator: the company's) with category, severity, status and the reply due time in
//! Japan time, overdue ones flagged; a form to file a new one; and one inquiry's thread at
//! `#/support/<id>` (`Thread`). Loaded on demand, like the administration screens.

import { useCallback, useEffect, useState, type FormEvent } from "react";
import "./support.css";
import { Field } from "../auth/SignIn";
import { jstDateTime } from "../desk/announce";
import { Dialog } from "../lib/Dialog";
import { TextArea } from "../lib/TextArea";
import { fieldErrorsIn } from "../lib/errors";
import { listAll } from "../projects/api";
import { supportApi } from "./api";
import { supportError } from "./errors";
import { CATEGORIES, SEVERITIES, dueAt, emptyForm, inquiryBody, sortInquiries, type Inquiry, type InquiryForm } from "./inquiries";
import { useSupportText } from "./text";
import { Thread } from "./Thread";

export function Support({ id, showAuthors }: { id: string | null; showAuthors: boolean }) {
  return id ? <Thread key={id} id={id} /> : <Inquiries showAuthors={showAuthors} />;
}

function Inquiries({ showAuthors }: { showAuthors: boolean }) {
  const { t, s, lang } = useSupportText();
  const [items, setItems] = useState<Inquiry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [filing, setFiling] = useState(false);

  const reload = useCallback(async () => {
    try {
      setItems(sortInquiries(await supportApi.list()));
      setError(null);
    } catch (e) {
      setError(supportError(e, t, s));
    }
  }, [t, s]);
  useEffect(() => void reload(), [reload]);

  return (
    <main className="support" aria-labelledby="support-title">
      <div className="toolbar">
        <a href="#/">{s.backToProjects}</a>
        <h1 id="support-title">{s.title}</h1>
        <button className="primary" onClick={() => setFiling(true)} data-testid="new-inquiry">{s.newInquiry}</button>
      </div>
      <p className="lead">{s.lead}</p>
      {notice && <p className="info" role="status" data-testid="support-notice">{notice}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <section aria-labelledby="inquiries-title">
        <div className="toolbar">
          <h2 id="inquiries-title">{s.listTitle}</h2>
          {items && <span className="muted">{s.count(items.length)}</span>}
        </div>
        {!items && !error && <p>{t.loading}</p>}
        {items?.length === 0 && <p>{s.none}</p>}
        {items && items.length > 0 && (
          <table className="list" data-testid="inquiries">
            <thead>
              <tr>
                <th scope="col">{s.colSubject}</th>
                <th scope="col">{s.colCategory}</th>
                <th scope="col">{s.colSeverity}</th>
                <th scope="col">{s.colStatus}</th>
                <th scope="col">{s.colDue}</th>
                {showAuthors && <th scope="col">{s.colFiledBy}</th>}
                <th scope="col">{s.colUpdated}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const due = dueAt(i);
                return (
                  <tr key={i.id} data-id={i.id} data-status={i.status} data-overdue={String(i.overdue)}>
                    <th scope="row"><a href={`#/support/${i.id}`}>{i.subject}</a></th>
                    <td className="nowrap">{s[`category_${i.category}`]}</td>
                    <td className="nowrap"><span className={`severity ${i.severity}`}>{s[`severity_${i.severity}`]}</span></td>
                    <td className="nowrap"><span className={`badge ${i.status}`}>{s[`status_${i.status}`]}</span></td>
                    <td className="nowrap">
                      {due === null ? s.noDue : jstDateTime(due, lang)}
                      {i.overdue && <span className="badge overdue">{s.overdue}</span>}
                    </td>
                    {showAuthors && <td>{i.created_by_name}</td>}
                    <td className="nowrap">{jstDateTime(i.updated_at, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {filing && (
        <InquiryDialog
          onClose={() => setFiling(false)}
          onFiled={(i) => {
            setFiling(false);
            setNotice(s.filed(i.subject));
            void reload();
          }}
        />
      )}
    </main>
  );
}

/** The form for a new inquiry; the API's field errors beside their fields. */
function InquiryDialog({ onClose, onFiled }: { onClose: () => void; onFiled: (i: Inquiry) => void }) {
  const { t, s, lang } = useSupportText();
  const [form, setForm] = useState<InquiryForm>(emptyForm);
  const [projects, setProjects] = useState<{ id: string; name: string }[] | null>(null);
  const [projectsFailed, setProjectsFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    listAll().then((l) => setProjects(l.map((p) => ({ id: p.id, name: p.name }))), () => setProjectsFailed(true));
  }, []);
  const set = <K extends keyof InquiryForm>(k: K) => (v: InquiryForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields(new Map());
    try {
      onFiled(await supportApi.file(inquiryBody(form)));
    } catch (err) {
      setFields(fieldErrorsIn(err, lang, s.fieldMessages));
      setError(supportError(err, t, s));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={s.newInquiry} onClose={onClose} testId="inquiry-dialog" wide>
      <form onSubmit={submit} noValidate className="inquiry-form">
        <div className="row">
          <div className="field">
            <label htmlFor="inquiry-category">{s.category}</label>
            <select id="inquiry-category" value={form.category} onChange={(e) => set("category")(e.target.value as InquiryForm["category"])}>
              {CATEGORIES.map((c) => <option key={c} value={c}>{s[`category_${c}`]}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="inquiry-severity">{s.severity}</label>
            <select id="inquiry-severity" value={form.severity} aria-describedby="inquiry-severity-help" onChange={(e) => set("severity")(e.target.value as InquiryForm["severity"])}>
              {SEVERITIES.map((v) => <option key={v} value={v}>{s[`severity_${v}`]}</option>)}
            </select>
            <p id="inquiry-severity-help" className="muted small">{s.severityHelp}</p>
          </div>
        </div>
        <Field id="inquiry-subject" label={s.subject} value={form.subject} onChange={set("subject")} autoComplete="off" error={fields.get("/subject")} />
        <TextArea id="inquiry-text" label={s.text} help={s.textHelp} value={form.text} onChange={set("text")} rows={8} error={fields.get("/text")} />
        <div className="field">
          <label htmlFor="inquiry-project">{s.project}</label>
          <select
            id="inquiry-project"
            value={form.projectId}
            aria-invalid={fields.has("/project_id") || undefined}
            aria-describedby={`inquiry-project-help${fields.has("/project_id") ? " inquiry-project-error" : ""}`}
            onChange={(e) => set("projectId")(e.target.value)}
          >
            <option value="">{s.noProject}</option>
            {projects?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          {fields.has("/project_id") && <p id="inquiry-project-error" className="field-error">{fields.get("/project_id")}</p>}
          <p id="inquiry-project-help" className="muted small">{projectsFailed ? s.projectsUnavailable : s.projectHelp}</p>
        </div>
        {error && <p className="error" role="alert" data-testid="inquiry-error">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button type="submit" className="primary" disabled={busy}>{busy ? s.sending : s.send}</button>
        </div>
      </form>
    </Dialog>
  );
}
