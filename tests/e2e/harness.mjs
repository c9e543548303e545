// The end-to-end harness: starts `kyocho serve` on a free port with a fresh data folder,
// serves the built client (from kyocho itself when it serves `/`, else from a small static
// server that forwards the API to kyocho), launches Debian's Chromium through playwright-core,
// and offers the checks every test uses (outbox codes, axe-core, screenshots, steps).

import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const webRequire = createRequire(path.join(root, "web/package.json"));
export const { chromium } = webRequire("playwright-core");
const axeSource = fs.readFileSync(webRequire.resolve("axe-core/axe.min.js"), "utf8");

export const shotsDir = path.join(root, "target", "e2e-screenshots");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Start `kyocho serve` on 127.0.0.1:0 with a fresh data folder; resolves once it answers. */
export async function startKyocho(bin) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kyocho-e2e-"));
  // Serve the client the tests just built (when this kyocho serves a client at all).
  const help = spawnSync(bin, ["serve", "--help"], { encoding: "utf8" }).stdout ?? "";
  const web = help.includes("--web-dir") ? ["--web-dir", path.join(root, "web/dist"), "--no-web-build"] : [];
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, ...web], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  const log = fs.createWriteStream(path.join(shotsDir, "kyocho.log"));
  child.stderr.pipe(log);
  const base = await new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`kyocho serve printed no address:\n${buf}`)), 30_000);
    child.stdout.on("data", (d) => {
      buf += d;
      log.write(d);
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`kyocho serve exited with ${code}:\n${buf}`)));
  });
  return { base, dataDir, stop: () => child.kill("SIGTERM") };
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };

/** The client's origin: kyocho when it serves the client at `/`, else a static server + proxy. */
export async function clientOrigin(apiBase, distDir) {
  const probe = await fetch(`${apiBase}/`).catch(() => null);
  if (probe && probe.ok && (probe.headers.get("content-type") ?? "").includes("text/html")) {
    return { origin: apiBase, servedBy: "kyocho serve", stop: () => {} };
  }
  const api = new URL(apiBase);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const file = path.join(distDir, url.pathname === "/" ? "index.html" : url.pathname);
    if (req.method === "GET" && file.startsWith(distDir) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      fs.createReadStream(file).pipe(res);
      return;
    }
    const fwd = http.request({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on("error", () => res.writeHead(502).end());
    req.pipe(fwd);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${server.address().port}`, servedBy: "the test's static server (kyocho does not serve / yet)", stop: () => server.close() };
}

/** Messages the local identity provider "sent", oldest first. */
export function outbox(dataDir) {
  const dir = path.join(dataDir, "outbox");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
}

/** The newest code sent to `to` after `since` (ms), waiting up to 10 s for it. */
export async function waitForCode(dataDir, to, since) {
  for (let i = 0; i < 100; i++) {
    const m = outbox(dataDir).filter((x) => x.to === to && x.code && x.sent_at >= since).pop();
    if (m) return m.code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${to} in the outbox`);
}

/** axe-core on the page: the serious and critical violations (empty is a pass). */
export async function axe(page) {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays on.
  await page.evaluate(`${axeSource}\n;void 0`);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 200)}`) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Records named steps; a failed step is printed with its error and counted. */
export class Steps {
  /** `only`: run just the steps whose names match (and those marked `always`). */
  constructor(only = null) {
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.lines = [];
    this.only = only ? new RegExp(only) : null;
  }
  async run(name, fn, { always = false } = {}) {
    if (this.only && !always && !this.only.test(name)) {
      this.skipped++;
      console.log(`  skip ${name}`);
      return true;
    }
    const t0 = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
      return true;
    } catch (e) {
      this.failed++;
      console.log(`  FAIL ${name}\n       ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n       ")}`);
      return false;
    }
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret at `unixSeconds`. */
export async function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const { createHmac } = await import("node:crypto");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
