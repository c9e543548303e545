// End-to-end steps of the administration screens (`#/admin`), run by run.mjs with the
// signed-in demo administrator's page: invite a user and narrow their permissions, the last
// administrator protected, an IP allow-list that must keep the administrator's own address
// (127.0.0.1 here), the audit log read, filtered, verified and downloaded as CSV.

import fs from "node:fs";
import { assert, outbox } from "./harness.mjs";

const INVITED = "sato@demo.example";

/** A second browser with the same session, its responses not held to the contract (to see answers the document does not declare, or to alter one). */
async function sameSession(browser, contextOptions, page) {
  const session = await page.evaluate(() => sessionStorage.getItem("kyocho.session"));
  const ctx = await browser.newContext(contextOptions);
  await ctx.addInitScript((s) => sessionStorage.setItem("kyocho.session", s), session);
  return { ctx, p: await ctx.newPage() };
}

export async function adminSteps({ steps, page, browser, contextOptions, screenshot, accessible, apiCall, until, dataDir }) {
  let invitedId = null;

  await steps.run("administration: invite a user (field errors shown beside the fields), narrow their permissions; the last administrator cannot be disabled", async () => {
    await page.goto("/#/");
    await page.getByTestId("admin-link").click();
    await page.getByRole("heading", { name: "管理", exact: true }).waitFor();
    await page.getByRole("tab", { name: "ユーザー" }).waitFor();
    const admin = page.locator('[data-testid=users-table] tr[data-user="admin@demo.example"]');
    await admin.waitFor();
    // Keyboard: the tabs follow the arrow keys.
    await page.getByRole("tab", { name: "ユーザー" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("heading", { name: "会社の設定" }).waitFor();
    assert((await page.evaluate(() => document.activeElement?.id)) === "admin-tab-settings", "the focus follows the selected tab");
    await page.keyboard.press("ArrowLeft");
    await admin.waitFor();
    await screenshot(page, "admin-users");
    await accessible(page, "admin-users");

    await page.getByRole("button", { name: "ユーザーを招待" }).click();
    const dialog = page.getByTestId("invite-dialog");
    await dialog.getByLabel("メールアドレス").fill("sato-at-demo");
    await dialog.getByRole("button", { name: "招待する" }).click();
    await dialog.locator("#invite-email-error").waitFor();
    const emailError = await dialog.locator("#invite-email-error").textContent();
    const nameError = await dialog.locator("#invite-name-error").textContent();
    assert(/e-mail|メール/.test(emailError) && (await dialog.getByLabel("メールアドレス").getAttribute("aria-invalid")) === "true", `the e-mail address is refused beside its field: ${emailError}`);
    assert(nameError.length > 0, "an empty name is refused beside its field");
    await screenshot(page, "admin-invite-errors");
    await accessible(page, "admin-invite-errors");
    await dialog.getByLabel("名前").fill("佐藤 花子");
    await dialog.getByLabel("メールアドレス").fill(INVITED);
    await dialog.getByLabel("役割").selectOption("designer");
    const boxes = await dialog.getByTestId("permission-boxes").getByRole("checkbox").count();
    assert(boxes === 4, `a designer's four permissions are offered (${boxes})`);
    await dialog.getByRole("button", { name: "招待する" }).click();
    await page.getByTestId("users-notice").filter({ hasText: "招待しました" }).waitFor();
    const row = page.locator(`[data-testid=users-table] tr[data-user="${INVITED}"]`);
    await row.waitFor();
    assert(outbox(dataDir).some((m) => m.to === INVITED), "the invitation (temporary password) went to the invited address");
    invitedId = (await apiCall(page, "GET", "/admin/users")).body.items.find((u) => u.email === INVITED).id;

    await row.getByRole("button", { name: "権限を変更" }).click();
    const access = page.getByTestId("access-dialog");
    await access.getByLabel("プロジェクトの削除").uncheck();
    await access.getByLabel("図面・帳票の出力").uncheck();
    await access.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("users-notice").filter({ hasText: "役割と権限を変更しました" }).waitFor();
    const stored = (await apiCall(page, "GET", `/admin/users/${invitedId}`)).body;
    assert(stored.narrowed && stored.permissions.join(",") === "project_read,project_write", `narrowed to read and write: ${stored.permissions}`);
    await until(async () => (await row.textContent()).includes("4 件中 2 件"), "the row shows 2 of the designer's 4 permissions");

    // The only full administrator disabling themselves: refused (409) and said in words.
    const { ctx, p } = await sameSession(browser, contextOptions, page);
    try {
      await p.goto("/#/admin/users");
      const self = p.locator('[data-testid=users-table] tr[data-user="admin@demo.example"]');
      await self.getByRole("button", { name: "無効にする" }).click();
      await p.getByTestId("confirm-disable").getByRole("button", { name: "無効にする" }).click();
      const refusal = await self.getByTestId("row-error").textContent();
      assert(refusal.includes("最後の管理者"), `the last administrator is explained: ${refusal}`);
      assert((await self.getAttribute("data-status")) === "active", "and stays active");
      await screenshot(p, "admin-last-admin");
    } finally {
      await ctx.close();
    }
  });

  await steps.run("administration: an IP allow-list without the administrator's own address (127.0.0.1) is refused; one with it is saved", async () => {
    await page.getByRole("tab", { name: "会社の設定" }).click();
    const list = page.getByLabel(/IP 許可リスト/);
    await list.waitFor();
    const you = await page.getByTestId("your-ip").textContent();
    assert(you.includes("127.0.0.1"), `the caller's own address is shown: ${you}`);
    let puts = 0;
    const count = (r) => r.method() === "PUT" && r.url().endsWith("/admin/settings") && puts++;
    page.on("request", count);
    try {
      await list.fill("192.0.2.0/24\n10.0.0.300/24");
      await page.getByRole("button", { name: "設定を保存" }).click();
      const lineError = await page.getByTestId("ip-errors").textContent();
      assert(lineError.includes("2 行目") && lineError.includes("10.0.0.300/24"), `the line that is no network is named: ${lineError}`);
      await list.fill("192.0.2.0/24");
      assert((await page.getByTestId("ip-verdict").getAttribute("data-admits")) === "false", "the list is seen to exclude 127.0.0.1 as it is typed");
      await page.getByRole("button", { name: "設定を保存" }).click();
      const refusal = await page.getByTestId("settings-message").textContent();
      assert(refusal.includes("127.0.0.1") && refusal.includes("保存できません"), `saving is refused, naming the address: ${refusal}`);
      await screenshot(page, "admin-settings-refused");
      await accessible(page, "admin-settings-refused");
      assert(puts === 0, `nothing was sent (${puts} PUT)`);
    } finally {
      page.off("request", count);
    }
    await page.getByLabel(/ロックするまで/).fill("2");
    await list.fill("192.0.2.0/24\n127.0.0.1/32");
    assert((await page.getByTestId("ip-verdict").getAttribute("data-admits")) === "true", "127.0.0.1/32 admits the caller");
    await page.getByRole("button", { name: "設定を保存" }).click();
    const thresholdError = await page.locator("#lockout-threshold-error").textContent();
    assert(thresholdError.includes("3"), `a threshold of 2 is refused beside its field by the API: ${thresholdError}`);
    await page.getByLabel(/ロックするまで/).fill("５");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByTestId("settings-message").filter({ hasText: "設定を保存しました" }).waitFor();
    const saved = (await apiCall(page, "GET", "/admin/settings")).body;
    assert(saved.ip_allow_list.join(" ") === "192.0.2.0/24 127.0.0.1/32" && saved.lockout_threshold === 5, `saved: ${JSON.stringify(saved)}`);
    await screenshot(page, "admin-settings-saved");

    // The API's refusal is the final word: a client that does not know the address sends the
    // list, and the answer is shown.
    const { ctx, p } = await sameSession(browser, contextOptions, page);
    try {
      await p.route("**/admin/settings", async (route) => {
        if (route.request().method() !== "GET") return route.continue();
        const r = await route.fetch();
        await route.fulfill({ response: r, json: { ...(await r.json()), your_ip: null } });
      });
      await p.goto("/#/admin/settings");
      await p.getByLabel(/IP 許可リスト/).fill("198.51.100.0/24");
      assert((await p.getByTestId("your-ip").textContent()).includes("分かりません"), "an unknown address is said to be unknown");
      await p.getByRole("button", { name: "設定を保存" }).click();
      const refusal = await p.getByTestId("settings-message").textContent();
      assert(refusal.includes("サーバーが保存を拒否しました"), `the API's refusal is shown: ${refusal}`);
    } finally {
      await ctx.close();
    }
    const after = (await apiCall(page, "GET", "/admin/settings")).body;
    assert(after.ip_allow_list.includes("127.0.0.1/32"), "the refused list did not replace the saved one");
    // Leave every address admitted for the steps that follow.
    await page.getByLabel(/IP 許可リスト/).fill("");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByTestId("settings-message").filter({ hasText: "設定を保存しました" }).waitFor();
  });

  await steps.run("administration: the audit log shows the invitation newest first, filters, pages, verifies its chain and downloads as CSV (UTF-8 with BOM, Shift_JIS)", async () => {
    // Given more than a page of events: the administrator unlocks their own account 30 times
    // (each logged as started and done), after the invitation.
    const me = (await apiCall(page, "GET", "/me")).body.user.id;
    for (let i = 0; i < 30; i++) assert((await apiCall(page, "POST", `/admin/users/${me}/unlock`, {})).status === 200, "unlocked");
    await page.getByRole("tab", { name: "監査ログ" }).click();
    const table = page.getByTestId("audit-table");
    await table.waitFor();
    const seqs = async () => (await table.locator("tbody tr td:first-child").allTextContents()).map(Number);
    const first = await seqs();
    assert(first.every((s, i) => i === 0 || s < first[i - 1]), `newest first: ${first.slice(0, 8).join(" ")}…`);
    const newest = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => `${r.dataset.operation}|${r.dataset.result}|${r.dataset.target}`));
    assert(newest.filter((o) => o === `POST /admin/users/{id}/unlock|success|user:${me}`).length === 25, `the newest page of 50 holds the last 25 unlocks (each logged as started, then done): ${newest.slice(0, 4).join(" / ")}`);
    await screenshot(page, "admin-audit");
    await accessible(page, "admin-audit");

    // Paging: 50 a page; "more" appends the next (older) page.
    const verified = (await apiCall(page, "GET", "/audit/verify")).body;
    assert(verified.events > 50, `this run has logged more than one page of events (${verified.events})`);
    assert(first.length === 50, `one page is 50 events (${first.length})`);
    await page.getByTestId("audit-more").click();
    await until(async () => (await seqs()).length > 50, "a second page is appended");
    const paged = await seqs();
    assert(paged.every((s, i) => i === 0 || s < paged[i - 1]), "the second page continues older, with no repeat");

    await page.getByLabel("操作（前方一致）").fill("POST /admin/users");
    await page.getByLabel("結果").selectOption("success");
    await page.getByRole("button", { name: "絞り込む" }).click();
    await until(async () => {
      const ops = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => `${r.dataset.operation}|${r.dataset.result}`));
      return ops.includes("POST /admin/users|success") && ops.every((o) => o.startsWith("POST /admin/users") && o.endsWith("|success"));
    }, "only successful operations starting with POST /admin/users are listed, the invitation among them");
    await page.getByLabel("期間（開始日）").fill("2026-12-31");
    await page.getByLabel("期間（終了日）").fill("2026-01-01");
    await page.getByRole("button", { name: "絞り込む" }).click();
    const periodError = await page.locator("#audit-from-error").textContent();
    assert(periodError.length > 0, `a period that ends before it starts is refused beside its field: ${periodError}`);
    await page.getByLabel("期間（開始日）").fill("");
    await page.getByLabel("期間（終了日）").fill("");
    await page.getByLabel("操作（前方一致）").fill("");
    await page.getByLabel("結果").selectOption("");
    await page.getByLabel("対象").fill(`user:${invitedId}`);
    await page.getByRole("button", { name: "絞り込む" }).click();
    const invite = table.locator(`tbody tr[data-operation="POST /admin/users"][data-result="success"][data-target="user:${invitedId}"]`);
    const listed = () => table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => `${r.dataset.operation}|${r.dataset.result}|${r.dataset.target}`));
    await until(async () => (await listed()).every((o) => o.endsWith(`|user:${invitedId}`)), "only events on the invited user are listed");
    const onInvited = await listed();
    assert((await invite.count()) === 1 && onInvited.some((o) => o.startsWith("PUT /admin/users/{id}/access|success")), `the invitation and the access change: ${onInvited.join(" / ")}`);

    await page.getByTestId("verify-chain").click();
    const ok = await page.getByTestId("verify-result").textContent();
    assert((await page.getByTestId("verify-result").getAttribute("data-intact")) === "true" && ok.includes("完全"), `the chain holds: ${ok}`);
    await screenshot(page, "admin-audit-filtered");
    await accessible(page, "admin-audit-filtered");
    // A broken chain (the answer altered: the server's own walk is tested with the API) names
    // the first event that does not hold.
    {
      const { ctx, p } = await sameSession(browser, contextOptions, page);
      try {
        await p.route("**/audit/verify", (route) =>
          route.fulfill({ json: { intact: false, events: 12, head_seq: 12, head_hash: "ab", first_broken: { seq: 7, id: "01evt7", reason: "hash_mismatch" } } }));
        await p.goto("/#/admin/audit");
        await p.getByTestId("verify-chain").click();
        const broken = await p.getByTestId("verify-result").textContent();
        assert((await p.getByTestId("verify-result").getAttribute("data-intact")) === "false" && broken.includes("連番 7") && broken.includes("01evt7") && broken.includes("編集された可能性"), `the first broken event and why: ${broken}`);
        await screenshot(p, "admin-audit-broken");
      } finally {
        await ctx.close();
      }
    }

    const save = async (testId) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
      return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
    };
    const utf8 = await save("csv-utf8");
    assert(utf8.bytes[0] === 0xef && utf8.bytes[1] === 0xbb && utf8.bytes[2] === 0xbf, `the UTF-8 file starts with the BOM: ${utf8.bytes.subarray(0, 3).toString("hex")}`);
    const text = utf8.bytes.toString("utf8");
    assert(text.includes("日時(JST)") && text.includes("操作") && text.includes("ユーザー名"), "the Japanese header");
    const rows = text.trim().split(/\r?\n/).slice(1);
    assert(rows.length === onInvited.length && rows.some((r) => r.includes("POST /admin/users") && r.includes(`user:${invitedId}`) && r.includes("成功")), `the filtered file holds the invitation: ${rows.join(" / ")}`);
    const sjis = await save("csv-sjis");
    assert(sjis.bytes[0] !== 0xef && new TextDecoder("shift_jis").decode(sjis.bytes).includes("日時(JST)"), "the Shift_JIS file has no BOM and the same header");
    assert(/^audit-.*\.csv$/.test(utf8.name) && sjis.name.endsWith("-sjis.csv"), `file names: ${utf8.name}, ${sjis.name}`);
  });

  await steps.run("administration: a locked user is shown locked and unlocked; disable and enable; second factor reset and removal, each confirmed first", async () => {
    await page.getByRole("tab", { name: "ユーザー" }).click();
    const row = page.locator(`[data-testid=users-table] tr[data-user="${INVITED}"]`);
    await row.waitFor();
    // Five wrong passwords (the threshold saved above) lock the account.
    const origin = new URL(page.url()).origin;
    for (let i = 0; i < 5; i++) {
      await fetch(`${origin}/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant: "demo", email: INVITED, password: `Wrong-${i}!` }) });
    }
    await page.getByRole("tab", { name: "会社の設定" }).click();
    await page.getByRole("tab", { name: "ユーザー" }).click();
    await until(async () => (await row.getAttribute("data-locked")) === "true", "the row shows the lock");
    assert((await row.textContent()).includes("ロック中"), "「ロック中」 is shown");
    await row.getByRole("button", { name: "ロック解除" }).click();
    await page.getByTestId("users-notice").filter({ hasText: "ロックを解除しました" }).waitFor();
    await until(async () => (await row.getAttribute("data-locked")) === "false", "unlocked");

    await row.getByRole("button", { name: "無効にする" }).click();
    await page.getByTestId("confirm-disable").getByRole("button", { name: "キャンセル" }).click();
    assert((await row.getAttribute("data-status")) === "active", "a cancelled confirmation changes nothing");
    await row.getByRole("button", { name: "無効にする" }).click();
    await page.getByTestId("confirm-disable").getByRole("button", { name: "無効にする" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "disabled", "disabled");
    await row.getByRole("button", { name: "有効にする" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "active", "enabled again");

    await row.getByRole("button", { name: "二要素認証をリセット" }).click();
    await page.getByTestId("confirm-reset-mfa").getByRole("button", { name: "二要素認証をリセット" }).click();
    await page.getByTestId("users-notice").filter({ hasText: "二要素認証をリセットしました" }).waitFor();

    await row.getByRole("button", { name: "削除" }).click();
    const confirm = page.getByTestId("confirm-remove");
    assert((await confirm.textContent()).includes(INVITED), "the confirmation names the user");
    await screenshot(page, "admin-confirm-remove");
    await accessible(page, "admin-confirm-remove");
    await confirm.getByRole("button", { name: "削除" }).click();
    await page.getByTestId("users-notice").filter({ hasText: "削除しました" }).waitFor();
    await until(async () => (await row.count()) === 0, "the removed user leaves the list");
    const users = (await apiCall(page, "GET", "/admin/users")).body.items.map((u) => u.email);
    assert(!users.includes(INVITED), `removed: ${users}`);
  });

  await steps.run("administration in English", async () => {
    await page.locator("#lang").selectOption("en");
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    await page.getByRole("tab", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByRole("button", { name: "Invite a user" }).waitFor();
    await screenshot(page, "admin-users-en");
    await accessible(page, "admin-users-en");
    await page.locator("#lang").selectOption("ja");
    await page.goto("/#/");
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  });
}
