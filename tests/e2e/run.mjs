// End-to-end tests of the web client against `kyocho serve` in headless Chromium.
//
//   node tests/e2e/run.mjs [--kyocho PATH] [--only REGEX]
//
// `--only` runs the steps whose names match (after the first sign-in, which always runs).
// Needs the client built (`npm --prefix web run build`) and the kyocho binary. Screenshots of
// every main screen go to target/e2e-screenshots/. Prints one summary line and exits non-zero
// when any step fails.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { adminSteps } from "./admin.mjs";
import { Contract } from "./contract.mjs";
import { deskSteps } from "./desk.mjs";
import { Steps, assert, axe, chromium, CHROMIUM_ARGS, clientOrigin, outbox, root, shotsDir, startKyocho, totp, waitForCode } from "./harness.mjs";

const argKyocho = process.argv.indexOf("--kyocho");
const kyochoBin =
  argKyocho > 0 ? process.argv[argKyocho + 1] : process.env.KYOCHO_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug/kyocho");
const dist = path.join(root, "web/dist");
fs.mkdirSync(shotsDir, { recursive: true });
for (const f of fs.readdirSync(shotsDir)) if (f.endsWith(".png")) fs.rmSync(path.join(shotsDir, f));
if (!fs.existsSync(path.join(dist, "index.html"))) {
  console.error(`e2e: ${dist}/index.html is missing; run \`npm --prefix web ci && npm --prefix web run build\` first`);
  process.exit(2);
}

const EMAIL = "admin@demo.example";
const NEW_PASSWORD = "Kyocho-e2e-2026!";
const argOnly = process.argv.indexOf("--only");
const steps = new Steps(argOnly > 0 ? process.argv[argOnly + 1] : null);
const kyocho = await startKyocho(kyochoBin);
const client = await clientOrigin(kyocho.base, dist);
console.log(`e2e: kyocho at ${kyocho.base}; client served by ${client.servedBy} at ${client.origin}`);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
const contextOptions = { baseURL: client.origin, locale: "ja-JP", timezoneId: "Asia/Tokyo", viewport: { width: 1400, height: 900 }, acceptDownloads: true };
const ctx1 = await browser.newContext(contextOptions);
const page = await ctx1.newPage();
const contract = new Contract();
contract.watch(page, client.origin);
const consoleErrors = [];
page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
let shot = 0;
const screenshot = async (p, name) => p.screenshot({ path: path.join(shotsDir, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });
const accessible = async (p, name) => {
  const v = await axe(p);
  assert(v.length === 0, `axe on ${name}: ${JSON.stringify(v)}`);
};

/** The access token the client holds, for set-up calls a user would make elsewhere. */
const tokenOf = async (p) => JSON.parse(await p.evaluate(() => sessionStorage.getItem("kyocho.session"))).access_token;
const apiCall = async (p, method, url, body) => {
  const token = await tokenOf(p);
  const r = await fetch(`${kyocho.base}${url}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, etag: r.headers.get("etag"), body: text ? JSON.parse(text) : null };
};
const checkRows = (p) =>
  p.$$eval("[data-testid=checks] tbody tr", (rows) => rows.map((r) => ({ rule: r.dataset.rule, devices: r.dataset.devices, status: r.dataset.status })));
const waitSaved = (p) => p.waitForSelector("[data-testid=save-state][data-state=saved]", { timeout: 15_000 });
/** A device or bus of the server's drawing, by the element that stands for it (its symbol, or a bus's label). */
const dev = (p, id) => p.locator(`[data-testid=sld] [data-device="${id}"][role=button]`);
/** The ids the drawing on screen shows, once it is the drawing of the document being edited. */
const drawnIds = async (p) => {
  await p.waitForSelector("[data-testid=sld][data-state=current] svg", { timeout: 15_000 });
  return p.$$eval("[data-testid=sld] [data-device][role=button]", (els) => els.map((e) => e.getAttribute("data-device")));
};
/** Polls `cond` until it holds (10 s at most). */
const until = async (cond, what) => {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
};
/** The time on a sampled line at `current` (linear in log–log; an instantaneous step takes its faster time). */
const timeOnLine = (points, current) => {
  let best;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (current < Math.min(a.current_a, b.current_a) || current > Math.max(a.current_a, b.current_a)) continue;
    const t = a.current_a === b.current_a
      ? Math.min(a.time_s, b.time_s)
      : Math.exp(Math.log(a.time_s) + ((Math.log(current) - Math.log(a.current_a)) / (Math.log(b.current_a) - Math.log(a.current_a))) * (Math.log(b.time_s) - Math.log(a.time_s)));
    best = best === undefined ? t : Math.min(best, t);
  }
  return best;
};

async function signInWithMfa(p, label) {
  await p.goto("/");
  await p.getByLabel("会社ID").fill("demo");
  await p.getByLabel("メールアドレス").fill(EMAIL);
  await p.getByLabel("パスワード", { exact: true }).fill(NEW_PASSWORD);
  const since = Date.now() - 1000;
  await p.getByRole("button", { name: "サインイン", exact: true }).click();
  await p.getByRole("heading", { name: "メールで届いた確認コードを入力してください" }).waitFor();
  if (label) {
    await screenshot(p, label);
    await accessible(p, label);
  }
  const code = await waitForCode(kyocho.dataDir, EMAIL, since);
  // A full-width code, as a Japanese IME might leave it, is read as digits (NFKC).
  await p.getByLabel("確認コード（6桁）").fill(code.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)));
  await p.getByRole("button", { name: "確認", exact: true }).click();
  await p.getByRole("heading", { name: "プロジェクト" }).waitFor();
}

let projectId = null;
let builtId = null;
try {
  const ok = await steps.run("first sign-in: temporary password, new password with the policy shown as it is typed", async () => {
    const temporary = outbox(kyocho.dataDir).find((m) => m.to === EMAIL)?.code;
    assert(temporary, "the first start put the administrator's temporary password in the outbox");
    await page.goto("/");
    await page.getByRole("heading", { name: "サインイン" }).waitFor();
    await screenshot(page, "sign-in");
    await accessible(page, "sign-in");
    await page.getByLabel("会社ID").fill("demo");
    await page.getByLabel("メールアドレス").fill(EMAIL);
    await page.getByLabel("パスワード", { exact: true }).fill("wrong-password");
    await page.getByRole("button", { name: "サインイン", exact: true }).click();
    const refusal = await page.getByTestId("signin-error").textContent();
    assert(refusal.includes("正しくありません"), `a wrong password is explained in Japanese, got ${refusal}`);
    await page.getByLabel("パスワード", { exact: true }).fill(temporary);
    await page.getByRole("button", { name: "サインイン", exact: true }).click();
    await page.getByRole("heading", { name: "新しいパスワードを設定してください" }).waitFor();
    await page.getByLabel("新しいパスワード", { exact: true }).fill("kyocho");
    const unmet = await page.$$eval("[data-testid=password-policy] li.unmet", (l) => l.length);
    assert(unmet === 3, `"kyocho" misses length, upper case and symbol: 3 unmet rules shown, got ${unmet}`);
    assert(await page.getByRole("button", { name: "パスワードを設定" }).isDisabled(), "a password breaking the policy cannot be sent");
    await screenshot(page, "new-password");
    await accessible(page, "new-password");
    await page.getByLabel("新しいパスワード", { exact: true }).fill(NEW_PASSWORD);
    assert((await page.$$eval("[data-testid=password-policy] li.unmet", (l) => l.length)) === 0, "every rule met");
    await page.getByRole("button", { name: "パスワードを設定" }).click();
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  }, { always: true });
  if (!ok) throw new Error("cannot continue without signing in");

  await steps.run("sign out, sign in with an e-mail code read from the outbox; a token about to expire is refreshed first", async () => {
    const refused = await apiCall(page, "PUT", "/auth/mfa/preference", { method: "email" });
    assert(refused.status === 400, `a second-factor change without the password is refused: ${refused.status}`);
    const r = await apiCall(page, "PUT", "/auth/mfa/preference", { method: "email", current_password: NEW_PASSWORD });
    assert(r.status === 200, `e-mail MFA enabled through the API: ${r.status}`);
    await page.getByTestId("sign-out").click();
    await page.getByRole("heading", { name: "サインイン" }).waitFor();
    await signInWithMfa(page, "mfa-code");
    // An access token about to expire is refreshed before the next request goes out.
    const before = JSON.parse(await page.evaluate(() => sessionStorage.getItem("kyocho.session")));
    assert(before.refresh_token, "the sign-in kept a refresh token");
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem("kyocho.session"));
      sessionStorage.setItem("kyocho.session", JSON.stringify({ ...s, expires_at: Date.now() + 20_000 }));
    });
    const refreshed = page.waitForResponse((r) => r.url().endsWith("/auth/refresh") && r.status() === 200);
    await page.reload();
    await refreshed;
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
    const after = JSON.parse(await page.evaluate(() => sessionStorage.getItem("kyocho.session")));
    assert(after.expires_at > Date.now() + 60_000, "the refreshed token lasts beyond the next minute");
    await screenshot(page, "projects-empty");
    await accessible(page, "projects-empty");
  });

  await steps.run("create a project from a sample and see its diagram", async () => {
    await page.getByRole("button", { name: "新規作成" }).click();
    await page.getByLabel(/協調不良の例/).check();
    await screenshot(page, "create-dialog");
    await accessible(page, "create-dialog");
    await page.getByRole("button", { name: "作成", exact: true }).click();
    await page.getByTestId("sld").waitFor();
    projectId = /#\/p\/([a-z0-9_-]+)/.exec(page.url())[1];
    const sample = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/bad_coordination.json"), "utf8"));
    const drawn = new Set(await drawnIds(page));
    const missing = sample.devices.map((d) => d.id).filter((id) => !drawn.has(id));
    assert(missing.length === 0 && drawn.has("utility"), `every device and bus of the sample is drawn, and the utility: missing ${missing.join(" ")}`);
    await dev(page, "VCB_TR1").click();
    await page.getByTestId("device-panel").getByRole("heading", { name: /VCB_TR1/ }).waitFor();
    await screenshot(page, "workspace-sample");
    await accessible(page, "workspace-sample");
  });

  await steps.run("the diagram is the server's drawing: one sanitised <svg>, any element of a device selects it, by click or keyboard; failing devices marked; zoom and fit", async () => {
    const stored = await apiCall(page, "GET", `/projects/${projectId}`);
    const token = await tokenOf(page);
    const served = await fetch(`${kyocho.base}/render/sld`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "image/svg+xml" },
      body: JSON.stringify(stored.body.content),
    });
    assert(served.ok && (served.headers.get("content-type") ?? "").startsWith("image/svg+xml"), `POST /render/sld answers SVG: ${served.status}`);
    const serverIds = [...new Set([...(await served.text()).matchAll(/data-device="([^"]+)"/g)].map((m) => m[1]))].sort();
    const pageIds = [...new Set(await page.$$eval("[data-testid=sld] [data-device]", (els) => els.map((e) => e.getAttribute("data-device"))))].sort();
    assert(serverIds.join(" ") === pageIds.join(" "), `the page shows the server's drawing: ${serverIds.length} ids served, ${pageIds.length} on the page`);
    const roots = await page.$$eval("[data-testid=sld] > svg", (s) => s.length);
    assert(roots === 1, `one <svg> root in the pane (${roots})`);
    const unsafe = await page.$$eval("[data-testid=sld] *", (els) =>
      els.filter((e) => ["script", "foreignObject", "style"].includes(e.localName) || [...e.attributes].some((a) => /^on/i.test(a.name) || a.name === "style")).length,
    );
    assert(unsafe === 0, `no script, foreign object, style or event handler in the inserted drawing (${unsafe})`);
    // A label of a device (not its symbol) selects it too.
    await page.locator('[data-testid=sld] text[data-device="VCB_MAIN"]').first().click();
    await page.getByTestId("device-panel").getByRole("heading", { name: /VCB_MAIN/ }).waitFor();
    // Keyboard: the drawing is one tab stop (the selected device); Enter on a device, the
    // arrow keys to the next one downstream (TR1 → its secondary bus LV1), Space on a bus.
    await page.getByTestId("sld-sheet").focus();
    await page.keyboard.press("Tab");
    assert((await page.evaluate(() => document.activeElement?.getAttribute("data-device"))) === "VCB_MAIN", "Tab enters the drawing at the selected device");
    await dev(page, "TR1").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("device-panel").getByRole("heading", { name: /TR1/ }).waitFor();
    await page.keyboard.press("ArrowDown");
    assert((await page.evaluate(() => document.activeElement?.getAttribute("data-device"))) === "LV1", "ArrowDown moves from TR1 to its secondary bus LV1");
    await page.keyboard.press(" ");
    await page.getByTestId("device-panel").getByRole("heading", { name: /LV1/ }).waitFor();
    assert((await dev(page, "LV1").getAttribute("aria-pressed")) === "true", "the selected bus is pressed");
    assert((await dev(page, "LV1").getAttribute("aria-label")).includes("LV1"), "the bus is named for a screen reader");
    // Every device a failing check names is marked failing on the drawing.
    const analysis = (await apiCall(page, "POST", "/analysis", stored.body.content)).body;
    const failing = [...new Set(analysis.checks.filter((c) => c.status === "fail").flatMap((c) => c.devices))];
    const marked = new Set(await page.$$eval("[data-testid=sld] [data-status=fail]", (els) => els.map((e) => e.getAttribute("data-device"))));
    const unmarked = failing.filter((id) => !marked.has(id));
    assert(failing.length > 0 && unmarked.length === 0, `devices of failing checks are marked (${failing.join(" ")}); unmarked: ${unmarked.join(" ")}`);
    assert((await page.locator("[data-testid=sld] .sld-mark.fail").count()) === failing.length, "one failure outline per failing device");
    // Zoom in by 1.25, then fit again.
    const viewBox = () => page.$eval("[data-testid=sld] > svg", (s) => s.getAttribute("viewBox").split(/\s+/).map(Number));
    const fitted = await viewBox();
    await page.getByTestId("sld-zoom-in").click();
    const zoomed = await viewBox();
    assert(Math.abs(zoomed[2] - fitted[2] / 1.25) < 1e-6, `zoom in shows 1/1.25 of the width (${fitted[2]} → ${zoomed[2]})`);
    await page.getByTestId("sld-fit").click();
    assert((await viewBox()).join() === fitted.join(), "fit shows the whole diagram again");
    await screenshot(page, "diagram-server-svg");
    await accessible(page, "diagram-server-svg");
  });

  await steps.run("the sample's coordination: failing checks with Japanese explanations, chart and short-circuit table", async () => {
    await page.getByTestId("tab-analysis").click();
    await page.getByTestId("tcc").waitFor();
    const rows = await checkRows(page);
    const fails = rows.filter((r) => r.status === "fail");
    // The number the fixtures README states for bad_coordination.json ("Exactly these … checks fail").
    const readme = fs.readFileSync(path.join(root, "tests/fixtures/README.md"), "utf8");
    const stated = { seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 }[/Exactly these (\w+) checks \*\*fail\*\*/.exec(readme)?.[1]];
    assert(stated && fails.length === stated, `bad_coordination.json fails exactly ${stated} checks (tests/fixtures/README.md), the view shows ${fails.length}`);
    const text = await page.getByTestId("checks").textContent();
    assert(/[\u3040-\u30ff]/.test(text), "the explanations are in Japanese");
    const curves = await page.$$eval("[data-testid=tcc] [data-curve]", (g) => g.length);
    assert(curves >= 5, `the chart draws the devices' curves (${curves})`);
    const buses = await page.$$eval("[data-testid=short-circuit] tbody tr", (r) => r.length);
    assert(buses === 10, `one short-circuit row per bus of the sample (10), got ${buses}`);
    const box = await page.getByTestId("tcc").boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const readout = await page.getByTestId("tcc-readout").textContent();
    assert(/A, .* s/.test(readout), `hovering the chart reads out (A, s): "${readout}"`);
    await screenshot(page, "analysis-sample");
    await accessible(page, "analysis-sample");
  });

  await steps.run("build a 10-device diagram by clicking, from a blank project", async () => {
    await page.goto("/#/");
    await page.getByRole("button", { name: "新規作成" }).click();
    await page.getByLabel("空のプロジェクト").check();
    await page.getByLabel("プロジェクト名").fill("クリックで作る受電設備");
    await page.getByRole("button", { name: "作成", exact: true }).click();
    await page.getByTestId("sld").waitFor();
    builtId = /#\/p\/([a-z0-9_-]+)/.exec(page.url())[1];
    const branch = async (bus, type) => {
      await dev(page, bus).click();
      await page.getByTestId("device-panel").getByRole("heading", { name: new RegExp(`${bus}$`) }).waitFor();
      await page.locator("#series-type").selectOption(type);
      await page.getByTestId("add-branch").click();
    };
    const load = async (bus) => {
      await dev(page, bus).click();
      await page.getByTestId("device-panel").getByRole("heading", { name: new RegExp(`${bus}$`) }).waitFor();
      await page.locator("#shunt-type").selectOption("load");
      await page.getByTestId("add-shunt").click();
    };
    await branch("SP", "ground_switch"); // PAS1 → B1
    await branch("B1", "cable"); // C1 → B2
    await branch("B2", "vcb"); // VCB1 (main) → B3
    await branch("B3", "vcb"); // VCB2 (transformer feeder) → B4
    await branch("B4", "transformer"); // TR1 300 kVA → B5 at 210 V
    await branch("B5", "lv_breaker"); // MCCB1 → B6
    await load("B6"); // L1
    await branch("B3", "lbs_pf"); // PF1 → B7
    await branch("B7", "transformer"); // TR2 → B8
    await load("B8"); // L2
    await waitSaved(page);
    await dev(page, "L2").waitFor();
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    const buses = new Set(stored.body.content.devices.filter((d) => d.type === "bus").map((d) => d.id));
    const drawn = (await drawnIds(page)).filter((id) => !buses.has(id) && id !== "utility").sort();
    assert(drawn.join(" ") === "C1 L1 L2 MCCB1 PAS1 PF1 TR1 TR2 VCB1 VCB2", `ten devices drawn: ${drawn.join(" ")}`);
    const kinds = stored.body.content.devices.filter((d) => d.type !== "bus").length;
    assert(kinds === 10, `the stored project holds the ten devices (${kinds})`);
    await dev(page, "VCB2").click();
    await screenshot(page, "diagram-built");
    await accessible(page, "diagram-built");
  });

  await steps.run("swap, undo and redo; Ctrl+Z never fires during IME composition", async () => {
    const l3 = async () => (await drawnIds(page)).includes("L3");
    await dev(page, "B8").click();
    await page.getByTestId("add-shunt").click();
    await dev(page, "L3").waitFor();
    const ctrlZ = (composing) =>
      page.evaluate((c) => document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, isComposing: c, bubbles: true })), composing);
    await ctrlZ(true);
    await page.waitForTimeout(300);
    assert(await l3(), "Ctrl+Z during IME composition does nothing");
    await ctrlZ(false);
    await dev(page, "L3").waitFor({ state: "detached" });
    assert(!(await l3()), "Ctrl+Z undoes: L3 removed");
    await page.getByTestId("redo").click();
    await dev(page, "L3").waitFor();
    await page.getByTestId("undo").click();
    await dev(page, "L3").waitFor({ state: "detached" });
    assert(!(await l3()), "undo removes L3");
    await page.getByTestId("redo").click();
    await dev(page, "L3").waitFor();
    assert(await l3(), "redo brings L3 back");
    await page.getByTestId("undo").click();
    await dev(page, "L3").waitFor({ state: "detached" });
    // Swap the cable with the breaker below it, then undo.
    // Both read from the same drawing, in one go (a new drawing may replace it at any time).
    const above = (upper, lower) =>
      page.evaluate(([a, b]) => {
        const y = (id) => document.querySelector(`[data-testid=sld] [data-device="${id}"][role=button]`)?.getBoundingClientRect().y ?? NaN;
        return y(a) < y(b);
      }, [upper, lower]);
    await dev(page, "C1").click();
    await page.getByTestId("swap-below").click();
    await until(() => above("VCB1", "C1"), "VCB1 is drawn above C1 after the swap");
    await page.getByTestId("undo").click();
    await until(() => above("C1", "VCB1"), "undo puts C1 back above VCB1");
    await waitSaved(page);
  });

  await steps.run("see a failing check, change the relay's instantaneous tap beside the chart, see it pass", async () => {
    await page.getByTestId("tab-analysis").click();
    await page.getByTestId("tcc").waitFor();
    const inrush = async () => (await checkRows(page)).find((r) => r.rule === "main_inrush");
    // Two 300 kVA transformers: 2 × 10 × 26.2 A = 525 A of inrush for 0.1 s; VCB1's
    // instantaneous element at 40 A × 75/5 = 600 A may act from 600 × 0.85 = 510 A: fail.
    const before = await inrush();
    assert(before?.status === "fail" && before.devices === "VCB1 TR1 TR2", `main_inrush VCB1 fails first: ${JSON.stringify(before)}`);
    const message = await page.locator('[data-rule="main_inrush"] td:last-child').textContent();
    assert(message.includes("励磁突入電流"), `the failure is explained in Japanese: ${message}`);
    await screenshot(page, "analysis-failing");
    await page.locator('[data-rule="main_inrush"]').getByRole("button", { name: "VCB1" }).click();
    assert((await page.locator("#relay-pick").inputValue()) === "VCB1", "the check's device link picks the relay beside the chart");
    // 50 A × 15 = 750 A; 750 × 0.85 = 637.5 A stays above the 525 A inrush.
    await page.getByTestId("relay-settings").getByLabel("瞬時タップ").selectOption("50");
    for (let i = 0; i < 100 && (await inrush())?.status !== "pass"; i++) await page.waitForTimeout(200);
    const after = await inrush();
    assert(after?.status === "pass", `main_inrush passes after the change: ${JSON.stringify(after)}`);
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    assert(stored.body.content.devices.find((d) => d.id === "VCB1").ocr.instantaneous_tap_a === 50, "the new setting is saved");
    await screenshot(page, "analysis-passing");
    await accessible(page, "analysis-passing");
    await page.getByTestId("tab-diagram").click();
  });

  await steps.run("drag a relay curve: the tap snaps to the next step, with a live tooltip; the 210 V axis; hide and show a device", async () => {
    await page.getByTestId("tab-analysis").click();
    await page.getByTestId("tcc").waitFor();
    await page.locator("#relay-pick").selectOption("VCB2");
    const tap = page.getByTestId("relay-settings").getByLabel("限時タップ");
    assert((await tap.inputValue()) === "4", "VCB2 starts at the 4 A tap");
    const band = page.locator('[data-testid=tcc] [data-curve="VCB2"][data-role="ocr"] path.band');
    const box = await band.boundingBox();
    const start = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.5 };
    // Find a point inside the band (the band is a thin diagonal strip).
    let grab = null;
    for (let fx = 0.05; fx < 0.95 && !grab; fx += 0.05) {
      for (let fy = 0.05; fy < 0.95 && !grab; fy += 0.05) {
        const px = box.x + box.width * fx;
        const py = box.y + box.height * fy;
        const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest("[data-curve]")?.getAttribute("data-curve"), [px, py]);
        if (hit === "VCB2") grab = { x: px, y: py };
      }
    }
    assert(grab, `a point of VCB2's band can be grabbed (band box ${JSON.stringify(box)}, tried from ${JSON.stringify(start)})`);
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    // 1.5 × the current: 4 A × 1.5 = 6 A, the largest step.
    const plot = await page.getByTestId("tcc").boundingBox();
    const decadePx = ((plot.width - 80) * (plot.width / 760)) / 5; // five decades, 1 A … 100 kA
    await page.mouse.move(grab.x + Math.log10(1.5) * decadePx * (760 / plot.width), grab.y, { steps: 5 });
    const tip = await page.getByTestId("drag-tip").textContent();
    assert(tip.includes("6 A"), `the tooltip shows the snapped tap: ${tip}`);
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector('[data-testid=relay-settings] select[id$="ocr-tap-a"]')?.value === "6");
    await waitSaved(page);
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    assert(stored.body.content.devices.find((d) => d.id === "VCB2").ocr.tap_a === 6, "the dragged tap is saved (6 A)");
    await page.getByTestId("relay-settings").getByLabel("限時タップ").selectOption("4");
    await waitSaved(page);
    await page.locator("#ref-voltage").selectOption("210");
    assert((await page.getByTestId("tcc").textContent()).includes("210 V 換算"), "the current axis is referred to 210 V");
    await page.locator("#ref-voltage").selectOption("6600");
    await page.locator(".legend label", { hasText: "PF1" }).locator("input").uncheck();
    assert((await page.locator('[data-testid=tcc] [data-curve="PF1"]').count()) === 0, "PF1 hidden");
    await page.locator(".legend label", { hasText: "PF1" }).locator("input").check();
    assert((await page.locator('[data-testid=tcc] [data-curve="PF1"]').count()) > 0, "PF1 shown again");
    await page.getByTestId("tab-diagram").click();
  });

  await steps.run("pick a relay curve from the library picker: GET /library's relays, searchable; the choice fills the curve and library_ref in one undo step", async () => {
    await page.getByTestId("tab-diagram").click();
    await dev(page, "VCB2").click();
    const panel = page.getByTestId("device-panel");
    const picker = panel.getByTestId("library-picker");
    const lib = (await apiCall(page, "GET", "/library")).body;
    const list = picker.getByTestId("library-item");
    await list.locator("option").nth(1).waitFor();
    assert((await list.locator("option").count()) === lib.relays.length + 1, `every relay curve of the library, and "none" (${lib.relays.length} + 1)`);
    await picker.getByLabel("ライブラリを検索").fill("強反限時");
    const vi = lib.relays.filter((r) => r.name_ja.includes("強反限時")).map((r) => r.id);
    await until(async () => (await list.locator("option").count()) === vi.length + 1, `the search keeps the ${vi.length} very-inverse curves`);
    const shown = await list.locator("option").evaluateAll((o) => o.map((x) => x.value).filter(Boolean));
    assert(shown.join() === vi.join(), `the search shows ${vi.join()}, got ${shown.join()}`);
    const text = await list.locator('option[value="ocr.jis.vi"]').textContent();
    assert(text.includes("汎用品") && text.includes("強反限時 OCR") && text.includes("3–6 A"), `maker, model and rating shown: ${text}`);
    await list.selectOption("ocr.jis.vi");
    assert((await panel.getByLabel("特性", { exact: true }).inputValue()) === "vi", "the curve field is filled: VI");
    assert((await picker.getByTestId("library-current").textContent()).includes("強反限時 OCR"), "the chosen item is named");
    await waitSaved(page);
    let stored = await apiCall(page, "GET", `/projects/${builtId}`);
    let ocr = stored.body.content.devices.find((d) => d.id === "VCB2").ocr;
    assert(ocr.library_ref === "ocr.jis.vi" && ocr.curve === "vi", `stored: ${JSON.stringify(ocr)}`);
    // The instantaneous taps offered are the library's 10–60 A (5 A relay).
    const inst = await panel.getByLabel("瞬時タップ").locator("option").evaluateAll((o) => o.map((x) => x.value).filter((v) => v !== "locked").map(Number));
    assert(Math.min(...inst) === 10 && Math.max(...inst) === 60, `instantaneous steps from the library: ${inst.join(" ")}`);
    await screenshot(page, "library-picker");
    await accessible(page, "library-picker");
    await page.getByTestId("undo").click();
    await waitSaved(page);
    stored = await apiCall(page, "GET", `/projects/${builtId}`);
    ocr = stored.body.content.devices.find((d) => d.id === "VCB2").ocr;
    assert(ocr.library_ref === undefined && ocr.curve === "ei", `one undo takes the curve and the reference back: ${JSON.stringify(ocr)}`);
  });

  await steps.run("place a fault on an LV bus: the LV breaker operates first, the relays above are backup, at the times the analysis's curves give (±1 %)", async () => {
    await page.getByTestId("tab-diagram").click();
    await dev(page, "B6").click();
    await page.locator("#fault-case").selectOption("max");
    await page.getByTestId("place-fault").click();
    await page.getByTestId("tcc").waitFor();
    const list = page.getByTestId("fault-sequence");
    await list.locator("li").first().waitFor();
    const rows = () =>
      list.locator("li").evaluateAll((li) => li.map((x) => ({ device: x.dataset.device, order: x.dataset.order, time: Number(x.dataset.timeS), text: x.textContent, shown: x.querySelector(".seq-time").textContent })));
    const max = await rows();
    assert(max[0].device === "MCCB1" && max[0].order === "first" && max[0].text.includes("最初に動作"), `MCCB1 operates first: ${JSON.stringify(max[0])}`);
    assert(max.length >= 3 && max.slice(1).every((r) => r.order === "backup" && r.text.includes("後備")), `the rest are backup: ${max.map((r) => r.device).join(" ")}`);
    assert(["VCB1", "VCB2"].every((id) => max.some((r) => r.device === id)), `the transformer's VCB2 and the main VCB1 back MCCB1 up: ${max.map((r) => r.device).join(" ")}`);
    // The same times read from the analysis: B6's IEC 60909 maximum, referred to 6.6 kV by
    // the transformer's ratio, on the upper edge of each device's band.
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    const analysis = (await apiCall(page, "POST", "/analysis", stored.body.content)).body;
    const check = (kase, shown) => {
      const bus = analysis.short_circuit.buses.find((b) => b.bus_id === "B6");
      const atChart = bus[kase === "max" ? "iec_max" : "iec_min"].ik_ka * 1000 * bus.ratio_to_utility * (6600 / analysis.chart.voltage_v);
      const expected = shown.map((r) => {
        const c = analysis.chart.curves.find((x) => x.device_id === r.device && ["ocr", "fuse", "lv_breaker", "utility_ocr"].includes(x.role));
        const upper = c.lines.find((l) => l.line === "max" || l.line === "clearing");
        return { device: r.device, time: timeOnLine(upper.points, atChart) };
      });
      for (const [k, r] of shown.entries()) {
        const e = expected[k].time;
        assert(Math.abs(r.time - e) <= 0.01 * e, `${kase} ${r.device}: ${r.time} s shown, ${e} s from the analysis (±1 %)`);
        const typed = Number(/^([0-9.]+) 秒$/.exec(r.shown)?.[1]);
        assert(Math.abs(typed - e) <= 0.01 * e, `${kase} ${r.device}: "${typed} 秒" on screen, ${e} s from the analysis (±1 %)`);
      }
      const sorted = [...expected].sort((a, b) => a.time - b.time).map((x) => x.time);
      assert(sorted.join() === expected.map((x) => x.time).join(), `${kase}: listed in the order they clear`);
    };
    check("max", max);
    // Markers of the maximum and minimum fault at the buses of the path down to B6.
    const markers = await page.$$eval("[data-testid=tcc] [data-fault-marker]", (g) => g.map((x) => `${x.dataset.faultMarker}:${x.dataset.buses}`));
    assert(markers.some((m) => m.startsWith("max:") && m.includes("B6")) && markers.some((m) => m.startsWith("min:") && m.includes("B6")), `max and min markers at B6: ${markers.join(", ")}`);
    assert(markers.some((m) => m.includes("SP")), `and at the buses above it: ${markers.join(", ")}`);
    // Step through: the marker walks to MCCB1's operating point, and the list says so.
    await page.getByTestId("replay-next").click();
    assert((await list.locator("li").first().getAttribute("aria-current")) === "step", "the first step is current");
    const atPoint = () =>
      page.evaluate(() => {
        const m = document.querySelector("[data-testid=replay-marker]")?.getBoundingClientRect();
        const p = document.querySelector("[data-testid=tcc] .op-point.active circle")?.getBoundingClientRect();
        return !!m && !!p && Math.abs(m.y + m.height / 2 - (p.y + p.height / 2)) < 1.5;
      });
    await until(atPoint, "the marker reaches MCCB1's operating point");
    await screenshot(page, "fault-replay");
    await accessible(page, "fault-replay");
    // With reduced motion the marker jumps to the next point at once.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.getByTestId("replay-next").click();
    assert(await atPoint(), "with prefers-reduced-motion the marker is on the next point without walking");
    await page.emulateMedia({ reducedMotion: "no-preference" });
    // The minimum case: a smaller current, MCCB1 still first.
    await page.locator("#fault-case-an").selectOption("min");
    await until(async () => (await rows()).some((r, k) => r.time !== max[k]?.time), "the minimum case is listed");
    const min = await rows();
    assert(min[0].device === "MCCB1", `MCCB1 first at the minimum fault too: ${min.map((r) => r.device).join(" ")}`);
    check("min", min);
    await page.getByTestId("tab-diagram").click();
  });

  await steps.run("a value the server refuses (422) is shown on its field, and the edit is kept", async () => {
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    const l1 = stored.body.content.devices.findIndex((d) => d.id === "L1");
    await page.getByTestId("tab-diagram").click();
    await dev(page, "L1").click();
    const field = page.locator(`[data-pointer="/devices/${l1}/rated_kva"]`);
    await field.locator("input").fill("-5");
    await page.waitForSelector("[data-testid=save-state][data-state=invalid]", { timeout: 15_000 });
    const message = await field.locator(".field-error").textContent();
    assert(message && message.length > 0, "the field the pointer names carries the server's message");
    assert((await field.locator("input").inputValue()) === "-5", "the refused value stays in the field");
    assert((await field.locator("input").getAttribute("aria-invalid")) === "true", "the field is marked invalid");
    const after = await apiCall(page, "GET", `/projects/${builtId}`);
    assert(after.body.version === stored.body.version, "nothing was written");
    await page.getByTestId("back").click();
    await page.waitForTimeout(300);
    assert((await page.getByTestId("sld").count()) === 1, "leaving is refused while the refused edit is not resolved");
    assert((await field.locator("input").inputValue()) === "-5", "the edit is still there");
    await screenshot(page, "validation-422");
    await accessible(page, "validation-422");
    // Full-width digits and unit, as typed with a Japanese IME, are read as 120 kVA.
    await field.locator("input").fill("１２０ｋＶＡ");
    await waitSaved(page);
    const fixed = await apiCall(page, "GET", `/projects/${builtId}`);
    assert(fixed.body.content.devices[l1].rated_kva === 120, `"１２０ｋＶＡ" saved as 120 kVA, got ${fixed.body.content.devices[l1].rated_kva}`);
  });

  await steps.run("a concurrent edit from a second browser gets the conflict dialog and loses nothing", async () => {
    const ctx2 = await browser.newContext(contextOptions);
    const other = await ctx2.newPage();
    try {
      await signInWithMfa(other);
      await other.goto(`/#/p/${builtId}`);
      await other.getByTestId("sld").waitFor();
      await dev(other, "L2").click();
      await other.getByLabel("定格容量").fill("150");
      await waitSaved(other);
      // The first browser still holds the previous version and renames L1.
      await dev(page, "L1").click();
      await page.getByLabel("名称").fill("照明負荷");
      const dialog = page.getByTestId("conflict");
      await dialog.waitFor({ timeout: 15_000 });
      const text = await dialog.textContent();
      assert(text.includes("照明負荷"), "the dialog shows my change");
      assert(text.includes("150"), "the dialog shows the other browser's change");
      await screenshot(page, "conflict");
      await accessible(page, "conflict");
      await page.getByTestId("conflict-keep-mine").click();
      await waitSaved(page);
      const stored = await apiCall(page, "GET", `/projects/${builtId}`);
      const l1 = stored.body.content.devices.find((d) => d.id === "L1");
      assert(l1.name === "照明負荷", "my edit is stored after choosing to keep it");
      assert((await page.getByLabel("名称").inputValue()) === "照明負荷", "and is still on screen");
    } finally {
      await ctx2.close();
    }
  });

  await steps.run("export the single-line diagram as PDF and the check results as Shift_JIS CSV, and download them", async () => {
    await page.getByTestId("tab-exports").click();
    await page.getByLabel("単線結線図").check();
    await page.locator("#export-format").selectOption("pdf");
    await page.getByTestId("export-run").click();
    const link = page.getByTestId("export-link");
    await link.waitFor({ timeout: 60_000 });
    await screenshot(page, "export");
    await accessible(page, "export");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    assert(bytes.subarray(0, 5).toString("latin1") === "%PDF-", `the download is a PDF (starts with ${JSON.stringify(bytes.subarray(0, 5).toString("latin1"))})`);
    assert(bytes.length > 1000, `the PDF has content (${bytes.length} bytes)`);
    // The check results as a Shift_JIS CSV.
    await page.getByLabel("帳票（CSV）").check();
    await page.locator("#export-report").selectOption("checks");
    await page.locator("#export-encoding").selectOption("cp932");
    await page.getByTestId("export-run").click();
    await page.getByTestId("export-link").filter({ hasText: ".csv" }).waitFor({ timeout: 60_000 });
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-link").click()]);
    const text = new TextDecoder("shift_jis").decode(fs.readFileSync(await csv.path()));
    assert(text.includes("不合格") || text.includes("合格"), `the CSV reads as Shift_JIS with Japanese results: ${text.slice(0, 80)}`);
  });

  await steps.run("projects: search, copy, rename and delete with confirmation", async () => {
    await page.goto("/#/");
    await page.getByTestId("project-table").waitFor();
    const names = () => page.$$eval("[data-testid=project-table] tbody tr td:first-child a", (a) => a.map((x) => x.textContent));
    assert((await names()).length === 2, "two projects listed");
    await page.getByLabel("検索").fill("ｸﾘｯｸ"); // half-width katakana, NFKC-equal to クリック
    assert((await names()).join() === "クリックで作る受電設備", `search finds the built project: ${await names()}`);
    await page.getByLabel("検索").fill("");
    const row = page.locator("[data-testid=project-table] tbody tr", { hasText: "クリックで作る受電設備" });
    await row.getByRole("button", { name: "コピー" }).click();
    await page.locator("[data-testid=project-table] a", { hasText: "クリックで作る受電設備 のコピー" }).waitFor();
    const copy = page.locator("[data-testid=project-table] tbody tr", { hasText: "のコピー" });
    await copy.getByRole("button", { name: "名前を変更" }).click();
    await page.getByTestId("rename-project").getByLabel("プロジェクト名").fill("改修案");
    await page.getByTestId("rename-project").getByRole("button", { name: "保存" }).click();
    await page.locator("[data-testid=project-table] a", { hasText: "改修案" }).waitFor();
    await page.locator("#project-sort").selectOption("name");
    await screenshot(page, "projects");
    await accessible(page, "projects");
    const renamed = page.locator("[data-testid=project-table] tbody tr", { hasText: "改修案" });
    await renamed.getByRole("button", { name: "削除" }).click();
    await page.getByTestId("confirm-delete").waitFor();
    await screenshot(page, "confirm-delete");
    await page.getByTestId("confirm-delete").getByRole("button", { name: "削除" }).click();
    await page.locator("[data-testid=project-table] a", { hasText: "改修案" }).waitFor({ state: "detached" });
    assert((await names()).length === 2, "back to two projects");
  });

  await steps.run("the CB sample's station equipment: meters and earthing listed beside the diagram; the main VCB's CT overcurrent constant lowered until its check fails, explained in Japanese, raised back to pass; an LA added to a bus by clicking", async () => {
    await page.goto("/#/");
    await page.getByRole("button", { name: "新規作成" }).click();
    await page.getByLabel(/\(cb_multi\)/).check();
    await page.getByRole("button", { name: "作成", exact: true }).click();
    await page.getByTestId("sld").waitFor();
    const cbId = /#\/p\/([a-z0-9_-]+)/.exec(page.url())[1];
    const panel = page.getByTestId("device-panel");
    const listed = async () => page.$$eval("[data-testid=undrawn-item]", (b) => b.map((x) => x.dataset.id));
    // Meters and earthing hang on no bus: whatever the drawing leaves out is listed beside it,
    // so that every device can be selected, from the drawing or from the list.
    const sample = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/cb_multi.json"), "utf8"));
    const missing = (drawn) => sample.devices.map((d) => d.id).filter((id) => !drawn.includes(id));
    await until(async () => {
      const list = await listed();
      return missing(await drawnIds(page)).every((id) => list.includes(id));
    }, "every device of the sample is drawn or listed beside the drawing");
    const select = async (id) => {
      if ((await drawnIds(page)).includes(id)) {
        await dev(page, id).focus();
        await page.keyboard.press("Enter");
      } else await page.locator(`[data-testid=undrawn-item][data-id="${id}"]`).click();
      await panel.getByRole("heading", { name: new RegExp(`${id}$`) }).waitFor();
    };
    await select("EA");
    assert(await panel.getByRole("checkbox", { name: /^LA1/ }).isChecked(), "the class A earthing bonds the arrester LA1");
    await select("AM");
    assert((await panel.getByLabel("電流回路の変成器（VCT・VCB の CT）").inputValue()) === "VCB_MAIN", "the ammeter hangs on the main VCB's CT");
    // The main VCB's CT: 150/5 A, 40 VA, S_ct 2.5 VA, relays 2 VA + ammeter 0.5 VA: n' = n × 42.5 / 5.
    // The largest fault at VCB_MAIN is 11 573.6 A = 77.16 × 150 A: n>10 gives 85 (pass), n>5 42.5 (fail).
    await dev(page, "VCB_MAIN").click();
    await panel.getByRole("heading", { name: /VCB_MAIN$/ }).waitFor();
    const n = panel.getByTestId("section-ct").getByLabel("過電流定数 n");
    assert((await n.inputValue()) === "10", `the CT section shows n>10: ${await n.inputValue()}`);
    const stepsBelow = (await n.locator("option").evaluateAll((o) => o.map((x) => Number(x.value)))).filter((v) => v < 10).sort((a, b) => b - a);
    const ctCheck = async () => {
      const stored = await apiCall(page, "GET", `/projects/${cbId}`);
      const a = (await apiCall(page, "POST", "/analysis", stored.body.content)).body;
      return a.checks.find((c) => c.rule === "ct_overcurrent_constant" && c.devices[0] === "VCB_MAIN");
    };
    assert((await ctCheck())?.status === "pass", "the sample's CT passes at n>10");
    let lowered = null;
    for (const v of stepsBelow) {
      await n.selectOption(String(v));
      await waitSaved(page);
      if ((await ctCheck())?.status === "fail") {
        lowered = v;
        break;
      }
    }
    assert(lowered === 5, `lowering n makes ct_overcurrent_constant fail at n>5 (steps tried ${stepsBelow.join(" ")}), got ${lowered}`);
    const row = async () => (await checkRows(page)).find((r) => r.rule === "ct_overcurrent_constant" && r.devices.startsWith("VCB_MAIN"));
    await page.getByTestId("tab-analysis").click();
    await page.getByTestId("checks").waitFor();
    await until(async () => (await row())?.status === "fail", "the checks table shows ct_overcurrent_constant failing");
    const failing = page.locator('[data-rule="ct_overcurrent_constant"][data-status="fail"]').first();
    assert((await failing.locator("td").nth(1).textContent()).includes("CT 過電流定数"), "the rule is named in Japanese");
    const why = await failing.locator("td:last-child").textContent();
    assert(why.includes("n>5") && why.includes("過電流定数不足"), `the failure is explained in Japanese: ${why}`);
    await screenshot(page, "ct-overcurrent-constant-fail");
    await accessible(page, "ct-overcurrent-constant-fail");
    await page.getByTestId("tab-diagram").click();
    await dev(page, "VCB_MAIN").click();
    await panel.getByTestId("section-ct").getByLabel("過電流定数 n").selectOption("10");
    await waitSaved(page);
    assert((await ctCheck())?.status === "pass", "n>10 again: the check passes");
    await page.getByTestId("tab-analysis").click();
    await until(async () => (await row())?.status === "pass", "the checks table shows ct_overcurrent_constant passing again");
    await page.getByTestId("tab-diagram").click();
    // An arrester on the 6.6 kV bus HV, by clicking: 8.4 kV, 2.5 kA.
    await dev(page, "HV").click();
    await panel.getByRole("heading", { name: /HV$/ }).waitFor();
    await page.locator("#shunt-type").selectOption("la");
    await page.getByTestId("add-shunt").click();
    await panel.getByRole("heading", { name: /LA2$/ }).waitFor();
    await waitSaved(page);
    const stored = await apiCall(page, "GET", `/projects/${cbId}`);
    const la = stored.body.content.devices.find((d) => d.id === "LA2");
    assert(la?.type === "la" && la.bus === "HV" && la.rated_voltage_v === 8400 && la.nominal_discharge_current_ka === 2.5, `LA2 stored on HV at 8.4 kV 2.5 kA: ${JSON.stringify(la)}`);
    await until(async () => (await drawnIds(page)).includes("LA2") || (await listed()).includes("LA2"), "LA2 is drawn or listed");
    await screenshot(page, "station-equipment");
    await accessible(page, "station-equipment");
  });

  await steps.run("the English switch translates the screens", async () => {
    await page.goto("/#/");
    await page.locator("#lang").selectOption("en");
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await screenshot(page, "projects-en");
    await accessible(page, "projects-en");
    await page.locator("#lang").selectOption("ja");
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  });

  await adminSteps({ steps, page, browser, contextOptions, screenshot, accessible, apiCall, until, dataDir: kyocho.dataDir });

  await deskSteps({ steps, page, browser, contextOptions, screenshot, accessible, apiCall, until, kyochoBin, dataDir: kyocho.dataDir, apiBase: kyocho.base });

  await steps.run("set up an authenticator app from its QR code, then sign in with an authenticator code", async () => {
    await page.getByRole("button", { name: "アカウント" }).click();
    const dialog = page.getByTestId("account");
    assert(await dialog.getByRole("button", { name: "認証アプリを設定する" }).isDisabled(), "set-up waits for the current password");
    await dialog.getByLabel("現在のパスワード（設定変更の確認）").fill(NEW_PASSWORD);
    await dialog.getByRole("button", { name: "認証アプリを設定する" }).click();
    await dialog.getByTestId("totp-qr").waitFor();
    const modules = await dialog.getByTestId("totp-qr").locator("path").getAttribute("d");
    assert(modules && modules.length > 500, "the QR code is drawn");
    const secret = (await dialog.locator("code").textContent()).trim();
    await screenshot(page, "totp-setup");
    await accessible(page, "totp-setup");
    await dialog.getByLabel("確認コード（6桁）").fill(await totp(secret));
    await dialog.getByRole("button", { name: "確認", exact: true }).click();
    await dialog.getByText("認証アプリを設定しました。").waitFor();
    await dialog.getByRole("button", { name: "閉じる" }).click();
    await page.getByTestId("sign-out").click();
    await page.getByLabel("パスワード", { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "サインイン", exact: true }).click();
    await page.getByRole("heading", { name: "認証アプリに表示されているコードを入力してください" }).waitFor();
    // The previous window's code was used for the set-up; wait for a fresh one.
    const now = Date.now() / 1000;
    await page.waitForTimeout((30 - (now % 30)) * 1000 + 200);
    await page.getByLabel("確認コード（6桁）").fill(await totp(secret));
    await page.getByRole("button", { name: "確認", exact: true }).click();
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  });

  await steps.run("forgotten password: a code by e-mail, a new password with the policy shown, then sign-in", async () => {
    execFileSync(kyochoBin, ["user", "add", "--data-dir", kyocho.dataDir, "--tenant", "demo", "--email", "designer@demo.example", "--role", "designer"], {
      env: { ...process.env, KYOCHO_USER_PASSWORD: "Designer-2026!" },
      stdio: "ignore",
    });
    const ctx = await browser.newContext(contextOptions);
    const p = await ctx.newPage();
    try {
      await p.goto("/");
      await p.getByRole("button", { name: "パスワードを忘れた場合" }).click();
      await p.getByLabel("会社ID").fill("demo");
      await p.getByLabel("メールアドレス").fill("designer@demo.example");
      const since = Date.now() - 1000;
      await p.getByRole("button", { name: "コードを送信" }).click();
      await p.getByRole("heading", { name: "パスワードを再設定" }).waitFor();
      await p.getByLabel("確認コード（6桁）").fill(await waitForCode(kyocho.dataDir, "designer@demo.example", since));
      await p.getByLabel("新しいパスワード", { exact: true }).fill("Reset-Designer-1");
      assert((await p.$$eval("[data-testid=password-policy] li.unmet", (l) => l.length)) === 0, "the new password meets every rule");
      await p.getByRole("button", { name: "パスワードを再設定" }).click();
      await p.getByText("パスワードを再設定しました。").waitFor();
      await p.getByLabel("パスワード", { exact: true }).fill("Reset-Designer-1");
      await p.getByRole("button", { name: "サインイン", exact: true }).click();
      await p.getByRole("heading", { name: "プロジェクト" }).waitFor();
      // A designer holds no administration permission: no entry in the header, and the
      // address itself says so.
      await p.goto("/#/admin");
      await p.getByText("管理画面を使う権限がありません。").waitFor();
      assert((await p.getByTestId("admin-link").count()) === 0, "no administration entry for a designer");
    } finally {
      await ctx.close();
    }
  });

  await steps.run("lockout after repeated wrong passwords is explained in plain Japanese", async () => {
    const ctx = await browser.newContext(contextOptions);
    const p = await ctx.newPage();
    try {
      await p.goto("/");
      await p.getByLabel("会社ID").fill("demo");
      await p.getByLabel("メールアドレス").fill("designer@demo.example");
      // A refusal never says whether the account exists or is locked (no enumeration); the
      // message explains in plain Japanese that repeated failures lock the account and that a
      // password reset unlocks it.
      let message = "";
      for (let i = 0; i < 6; i++) {
        await p.getByLabel("パスワード", { exact: true }).fill(`Wrong-${i}!`);
        await Promise.all([p.waitForResponse((r) => r.url().endsWith("/auth/sign-in")), p.getByRole("button", { name: "サインイン", exact: true }).click()]);
        await p.getByRole("button", { name: "サインイン", exact: true }).waitFor(); // the answer is on screen
        message = await p.getByTestId("signin-error").textContent();
      }
      assert(message.includes("ロック") && message.includes("再設定"), `lockout and the way out are explained: ${message}`);
      await screenshot(p, "locked");
      await accessible(p, "locked");
    } finally {
      await ctx.close();
    }
  });

  await steps.run("a sign-in from outside the company's IP allow-list is explained in plain Japanese", async () => {
    const r = await apiCall(page, "PUT", "/admin/settings", { ip_allow_list: ["192.0.2.0/24"], mfa_required: false, confirm_lockout: true });
    assert(r.status === 200, `allow-list saved: ${r.status} ${JSON.stringify(r.body)}`);
    const ctx = await browser.newContext(contextOptions);
    const p = await ctx.newPage();
    try {
      await p.goto("/");
      await p.getByLabel("会社ID").fill("demo");
      await p.getByLabel("メールアドレス").fill(EMAIL);
      await p.getByLabel("パスワード", { exact: true }).fill(NEW_PASSWORD);
      await p.getByRole("button", { name: "サインイン", exact: true }).click();
      const message = await p.getByTestId("signin-error").textContent();
      assert(message.includes("IPアドレス"), `the refusal names the address rule: ${message}`);
      await screenshot(p, "ip-refused");
    } finally {
      await ctx.close();
    }
  });
  await steps.run("every API response the client received matches its schema in infra/openapi.yaml; no CSP violation", async () => {
    await page.waitForTimeout(300); // bodies still being read
    assert(contract.seen.length > 30, `the client's responses were recorded (${contract.seen.length})`);
    const csp = consoleErrors.filter((m) => /Content[ -]Security[ -]Policy/i.test(m));
    assert(csp.length === 0, `the client runs under the served Content-Security-Policy: ${csp.slice(0, 3).join(" | ")}`);
    const failures = [...new Set(contract.failures)];
    assert(failures.length === 0, `${failures.length} response(s) do not match:\n       ${failures.slice(0, 15).join("\n       ")}`);
  });
} catch (e) {
  steps.failed++;
  console.log(`  FAIL ${e.message}`);
} finally {
  if (consoleErrors.length) console.log(`  browser console errors:\n    ${consoleErrors.slice(0, 10).join("\n    ")}`);
  await browser.close();
  client.stop();
  kyocho.stop();
}

console.log(`e2e: ${steps.passed} passed, ${steps.failed} failed${steps.skipped ? `, ${steps.skipped} skipped` : ""}; screenshots in ${path.relative(root, shotsDir) || shotsDir}`);
process.exit(steps.failed ? 1 : 0);
