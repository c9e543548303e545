//! Exports: a drawing (single-line diagram or coordination chart as PDF, DXF or SVG) or a
//! CSV report, produced by the server from the saved project, with progress and a link.

import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { ExportFile, ExportRequest } from "../api/types";
import { useI18n } from "../i18n";
import { describeError } from "../lib/errors";

export function ExportPanel({ projectId, dirty }: { projectId: string; dirty: boolean }) {
  const { t, num, dateTime, lang } = useI18n();
  const [what, setWhat] = useState<ExportRequest["what"]>("sld");
  const [format, setFormat] = useState<ExportRequest["format"]>("pdf");
  const [report, setReport] = useState<NonNullable<ExportRequest["report"]>>("checks");
  const [encoding, setEncoding] = useState<NonNullable<ExportRequest["encoding"]>>("utf-8");
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<ExportFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formats: ExportRequest["format"][] = what === "report" ? ["csv"] : ["pdf", "dxf", "svg"];
  const fmt = formats.includes(format) ? format : formats[0];

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFile(null);
    setError(null);
    try {
      const body: ExportRequest = what === "report" ? { what, format: "csv", report, encoding, language: lang } : { what, format: fmt };
      const r = await api.post<ExportFile>(`/projects/${encodeURIComponent(projectId)}/exports`, body);
      setFile(r.body);
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="exports" aria-labelledby="export-title">
      <h2 id="export-title">{t.exportTitle}</h2>
      {dirty && <p className="info">{t.exportSaveFirst}</p>}
      <form onSubmit={run} className="export-form">
        <fieldset>
          <legend>{t.exportWhat}</legend>
          {(["sld", "tcc", "report"] as const).map((w) => (
            <label key={w} className="radio">
              <input type="radio" name="what" value={w} checked={what === w} onChange={() => setWhat(w)} /> {t[`what_${w}`]}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="export-format">{t.exportFormat}</label>
          <select id="export-format" value={fmt} onChange={(e) => setFormat(e.target.value as ExportRequest["format"])}>
            {formats.map((f) => (
              <option key={f} value={f}>{f.toUpperCase()}</option>
            ))}
          </select>
        </div>
        {what === "report" && (
          <>
            <div className="field">
              <label htmlFor="export-report">{t.exportReport}</label>
              <select id="export-report" value={report} onChange={(e) => setReport(e.target.value as typeof report)}>
                {(["equipment", "short_circuit", "checks", "test_sheet"] as const).map((r) => (
                  <option key={r} value={r}>{t[`report_${r}`]}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="export-encoding">{t.exportEncoding}</label>
              <select id="export-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value as typeof encoding)}>
                <option value="utf-8">{t.enc_utf8}</option>
                <option value="cp932">{t.enc_cp932}</option>
              </select>
            </div>
          </>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="export-run">{busy ? t.exportRunning : t.exportRun}</button>
      </form>
      {busy && <progress aria-label={t.exportRunning} />}
      {error && <p className="error" role="alert">{error}</p>}
      {file && (
        <div className="export-ready" role="status">
          <p>{t.exportReady}</p>
          <a href={file.url} download={file.file_name} data-testid="export-link" className="button primary">{t.download(file.file_name)}</a>
          <p className="muted small">{`${t.exportSize(num(file.size / 1024, 1))} · ${t.exportExpires(dateTime(file.url_expires_at))}`}</p>
        </div>
      )}
    </section>
  );
}
