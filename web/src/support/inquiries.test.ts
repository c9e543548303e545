import { describe, expect, it } from "vitest";
import { dueAt, emptyForm, inquiryBody, sortInquiries, type Inquiry } from "./inquiries";
import { supportTexts } from "./text";
import { CATEGORIES, SEVERITIES } from "./inquiries";

function inquiry(id: string, status: Inquiry["status"], updated_at: number, created_at = 0): Inquiry {
  return {
    id,
    version: 1,
    status,
    category: "usage",
    severity: "normal",
    subject: id,
    created_at,
    created_by: "u1",
    created_by_name: "管理者",
    updated_at,
    reply_due_at: status === "open" ? "2026-12-02T01:00:00Z" : null,
    overdue: false,
    project_id: null,
  };
}

describe("the list of inquiries", () => {
  it("the latest activity first, closed ones last whatever their age", () => {
    const items = [inquiry("old-open", "open", 100), inquiry("closed-recently", "closed", 900), inquiry("answered-now", "answered", 500), inquiry("open-new", "open", 300)];
    expect(sortInquiries(items).map((i) => i.id)).toEqual(["answered-now", "open-new", "old-open", "closed-recently"]);
  });
  it("the reply due time is a moment while a reply is awaited, none after", () => {
    expect(dueAt({ reply_due_at: "2026-12-02T01:00:00Z" })).toBe(Date.UTC(2026, 11, 2, 1));
    expect(dueAt({ reply_due_at: null })).toBeNull();
    expect(dueAt({ reply_due_at: "not a time" })).toBeNull();
  });
});

describe("sending an inquiry", () => {
  it("trims what was typed and sends no project as null", () => {
    expect(inquiryBody({ ...emptyForm, subject: "  計算結果が合わない ", text: "\n手順…\n" })).toEqual({
      category: "usage",
      severity: "normal",
      subject: "計算結果が合わない",
      text: "手順…",
      project_id: null,
    });
    expect(inquiryBody({ ...emptyForm, projectId: "p1" }).project_id).toBe("p1");
  });
});

describe("the support words", () => {
  it("the two languages have the same entries", () => {
    expect(Object.keys(supportTexts.en).sort()).toEqual(Object.keys(supportTexts.ja).sort());
  });
  it("every category, severity and status has a name in both languages", () => {
    for (const lang of ["ja", "en"] as const) {
      const s = supportTexts[lang] as Record<string, unknown>;
      const keys = [...CATEGORIES.map((c) => `category_${c}`), ...SEVERITIES.map((v) => `severity_${v}`), "status_open", "status_answered", "status_closed"];
      expect(keys.filter((k) => typeof s[k] !== "string"), lang).toEqual([]);
    }
  });
});
