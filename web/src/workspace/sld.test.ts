// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { deviceElements, primaryElement, sanitiseSvg, union, zoomAbout } from "./sld";

const drawing = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="420mm" height="297mm" viewBox="0 0 420 297" onload="alert(1)">
<title>単線結線図</title>
<style>svg { display: none }</style>
<script>alert(2)</script>
<defs><symbol id="JIS_CB"><line x1="0" y1="-6" x2="0" y2="6" stroke="#000"/></symbol><linearGradient id="g"/></defs>
<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
<g id="layer-DEV_VCB1" data-layer="DEV_VCB1">
  <use href="#JIS_CB" transform="translate(22 114)" data-device="VCB1" onclick="alert(3)"/>
  <use xlink:href="#JIS_CB" data-device="VCB2"/>
  <use href="https://example.com/x.svg#a" data-device="VCB3"/>
  <text x="24" y="110" fill="url(#g)" style="fill:red" class="selected" data-device="VCB1">VCB1</text>
  <rect fill="url(https://example.com/#g)" width="1" height="1"/>
  <a href="javascript:alert(4)"><text>link</text></a>
  <animate attributeName="href" to="javascript:alert(5)"/>
  <image href="data:image/png;base64,AAAA"/>
</g>
<text x="24" y="44" data-device="SP">SP 受電点 6600V</text>
</svg>`;

describe("the server's drawing, made safe for the page", () => {
  const svg = sanitiseSvg(drawing, document)!;
  const markup = svg.outerHTML;

  it("keeps the drawing: symbols, uses, text and every data-device", () => {
    expect(svg.localName).toBe("svg");
    expect([...deviceElements(svg).keys()]).toEqual(["VCB1", "VCB2", "VCB3", "SP"]);
    expect(svg.querySelector("text[data-device=SP]")?.textContent).toBe("SP 受電点 6600V");
  });

  it("drops scripts, style sheets, foreign objects, links, animations and images with their content", () => {
    for (const tag of ["script", "style", "foreignObject", "a", "animate", "image", "div"]) expect(svg.getElementsByTagName(tag).length).toBe(0);
    expect(markup).not.toContain("alert");
    expect(markup).not.toContain("javascript");
    expect(markup).not.toContain("link");
  });

  it("drops event handlers, inline styles and classes", () => {
    expect(markup).not.toMatch(/\son\w+=/);
    expect(markup).not.toContain("style=");
    expect(markup).not.toContain("class=");
  });

  it("keeps references inside the drawing only, with every id prefixed", () => {
    const uses = svg.querySelectorAll("use");
    expect(uses[0].getAttribute("href")).toBe("#sld-JIS_CB");
    expect(uses[1].getAttribute("href")).toBe("#sld-JIS_CB"); // xlink:href becomes href
    expect(uses[2].hasAttribute("href")).toBe(false); // an outside file is not loaded
    expect(svg.querySelector("symbol")?.id).toBe("sld-JIS_CB");
    expect(svg.querySelector("text[data-device=VCB1]")?.getAttribute("fill")).toBe("url(#sld-g)");
    expect(svg.querySelector("rect")?.hasAttribute("fill")).toBe(false);
  });

  it("fills its pane, keeping the sheet's viewBox", () => {
    expect(svg.getAttribute("viewBox")).toBe("0 0 420 297");
    expect(svg.getAttribute("width")).toBe("100%");
  });

  it("refuses what is not one SVG document", () => {
    expect(sanitiseSvg("<html><body>x</body></html>", document)).toBeNull();
    expect(sanitiseSvg("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", document)).toBeNull();
    expect(sanitiseSvg("<svg><g/></svg>", document)).toBeNull(); // no SVG namespace
  });

  it("stands for a device by its symbol, a bus by its label", () => {
    const els = deviceElements(svg);
    expect(primaryElement(els.get("VCB1")!).localName).toBe("use");
    expect(primaryElement(els.get("SP")!).localName).toBe("text");
  });

  it("prefers a part with an area to a single stroke, and a label to strokes only", () => {
    const doc = new DOMParser().parseFromString(
      `<svg xmlns="http://www.w3.org/2000/svg"><line data-device="D" x1="1" y1="0" x2="1" y2="5"/><circle data-device="D" r="2"/><text data-device="D">D</text>` +
        `<line data-device="B" x1="0" y1="9" x2="9" y2="9"/><text data-device="B">B</text></svg>`,
      "image/svg+xml",
    );
    const els = deviceElements(doc.documentElement);
    const area = (e: Element) => e.localName !== "line";
    expect(primaryElement(els.get("D")!, area).localName).toBe("circle");
    expect(primaryElement(els.get("B")!, area).localName).toBe("text");
    expect(primaryElement(els.get("B")!).localName).toBe("line");
  });
});

describe("fitting and zooming", () => {
  it("the union of boxes, and a zoom that keeps the point under the pointer in place", () => {
    expect(union([{ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 5, w: 5, h: 20 }])).toEqual({ x: 0, y: 0, w: 25, h: 25 });
    const v = zoomAbout({ x: 0, y: 0, w: 100, h: 50 }, 2, 80, 10);
    expect(v).toEqual({ x: 40, y: 5, w: 50, h: 25 });
    // The point (80, 10) sits at the same fraction of the view before and after.
    expect((80 - v.x) / v.w).toBeCloseTo(0.8, 9);
  });
});
