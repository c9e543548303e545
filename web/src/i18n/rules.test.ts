import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dictionaries } from "./dict";

/**
 * The check rule ids docs/rules/*.md defines: the ids a rule heading names ("### `ct_burden`,
 * `vt_burden` — …") and the first column of the tables headed "rule" or "rule id".
 */
function documentedRules(): string[] {
  const dir = join(__dirname, "../../../docs/rules");
  const ids = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".md"))) {
    let inRuleTable = false;
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      const heading = /^### (.*?) — /.exec(line);
      if (heading) for (const m of heading[1].matchAll(/`([a-z0-9_]+)`/g)) ids.add(m[1]);
      if (/^\| rule( id)? \|/.test(line)) inRuleTable = true;
      else if (!line.startsWith("|")) inRuleTable = false;
      const row = inRuleTable ? /^\| `([a-z0-9_]+)`/.exec(line) : null;
      if (row) ids.add(row[1]);
    }
  }
  return [...ids].sort();
}

describe("the checks table names every rule in both languages", () => {
  const rules = documentedRules();
  it("finds the documented rules", () => {
    expect(rules).toEqual(expect.arrayContaining(["vcb_rating", "ct_overcurrent_constant", "earthing_resistance", "ds_interlock", "transformer_loading"]));
  });
  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: a label for each rule id`, () => {
      const dict = dictionaries[lang] as Record<string, unknown>;
      expect(rules.filter((r) => typeof dict[`rule_${r}`] !== "string")).toEqual([]);
    });
  }
});
