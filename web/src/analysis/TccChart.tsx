//! The 保護協調図 drawn from the engine's sampled curves (the same numbers as the PDF):
//! log-log grid, each device's band shaded between its earliest and latest lines, nominal
//! curves, transformer inrush and withstand points, the maximum and minimum fault currents of
//! the buses on one path, and a read-out of (A, s) under the pointer. Curves of hidden devices
//! are left out. A fault replay draws the fault current, each operating device's point on it
//! and a marker that walks up the line from the fault's inception to each point in turn.

import { useMemo, useState } from "react";
import type { Chart, DeviceCurve, SampledLine } from "../api/types";
import { useI18n } from "../i18n";
import { nearestStep } from "../lib/nfkc";
import { OCR_TAPS_A } from "../workspace/steps";
import type { FaultMarkerLine } from "./faults";

/** Dragging the focused relay's curve sideways moves its time tap along the allowed steps. */
export interface TapDrag {
  deviceId: string;
  tap: number;
  /** The taps it can take (the relay's library item's). */
  steps?: readonly number[];
  commit: (tap: number) => void;
}

/** A fault replay on the chart (currents at the chart's voltage). */
export interface ReplayOverlay {
  current_a: number;
  points: { device_id: string; time_s: number }[];
  /** The step being shown (−1: the fault has just happened). */
  active: number;
  /** Where the walking marker is, s. */
  marker_s: number;
}

const W = 760;
const H = 560;
const M = { left: 64, right: 16, top: 16, bottom: 48 };
/** Ground relays act on zero-sequence amperes: they belong on their own chart, not this one. */
const GROUND_ROLES = new Set(["ground_relay", "utility_ground_relay"]);
const PALETTE = ["#1f5fbf", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b8860b", "#2c3e50", "#e84393"];

export function colourOf(deviceIds: string[], id: string): string {
  const i = deviceIds.indexOf(id);
  return id === "utility" ? "#444" : PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

export function TccChart(props: { chart: Chart; hidden: Set<string>; focus?: string; deviceIds: string[]; drag?: TapDrag; markers?: FaultMarkerLine[]; replay?: ReplayOverlay | null }) {
  const { t, num } = useI18n();
  const { chart, hidden, focus, deviceIds, drag, markers, replay } = props;
  const replayActive = replay && replay.active >= 0 ? replay.points[replay.active]?.device_id : undefined;
  const [hover, setHover] = useState<{ a: number; s: number; x: number; y: number } | null>(null);
  const [dragging, setDragging] = useState<{ startX: number; tap: number; dx: number } | null>(null);
  const lx0 = Math.log10(chart.current_min_a);
  const lx1 = Math.log10(chart.current_max_a);
  const ly0 = Math.log10(chart.time_min_s);
  const ly1 = Math.log10(chart.time_max_s);
  const x = (a: number) => M.left + ((Math.log10(a) - lx0) / (lx1 - lx0)) * (W - M.left - M.right);
  const y = (s: number) => H - M.bottom - ((Math.log10(s) - ly0) / (ly1 - ly0)) * (H - M.top - M.bottom);
  const clampY = (s: number) => Math.min(Math.max(s, chart.time_min_s), chart.time_max_s);

  const grid = useMemo(() => {
    const lines: React.ReactNode[] = [];
    for (const d of decades(chart.current_min_a, chart.current_max_a)) {
      for (let k = 1; k < 10; k++) {
        const a = d * k;
        if (a < chart.current_min_a || a > chart.current_max_a) continue;
        lines.push(<line key={`gx${a}`} x1={x(a)} x2={x(a)} y1={M.top} y2={H - M.bottom} className={k === 1 ? "grid major" : "grid"} />);
        if (k === 1) lines.push(<text key={`tx${a}`} x={x(a)} y={H - M.bottom + 16} textAnchor="middle" className="tick">{num(a, 3)}</text>);
      }
    }
    for (const d of decades(chart.time_min_s, chart.time_max_s)) {
      for (let k = 1; k < 10; k++) {
        const s = d * k;
        if (s < chart.time_min_s || s > chart.time_max_s) continue;
        lines.push(<line key={`gy${s}`} y1={y(s)} y2={y(s)} x1={M.left} x2={W - M.right} className={k === 1 ? "grid major" : "grid"} />);
        if (k === 1) lines.push(<text key={`ty${s}`} x={M.left - 6} y={y(s) + 4} textAnchor="end" className="tick">{num(s, 3)}</text>);
      }
    }
    return lines;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chart, num]);

  const path = (l: SampledLine) => l.points.map((p, i) => `${i ? "L" : "M"}${x(p.current_a).toFixed(1)},${y(clampY(p.time_s)).toFixed(1)}`).join("");
  const band = (lo?: SampledLine, hi?: SampledLine) => {
    if (!lo || !hi || lo.points.length < 2 || hi.points.length < 2) return null;
    const fwd = lo.points.map((p) => `${x(p.current_a).toFixed(1)},${y(clampY(p.time_s)).toFixed(1)}`);
    const back = [...hi.points].reverse().map((p) => `${x(p.current_a).toFixed(1)},${y(clampY(p.time_s)).toFixed(1)}`);
    return `M${fwd.join("L")}L${back.join("L")}Z`;
  };

  const curve = (c: DeviceCurve, k: number) => {
    const colour = colourOf(deviceIds, c.device_id);
    const line = (kind: string) => c.lines.find((l) => l.line === kind);
    const strong = focus === c.device_id || replayActive === c.device_id;
    const parts: React.ReactNode[] = [];
    const b = band(line("min"), line("max")) ?? band(line("allowable"), line("clearing"));
    if (b) parts.push(<path key="band" d={b} fill={colour} className="band" />);
    for (const l of c.lines) {
      if (l.line === "inrush") {
        for (const p of l.points) parts.push(<path key={`in${p.current_a}`} d={`M${x(p.current_a)},${y(p.time_s) - 6}l6,6l-6,6l-6,-6z`} fill={colour} className="inrush" />);
      } else if (l.line === "withstand" && l.points.length <= 3) {
        for (const p of l.points) parts.push(<path key={`ws${p.current_a}`} d={`M${x(p.current_a) - 5},${y(p.time_s) - 5}l10,10m0,-10l-10,10`} stroke={colour} className="withstand-pt" />);
      } else if (l.points.length > 1) {
        parts.push(<path key={l.line} d={path(l)} stroke={colour} className={`curve ${l.line}${strong ? " focus" : ""}`} />);
      }
    }
    const draggable = drag && c.device_id === drag.deviceId && c.role === "ocr";
    return (
      <g
        key={`${c.device_id}-${c.role}-${k}`}
        data-curve={c.device_id}
        data-role={c.role}
        className={[draggable ? "draggable" : "", replayActive === c.device_id ? "replay-active" : ""].join(" ").trim() || undefined}
        transform={draggable && dragging ? `translate(${dragging.dx} 0)` : undefined}
        onPointerDown={draggable ? (e) => {
          (e.currentTarget.ownerSVGElement as SVGSVGElement).setPointerCapture(e.pointerId);
          setDragging({ startX: e.clientX, tap: drag.tap, dx: 0 });
        } : undefined}
      >
        <title>{`${c.device_id} ${c.name}`}</title>
        {parts}
      </g>
    );
  };

  return (
    <figure className="tcc">
      <svg
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t.tcc}
        data-testid="tcc"
        onMouseMove={(e) => {
          const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
          const px = ((e.clientX - r.left) * W) / r.width;
          const py = ((e.clientY - r.top) * H) / r.height;
          if (px < M.left || px > W - M.right || py < M.top || py > H - M.bottom) return setHover(null);
          const a = 10 ** (lx0 + ((px - M.left) / (W - M.left - M.right)) * (lx1 - lx0));
          const s = 10 ** (ly0 + ((H - M.bottom - py) / (H - M.top - M.bottom)) * (ly1 - ly0));
          setHover({ a, s, x: px, y: py });
        }}
        onMouseLeave={() => setHover(null)}
        onPointerMove={(e) => {
          if (!dragging || !drag) return;
          const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
          const dxPlot = ((e.clientX - dragging.startX) * W) / r.width;
          const ratio = 10 ** ((dxPlot / (W - M.left - M.right)) * (lx1 - lx0));
          const tap = nearestStep(drag.tap * ratio, drag.steps?.length ? drag.steps : OCR_TAPS_A);
          const snappedDx = (Math.log10(tap / drag.tap) / (lx1 - lx0)) * (W - M.left - M.right);
          setDragging({ ...dragging, tap, dx: snappedDx });
        }}
        onPointerUp={() => {
          if (dragging && drag && dragging.tap !== drag.tap) drag.commit(dragging.tap);
          setDragging(null);
        }}
      >
        <defs>
          <clipPath id="plot">
            <rect x={M.left} y={M.top} width={W - M.left - M.right} height={H - M.top - M.bottom} />
          </clipPath>
        </defs>
        <rect x={M.left} y={M.top} width={W - M.left - M.right} height={H - M.top - M.bottom} className="plot-bg" />
        {grid}
        <g clipPath="url(#plot)">
          {chart.curves.filter((c) => !hidden.has(c.device_id) && !GROUND_ROLES.has(c.role)).map(curve)}
          {markers
            ? markers.map((f, k) => {
                const label = `${f.bus_ids.join("/")} ${f.kase === "max" ? t.faultMaxShort : t.faultMinShort} ${num(f.ik_ka, 2)} kA`;
                const row = markers.slice(0, k).filter((m) => m.kase === f.kase).length % 6;
                return (
                  <g key={`f-${f.kase}-${f.bus_ids.join("-")}`} className={`fault ${f.kase}`} data-fault-marker={f.kase} data-buses={f.bus_ids.join(" ")}>
                    <title>{t.faultMarkerTitle(label, num(f.current_a, 0), num(chart.voltage_v, 0))}</title>
                    <line x1={x(f.current_a)} x2={x(f.current_a)} y1={M.top} y2={H - M.bottom} />
                    <text x={x(f.current_a) - 3} y={f.kase === "max" ? M.top + 12 + row * 13 : H - M.bottom - 6 - row * 13} textAnchor="end" className="fault-label">{label}</text>
                  </g>
                );
              })
            : [...chart.fault_markers]
                .sort((a, b) => a.current_a - b.current_a)
                .map((f, k) => (
                  <g key={`f-${f.bus_id}`} className="fault">
                    <line x1={x(f.current_a)} x2={x(f.current_a)} y1={M.top} y2={H - M.bottom} />
                    <text x={x(f.current_a) - 3} y={M.top + 12 + (k % 6) * 13} textAnchor="end" className="fault-label">{`${f.bus_id} ${num(f.current_a, 0)} A`}</text>
                  </g>
                ))}
          {replay && (
            <g className="replay" data-testid="tcc-replay">
              <line x1={x(replay.current_a)} x2={x(replay.current_a)} y1={M.top} y2={H - M.bottom} className="replay-line" />
              {replay.points.map((p, k) => (
                <g key={`op-${p.device_id}-${k}`} className={`op-point${k === replay.active ? " active" : ""}${k < replay.active ? " done" : ""}`} data-op={p.device_id}>
                  <circle cx={x(replay.current_a)} cy={y(clampY(p.time_s))} r={k === replay.active ? 7 : 4.5} />
                  <text x={x(replay.current_a) + 10} y={y(clampY(p.time_s)) + 4} className="op-label">{`${k + 1} ${p.device_id === "utility" ? t.utility : p.device_id}`}</text>
                </g>
              ))}
              <path
                data-testid="replay-marker"
                className="replay-marker"
                d={`M${x(replay.current_a)},${y(clampY(replay.marker_s)) - 8}l8,8l-8,8l-8,-8z`}
              />
            </g>
          )}
        </g>
        <text x={(M.left + W - M.right) / 2} y={H - 8} textAnchor="middle" className="axis-title">
          {t.tccAxisCurrent(`${num(chart.voltage_v, 0)} V`)}
        </text>
        <text transform={`translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="axis-title">
          {t.tccAxisTime}
        </text>
        {dragging && (
          <text x={W - M.right - 8} y={M.top + 28} textAnchor="end" className="drag-tip" data-testid="drag-tip">
            {`${t.fieldTap} ${num(dragging.tap, 1)} A`}
          </text>
        )}
        {hover && (
          <g className="hover" pointerEvents="none">
            <line x1={hover.x} x2={hover.x} y1={M.top} y2={H - M.bottom} />
            <line y1={hover.y} y2={hover.y} x1={M.left} x2={W - M.right} />
          </g>
        )}
      </svg>
      <figcaption aria-live="polite" data-testid="tcc-readout" className="readout">
        {hover ? t.tccHover(num(hover.a, hover.a < 10 ? 2 : 0), num(hover.s, 3)) : "\u00a0"}
      </figcaption>
    </figure>
  );
}
