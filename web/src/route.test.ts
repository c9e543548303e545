import { describe, expect, it } from "vitest";
import { route } from "./route";

describe("the screen an address names", () => {
  it("the administration tabs, and the first allowed tab for #/admin", () => {
    expect(route("#/admin/audit")).toEqual({ screen: "admin", tab: "audit" });
    expect(route("#/admin/settings/")).toEqual({ screen: "admin", tab: "settings" });
    expect(route("#/admin")).toEqual({ screen: "admin", tab: null });
    expect(route("#/admin/support-access")).toEqual({ screen: "admin", tab: "support-access" });
  });
  it("an unknown tab or a longer word is the project list, not a guess", () => {
    expect(route("#/admin/billing")).toEqual({ screen: "projects" });
    expect(route("#/administrator")).toEqual({ screen: "projects" });
  });
  it("the support desk and one inquiry", () => {
    expect(route("#/support")).toEqual({ screen: "support", id: null });
    expect(route("#/support/")).toEqual({ screen: "support", id: null });
    expect(route("#/support/01jfq3x7")).toEqual({ screen: "support", id: "01jfq3x7" });
    expect(route("#/support/../admin")).toEqual({ screen: "projects" });
    expect(route("#/supporters")).toEqual({ screen: "projects" });
  });
  it("a project and the list", () => {
    expect(route("#/p/0190abc")).toEqual({ screen: "workspace", id: "0190abc" });
    expect(route("")).toEqual({ screen: "projects" });
  });
});
