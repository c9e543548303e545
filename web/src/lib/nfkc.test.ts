import { describe, expect, it } from "vitest";
import { nearestStep, parseNumber } from "./nfkc";

describe("parseNumber reads what a Japanese keyboard types", () => {
  it("accepts full-width digits, point and unit", () => {
    expect(parseNumber("１２．５ｋＡ", "kA")).toEqual({ ok: true, value: 12.5 });
    expect(parseNumber("３００", "kVA")).toEqual({ ok: true, value: 300 });
    expect(parseNumber("１，５００ Ａ", "A")).toEqual({ ok: true, value: 1500 });
  });
  it("accepts a full-width minus and an ideographic space", () => {
    expect(parseNumber("　－０．５　")).toEqual({ ok: true, value: -0.5 });
  });
  it("refuses another unit instead of guessing", () => {
    expect(parseNumber("300kW", "kVA")).toEqual({ ok: false, reason: "wrong_unit" });
    expect(parseNumber("abc", "A")).toEqual({ ok: false, reason: "not_a_number" });
    expect(parseNumber("", "A")).toEqual({ ok: false, reason: "empty" });
  });
});

describe("nearestStep snaps to the allowed settings", () => {
  const taps = [3, 3.5, 4, 4.5, 5, 6];
  it("snaps 4.2 A to the 4 A tap and 5.6 A to 6 A", () => {
    expect(nearestStep(4.2, taps)).toBe(4);
    expect(nearestStep(5.6, taps)).toBe(6);
  });
  it("sends a tie to the larger step", () => {
    expect(nearestStep(5.5, taps)).toBe(6);
  });
});
