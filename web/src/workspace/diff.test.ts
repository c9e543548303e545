import { describe, expect, it } from "vitest";
import { differences } from "./diff";

describe("differences between my version and the stored one", () => {
  it("names the changed tap and the device only one side has", () => {
    const mine = { devices: [{ id: "VCB1", ocr: { tap_a: 4 } }] };
    const theirs = { devices: [{ id: "VCB1", ocr: { tap_a: 5 } }, { id: "L1" }] };
    expect(differences(mine, theirs)).toEqual([
      { pointer: "/devices/0/ocr/tap_a", mine: "4", theirs: "5" },
      { pointer: "/devices/1/id", mine: "—", theirs: '"L1"' },
    ]);
  });
  it("finds nothing between equal documents", () => {
    expect(differences({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});
