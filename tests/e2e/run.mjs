// End-to-end tests of the web client against `kyocho serve` in headless Chromium.
//
//   node tests/e2e/run.mjs [--kyocho PATH]
//
// Needs the client built (`npm --prefix web run build`) and the kyocho binary. Screenshots of
// every main screen go to target/e2e-screenshots/. Prints one summary line and exits non-zero
// when any step fails.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Contract } from "./contract.mjs";
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
const steps = new Steps();
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
  });
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
    const expected = sample.devices.filter((d) => d.type !== "bus").length;
    const boxes = await page.$$eval("[data-testid=sld] g.device", (g) => g.length);
    assert(boxes === expected, `every non-bus device of the sample is drawn: ${expected} expected, ${boxes} drawn`);
    await page.locator('[data-testid=sld] [data-device="VCB_TR1"]').click();
    await page.getByTestId("device-panel").getByRole("heading", { name: /VCB_TR1/ }).waitFor();
    await screenshot(page, "workspace-sample");
    await accessible(page, "workspace-sample");
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
      await page.locator(`[data-testid=sld] [data-device="${bus}"]`).click();
      await page.locator("#series-type").selectOption(type);
      await page.getByTestId("add-branch").click();
    };
    const load = async (bus) => {
      await page.locator(`[data-testid=sld] [data-device="${bus}"]`).click();
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
    const drawn = await page.$$eval("[data-testid=sld] g.device", (g) => g.map((x) => x.dataset.device).sort());
    assert(drawn.join(" ") === "C1 L1 L2 MCCB1 PAS1 PF1 TR1 TR2 VCB1 VCB2", `ten devices drawn: ${drawn.join(" ")}`);
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    const kinds = stored.body.content.devices.filter((d) => d.type !== "bus").length;
    assert(kinds === 10, `the stored project holds the ten devices (${kinds})`);
    await page.locator('[data-testid=sld] [data-device="VCB2"]').click();
    await screenshot(page, "diagram-built");
    await accessible(page, "diagram-built");
  });

  await steps.run("swap, undo and redo; Ctrl+Z never fires during IME composition", async () => {
    await page.locator('[data-testid=sld] [data-device="B8"]').click();
    await page.getByTestId("add-shunt").click();
    assert((await page.locator('[data-testid=sld] [data-device="L3"]').count()) === 1, "L3 added");
    const ctrlZ = (composing) =>
      page.evaluate((c) => document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, isComposing: c, bubbles: true })), composing);
    await ctrlZ(true);
    assert((await page.locator('[data-testid=sld] [data-device="L3"]').count()) === 1, "Ctrl+Z during IME composition does nothing");
    await ctrlZ(false);
    assert((await page.locator('[data-testid=sld] [data-device="L3"]').count()) === 0, "Ctrl+Z undoes: L3 removed");
    await page.getByTestId("redo").click();
    await page.getByTestId("undo").click();
    assert((await page.locator('[data-testid=sld] [data-device="L3"]').count()) === 0, "undo removes L3");
    await page.getByTestId("redo").click();
    assert((await page.locator('[data-testid=sld] [data-device="L3"]').count()) === 1, "redo brings L3 back");
    await page.getByTestId("undo").click();
    // Swap the cable with the breaker below it, then undo.
    const y = async (id) => (await page.locator(`[data-testid=sld] [data-device="${id}"]`).boundingBox()).y;
    await page.locator('[data-testid=sld] [data-device="C1"]').click();
    await page.getByTestId("swap-below").click();
    assert((await y("VCB1")) < (await y("C1")), "after the swap VCB1 is drawn above C1");
    await page.getByTestId("undo").click();
    assert((await y("C1")) < (await y("VCB1")), "undo puts C1 back above VCB1");
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

  await steps.run("a value the server refuses (422) is shown on its field, and the edit is kept", async () => {
    const stored = await apiCall(page, "GET", `/projects/${builtId}`);
    const l1 = stored.body.content.devices.findIndex((d) => d.id === "L1");
    await page.getByTestId("tab-diagram").click();
    await page.locator('[data-testid=sld] [data-device="L1"]').click();
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
      await other.locator('[data-testid=sld] [data-device="L2"]').click();
      await other.getByLabel("定格容量").fill("150");
      await waitSaved(other);
      // The first browser still holds the previous version and renames L1.
      await page.locator('[data-testid=sld] [data-device="L1"]').click();
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

  await steps.run("the English switch translates the screens", async () => {
    await page.goto("/#/");
    await page.locator("#lang").selectOption("en");
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await screenshot(page, "projects-en");
    await accessible(page, "projects-en");
    await page.locator("#lang").selectOption("ja");
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  });

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

console.log(`e2e: ${steps.passed} passed, ${steps.failed} failed; screenshots in ${path.relative(root, shotsDir) || shotsDir}`);
process.exit(steps.failed ? 1 : 0);
