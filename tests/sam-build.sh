#!/usr/bin/env bash
# `sam build` of infra/template.yaml with cargo-lambda, as the deploy workflow runs it, but
# for x86_64 (this machine's architecture; the deploy CI builds arm64), then checks that
# every function of the template has its artefact (`bootstrap`). Not part of tests/run.sh:
# release builds of every function take a long time.
#
#   tests/sam-build.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv="$root/tests/.venv"
export PATH="$venv/bin:$PATH"
export SAM_CLI_TELEMETRY=0
command -v sam > /dev/null && command -v cargo-lambda > /dev/null || { echo "sam or cargo-lambda is missing: run tests/run.sh first"; exit 1; }

# The same template with x86_64 functions, beside the original so that CodeUri (..) holds.
x86="infra/.template-x86_64.yaml"
sed 's/^      - arm64$/      - x86_64/' infra/template.yaml > "$x86"
trap 'rm -f "$x86"' EXIT
build_dir="$root/target/sam-build"
# A Cargo target folder of its own: release builds for Lambda never wait for (or block) the
# debug builds of the tests.
export CARGO_TARGET_DIR="$root/target/sam-cargo"
rm -rf "$build_dir"
start=$(date +%s)
sam build --template-file "$x86" --build-dir "$build_dir" --beta-features || exit 1
echo "sam build: $(( $(date +%s) - start )) s"

# Every function of the template has its bootstrap.
missing=0
for fn in $("$venv/bin/python" - <<'PY'
import re
text = open("infra/template.yaml").read()
for m in re.finditer(r"^  (\w+):\n    Type: AWS::Serverless::Function", text, re.M):
    print(m.group(1))
PY
); do
  artefact="$build_dir/$fn/bootstrap"
  if [ -x "$artefact" ]; then
    printf '  %-24s %8d bytes\n' "$fn" "$(stat -c %s "$artefact")"
  else
    echo "  $fn: no $artefact"
    missing=$((missing + 1))
  fi
done
[ $missing -eq 0 ] && echo "sam build: every function has its artefact" || { echo "sam build: $missing function(s) without an artefact"; exit 1; }
