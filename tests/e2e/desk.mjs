// End-to-end steps of the service desk, run by run.mjs with the signed-in demo administrator's
// page: the operator (a token from `kyocho ops token`) announces a maintenance window and an
// incident, which the banner and the sign-in page's status show in Japan time; the user files
// an inquiry, the operator answers it through the API and the user reads the answer in the
// thread (and in the outbox); the administrator grants the operator support access to one
// project for 24 hours and revokes it, and the operator's reads follow.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { assert, outbox, root } from "./harness.mjs";

const EMAIL = "admin@demo.example";
const SUBJECT = "短絡電流の計算結果について";
const PROJECT = "A 工場 受電設備（調査依頼）";
const ANSWER = "お問い合わせありがとうございます。VCB_MAIN の短絡電流は、電源側の %Z に変圧器のインピーダンスを加えて計算しています。";
const WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"];

/** A moment as a Japanese notice writes it in Japan time: "12/5(土) 22:00". */
function jstNotice(ms) {
  const d = new Date(ms + 9 * 3_600_000);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}(${WEEKDAYS[d.getUTCDay()]}) ${hh}:${mm}`;
}

/** A moment in full, Japan time: "2026/12/02 09:05 JST". */
function jstFull(ms) {
  const d = new Date(ms + 9 * 3_600_000);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} JST`;
}

export async function deskSteps({ steps, page, browser, contextOptions, screenshot, accessible, apiCall, until, kyochoBin, dataDir, apiBase }) {
  // The operator's side, as the operator's own tools would call it.
  const opsToken = () => execFileSync(kyochoBin, ["ops", "token", "--data-dir", dataDir, "--name", "e2e-desk"], { encoding: "utf8" }).trim();
  let token = null;
  const ops = async (method, url, body) => {
    token ??= opsToken();
    const r = await fetch(`${apiBase}${url}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  let maintenance = null;
  let inquiryId = null;

  await steps.run("service desk: a maintenance window three days ahead, announced by the operator to every company, shows in the banner in Japan time", async () => {
    // Given a window from 22:00 to 02:00 (Japan time), three days from now.
    const day = new Date(Date.now() + 9 * 3_600_000 + 3 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const created = await ops("POST", "/ops/announcements", {
      kind: "maintenance",
      title_ja: "定期メンテナンス",
      title_en: "Scheduled maintenance",
      text_ja: "定期メンテナンスのため停止します。",
      text_en: "The service will be unavailable for scheduled maintenance.",
      starts_at: `${day}T22:00:00+09:00`,
      ends_at: `${next}T02:00:00+09:00`,
      audience: { type: "all" },
    });
    assert(created.status === 201, `the operator announced the window: ${created.status} ${JSON.stringify(created.body)}`);
    maintenance = created.body;
    // When the user opens the application again.
    await page.goto("/#/");
    await page.reload();
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
    // Then the banner shows the window, in Japanese, in Japan time.
    await page.getByRole("region", { name: "運営からのお知らせ" }).locator(`li[data-id="${maintenance.id}"]`).waitFor();
    const item = page.locator(`[data-testid=announcements] li[data-id="${maintenance.id}"]`);
    const window = `${jstNotice(maintenance.starts_at)}–${jstNotice(maintenance.ends_at)} JST`;
    const text = await item.textContent();
    assert((await item.getAttribute("data-phase")) === "maintenance_planned", "shown as planned maintenance");
    assert(text.includes("メンテナンス予定") && text.includes(window) && text.includes("定期メンテナンスのため停止します。"), `the notice names the window in Japan time (${window}): ${text}`);
    assert((await page.locator(".announcements-live[role=status]").count()) === 1, "the banner is a status region");
    await screenshot(page, "desk-maintenance-banner");
    await accessible(page, "desk-maintenance-banner");
    await page.locator("#lang").selectOption("en");
    await until(async () => (await item.textContent()).includes("Planned maintenance"), "the banner follows the language");
    assert((await item.textContent()).includes("The service will be unavailable for scheduled maintenance."), "the English text");
    await page.locator("#lang").selectOption("ja");
  });

  await steps.run("service desk: an incident shows first, in red, in the banner and as the service's state on the sign-in page (no token); withdrawn, it goes; a dismissed notice stays dismissed for the session", async () => {
    const incident = await ops("POST", "/ops/announcements", {
      kind: "incident",
      title_ja: "図面出力の遅延",
      title_en: "Slow drawing exports",
      text_ja: "PDF の出力に時間がかかっています。復旧作業中です。",
      text_en: "PDF exports are slow; we are working on it.",
      starts_at: new Date(Date.now() - 10 * 60_000).toISOString(),
      audience: { type: "all" },
    });
    assert(incident.status === 201, `the operator reported the incident: ${incident.status} ${JSON.stringify(incident.body)}`);
    await page.reload();
    const items = page.locator("[data-testid=announcements] li");
    await page.locator(`[data-testid=announcements] li[data-id="${incident.body.id}"]`).waitFor();
    const order = await items.evaluateAll((l) => l.map((x) => x.dataset.phase));
    assert(order.join(" ") === "incident maintenance_planned", `the incident comes before the planned window: ${order}`);
    const first = await items.first().textContent();
    assert(first.includes("障害発生中") && first.includes("図面出力の遅延"), `the incident is labelled in words, not colour alone: ${first}`);
    await screenshot(page, "desk-incident-banner");
    await accessible(page, "desk-incident-banner");

    // The sign-in page reads the public status without a token.
    const ctx = await browser.newContext(contextOptions);
    const p = await ctx.newPage();
    try {
      await p.goto("/");
      const status = p.getByTestId("service-status");
      await status.waitFor();
      assert((await status.getAttribute("data-state")) === "incident", "the state is the incident's");
      const shown = await status.textContent();
      assert(shown.includes("障害が発生しています") && shown.includes("図面出力の遅延") && shown.includes(`${jstNotice(maintenance.starts_at)}–${jstNotice(maintenance.ends_at)} JST`), `the state and the planned window: ${shown}`);
      await screenshot(p, "desk-status-sign-in");
      await accessible(p, "desk-status-sign-in");
    } finally {
      await ctx.close();
    }

    const withdrawn = await ops("POST", `/ops/announcements/${incident.body.id}/withdraw`, {});
    assert(withdrawn.status === 200, `withdrawn: ${withdrawn.status}`);
    await page.reload();
    await page.locator(`[data-testid=announcements] li[data-id="${maintenance.id}"]`).waitFor();
    assert((await page.locator(`[data-testid=announcements] li[data-id="${incident.body.id}"]`).count()) === 0, "a withdrawn incident is no longer shown");
    await page.getByRole("button", { name: "お知らせ「定期メンテナンス」を閉じる" }).click();
    await until(async () => (await page.locator("[data-testid=announcements]").count()) === 0, "the dismissed notice leaves the banner");
    const loaded = page.waitForResponse((r) => r.url().endsWith("/announcements"));
    await page.reload();
    await loaded;
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
    await page.waitForTimeout(300);
    assert((await page.locator("[data-testid=announcements]").count()) === 0, "and stays dismissed after a reload, for this session");
  });

  await steps.run("service desk: the user files an inquiry (empty fields refused beside them); the operator answers through the API; the user reads the answer in the thread and by e-mail", async () => {
    // A project for the inquiry (and, below, for the support access) to be about.
    const doc = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/bad_coordination.json"), "utf8"));
    const made = await apiCall(page, "POST", "/projects", { ...doc, name: PROJECT });
    assert(made.status === 201, `a project for the inquiry: ${made.status}`);
    const project = made.body;
    await page.getByTestId("support-link").click();
    await page.getByRole("heading", { name: "お問い合わせ", exact: true }).waitFor();
    await page.getByText("お問い合わせはまだありません。").waitFor();
    await page.getByTestId("new-inquiry").click();
    const dialog = page.getByTestId("inquiry-dialog");
    await dialog.getByRole("button", { name: "送信", exact: true }).click();
    await dialog.locator("#inquiry-subject-error").waitFor();
    const subjectError = await dialog.locator("#inquiry-subject-error").textContent();
    const textError = await dialog.locator("#inquiry-text-error").textContent();
    assert(subjectError.includes("件名を入力") && (await dialog.getByLabel("件名").getAttribute("aria-invalid")) === "true", `the empty subject is refused beside its field: ${subjectError}`);
    assert(textError.includes("内容を入力"), `the empty text is refused beside its field: ${textError}`);
    await screenshot(page, "support-form-errors");
    await accessible(page, "support-form-errors");
    await dialog.getByLabel("分類").selectOption("calculation");
    await dialog.getByLabel("緊急度").selectOption("high");
    await dialog.getByLabel("件名").fill(SUBJECT);
    await dialog.getByLabel("内容", { exact: true }).fill("VCB_MAIN の短絡電流が手計算と合いません。\n計算の前提を教えてください。");
    await dialog.getByLabel("対象のプロジェクト（任意）").selectOption(project.id);
    const since = Date.now() - 1000;
    await dialog.getByRole("button", { name: "送信", exact: true }).click();
    await page.getByTestId("support-notice").filter({ hasText: "受け付けました" }).waitFor();
    const filed = (await apiCall(page, "GET", "/inquiries")).body.items.find((i) => i.subject === SUBJECT);
    assert(filed && filed.status === "open" && filed.category === "calculation" && filed.severity === "high" && filed.project_id === project.id, `filed as typed: ${JSON.stringify(filed)}`);
    inquiryId = filed.id;
    const row = page.locator(`[data-testid=inquiries] tr[data-id="${inquiryId}"]`);
    await row.waitFor();
    const due = jstFull(Date.parse(filed.reply_due_at));
    const rowText = await row.textContent();
    assert(rowText.includes("計算・解析") && rowText.includes("高") && rowText.includes("回答待ち") && rowText.includes(due), `the row: category, severity, status and the reply due time in Japan time (${due}): ${rowText}`);
    assert((await row.getAttribute("data-overdue")) === "false", "not overdue");
    assert(outbox(dataDir).some((m) => m.to === EMAIL && (m.sent_at ?? Infinity) >= since && JSON.stringify(m).includes(inquiryId)), "the acknowledgement was e-mailed");
    await screenshot(page, "support-list");
    await accessible(page, "support-list");

    // The user opens the thread: their message, waiting for the desk.
    await row.getByRole("link", { name: SUBJECT }).click();
    const thread = page.getByTestId("thread");
    await thread.waitFor();
    assert((await thread.locator("li").count()) === 1 && (await thread.locator("li").first().getAttribute("data-from")) === "user", "the thread holds the user's message");

    // The operator finds it in the queue and answers.
    const queue = await ops("GET", "/ops/inquiries");
    assert(queue.status === 200, `the operator's queue: ${queue.status}`);
    const queued = queue.body.items.find((i) => i.id === inquiryId);
    assert(queued && queued.tenant === "demo", `the inquiry is in the operator's queue, with its company: ${JSON.stringify(queued)}`);
    const answered = await ops("POST", `/ops/tenants/${queued.tenant}/inquiries/${inquiryId}/messages`, { text: ANSWER });
    assert(answered.status === 200, `the operator answered: ${answered.status} ${JSON.stringify(answered.body)}`);

    // The user goes back to the list and opens the thread again.
    await page.getByRole("link", { name: "← お問い合わせ一覧" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "answered", "the list shows the inquiry answered");
    assert((await row.textContent()).includes("回答あり"), "「回答あり」");
    await row.getByRole("link", { name: SUBJECT }).click();
    await thread.waitFor();
    await until(async () => (await thread.locator("li").count()) === 2, "the answer is in the thread");
    const answer = thread.locator("li").nth(1);
    assert((await answer.getAttribute("data-from")) === "operator", "the second message is the operator's");
    const answerText = await answer.textContent();
    assert(answerText.includes("サポート窓口") && answerText.includes(ANSWER), `marked as the support desk's, with its text: ${answerText}`);
    const mail = outbox(dataDir).filter((m) => m.to === EMAIL && JSON.stringify(m).includes("お問い合わせへの回答")).pop();
    assert(mail && JSON.stringify(mail).includes(inquiryId), `the answer was e-mailed to the user: ${JSON.stringify(mail)?.slice(0, 300)}`);
    await screenshot(page, "support-thread");
    await accessible(page, "support-thread");

    // An empty reply is refused beside its field; a reply puts the inquiry back in the queue.
    await page.getByRole("button", { name: "返信を送信" }).click();
    const replyError = await page.locator("#reply-text-error").textContent();
    assert(replyError.includes("内容を入力"), `an empty reply is refused beside its field: ${replyError}`);
    await page.getByTestId("reply-form").getByLabel("内容", { exact: true }).fill("ありがとうございます。変圧器の %Z を確認します。");
    await page.getByRole("button", { name: "返信を送信" }).click();
    await until(async () => (await thread.locator("li").count()) === 3, "the reply joins the thread");
    assert((await page.getByTestId("inquiry").getAttribute("data-status")) === "open", "the inquiry waits for the desk again");
    await page.locator("#lang").selectOption("en");
    await page.getByRole("heading", { name: "Messages" }).waitFor();
    assert((await answer.textContent()).includes("Support desk"), "the operator's message is labelled in English too");
    await screenshot(page, "support-thread-en");
    await page.locator("#lang").selectOption("ja");
  });

  await steps.run("service desk: the administrator grants the operator support access to a project for 24 hours, sees it active, revokes it, sees it revoked; the operator's reads follow", async () => {
    const project = (await apiCall(page, "GET", "/projects?limit=100")).body.items.find((p) => p.name === PROJECT);
    const read = async () => (await ops("GET", `/ops/tenants/demo/projects/${project.id}`)).status;
    assert((await read()) === 403, "without a grant the operator cannot read the project");
    await page.getByTestId("admin-link").click();
    await page.getByRole("tab", { name: "サポートアクセス" }).click();
    await page.getByRole("heading", { name: "サポートアクセス" }).waitFor();
    const lead = await page.getByTestId("grants-lead").textContent();
    assert(lead.includes("メタデータ"), `the screen says what the operator sees otherwise: ${lead}`);
    await page.getByText("サポートアクセスを許可したことはありません。").waitFor();

    // 73 hours is refused beside the field, before anything is sent.
    let posts = 0;
    const count = (r) => r.method() === "POST" && r.url().endsWith("/support-grants") && posts++;
    page.on("request", count);
    try {
      await page.getByLabel("プロジェクト", { exact: true }).selectOption(project.id);
      await page.getByLabel("期間（1〜72 時間）").fill("73");
      await page.getByRole("button", { name: "アクセスを許可" }).click();
      const hoursError = await page.locator("#grant-hours-error").textContent();
      assert(hoursError.includes("1〜72") && (await page.getByLabel("期間（1〜72 時間）").getAttribute("aria-invalid")) === "true", `73 hours is refused beside the field: ${hoursError}`);
      assert(posts === 0, `nothing was sent (${posts})`);
    } finally {
      page.off("request", count);
    }

    await page.getByLabel("期間（1〜72 時間）").fill("24");
    await page.getByLabel(/^理由/).fill(`お問い合わせ「${SUBJECT}」の調査`);
    await page.getByRole("button", { name: "アクセスを許可" }).click();
    await page.getByTestId("grants-notice").filter({ hasText: "許可しました" }).waitFor();
    const grant = (await apiCall(page, "GET", "/support-grants")).body.items.find((g) => g.project_id === project.id);
    assert(grant && grant.active && grant.expires_at - grant.created_at === 24 * 3_600_000, `granted for 24 hours: ${JSON.stringify(grant)}`);
    const row = page.locator(`[data-testid=grants-table] tr[data-grant="${grant.id}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert((await row.getAttribute("data-state")) === "active" && text.includes("有効") && text.includes(project.name) && text.includes(jstFull(grant.expires_at)) && text.includes(SUBJECT), `the row: project, active, expiry in Japan time, reason: ${text}`);
    assert((await read()) === 200, "under the grant the operator reads the project");
    await screenshot(page, "admin-support-access-active");
    await accessible(page, "admin-support-access-active");

    await row.getByRole("button", { name: /取り消す/ }).click();
    const confirm = page.getByTestId("confirm-revoke");
    assert((await confirm.textContent()).includes(project.name), "the confirmation names the project");
    await confirm.getByRole("button", { name: "キャンセル" }).click();
    assert((await row.getAttribute("data-state")) === "active", "a cancelled confirmation changes nothing");
    await row.getByRole("button", { name: /取り消す/ }).click();
    await confirm.getByRole("button", { name: "取り消す" }).click();
    await page.getByTestId("grants-notice").filter({ hasText: "取り消しました" }).waitFor();
    await until(async () => (await row.getAttribute("data-state")) === "revoked", "the row shows the grant revoked");
    assert((await row.textContent()).includes("取り消し済み"), "「取り消し済み」");
    assert((await row.getByRole("button").count()) === 0, "a revoked grant offers no action");
    assert((await read()) === 403, "after the revocation the operator cannot read the project");
    await screenshot(page, "admin-support-access-revoked");
    await accessible(page, "admin-support-access-revoked");
    await page.goto("/#/");
    await page.getByRole("heading", { name: "プロジェクト" }).waitFor();
  });
}
