//! One inquiry (`#/support/<id>`): what it is about, its status and reply due time in Japan
//! time, the thread oldest first with the customer's and the support desk's messages told
//! apart (a label, not colour alone), and a form to reply or ask more.

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { jstDateTime } from "../desk/announce";
import { fieldErrorsIn } from "../lib/errors";
import { TextArea } from "../lib/TextArea";
import { getProject } from "../projects/api";
import { supportApi } from "./api";
import { supportError } from "./errors";
import { dueAt, type Inquiry } from "./inquiries";
import { useSupportText } from "./text";

export function Thread({ id }: { id: string }) {
  const { t, s, lang } = useSupportText();
  const [inquiry, setInquiry] = useState<Inquiry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [projectName, setProjectName] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  const [replyError, setReplyError] = useState<string | undefined>();
  const [sendError, setSendError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setInquiry(await supportApi.get(id));
      setError(null);
    } catch (e) {
      setError(supportError(e, t, s));
    }
  }, [id, t, s]);
  useEffect(() => void load(), [load]);
  const projectId = inquiry?.project_id ?? null;
  useEffect(() => {
    // The project's name where the user may still read it; else its id.
    if (projectId) getProject(projectId).then((p) => setProjectName(p.name), () => setProjectName(projectId));
  }, [projectId]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setReplyError(undefined);
    setSendError(null);
    setNotice(null);
    try {
      setInquiry(await supportApi.reply(id, reply.trim()));
      setReply("");
      setNotice(s.replied);
    } catch (err) {
      setReplyError(fieldErrorsIn(err, lang, s.fieldMessages).get("/text"));
      setSendError(supportError(err, t, s));
    } finally {
      setBusy(false);
    }
  };

  const back = <a href="#/support">{s.backToList}</a>;
  if (!inquiry) {
    return (
      <main className="support" aria-labelledby="support-title">
        <div className="toolbar">
          {back}
          <h1 id="support-title">{s.title}</h1>
        </div>
        {error ? <p className="error" role="alert">{error}</p> : <p>{t.loading}</p>}
      </main>
    );
  }
  const due = dueAt(inquiry);
  return (
    <main className="support" aria-labelledby="inquiry-title" data-testid="inquiry" data-status={inquiry.status}>
      <div className="toolbar">
        {back}
        <h1 id="inquiry-title">{inquiry.subject}</h1>
        <span className={`badge ${inquiry.status}`}>{s[`status_${inquiry.status}`]}</span>
        <button onClick={() => void load()}>{s.refresh}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {inquiry.overdue && <p className="warn" data-testid="overdue-note">{s.overdueNote}</p>}
      {inquiry.status === "answered" && <p className="info">{s.answeredNote}</p>}
      {inquiry.status === "closed" && <p className="muted">{s.closedNote}</p>}
      <section aria-labelledby="inquiry-meta-title">
        <h2 id="inquiry-meta-title" className="sr-only">{s.meta}</h2>
        <dl className="inquiry-meta">
          <div><dt>{s.category}</dt><dd>{s[`category_${inquiry.category}`]}</dd></div>
          <div><dt>{s.severity}</dt><dd><span className={`severity ${inquiry.severity}`}>{s[`severity_${inquiry.severity}`]}</span></dd></div>
          <div>
            <dt>{s.dueLabel}</dt>
            <dd>
              {due === null ? s.noDue : jstDateTime(due, lang)}
              {inquiry.overdue && <span className="badge overdue">{s.overdue}</span>}
            </dd>
          </div>
          <div><dt>{s.filedBy}</dt><dd>{inquiry.created_by_name}</dd></div>
          <div><dt>{s.filedAt}</dt><dd>{jstDateTime(inquiry.created_at, lang)}</dd></div>
          {projectId && <div><dt>{s.projectLabel}</dt><dd>{projectName ?? projectId}</dd></div>}
        </dl>
      </section>
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{s.thread}</h2>
        <ol className="thread" data-testid="thread">
          {(inquiry.messages ?? []).map((m, i) => (
            <li key={`${m.at}-${i}`} className={`message ${m.from}`} data-from={m.from}>
              <p className="message-head">
                <span className={`badge from-${m.from}`}>{s[`from_${m.from}`]}</span>
                <strong>{m.name}</strong>
                <time dateTime={new Date(m.at).toISOString()} className="muted">{jstDateTime(m.at, lang)}</time>
              </p>
              <p className="message-text">{m.text}</p>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="reply-title" className="reply">
        <h2 id="reply-title">{s.reply}</h2>
        <form onSubmit={send} noValidate data-testid="reply-form">
          <TextArea id="reply-text" label={s.text} help={s.replyHelp} value={reply} onChange={setReply} rows={5} error={replyError} />
          {sendError && <p className="error" role="alert">{sendError}</p>}
          {notice && <p className="info" role="status">{notice}</p>}
          <div className="buttons left">
            <button type="submit" className="primary" disabled={busy}>{busy ? s.sending : s.sendReply}</button>
          </div>
        </form>
      </section>
    </main>
  );
}
