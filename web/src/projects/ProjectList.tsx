//! The project list: search, sort and paging over the company's projects; create (blank or
//! from a sample), copy, rename and delete with confirmation. Errors appear next to what
//! caused them: in the dialog for a create or rename, on the row for a copy or delete.

import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import type { ProjectListItem } from "../api/types";
import { useI18n } from "../i18n";
import { Dialog } from "../lib/Dialog";
import { describeError, fieldErrors } from "../lib/errors";
import { createProject, deleteProject, getProject, listAll, replaceProject } from "./api";
import { blankDocument, samples } from "./samples";
import { Field } from "../auth/SignIn";

const PAGE_SIZE = 10;
type Sort = "updated" | "name" | "created";

export function ProjectList({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, lang, dateTime } = useI18n();
  const [items, setItems] = useState<ProjectListItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<Sort>("updated");
  const [page, setPage] = useState(0);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [dialog, setDialog] = useState<null | { kind: "create" } | { kind: "rename"; item: ProjectListItem } | { kind: "delete"; item: ProjectListItem }>(null);

  const reload = useCallback(async () => {
    try {
      setItems(await listAll());
      setLoadError(null);
    } catch (e) {
      setLoadError(describeError(e, t));
    }
  }, [t]);
  useEffect(() => void reload(), [reload]);

  const shown = useMemo(() => {
    if (!items) return [];
    const q = query.normalize("NFKC").toLowerCase().trim();
    const filtered = q ? items.filter((p) => `${p.name} ${p.description}`.normalize("NFKC").toLowerCase().includes(q)) : items;
    const collator = new Intl.Collator(lang === "ja" ? "ja" : "en");
    return [...filtered].sort((a, b) =>
      sort === "name" ? collator.compare(a.name, b.name) : sort === "created" ? b.created_at - a.created_at : b.updated_at - a.updated_at,
    );
  }, [items, query, sort, lang]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const visible = shown.slice(current * PAGE_SIZE, current * PAGE_SIZE + PAGE_SIZE);

  const copy = async (item: ProjectListItem) => {
    setRowError(null);
    try {
      const p = await getProject(item.id);
      await createProject({ ...p.content, name: t.copyOf(p.name).slice(0, 200) });
      await reload();
    } catch (e) {
      setRowError({ id: item.id, message: describeError(e, t) });
    }
  };

  return (
    <main className="projects" aria-labelledby="projects-title">
      <div className="toolbar">
        <h1 id="projects-title">{t.projects}</h1>
        <button className="primary" onClick={() => setDialog({ kind: "create" })}>
          {t.newProject}
        </button>
      </div>
      <div className="filters">
        <label htmlFor="project-search">{t.search}</label>
        <input id="project-search" type="search" placeholder={t.searchPlaceholder} value={query} onChange={(e) => { setQuery(e.target.value); setPage(0); }} />
        <label htmlFor="project-sort">{t.sortBy}</label>
        <select id="project-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
          <option value="updated">{t.sortUpdated}</option>
          <option value="name">{t.sortName}</option>
          <option value="created">{t.sortCreated}</option>
        </select>
        {items && <span className="muted">{t.projectCount(shown.length)}</span>}
      </div>
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {!items && !loadError && <p>{t.loading}</p>}
      {items && items.length === 0 && <p>{t.noProjects}</p>}
      {items && items.length > 0 && shown.length === 0 && <p>{t.noMatches}</p>}
      {visible.length > 0 && (
        <table className="list" data-testid="project-table">
          <thead>
            <tr>
              <th scope="col">{t.colName}</th>
              <th scope="col">{t.colUpdated}</th>
              <th scope="col">{t.colVersion}</th>
              <th scope="col">{t.colActions}</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={`#/p/${p.id}`} onClick={(e) => { e.preventDefault(); onOpen(p.id); }}>{p.name}</a>
                  {p.description && <div className="muted small">{p.description.length > 120 ? `${p.description.slice(0, 120)}…` : p.description}</div>}
                  {rowError?.id === p.id && <p className="error" role="alert">{rowError.message}</p>}
                </td>
                <td>{dateTime(p.updated_at)}</td>
                <td>{t.version(p.version)}</td>
                <td className="actions">
                  <button onClick={() => void copy(p)}>{t.copy}</button>
                  <button onClick={() => setDialog({ kind: "rename", item: p })}>{t.rename}</button>
                  <button className="danger" onClick={() => setDialog({ kind: "delete", item: p })}>{t.delete}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label={t.pageOf(current + 1, pages)}>
          <button disabled={current === 0} onClick={() => setPage(current - 1)}>{t.prevPage}</button>
          <span>{t.pageOf(current + 1, pages)}</span>
          <button disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>{t.nextPage}</button>
        </nav>
      )}
      {dialog?.kind === "create" && (
        <CreateDialog onClose={() => setDialog(null)} onCreated={(id) => { setDialog(null); onOpen(id); }} />
      )}
      {dialog?.kind === "rename" && (
        <RenameDialog item={dialog.item} onClose={() => setDialog(null)} onDone={() => { setDialog(null); void reload(); }} />
      )}
      {dialog?.kind === "delete" && (
        <Dialog title={t.confirmDeleteTitle} onClose={() => setDialog(null)} testId="confirm-delete">
          <p>{t.confirmDeleteBody(dialog.item.name)}</p>
          <div className="buttons">
            <button onClick={() => setDialog(null)}>{t.cancel}</button>
            <button
              className="danger"
              onClick={async () => {
                const item = dialog.item;
                setDialog(null);
                try {
                  await deleteProject(item.id, item.version);
                  await reload();
                } catch (e) {
                  setRowError({ id: item.id, message: describeError(e, t) });
                }
              }}
            >
              {t.delete}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

function CreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t, lang } = useI18n();
  const [source, setSource] = useState<string>("blank");
  const [name, setName] = useState(t.blankName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const pick = (key: string) => {
    setSource(key);
    const s = samples.find((x) => x.key === key);
    setName(s ? s.doc.name : t.blankName);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNameError(undefined);
    try {
      const sample = samples.find((x) => x.key === source);
      const doc = sample ? { ...structuredClone(sample.doc), name } : blankDocument(name);
      const p = await createProject(doc);
      onCreated(p.id);
    } catch (err) {
      setError(describeError(err, t));
      setNameError(fieldErrors(err, lang).get("/name"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t.newProject} onClose={onClose} testId="create-project">
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t.sample}</legend>
          <label className="radio">
            <input type="radio" name="source" value="blank" checked={source === "blank"} onChange={() => pick("blank")} /> {t.newBlank}
          </label>
          {samples.map((s) => (
            <label className="radio" key={s.key}>
              <input type="radio" name="source" value={s.key} checked={source === s.key} onChange={() => pick(s.key)} /> {s.doc.name}
              <span className="muted small"> ({s.key})</span>
            </label>
          ))}
        </fieldset>
        <Field id="new-project-name" label={t.projectName} value={name} onChange={setName} error={nameError} />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>{busy ? t.creating : t.create}</button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ item, onClose, onDone }: { item: ProjectListItem; onClose: () => void; onDone: () => void }) {
  const { t, lang } = useI18n();
  const [name, setName] = useState(item.name);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const p = await getProject(item.id);
      await replaceProject(item.id, p.version, { ...p.content, name });
      onDone();
    } catch (err) {
      setError(describeError(err, t));
      setNameError(fieldErrors(err, lang).get("/name"));
    }
  };
  return (
    <Dialog title={t.renameTitle} onClose={onClose} testId="rename-project">
      <form onSubmit={submit}>
        <Field id="rename-name" label={t.projectName} value={name} onChange={setName} error={nameError} />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button type="submit" className="primary" disabled={!name.trim()}>{t.save}</button>
        </div>
      </form>
    </Dialog>
  );
}
