// Benchmark of the web client (figures, not a test: nothing here fails on a time).
//
//   node tests/e2e/bench.mjs [--kyocho PATH]
//
// Reports the initial JavaScript size (gzip), the first contentful paint of the project list,
// and the time from a relay setting change to the redrawn coordination chart for the largest
// sample (`tests/fixtures/cb_multi.json`) on the local edition (median of 7 changes).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { chromium, CHROMIUM_ARGS, clientOrigin, root, shotsDir, startKyocho } from "./harness.mjs";

const argKyocho = process.argv.indexOf("--kyocho");
const kyochoBin =
  argKyocho > 0 ? process.argv[argKyocho + 1] : process.env.KYOCHO_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug/kyocho");
const dist = path.join(root, "web/dist");
fs.mkdirSync(shotsDir, { recursive: true });

const html = fs.readFileSync(path.join(dist, "index.html"), "utf8");
const scripts = [...html.matchAll(/src="\/(assets\/[^"]+\.js)"/g)].map((m) => path.join(dist, m[1]));
const gzip = scripts.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
const raw = scripts.reduce((n, f) => n + fs.statSync(f).size, 0);

const kyocho = await startKyocho(kyochoBin);
const client = await clientOrigin(kyocho.base, dist);
const token = execFileSync(kyochoBin, ["token", "--data-dir", kyocho.dataDir, "--tenant", "demo", "--user", "admin"], { encoding: "utf8" }).trim();
const doc = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/cb_multi.json"), "utf8"));
const created = await (await fetch(`${kyocho.base}/projects`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(doc) })).json();

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
const ctx = await browser.newContext({ baseURL: client.origin, viewport: { width: 1400, height: 900 } });
await ctx.addInitScript((t) => sessionStorage.setItem("kyocho.session", JSON.stringify({ access_token: t, expires_at: Date.now() + 3600_000 })), token);
const page = await ctx.newPage();
await page.goto("/");
await page.getByTestId("project-table").waitFor();
const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);

await page.goto(`/#/p/${created.id}`);
await page.getByTestId("sld").waitFor();
await page.screenshot({ path: path.join(shotsDir, "bench-cb_multi-diagram.png"), fullPage: true });
await page.getByTestId("tab-analysis").click();
await page.getByTestId("tcc").waitFor();
const relay = doc.devices.find((d) => d.ocr)?.id;
await page.locator("#relay-pick").selectOption(relay);
const lever = page.getByTestId("relay-settings").getByLabel(/レバー|Lever/);
const times = [];
const levers = ["3", "4", "5", "6", "7", "8", "9"];
for (const l of levers) {
  await page.evaluate((id) => {
    const target = document.querySelector(`[data-testid=tcc] [data-curve="${id}"][data-role=ocr] path.nominal`);
    window.__before = target?.getAttribute("d");
    window.__t0 = performance.now();
    window.__redrawn = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        const now = document.querySelector(`[data-testid=tcc] [data-curve="${id}"][data-role=ocr] path.nominal`);
        if (now && now.getAttribute("d") !== window.__before) {
          obs.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - window.__t0));
        }
      });
      obs.observe(document.querySelector("[data-testid=tcc]"), { subtree: true, attributes: true, childList: true });
    });
  }, relay);
  await lever.selectOption(l);
  times.push(await page.evaluate(() => window.__redrawn));
}
times.sort((a, b) => a - b);
await browser.close();
client.stop();
kyocho.stop();

console.log(`bench: initial JavaScript ${(gzip / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw, ${scripts.length} file)`);
console.log(`bench: first contentful paint of the project list ${fcp.toFixed(0)} ms`);
console.log(`bench: setting change → redrawn chart (cb_multi.json, ${relay} lever, ${times.length} changes) median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
