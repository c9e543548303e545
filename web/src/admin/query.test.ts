import { describe, expect, it } from "vitest";
import { accessBody } from "./access";
import { auditQuery, csvFileName, emptyFilter } from "./query";

describe("the audit filter as a query string", () => {
  it("no filter: no query at all (the API's default: the last 30 days)", () => {
    expect(auditQuery(emptyFilter)).toBe("");
  });
  it("sets only the fields filled, trimmed, in a fixed order; the operation's space and slash are encoded", () => {
    const q = auditQuery({ ...emptyFilter, from: "2026-11-01", to: "2026-11-30", operation: "  POST /admin/users ", result: "success", user: "" });
    expect(q).toBe("?from=2026-11-01&to=2026-11-30&operation=POST+%2Fadmin%2Fusers&result=success");
    expect(new URLSearchParams(q).get("operation")).toBe("POST /admin/users");
  });
  it("reads full-width text typed with a Japanese keyboard as ASCII", () => {
    expect(auditQuery({ ...emptyFilter, target: "ｕｓｅｒ：ａｂｃ" })).toBe("?target=user%3Aabc");
  });
  it("adds the page size, the cursor of the previous page and the CSV encoding after the filter", () => {
    expect(auditQuery({ ...emptyFilter, user: "u1" }, { limit: 50, cursor: "c/2=", encoding: "shift_jis" })).toBe("?user=u1&limit=50&cursor=c%2F2%3D&encoding=shift_jis");
    expect(auditQuery(emptyFilter, { cursor: null })).toBe("");
  });
  it("names the CSV after its period and encoding", () => {
    expect(csvFileName({ ...emptyFilter, from: "2026-11-01", to: "2026-11-30" }, "utf-8", "2026-12-01")).toBe("audit-2026-11-01_2026-11-30.csv");
    expect(csvFileName(emptyFilter, "shift_jis", "2026-12-01")).toBe("audit-2026-12-01-sjis.csv");
  });
});

describe("the access a role and ticked permissions stand for", () => {
  it("every permission of the role ticked: the role's own (null), so a later change to the role follows", () => {
    expect(accessBody("designer", new Set(["project_read", "project_write", "project_delete", "project_export"]))).toEqual({ role: "designer", permissions: null });
  });
  it("a designer without delete and export: narrowed to read and write", () => {
    expect(accessBody("designer", new Set(["project_write", "project_read"]))).toEqual({ role: "designer", permissions: ["project_read", "project_write"] });
  });
  it("a ticked permission the role does not grant is dropped (a viewer cannot write)", () => {
    expect(accessBody("viewer", new Set(["project_read", "project_write"]))).toEqual({ role: "viewer", permissions: ["project_read"] });
  });
  it("nothing ticked: an empty list, not the role's own", () => {
    expect(accessBody("viewer", new Set())).toEqual({ role: "viewer", permissions: [] });
  });
});
