import { describe, expect, it } from "vitest";
import { policyMet, policyRules } from "./policy";

describe("the password policy shown while typing", () => {
  it("lists each unmet rule for a short lower-case password", () => {
    const unmet = policyRules("abc").filter((r) => !r.met).map((r) => r.key);
    expect(unmet).toEqual(["policyMinLength", "policyUpper", "policySymbol"]);
  });
  it("accepts 8 characters with upper, lower and a symbol", () => {
    expect(policyMet("Kyocho-1")).toBe(true);
    expect(policyMet("Kyocho12")).toBe(false);
  });
});
