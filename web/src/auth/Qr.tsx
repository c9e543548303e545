//! A QR code drawn as SVG rectangles (no data: URL, so a strict CSP allows it).

import qrcode from "qrcode-generator";

export function Qr({ text, label, size = 192 }: { text: string; label: string; size?: number }) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  const cells: string[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(`M${c + quiet} ${r + quiet}h1v1h-1z`);
  }
  const dim = n + quiet * 2;
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${dim} ${dim}`} shapeRendering="crispEdges" data-testid="totp-qr">
      <rect width={dim} height={dim} fill="#fff" />
      <path d={cells.join("")} fill="#000" />
    </svg>
  );
}
