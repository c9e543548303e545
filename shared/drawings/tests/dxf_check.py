"""Open a DXF with ezdxf, audit it and check layers, blocks and texts.

Usage: dxf_check.py FILE.dxf EXPECT.json
EXPECT.json: {"layers": [...], "texts": [...], "blocks": [...], "inserts": [...], "units": 4, "min_version": "AC1024"}
("blocks" are defined; "inserts" are blocks placed in model space.)
Prints one line of JSON; exits 1 when anything is missing or the audit reports errors.
"""
import json
import sys

import ezdxf


def main() -> int:
    path, expect_path = sys.argv[1], sys.argv[2]
    with open(expect_path, encoding="utf-8") as f:
        expect = json.load(f)
    doc = ezdxf.readfile(path)
    auditor = doc.audit()
    problems = []
    if auditor.has_errors:
        problems.append("audit errors: " + "; ".join(str(e.message) for e in auditor.errors))
    if doc.dxfversion < expect.get("min_version", "AC1024"):
        problems.append(f"version {doc.dxfversion}")
    if doc.header.get("$INSUNITS", 0) != expect.get("units", 4):
        problems.append(f"$INSUNITS {doc.header.get('$INSUNITS')}")
    layers = {layer.dxf.name for layer in doc.layers}
    for name in expect.get("layers", []):
        if name not in layers:
            problems.append(f"layer {name} missing")
    blocks = {b.name for b in doc.blocks}
    for name in expect.get("blocks", []):
        if name not in blocks:
            problems.append(f"block {name} missing")
    placed = {e.dxf.name for e in doc.modelspace().query("INSERT")}
    for name in expect.get("inserts", []):
        if name not in placed:
            problems.append(f"block {name} not inserted")
    texts = [e.dxf.text for e in doc.modelspace().query("TEXT")]
    for b in doc.blocks:
        texts.extend(e.dxf.text for e in b.query("TEXT"))
    joined = "\n".join(texts)
    for t in expect.get("texts", []):
        if t not in joined:
            problems.append(f"text {t!r} missing")
    print(json.dumps({"file": path, "version": doc.dxfversion, "layers": len(layers), "texts": len(texts),
                      "audit_errors": len(auditor.errors), "audit_fixes": len(auditor.fixes), "problems": problems},
                     ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
