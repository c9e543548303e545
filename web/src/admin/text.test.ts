import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "./access";
import { adminTexts } from "./text";

describe("the administration words", () => {
  it("the two languages have the same entries", () => {
    expect(Object.keys(adminTexts.en).sort()).toEqual(Object.keys(adminTexts.ja).sort());
  });
  it("every permission has a name in both languages", () => {
    for (const lang of ["ja", "en"] as const) {
      const t = adminTexts[lang] as Record<string, unknown>;
      expect(PERMISSIONS.filter((p) => typeof t[`perm_${p}`] !== "string"), lang).toEqual([]);
    }
  });
});
