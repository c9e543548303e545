//! The workspace of one project: the single-line diagram with its side panel, the
//! coordination view and exports, over one document with undo/redo. Every edit is saved
//! shortly after it is made with `If-Match`; a 422 puts each message on the field its JSON
//! pointer names and keeps the edit; a 412 opens a dialog with both versions and saves
//! nothing until the user chooses.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/client";
import type { Analysis, Project, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import { AnalysisView } from "../analysis/AnalysisView";
import type { FaultCase } from "../analysis/faults";
import { analyseDocument, analyseStored, statelessKnown } from "../analysis/run";
import { ExportPanel } from "../exports/ExportPanel";
import { Dialog } from "../lib/Dialog";
import { describeError, fieldErrors, messageOf } from "../lib/errors";
import { useShortcuts } from "../lib/ime";
import { getProject, replaceProject } from "../projects/api";
import { DevicePanel, type PanelActions } from "./DevicePanel";
import { Diagram } from "./Diagram";
import { UndrawnList } from "./UndrawnList";
import { deviceAt, differences } from "./diff";
import * as E from "./edit";

type SaveState = "saved" | "pending" | "saving" | "invalid" | "error" | "conflict";
type Tab = "diagram" | "analysis" | "exports";
const AUTOSAVE_MS = 700;

export function Workspace({ projectId, onBack }: { projectId: string; onBack: () => void }) {
  const { t, lang } = useI18n();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [doc, setDoc] = useState<ProjectDocument | null>(null);
  const [past, setPast] = useState<ProjectDocument[]>([]);
  const [future, setFuture] = useState<ProjectDocument[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [tab, setTab] = useState<Tab>("diagram");
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveMessage, setSaveMessage] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ pointer: string; message: string }[]>([]);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [conflict, setConflict] = useState<Project | null>(null);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [analysisBusy, setAnalysisBusy] = useState(false);
  const [analysisError, setAnalysisError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  /** The fault the coordination view replays: a bus and the IEC 60909 case. */
  const [fault, setFault] = useState<{ bus: string; kase: FaultCase } | null>(null);
  /** The ids the drawing on screen shows (null until the first drawing). */
  const [drawn, setDrawn] = useState<ReadonlySet<string> | null>(null);

  const versionRef = useRef(0);
  const savedRef = useRef<ProjectDocument | null>(null);
  const rejectedRef = useRef<ProjectDocument | null>(null);
  const docRef = useRef<ProjectDocument | null>(null);
  const savingRef = useRef(false);
  const immediateRef = useRef(false);
  docRef.current = doc;

  const runAnalysis = useCallback(async (d: ProjectDocument, storedVersion?: number) => {
    setAnalysisBusy(true);
    try {
      const stateless = await analyseDocument(d);
      const a = stateless ?? (storedVersion !== undefined ? await analyseStored(projectId, storedVersion) : null);
      if (a && docRef.current === d) {
        setAnalysis(a);
        setAnalysisError(null);
      }
    } catch (e) {
      if (docRef.current === d) setAnalysisError(describeError(e, t));
    } finally {
      setAnalysisBusy(false);
    }
  }, [projectId, t]);

  const load = useCallback(async () => {
    try {
      const p = await getProject(projectId);
      versionRef.current = p.version;
      setVersion(p.version);
      savedRef.current = p.content;
      rejectedRef.current = null;
      setDoc(p.content);
      setPast([]);
      setFuture([]);
      setSaveState("saved");
      setErrors(new Map());
      setProblems([]);
      setConflict(null);
      void runAnalysis(p.content, p.version);
    } catch (e) {
      setLoadError(describeError(e, t));
    }
  }, [projectId, runAnalysis, t]);
  // Load once per project: a language switch must not reload (and drop unsaved edits).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [projectId]);

  const save = useCallback(async () => {
    const sending = docRef.current;
    if (!sending || savingRef.current || sending === savedRef.current) return;
    savingRef.current = true;
    setSaveState("saving");
    try {
      const p = await replaceProject(projectId, versionRef.current, sending);
      versionRef.current = p.version;
      setVersion(p.version);
      savedRef.current = sending;
      rejectedRef.current = null;
      setErrors(new Map());
      setProblems([]);
      setSaveMessage(null);
      setSaveState(docRef.current === sending ? "saved" : "pending");
      void runAnalysis(sending, p.version);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setSaveState("conflict");
        try {
          setConflict(await getProject(projectId));
        } catch (e2) {
          setSaveMessage(describeError(e2, t));
        }
      } else if (e instanceof ApiError && (e.status === 422 || e.status === 400)) {
        rejectedRef.current = sending;
        setSaveState("invalid");
        setErrors(fieldErrors(e, lang));
        setProblems((e.problem.errors ?? []).map((fe) => ({ pointer: fe.pointer ?? fe.header ?? fe.parameter ?? "", message: messageOf(fe, lang) })));
        setSaveMessage(describeError(e, t));
      } else {
        setSaveState("error");
        setSaveMessage(describeError(e, t));
      }
    } finally {
      savingRef.current = false;
    }
  }, [projectId, runAnalysis, t, lang]);

  // Autosave: shortly after the last edit, unless a conflict waits for the user's choice or
  // the server already refused exactly this document.
  useEffect(() => {
    if (doc && doc === savedRef.current && (saveState === "pending" || saveState === "invalid" || saveState === "error")) {
      // Undo back to the stored document: nothing left to save.
      setSaveState("saved");
      setErrors(new Map());
      setProblems([]);
      setSaveMessage(null);
      return;
    }
    if (!doc || doc === savedRef.current || doc === rejectedRef.current || saveState === "conflict" || saveState === "saving") return;
    setSaveState((s) => (s === "invalid" || s === "error" ? s : "pending"));
    const delay = immediateRef.current ? 0 : AUTOSAVE_MS;
    immediateRef.current = false;
    const timer = setTimeout(() => void save(), delay);
    return () => clearTimeout(timer);
  }, [doc, save, saveState]);

  // Leaving with an edit not yet stored: the browser asks first; the back button saves first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (docRef.current && docRef.current !== savedRef.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);
  const leave = useCallback(async () => {
    if (docRef.current && docRef.current !== savedRef.current && docRef.current !== rejectedRef.current) await save();
    if (!docRef.current || docRef.current === savedRef.current) onBack();
  }, [onBack, save]);

  // What-if: with the stateless analysis, an edit is analysed before it is saved.
  useEffect(() => {
    if (!doc || statelessKnown() !== true || doc === savedRef.current) return;
    const timer = setTimeout(() => void runAnalysis(doc), 250);
    return () => clearTimeout(timer);
  }, [doc, runAnalysis]);

  const apply = useCallback((next: ProjectDocument, select?: number | null) => {
    const cur = docRef.current;
    if (!cur || next === cur) return;
    setPast((p) => [...p.slice(-199), cur]);
    setFuture([]);
    setDoc(next);
    if (select !== undefined) setSelected(select);
  }, []);

  const undo = useCallback(() => {
    setPast((p) => {
      if (!p.length || !docRef.current) return p;
      setFuture((f) => [docRef.current!, ...f]);
      setDoc(p[p.length - 1]);
      return p.slice(0, -1);
    });
  }, []);
  const redo = useCallback(() => {
    setFuture((f) => {
      if (!f.length || !docRef.current) return f;
      setPast((p) => [...p, docRef.current!]);
      setDoc(f[0]);
      return f.slice(1);
    });
  }, []);
  const shortcuts = useMemo(
    () => [
      { key: "z", mod: true, run: undo },
      { key: "z", mod: true, shift: true, run: redo },
      { key: "y", mod: true, run: redo },
    ],
    [undo, redo],
  );
  useShortcuts(shortcuts);

  const actions: PanelActions = useMemo(
    () => ({
      set: (path, value) => {
        const cur = docRef.current;
        if (cur && selected !== null) apply(E.setField(cur, selected, path, value));
      },
      setMany: (changes) => {
        const cur = docRef.current;
        if (cur && selected !== null && changes.length) apply(E.setFields(cur, selected, changes));
      },
      placeFault: (bus, kase) => {
        setFault({ bus, kase });
        setTab("analysis");
      },
      addBranch: (bus, type) => {
        const cur = docRef.current;
        if (cur) {
          const [next, i] = E.addBranch(cur, bus, type);
          apply(next, i);
        }
      },
      addAttached: (type, target) => {
        const cur = docRef.current;
        if (cur) {
          const [next, i] = E.addAttached(cur, type, target);
          apply(next, i);
        }
      },
      addShunt: (bus, type) => {
        const cur = docRef.current;
        if (cur) {
          const [next, i] = E.addShunt(cur, bus, type);
          apply(next, i);
        }
      },
      insertSeries: (index, type) => {
        const cur = docRef.current;
        if (cur) {
          const [next, i] = E.insertSeries(cur, index, type);
          apply(next, i);
        }
      },
      swapWithBelow: (index) => {
        const cur = docRef.current;
        if (cur) apply(E.swapWithBelow(cur, index));
      },
      deleteSubtree: (index) => {
        const cur = docRef.current;
        if (cur) apply(E.deleteSubtree(cur, index), null);
      },
    }),
    [apply, selected],
  );

  const setSetting = useCallback((index: number, changes: [string[], unknown][]) => {
    const cur = docRef.current;
    if (!cur) return;
    immediateRef.current = true;
    apply(E.setFields(cur, index, changes));
  }, [apply]);

  const selectById = useCallback((id: string) => {
    const cur = docRef.current;
    if (!cur) return;
    // The utility's symbol stands for its service-point bus.
    const target = id === "utility" ? cur.utility.bus : id;
    const i = cur.devices.findIndex((d) => d.id === target);
    if (i >= 0) setSelected(i);
  }, []);

  const status = useMemo(() => {
    const m = new Map<string, "fail" | "warning">();
    for (const c of analysis?.checks ?? []) {
      if (c.status === "pass") continue;
      for (const id of c.devices) if (m.get(id) !== "fail") m.set(id, c.status);
    }
    return m;
  }, [analysis]);

  if (loadError) return <main className="workspace"><p className="error" role="alert">{loadError}</p><button onClick={onBack}>{t.back}</button></main>;
  if (!doc) return <main className="workspace"><p role="status">{t.loading}</p></main>;

  const stateText: Record<SaveState, string> = {
    saved: t.saved,
    pending: t.unsaved,
    saving: t.saving,
    invalid: t.saveFailed,
    error: t.saveFailed,
    conflict: t.saveFailed,
  };
  const dirty = doc !== savedRef.current;
  const selectByPointer = (pointer: string) => {
    const m = /^\/devices\/(\d+)/.exec(pointer);
    if (m) {
      setSelected(Number(m[1]));
      setTab("diagram");
    }
  };

  return (
    <main className="workspace" aria-labelledby="ws-title">
      <div className="toolbar">
        <button className="link" onClick={() => void leave()} data-testid="back">{`← ${t.projects}`}</button>
        <h1 id="ws-title">{doc.name}</h1>
        <span className="muted">{t.version(version)}</span>
        <span className={`save-state ${saveState}`} role="status" data-testid="save-state" data-state={saveState}>{stateText[saveState]}</span>
        <span className="spacer" />
        <button onClick={undo} disabled={!past.length} data-testid="undo">{t.undo}</button>
        <button onClick={redo} disabled={!future.length} data-testid="redo">{t.redo}</button>
      </div>
      {saveMessage && (
        <div className="error-box" role="alert" data-testid="save-error">
          <p>{saveMessage}</p>
          {problems.length > 0 && (
            <ul>
              {problems.map((p, k) => (
                <li key={k}>
                  <button className="link mono" onClick={() => selectByPointer(p.pointer)}>
                    {[deviceAt(p.pointer, doc), p.pointer].filter(Boolean).join(" · ")}
                  </button>{" "}
                  {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div role="tablist" aria-label={t.workspace} className="tabs">
        {(["diagram", "analysis", "exports"] as const).map((k) => (
          <button key={k} role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} onClick={() => setTab(k)} data-testid={`tab-${k}`}>
            {t[k]}
            {k === "analysis" && analysis && <span className={`dot ${analysis.summary.status}`} aria-hidden="true" />}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {tab === "diagram" && (
          <div className="diagram-area">
            <Diagram doc={doc} selectedId={selected !== null ? doc.devices[selected]?.id ?? null : null} onSelect={selectById} status={status} faultBus={fault?.bus ?? null} onDrawn={setDrawn} />
            <div className="side-col">
              <UndrawnList doc={doc} drawn={drawn} selected={selected} onSelect={setSelected} onAdd={(type) => actions.addAttached(type)} />
              <DevicePanel doc={doc} index={selected} errors={errors} actions={actions} />
            </div>
          </div>
        )}
        {tab === "analysis" && (
          <AnalysisView
            doc={doc}
            analysis={analysis}
            busy={analysisBusy}
            error={analysisError}
            errors={errors}
            set={setSetting}
            fault={fault}
            onFault={setFault}
            onSelectDevice={(id) => {
              const i = doc.devices.findIndex((d) => d.id === id);
              if (i >= 0) {
                setSelected(i);
                setTab("diagram");
              }
            }}
          />
        )}
        {tab === "exports" && <ExportPanel projectId={projectId} dirty={dirty} />}
      </div>
      {conflict && (
        <ConflictDialog
          mine={doc}
          theirs={conflict}
          onKeepMine={() => {
            versionRef.current = conflict.version;
            setVersion(conflict.version);
            savedRef.current = conflict.content;
            setConflict(null);
            immediateRef.current = true;
            setSaveState("pending");
          }}
          onReload={() => void load()}
        />
      )}
    </main>
  );
}

function ConflictDialog(props: { mine: ProjectDocument; theirs: Project; onKeepMine: () => void; onReload: () => void }) {
  const { t } = useI18n();
  const diffs = useMemo(() => differences(props.mine, props.theirs.content), [props.mine, props.theirs]);
  return (
    <Dialog title={t.conflictTitle} testId="conflict" wide>
      <p>{t.conflictLead}</p>
      <p>{diffs.length ? t.conflictDiffCount(diffs.length) : t.conflictNoDiff}</p>
      <div className="diff-scroll">
        <table className="list diff">
          <thead>
            <tr>
              <th scope="col">{t.jsonPointer}</th>
              <th scope="col">{t.conflictYours}</th>
              <th scope="col">{t.conflictTheirs(props.theirs.version)}</th>
            </tr>
          </thead>
          <tbody>
            {diffs.slice(0, 200).map((d) => (
              <tr key={d.pointer}>
                <td className="mono">{[deviceAt(d.pointer, props.mine, props.theirs.content), d.pointer].filter(Boolean).join(" · ")}</td>
                <td className="mono mine">{d.mine}</td>
                <td className="mono theirs">{d.theirs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="buttons">
        <button onClick={props.onReload} data-testid="conflict-reload">{t.conflictReload}</button>
        <button className="primary" onClick={props.onKeepMine} data-testid="conflict-keep-mine">{t.conflictKeepMine}</button>
      </div>
    </Dialog>
  );
}
