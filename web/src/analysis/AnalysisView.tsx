//! The coordination view: summary, the chart with its device list (show/hide, pick one to
//! set), each curve ending at the largest fault current where its device sits, the maximum
//! and minimum fault currents along a chosen path, the relay or fuse settings of the picked
//! device, the fault replay (sequence of operation for a fault placed on a bus), the check
//! results with their explanations linked to the devices, and the short-circuit table (%Z
//! method and IEC 60909).

import { useEffect, useMemo, useState } from "react";
import type { Analysis, Chart, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import type { Dict } from "../i18n/dict";
import { ChoiceField, StepField } from "../workspace/fields";
import { ocrFields, ocrSteps } from "../workspace/DevicePanel";
import { setField } from "../workspace/edit";
import { fuseRatings, reconcile, useLibrary } from "../workspace/library";
import * as S from "../workspace/steps";
import { FaultReplayPanel, useReplay } from "./FaultReplay";
import { clipChart, deepestBus, faultSequence, pathMarkers, type FaultCase } from "./faults";
import { TccChart, colourOf } from "./TccChart";

/** The chart with its current axis referred to `voltage_v` (I·V is the same on both sides). */
export function referChart(chart: Chart, voltage_v: number): Chart {
  const k = chart.voltage_v / voltage_v;
  if (k === 1) return chart;
  return {
    ...chart,
    voltage_v,
    current_min_a: chart.current_min_a * k,
    current_max_a: chart.current_max_a * k,
    curves: chart.curves.map((c) => ({ ...c, lines: c.lines.map((l) => ({ ...l, points: l.points.map((p) => ({ ...p, current_a: p.current_a * k })) })) })),
    fault_markers: chart.fault_markers.map((f) => ({ ...f, current_a: f.current_a * k })),
  };
}

function ruleLabel(t: Dict, rule: string): string {
  const v = (t as Record<string, unknown>)[`rule_${rule}`];
  return typeof v === "string" ? v : rule;
}

export function StatusBadge({ status }: { status: "pass" | "warning" | "fail" }) {
  const { t } = useI18n();
  return <span className={`badge ${status}`}>{t[`status_${status}`]}</span>;
}

export function AnalysisView(props: {
  doc: ProjectDocument;
  analysis: Analysis | null;
  busy: boolean;
  error: string | null;
  errors: Map<string, string>;
  /** Fields of device `index`, in one edit. */
  set: (index: number, changes: [string[], unknown][]) => void;
  onSelectDevice: (id: string) => void;
  fault: { bus: string; kase: FaultCase } | null;
  onFault: (f: { bus: string; kase: FaultCase } | null) => void;
}) {
  const { t, lang, num } = useI18n();
  const { doc, analysis, busy, error, errors, fault, onFault } = props;
  const { lib } = useLibrary();
  // A hand edit of a device that names a library item keeps the reference true (or drops it).
  const set = (i: number, path: string[], value: unknown) => {
    const fix = lib && reconcile(setField(doc, i, path, value).devices[i], lib);
    props.set(i, fix ? [[path, value], fix] : [[path, value]]);
  };
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [picked, setPicked] = useState<string>("");
  const [refV, setRefV] = useState<number | null>(null);
  const voltages = useMemo(
    () => [...new Set([analysis?.chart.voltage_v ?? 0, ...(analysis?.chart.fault_markers ?? []).map((f) => f.voltage_v)])].filter((v) => v > 0).sort((a, b) => b - a),
    [analysis],
  );
  const buses = useMemo(() => analysis?.short_circuit.buses ?? [], [analysis]);
  const [pathBus, setPathBus] = useState<string | null>(null);
  useEffect(() => {
    if (fault) setPathBus(fault.bus);
  }, [fault]);
  const path = buses.some((b) => b.bus_id === pathBus) ? pathBus! : deepestBus(buses)?.bus_id ?? "";
  const shownChart = useMemo(
    () => (analysis ? referChart(clipChart(analysis.chart, analysis.short_circuit.buses), refV && voltages.includes(refV) ? refV : analysis.chart.voltage_v) : null),
    [analysis, refV, voltages],
  );
  /** From the chart's own voltage to the axis shown. */
  const k = analysis && shownChart ? analysis.chart.voltage_v / shownChart.voltage_v : 1;
  const markers = useMemo(
    () => (analysis && path ? pathMarkers(buses, path, analysis.chart).map((m) => ({ ...m, current_a: m.current_a * k })) : []),
    [analysis, buses, path, k],
  );
  const seq = useMemo(() => (analysis && fault ? faultSequence(analysis, fault.bus, fault.kase) : null), [analysis, fault]);
  const replay = useReplay(seq, analysis?.chart.time_min_s ?? 0.01);
  const settable = useMemo(
    () => doc.devices.flatMap((d, i) => (d.type === "vcb" || d.type === "lbs_pf" ? [{ d, i, ocr: d.type === "vcb" ? d.ocr : undefined }] : [])),
    [doc],
  );
  const current = settable.find(({ d }) => d.id === picked) ?? settable[0];
  const chartIds = useMemo(
    () => [...new Set((analysis?.chart.curves ?? []).filter((c) => c.role !== "ground_relay" && c.role !== "utility_ground_relay").map((c) => c.device_id))],
    [analysis],
  );

  if (!analysis) {
    return <section className="analysis"><p role="status">{error ?? t.analysing}</p></section>;
  }
  const toggle = (id: string) => {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setHidden(next);
  };

  let settings: React.ReactNode = null;
  if (current) {
    const { d, i, ocr } = current;
    const ptr = (...p: string[]) => `/devices/${i}/${p.join("/")}`;
    const err = (...p: string[]) => errors.get(ptr(...p));
    const step = (label: string, steps: readonly number[], unit: string | undefined, path: string[], allowLocked = false) => {
      let v: unknown = d;
      for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
      return (
        <StepField key={path.join("/")} label={label} unit={unit} steps={steps} allowLocked={allowLocked} pointer={ptr(...path)} error={err(...path)}
          value={v as number | null | undefined} onChange={(nv) => set(i, path, nv)} />
      );
    };
    settings = ocr
      ? ocrFields(ocr, t, step, (path, v) => set(i, path, v), ptr, err, lib, lang)
      : d.type === "lbs_pf"
        ? [
            <ChoiceField key="ft" label={t.fieldFuseType} pointer={ptr("fuse", "fuse_type")} error={err("fuse", "fuse_type")} value={d.fuse.fuse_type}
              choices={S.FUSE_TYPES.map((f) => ({ value: f, label: f }))} onChange={(v) => set(i, ["fuse", "fuse_type"], v)} />,
            step(t.fieldFuseRating, fuseRatings(d.fuse.fuse_type, lib), "A", ["fuse", "rating_a"]),
          ]
        : null;
  }

  return (
    <section className="analysis" aria-labelledby="analysis-title" aria-busy={busy}>
      <div className="toolbar">
        <h2 id="analysis-title">{t.analysis}</h2>
        <StatusBadge status={analysis.summary.status} />
        <span data-testid="summary">{t.summary(analysis.summary.pass, analysis.summary.warning, analysis.summary.fail)}</span>
        {busy && <span className="muted" role="status">{t.analysing}</span>}
        {error && <span className="error" role="alert">{error}</span>}
      </div>
      <div className="chart-area">
        <TccChart
          chart={shownChart ?? analysis.chart}
          hidden={hidden}
          focus={current?.d.id}
          deviceIds={chartIds}
          drag={
            current?.ocr && typeof current.ocr.tap_a === "number"
              ? { deviceId: current.d.id, tap: current.ocr.tap_a, steps: ocrSteps(current.ocr, lib).taps, commit: (tap) => set(current.i, ["ocr", "tap_a"], tap) }
              : undefined
          }
          markers={markers}
          replay={seq ? { current_a: seq.chart_a * k, points: seq.steps.map((s) => ({ device_id: s.device_id, time_s: s.time_s })), active: replay.active, marker_s: replay.marker_s } : null}
        />
        <div className="chart-side">
          <fieldset className="relay-settings" data-testid="relay-settings">
            <legend>{t.relaySettings}</legend>
            <p className="muted small">{t.dragHint}</p>
            {settable.length > 0 && (
              <div className="field">
                <label htmlFor="relay-pick">{t.chooseRelay}</label>
                <select id="relay-pick" value={current?.d.id ?? ""} onChange={(e) => setPicked(e.target.value)}>
                  {settable.map(({ d }) => (
                    <option key={d.id} value={d.id}>{`${d.id}${d.name ? ` ${d.name}` : ""}`}</option>
                  ))}
                </select>
              </div>
            )}
            {settings}
          </fieldset>
          <FaultReplayPanel buses={buses} fault={fault} onFault={onFault} seq={seq} replay={replay} onSelectDevice={props.onSelectDevice} />
          {buses.length > 0 && (
            <div className="field">
              <label htmlFor="tcc-path">{t.faultPath}</label>
              <select id="tcc-path" value={path} onChange={(e) => setPathBus(e.target.value)}>
                {buses.map((b) => (
                  <option key={b.bus_id} value={b.bus_id}>{`${b.bus_id}${b.name && b.name !== b.bus_id ? ` ${b.name}` : ""}`}</option>
                ))}
              </select>
            </div>
          )}
          {voltages.length > 1 && (
            <div className="field">
              <label htmlFor="ref-voltage">{t.referenceVoltage}</label>
              <select id="ref-voltage" value={String(refV ?? analysis.chart.voltage_v)} onChange={(e) => setRefV(Number(e.target.value))}>
                {voltages.map((v) => (
                  <option key={v} value={String(v)}>{`${num(v, 0)} V`}</option>
                ))}
              </select>
            </div>
          )}
          <fieldset className="legend">
            <legend>{t.tccShow}</legend>
            {chartIds.map((id) => (
              <label key={id} className="check">
                <input type="checkbox" checked={!hidden.has(id)} onChange={() => toggle(id)} />
                <span className="swatch" style={{ background: colourOf(chartIds, id) }} aria-hidden="true" />
                {id === "utility" ? t.utility : id}
              </label>
            ))}
          </fieldset>
        </div>
      </div>

      <h3>{t.checks}</h3>
      <table className="list checks" data-testid="checks">
        <thead>
          <tr>
            <th scope="col">{t.colStatus}</th>
            <th scope="col">{t.colRule}</th>
            <th scope="col">{t.colDevices}</th>
            <th scope="col">{t.colMessage}</th>
          </tr>
        </thead>
        <tbody>
          {analysis.checks.map((c, k) => (
            <tr key={k} className={c.status} data-rule={c.rule} data-devices={c.devices.join(" ")} data-status={c.status}>
              <td><StatusBadge status={c.status} /></td>
              <td>{ruleLabel(t, c.rule)}</td>
              <td>
                {c.devices.map((id) => (
                  <button key={id} className="chip" onClick={() => { if (settable.some(({ d }) => d.id === id)) setPicked(id); else props.onSelectDevice(id); }}>
                    {id === "utility" ? t.utility : id}
                  </button>
                ))}
              </td>
              <td>{lang === "ja" ? c.message_ja : c.message_en}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t.shortCircuit}</h3>
      <table className="list" data-testid="short-circuit">
        <thead>
          <tr>
            <th scope="col">{t.colBus}</th>
            <th scope="col">{t.colVoltage}</th>
            <th scope="col">{t.colZ}</th>
            <th scope="col">{t.colPercentZ}</th>
            <th scope="col">{t.colIecMax}</th>
            <th scope="col">{t.colIp}</th>
            <th scope="col">{t.colIecMin}</th>
          </tr>
        </thead>
        <tbody>
          {analysis.short_circuit.buses.map((b) => (
            <tr key={b.bus_id}>
              <th scope="row">{`${b.bus_id}${b.name && b.name !== b.bus_id ? ` ${b.name}` : ""}`}</th>
              <td className="num">{`${num(b.voltage_v, 0)} V`}</td>
              <td className="num">{`${num(b.percent_z.r_percent, 2)} + j${num(b.percent_z.x_percent, 2)} %`}</td>
              <td className="num">{`${num(b.percent_z.ik_ka, 3)} kA`}</td>
              <td className="num">{`${num(b.iec_max.ik_ka, 3)} kA`}</td>
              <td className="num">{`${num(b.iec_max.ip_ka, 2)} kA`}</td>
              <td className="num">{`${num(b.iec_min.ik_ka, 3)} kA`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {analysis.short_circuit.notes.map((n, k) => (
        <p key={k} className="muted small">{lang === "ja" ? n.message_ja : n.message_en}</p>
      ))}
    </section>
  );
}
