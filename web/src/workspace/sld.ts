//! The server's single-line diagram (`POST /render/sld`, an SVG) made safe to put in the
//! page: parsed as XML (never as HTML), reduced to drawing elements (no script, foreign
//! object, style sheet, image, link or animation), stripped of event handlers, inline styles
//! and any reference that leaves the drawing, with its ids prefixed so they cannot collide
//! with the page's. The page's Content-Security-Policy would block most of this anyway; this
//! keeps it from even being tried (and from filling the console with violations).

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Prefix of every id of the drawing once it is in the page. */
export const ID_PREFIX = "sld-";

/** Elements a drawing may hold; any other element is dropped with everything inside it. */
const ELEMENTS = new Set([
  "svg", "g", "defs", "symbol", "use", "title", "desc",
  "line", "polyline", "polygon", "path", "rect", "circle", "ellipse", "text", "tspan",
  "clipPath", "mask", "marker", "pattern", "linearGradient", "radialGradient", "stop",
]);

/** Attributes that name a resource: kept only as a reference inside the drawing (`#id`). */
const REFERENCES = new Set(["href", "src"]);

/** A value that would run or load something. */
const ACTIVE_VALUE = /^\s*(javascript|vbscript|data)\s*:/i;

/**
 * The drawing in `text` as a detached, sanitised `<svg>` element of `into`'s document
 * (ready for `replaceChildren`), or `null` when the text is not one SVG document.
 */
export function sanitiseSvg(text: string, into: Document): SVGSVGElement | null {
  const parser = new (into.defaultView?.DOMParser ?? DOMParser)();
  const parsed = parser.parseFromString(text, "image/svg+xml");
  const root = parsed.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== "svg" || parsed.getElementsByTagNameNS("*", "parsererror").length) return null;

  const ids = new Set<string>();
  for (const el of Array.from(root.querySelectorAll("[id]"))) ids.add(el.getAttribute("id")!);
  const local = (ref: string): string | null => {
    const m = /^#(.+)$/.exec(ref.trim());
    return m && ids.has(m[1]) ? `#${ID_PREFIX}${m[1]}` : null;
  };

  const clean = (el: Element): boolean => {
    if (el.namespaceURI !== SVG_NS || !ELEMENTS.has(el.localName)) return false;
    for (const a of Array.from(el.attributes)) {
      const name = a.localName.toLowerCase();
      const value = a.value;
      const ns = a.namespaceURI;
      const drop = () => el.removeAttributeNode(a);
      if (ns === XLINK_NS && name === "href") {
        // xlink:href → href, kept only when it points inside the drawing.
        const to = local(value);
        drop();
        if (to) el.setAttribute("href", to);
        continue;
      }
      if (ns && ns !== XML_NS) {
        drop();
        continue;
      }
      if (name.startsWith("on") || name === "style" || name === "class" || ACTIVE_VALUE.test(value)) {
        drop();
        continue;
      }
      if (REFERENCES.has(name)) {
        const to = local(value);
        if (to) el.setAttribute(a.name, to);
        else drop();
        continue;
      }
      if (name === "id") {
        el.setAttribute("id", `${ID_PREFIX}${value}`);
        continue;
      }
      if (/url\s*\(/i.test(value)) {
        // Paint servers, clip paths and markers: only `url(#id)` of this drawing.
        let ok = true;
        const next = value.replace(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi, (_, _q: string, ref: string) => {
          const to = local(ref);
          if (!to) ok = false;
          return `url(${to ?? "#"})`;
        });
        if (ok) el.setAttribute(a.name, next);
        else drop();
      }
    }
    for (const child of Array.from(el.children)) if (!clean(child)) child.remove();
    return true;
  };
  if (!clean(root)) return null;

  // Sized by its pane: the sheet's own size only gives the viewBox when it has none.
  if (!root.getAttribute("viewBox")) {
    const w = parseFloat(root.getAttribute("width") ?? "");
    const h = parseFloat(root.getAttribute("height") ?? "");
    if (w > 0 && h > 0) root.setAttribute("viewBox", `0 0 ${w} ${h}`);
  }
  root.setAttribute("width", "100%");
  root.setAttribute("height", "100%");
  root.setAttribute("preserveAspectRatio", "xMidYMid meet");
  return into.importNode(root, true) as unknown as SVGSVGElement;
}

/** The drawing's elements of each device or bus (`data-device`), in document order. */
export function deviceElements(svg: Element): Map<string, Element[]> {
  const out = new Map<string, Element[]>();
  for (const el of Array.from(svg.querySelectorAll("[data-device]"))) {
    const id = el.getAttribute("data-device")!;
    out.set(id, [...(out.get(id) ?? []), el]);
  }
  return out;
}

/**
 * The element that stands for the device for keyboard, pointer and assistive technology: its
 * first graphic that is not text (the symbol), else its first element (a bus is drawn as
 * labels). With `hasArea` (the element's box has width and height), a graphic with an area
 * comes first, then any element with one: a symbol drawn as single strokes (a vertical line
 * has no width) is stood for by a part that can be pointed at, else by its label.
 */
export function primaryElement(elements: readonly Element[], hasArea: (e: Element) => boolean = () => true): Element {
  const graphics = elements.filter((e) => e.localName !== "text" && e.localName !== "tspan");
  return graphics.find(hasArea) ?? elements.find(hasArea) ?? graphics[0] ?? elements[0];
}

/** A box in the drawing's user units. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function union(boxes: readonly Box[]): Box | null {
  if (!boxes.length) return null;
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function pad(b: Box, by: number): Box {
  return { x: b.x - by, y: b.y - by, w: b.w + 2 * by, h: b.h + 2 * by };
}

/** The viewBox of `view` zoomed by `factor` (> 1: closer) about the point (`cx`, `cy`). */
export function zoomAbout(view: Box, factor: number, cx: number, cy: number): Box {
  const w = view.w / factor;
  const h = view.h / factor;
  return { x: cx - ((cx - view.x) * w) / view.w, y: cy - ((cy - view.y) * h) / view.h, w, h };
}
