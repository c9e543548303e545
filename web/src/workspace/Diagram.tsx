//! The single-line diagram drawn from the project document: a tree hanging from the utility
//! bus, each bus a bar, each series device a box between two bars, loads below their bus.
//! Every device is a button: clicking (or Enter) selects it for the side panel. Devices that
//! a failing or warning check names are outlined in that status's colour.

import { useMemo } from "react";
import type { Device, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import type { Dict } from "../i18n/dict";
import { tree } from "./edit";

const COL = 168;
const ROW = 64;
const BOX_W = 150;
/** Margin left of the widest bus bar. */
const LEFT = 24;
const BOX_H = 40;

interface Placed {
  index: number;
  x: number;
  y: number;
}
interface BusBar {
  index: number;
  id: string;
  x1: number;
  x2: number;
  y: number;
}
interface Link {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function layout(doc: ProjectDocument) {
  const t = tree(doc);
  const boxes: Placed[] = [];
  const bars: BusBar[] = [];
  const links: Link[] = [];
  const seen = new Set<string>();
  let maxRow = 0;
  // Returns [width in columns, centre x].
  const place = (busId: string, row: number, col0: number): [number, number] => {
    seen.add(busId);
    maxRow = Math.max(maxRow, row);
    const y = row * ROW + 30;
    const kids: { kind: "series" | "shunt"; index: number }[] = [
      ...(t.children.get(busId) ?? []).map((index) => ({ kind: "series" as const, index })),
      ...(t.shunts.get(busId) ?? []).map((index) => ({ kind: "shunt" as const, index })),
    ];
    let width = 0;
    const centres: number[] = [];
    for (const k of kids) {
      const d = doc.devices[k.index];
      if (k.kind === "shunt" || !d.to || seen.has(d.to)) {
        const cx = (col0 + width + 0.5) * COL;
        boxes.push({ index: k.index, x: cx, y: y + ROW });
        maxRow = Math.max(maxRow, row + 1);
        links.push({ x1: cx, y1: y, x2: cx, y2: y + ROW - BOX_H / 2 });
        centres.push(cx);
        width += 1;
      } else {
        const [w, cx] = place(d.to, row + 2, col0 + width);
        boxes.push({ index: k.index, x: cx, y: y + ROW });
        links.push({ x1: cx, y1: y, x2: cx, y2: y + ROW - BOX_H / 2 });
        links.push({ x1: cx, y1: y + ROW + BOX_H / 2, x2: cx, y2: y + 2 * ROW });
        centres.push(cx);
        width += w;
      }
    }
    if (width === 0) width = 1;
    const centre = centres.length ? (centres[0] + centres[centres.length - 1]) / 2 : (col0 + 0.5) * COL;
    const half = BOX_W / 2 - 10;
    const bi = t.busIndex.get(busId);
    bars.push({
      index: bi ?? -1,
      id: busId,
      x1: centres.length ? Math.min(...centres) - half : centre - half,
      x2: centres.length ? Math.max(...centres) + half : centre + half,
      y,
    });
    return [width, centre];
  };
  const [cols] = place(doc.utility.bus, 0, 0);
  return { boxes, bars, links, width: Math.max(cols, 1) * COL + LEFT + 20, height: (maxRow + 1) * ROW + 70 };
}

/** Two short lines describing a device's main rating or setting. */
export function deviceSummary(d: Device, t: Dict): string {
  const n = (v: unknown) => (typeof v === "number" ? String(v) : "—");
  switch (d.type) {
    case "vcb":
      return d.ocr ? `CT ${n(d.ocr.ct_primary_a)}/${n(d.ocr.ct_secondary_a)} T${d.ocr.tap_a ?? t.locked} L${n(d.ocr.lever)} I${d.ocr.instantaneous_tap_a ?? t.locked}` : "";
    case "lbs_pf":
      return d.fuse ? `PF ${d.fuse.fuse_type}${n(d.fuse.rating_a)}A` : "";
    case "transformer":
      return `${n(d.rated_kva)} kVA ${n(d.secondary_v)} V`;
    case "cable":
      return `${String(d.cable_type ?? "")} ${n(d.size_mm2)}mm² ${n(d.length_m)}m`;
    case "lv_breaker":
      return `${String(d.kind ?? "").toUpperCase()} ${n(d.frame_a)}AF/${n(d.rated_current_a)}A`;
    case "ground_switch":
      return `${String(d.kind ?? "").toUpperCase()} ${n(d.rated_current_a)}A`;
    case "load":
    case "generator":
      return `${n(d.rated_kva)} kVA`;
    case "motor":
      return `${n(d.rated_kw)} kW`;
    case "capacitor":
      return `${n(d.rated_kvar)} kvar`;
    default:
      return "";
  }
}

export function Diagram(props: {
  doc: ProjectDocument;
  selected: number | null;
  onSelect: (index: number) => void;
  status: Map<string, "fail" | "warning">;
}) {
  const { t } = useI18n();
  const { doc, selected, onSelect, status } = props;
  const l = useMemo(() => layout(doc), [doc]);
  const key = (e: React.KeyboardEvent, i: number) => {
    if ((e.key === "Enter" || e.key === " ") && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onSelect(i);
    }
  };
  return (
    <div className="diagram-scroll">
      <svg width={l.width} height={l.height} viewBox={`${-LEFT} 0 ${l.width} ${l.height}`} role="group" aria-label={t.diagram} data-testid="sld">
        {l.links.map((k, i) => (
          <line key={i} x1={k.x1} y1={k.y1} x2={k.x2} y2={k.y2} className="wire" />
        ))}
        {l.bars.map((b) => {
          const d = doc.devices[b.index];
          const label = `${t.bus} ${b.id}${d?.name ? ` ${d.name}` : ""} ${d?.voltage_v ?? ""} V`;
          return (
            <g
              key={`bus-${b.id}`}
              role="button"
              tabIndex={0}
              aria-label={label}
              aria-pressed={selected === b.index}
              data-device={b.id}
              className={`bus${selected === b.index ? " selected" : ""}`}
              onClick={() => b.index >= 0 && onSelect(b.index)}
              onKeyDown={(e) => b.index >= 0 && key(e, b.index)}
            >
              <rect x={b.x1 - 4} y={b.y - 8} width={b.x2 - b.x1 + 8} height={16} className="hit" />
              <line x1={b.x1} y1={b.y} x2={b.x2} y2={b.y} className="busbar" />
              <text x={b.x1} y={b.y - 8} className="bus-label">
                {b.id}
                <tspan className="bus-volt" dx={6}>{`${d?.voltage_v ?? ""} V`}</tspan>
              </text>
            </g>
          );
        })}
        {l.boxes.map((p) => {
          const d = doc.devices[p.index];
          const st = status.get(d.id);
          const typeName = (t as Record<string, unknown>)[`type_${d.type}`];
          return (
            <g
              key={`dev-${p.index}-${d.id}`}
              role="button"
              tabIndex={0}
              aria-label={`${typeof typeName === "string" ? typeName : d.type} ${d.id} ${d.name ?? ""}`}
              aria-pressed={selected === p.index}
              data-device={d.id}
              className={`device ${d.type}${selected === p.index ? " selected" : ""}${st ? ` st-${st}` : ""}`}
              onClick={() => onSelect(p.index)}
              onKeyDown={(e) => key(e, p.index)}
            >
              <rect x={p.x - BOX_W / 2} y={p.y - BOX_H / 2} width={BOX_W} height={BOX_H} rx={4} />
              <text x={p.x} y={p.y - 4} textAnchor="middle" className="dev-id">
                {d.id}
              </text>
              <text x={p.x} y={p.y + 12} textAnchor="middle" className="dev-sum">
                {deviceSummary(d, t)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
