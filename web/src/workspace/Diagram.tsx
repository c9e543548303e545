//! The single-line diagram is the server's own drawing (`POST /render/sld`, the same as the
//! SVG export) of the document being edited: fetched shortly after each edit, a stale request
//! cancelled, the previous drawing kept on screen until the new one arrives, and made safe
//! before it enters the page (`./sld.ts`). Every device and bus of the drawing
//! (`data-device`) selects itself for the side panel: a click on any of its elements, or
//! Enter/Space on its symbol. The drawing is one tab stop; the arrow keys move between its
//! devices from the source downwards (Home, End: the first, the last). The selection, each
//! device's check status and a placed fault are shown by classes on its elements and an
//! outline around them. The drawing fits its pane, zooms (wheel, buttons) and pans (drag).

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client";
import type { Device, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import type { Dict } from "../i18n/dict";
import { describeError } from "../lib/errors";
import { isComposing } from "../lib/ime";
import { ends, tree } from "./edit";
import { deviceElements, pad, primaryElement, sanitiseSvg, union, zoomAbout, type Box } from "./sld";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Quiet time after an edit before the drawing is asked for. */
const DEBOUNCE_MS = 250;
/** A drag shorter than this (px) is a click. */
const DRAG_PX = 4;

type RenderState = "loading" | "current" | "error";

/** The drawing last received for a document (the pane shows it again at once after a tab switch). */
const received = new WeakMap<ProjectDocument, string>();

interface Drawing {
  svg: SVGSVGElement;
  /** The sheet (the drawing's own viewBox). */
  sheet: Box;
}

interface Measured {
  svg: SVGSVGElement;
  elements: Map<string, Element[]>;
  /** The element that stands for each device ([`primaryElement`]). */
  primary: Map<string, Element>;
  /** Each device's outline in the drawing's units. */
  boxes: Map<string, Box>;
  overlay: SVGGElement;
  content: Box;
}

function typeName(t: Dict, type: string): string {
  const v = (t as Record<string, unknown>)[`type_${type}`];
  return typeof v === "string" ? v : type;
}

/** What a screen reader says for a device of the drawing. */
function labelOf(id: string, d: Device | undefined, t: Dict): string {
  if (id === "utility") return t.utility;
  if (!d) return id;
  if (d.type === "bus") return [t.bus, id, d.name, typeof d.voltage_v === "number" ? `${d.voltage_v} V` : ""].filter(Boolean).join(" ");
  return [typeName(t, d.type), id, d.name].filter(Boolean).join(" ");
}

/** The order the keyboard visits the diagram in: the utility, then each bus followed by what hangs on it, depth first. */
function readingOrder(doc: ProjectDocument): Map<string, number> {
  const t = tree(doc);
  const out: string[] = ["utility"];
  const seen = new Set<string>();
  const visit = (bus: string) => {
    if (seen.has(bus)) return;
    seen.add(bus);
    out.push(bus);
    for (const i of t.children.get(bus) ?? []) {
      out.push(doc.devices[i].id);
      const to = ends(doc.devices[i])?.to;
      if (to) visit(to);
    }
    for (const i of t.shunts.get(bus) ?? []) out.push(doc.devices[i].id);
  };
  visit(doc.utility.bus);
  return new Map(out.map((id, k) => [id, k]));
}

const MOVES: Record<string, (i: number, n: number) => number> = {
  ArrowDown: (i, n) => Math.min(i + 1, n - 1),
  ArrowRight: (i, n) => Math.min(i + 1, n - 1),
  ArrowUp: (i) => Math.max(i - 1, 0),
  ArrowLeft: (i) => Math.max(i - 1, 0),
  Home: () => 0,
  End: (_, n) => n - 1,
};

function parseViewBox(svg: SVGSVGElement): Box {
  const [x, y, w, h] = (svg.getAttribute("viewBox") ?? "0 0 100 100").split(/[\s,]+/).map(Number);
  return { x, y, w, h };
}

/**
 * Whether `el` covers an area on screen, as the browser lays it out for the pointer (a single
 * straight stroke does not, nor a `<use>` of a symbol the browser gives no box).
 */
function hasArea(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

/** `el`'s bounding box in the root's user units (its own transform and its parents' included). */
function boxOf(el: Element, toRoot: DOMMatrix): Box | null {
  const g = el as SVGGraphicsElement;
  if (typeof g.getBBox !== "function") return null;
  const ctm = g.getScreenCTM();
  if (!ctm) return null;
  const b = g.getBBox();
  if (!b.width && !b.height) return null;
  const m = toRoot.multiply(ctm);
  const corners = [
    new DOMPoint(b.x, b.y),
    new DOMPoint(b.x + b.width, b.y),
    new DOMPoint(b.x, b.y + b.height),
    new DOMPoint(b.x + b.width, b.y + b.height),
  ].map((p) => p.matrixTransform(m));
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
}

function rect(box: Box, cls: string): SVGRectElement {
  const r = document.createElementNS(SVG_NS, "rect");
  r.setAttribute("x", String(box.x));
  r.setAttribute("y", String(box.y));
  r.setAttribute("width", String(box.w));
  r.setAttribute("height", String(box.h));
  r.setAttribute("rx", "1");
  r.setAttribute("class", cls);
  return r;
}

/** The view that shows the whole diagram: its devices with a margin, not closer than a quarter sheet. */
function fitted(content: Box, sheet: Box): Box {
  const minW = sheet.w / 4;
  const minH = sheet.h / 4;
  const b = pad(content, 6);
  const w = Math.max(b.w, minW);
  const h = Math.max(b.h, minH);
  return { x: b.x - (w - b.w) / 2, y: b.y - (h - b.h) / 2, w, h };
}

export function Diagram(props: {
  doc: ProjectDocument;
  selectedId: string | null;
  onSelect: (id: string) => void;
  status: Map<string, "fail" | "warning">;
  faultBus?: string | null;
  /** The ids the drawing on screen shows, each time a drawing is put in the page. */
  onDrawn?: (ids: ReadonlySet<string>) => void;
}) {
  const { t } = useI18n();
  const { doc, selectedId, onSelect, status, faultBus, onDrawn } = props;
  const onDrawnRef = useRef(onDrawn);
  onDrawnRef.current = onDrawn;
  const hostRef = useRef<HTMLDivElement>(null);
  const [drawing, setDrawing] = useState<Drawing | null>(null);
  const [state, setState] = useState<RenderState>("loading");
  const [failure, setFailure] = useState<string | null>(null);
  const [view, setView] = useState<Box | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  /** The device that holds the drawing's one tab stop (the last one focused). */
  const [roverId, setRoverId] = useState<string | null>(null);
  const order = useRef<string[]>([]);
  const measured = useRef<Measured | null>(null);
  const autoFit = useRef(true);
  const firstRequest = useRef(true);
  const tRef = useRef(t);
  tRef.current = t;
  const drag = useRef<{ x: number; y: number; view: Box; moved: boolean; pointer: number } | null>(null);
  const suppressClick = useRef(false);

  // The drawing of this document: shortly after the last edit; an older request is cancelled.
  useEffect(() => {
    const known = received.get(doc);
    const svg = known !== undefined ? sanitiseSvg(known, document) : null;
    if (svg) {
      firstRequest.current = false;
      setDrawing({ svg, sheet: parseViewBox(svg) });
      setState("current");
      setFailure(null);
      return;
    }
    const ctl = new AbortController();
    setState("loading");
    const timer = setTimeout(
      async () => {
        try {
          const r = await api.postForText("/render/sld", doc, "image/svg+xml", ctl.signal);
          const svg = sanitiseSvg(r.body, document);
          if (ctl.signal.aborted) return;
          if (svg) received.set(doc, r.body);
          if (!svg) {
            setState("error");
            setFailure(tRef.current.diagramUnreadable);
            return;
          }
          setDrawing({ svg, sheet: parseViewBox(svg) });
          setState("current");
          setFailure(null);
        } catch (e) {
          if (ctl.signal.aborted) return;
          setState("error");
          setFailure(e instanceof ApiError && (e.status === 422 || e.status === 400) ? tRef.current.diagramInvalid : describeError(e, tRef.current));
        }
      },
      firstRequest.current ? 0 : DEBOUNCE_MS,
    );
    firstRequest.current = false;
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [doc]);

  // Put the drawing in the page, measure each device's outline and lay the click areas under it.
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host || !drawing) return;
    const focused = host.contains(document.activeElement) ? document.activeElement?.getAttribute("data-device") : null;
    const { svg } = drawing;
    host.replaceChildren(svg);
    svg.setAttribute("viewBox", `${drawing.sheet.x} ${drawing.sheet.y} ${drawing.sheet.w} ${drawing.sheet.h}`);
    const elements = deviceElements(svg);
    const boxes = new Map<string, Box>();
    const toRoot = svg.getScreenCTM()?.inverse();
    for (const [id, els] of elements) {
      const b = toRoot && union(els.map((el) => boxOf(el, toRoot)).filter((x): x is Box => !!x));
      if (b) boxes.set(id, pad(b, 0.8));
    }
    // Click areas under the drawing: a click between the strokes of a symbol still selects it.
    const hits = document.createElementNS(SVG_NS, "g");
    hits.setAttribute("aria-hidden", "true");
    // Larger areas first, so that where two overlap the smaller (more precise) one is on top.
    for (const [id, b] of [...boxes].sort(([, a], [, c]) => c.w * c.h - a.w * a.h)) {
      const r = rect(b, "sld-hit");
      r.setAttribute("data-hit", id);
      hits.appendChild(r);
    }
    svg.insertBefore(hits, svg.firstChild);
    const overlay = document.createElementNS(SVG_NS, "g");
    overlay.setAttribute("aria-hidden", "true");
    svg.appendChild(overlay);
    const content = union([...boxes.values()]) ?? drawing.sheet;
    const primary = new Map([...elements].map(([id, els]) => [id, primaryElement(els, hasArea)]));
    measured.current = { svg, elements, primary, boxes, overlay, content };
    onDrawnRef.current?.(new Set(elements.keys()));
    setView((v) => (autoFit.current || !v ? fitted(content, drawing.sheet) : v));
    // A keyboard user keeps their place when the drawing is replaced after an edit.
    if (focused) {
      const main = primary.get(focused);
      if (main) (main as SVGElement).focus();
    }
  }, [drawing]);

  useLayoutEffect(() => {
    const m = measured.current;
    if (m && view) m.svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  }, [view, drawing]);

  // Selection, check status and the placed fault: classes on the elements, outlines on top.
  useLayoutEffect(() => {
    const m = measured.current;
    if (!m) return;
    m.svg.setAttribute("role", "group");
    m.svg.setAttribute("aria-label", t.diagram);
    const byId = new Map(doc.devices.map((d) => [d.id, d]));
    const rank = readingOrder(doc);
    order.current = [...m.elements.keys()].sort((a, b) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size));
    const stop = [roverId, selectedId, order.current[0]].find((x) => x && m.elements.has(x));
    const marks: SVGElement[] = [];
    for (const [id, els] of m.elements) {
      const st = status.get(id);
      const selected = id === selectedId;
      const fault = id === faultBus;
      for (const el of els) {
        el.classList.toggle("sld-selected", selected);
        el.classList.toggle("sld-st-fail", st === "fail");
        el.classList.toggle("sld-st-warning", st === "warning");
        el.classList.toggle("sld-fault", fault);
        if (st) el.setAttribute("data-status", st);
        else el.removeAttribute("data-status");
      }
      const main = m.primary.get(id) ?? primaryElement(els);
      main.setAttribute("role", "button");
      main.setAttribute("tabindex", id === stop ? "0" : "-1");
      main.setAttribute("aria-label", labelOf(id, byId.get(id), t) + (st ? ` (${t[`status_${st}`]})` : ""));
      main.setAttribute("aria-pressed", String(selected));
      const b = m.boxes.get(id);
      if (!b) continue;
      if (st) marks.push(rect(pad(b, 0.7), `sld-mark ${st}`));
      if (fault) marks.push(rect(pad(b, 1.4), "sld-mark fault"));
      if (selected) marks.push(rect(b, "sld-mark selected"));
      if (id === focusId) marks.push(rect(pad(b, 2.1), "sld-mark focus"));
    }
    m.overlay.replaceChildren(...marks);
  }, [drawing, doc, selectedId, status, faultBus, focusId, roverId, t]);

  // Wheel zoom about the pointer (a listener that may cancel the page's scroll).
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const onWheel = (e: WheelEvent) => {
      const m = measured.current;
      const ctm = m?.svg.getScreenCTM();
      if (!m || !ctm) return;
      e.preventDefault();
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
      autoFit.current = false;
      setView((v) => (v ? zoomAbout(v, Math.exp(-e.deltaY * 0.0015), p.x, p.y) : v));
    };
    host.addEventListener("wheel", onWheel, { passive: false });
    return () => host.removeEventListener("wheel", onWheel);
  }, []);

  const zoom = useCallback((factor: number) => {
    autoFit.current = false;
    setView((v) => (v ? zoomAbout(v, factor, v.x + v.w / 2, v.y + v.h / 2) : v));
  }, []);
  const fit = useCallback(() => {
    const m = measured.current;
    autoFit.current = true;
    if (m && drawing) setView(fitted(m.content, drawing.sheet));
  }, [drawing]);
  const sheet = useCallback(() => {
    autoFit.current = false;
    if (drawing) setView(drawing.sheet);
  }, [drawing]);

  const idAt = (target: EventTarget | null): string | null => {
    const el = (target as Element | null)?.closest?.("[data-device],[data-hit]");
    return el ? el.getAttribute("data-device") ?? el.getAttribute("data-hit") : null;
  };

  return (
    <div className="diagram-pane">
      <div className="sld-tools" role="toolbar" aria-label={t.diagramView}>
        <button onClick={() => zoom(1.25)} aria-label={t.zoomIn} data-testid="sld-zoom-in">+</button>
        <button onClick={() => zoom(0.8)} aria-label={t.zoomOut} data-testid="sld-zoom-out">−</button>
        <button onClick={fit} data-testid="sld-fit">{t.zoomFit}</button>
        <button onClick={sheet} data-testid="sld-sheet">{t.zoomSheet}</button>
      </div>
      {(state === "error" || !drawing) && (
        <p className={`sld-note${state === "error" ? " error" : ""}`} role="status">
          {state === "error" ? failure : t.diagramLoading}
        </p>
      )}
      <div
        ref={hostRef}
        className="sld-host"
        data-testid="sld"
        data-state={state}
        aria-busy={state === "loading"}
        onClick={(e) => {
          if (suppressClick.current) {
            suppressClick.current = false;
            return;
          }
          const id = idAt(e.target);
          if (id) {
            setRoverId(id);
            onSelect(id);
          }
        }}
        onKeyDown={(e) => {
          const id = (e.target as Element).getAttribute?.("data-device");
          if (!id || isComposing(e)) return;
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            onSelect(id);
          } else if (MOVES[e.key]) {
            const ids = order.current;
            const next = ids[MOVES[e.key](ids.indexOf(id), ids.length)];
            const main = next ? measured.current?.primary.get(next) : undefined;
            if (main) {
              e.preventDefault();
              (main as SVGElement).focus();
            }
          }
        }}
        onFocus={(e) => {
          const id = (e.target as Element).getAttribute?.("data-device");
          if (id) setRoverId(id);
          setFocusId(id && (e.target as Element).matches(":focus-visible") ? id : null);
        }}
        onBlur={() => setFocusId(null)}
        onPointerDown={(e) => {
          suppressClick.current = false;
          if (e.button !== 0 || !view) return;
          drag.current = { x: e.clientX, y: e.clientY, view, moved: false, pointer: e.pointerId };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          const ctm = measured.current?.svg.getScreenCTM();
          if (!d || !ctm) return;
          const dx = e.clientX - d.x;
          const dy = e.clientY - d.y;
          if (!d.moved && Math.hypot(dx, dy) < DRAG_PX) return;
          if (!d.moved) {
            d.moved = true;
            (e.currentTarget as HTMLElement).setPointerCapture(d.pointer);
          }
          autoFit.current = false;
          setView({ ...d.view, x: d.view.x - dx / ctm.a, y: d.view.y - dy / ctm.d });
        }}
        onPointerUp={() => {
          if (drag.current?.moved) suppressClick.current = true;
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
      />
    </div>
  );
}
