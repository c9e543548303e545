import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { dictionaries } from "./dict";

function components(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? components(p) : p.endsWith(".tsx") ? [p] : [];
  });
}

describe("every visible word comes from the dictionary", () => {
  const files = components(join(__dirname, ".."));
  it("finds the components", () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(`${file.split("/src/")[1]} has no text or label written in the markup`, () => {
      const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      // JSX text, and the attributes a user reads or hears, must not hold words: letters or
      // Japanese. (Symbols such as "←" or "✓" may stay.)
      const words = /[A-Za-z\u3040-\u30ff\u4e00-\u9fff]/;
      const found: string[] = [];
      const visit = (n: ts.Node) => {
        if (ts.isJsxText(n) && words.test(n.text)) found.push(n.text.trim());
        if (ts.isJsxAttribute(n) && ["aria-label", "title", "placeholder", "alt"].includes(n.name.getText()) && n.initializer && ts.isStringLiteral(n.initializer) && words.test(n.initializer.text)) {
          found.push(n.initializer.text);
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
      expect(found).toEqual([]);
    });
  }
});

describe("the two languages", () => {
  it("have the same entries", () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.ja).sort());
  });
});
