#!/usr/bin/env bash
# Every function's API Gateway events through `cargo lambda watch` on a seeded moto, the way
# a developer invokes them by hand: for each event in functions/<name>/events/ (with its
# status in expected-status.json), the world is seeded afresh (`seed-events`), the event
# is sent with `cargo lambda invoke`, and the answer's statusCode must be the expected one.
# The Cognito trigger's event must come back with the company claim added.
#
#   tests/lambda-invoke.sh            # starts its own moto and `cargo lambda watch`
#
# Needs tests/.venv (tests/run.sh makes it; cargo-lambda is pinned in tests/requirements.txt).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv="$root/tests/.venv"
export PATH="$venv/bin:$PATH"
command -v cargo-lambda > /dev/null || { echo "cargo-lambda is missing: run tests/run.sh first (it installs tests/requirements.txt)"; exit 1; }

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
moto_port=$(free_port)
invoke_port=$(free_port)
mkdir -p target
"$venv/bin/python" tests/moto_atomic.py -H 127.0.0.1 -p "$moto_port" > target/lambda-invoke-moto.log 2>&1 &
moto_pid=$!
watch_pid=
cleanup() {
  [ -n "$watch_pid" ] && kill -- -"$watch_pid" 2>/dev/null
  kill "$moto_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/', timeout=1)" > /dev/null 2>&1 && break
  sleep 0.2
done
endpoint="http://127.0.0.1:$moto_port"
env_file="$root/target/events.env"

# tests/run.sh passes the binary its test build made (KYOCHO_SEED_EVENTS); alone, the script
# builds it.
seed_events="${KYOCHO_SEED_EVENTS:-}"
if [ -z "$seed_events" ]; then
  cargo build -q -p kyocho-tests --bin seed-events || exit 1
  seed_events="${CARGO_TARGET_DIR:-$root/target}/debug/seed-events"
fi
seed() { "$seed_events" --endpoint "$endpoint" --env-file "$env_file" > /dev/null; }
seed || { echo "seeding moto failed"; exit 1; }

# The functions' environment: the seeded resources, without PROJECT_ID.
grep -v '^PROJECT_ID=' "$env_file" > target/events-functions.env
set -m
# (The environment comes from the seed alone: Cargo.toml sets none for `lambda watch`.)
cargo lambda watch --ignore-changes --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
  --env-file target/events-functions.env > target/lambda-watch.log 2>&1 &
watch_pid=$!
set +m
for _ in $(seq 1 300); do
  (echo > "/dev/tcp/127.0.0.1/$invoke_port") 2> /dev/null && break
  sleep 0.5
done

total=0
ok=0
failed=()
for manifest in functions/*/events/expected-status.json; do
  function=$(basename "$(dirname "$(dirname "$manifest")")")
  while IFS=$'\t' read -r file status; do
    # moto_server's known differences from Cognito (tests/moto-differs.json, with reasons).
    status=$("$venv/bin/python" -c 'import json,sys; d=json.load(open("tests/moto-differs.json")); print(d.get(sys.argv[1], {}).get("moto", sys.argv[2]))' "$function/$file" "$status")
    seed || { failed+=("$function/$file: seeding failed"); continue; }
    project=$(sed -n 's/^PROJECT_ID=//p' "$env_file")
    sed "s/0195e3b2c4d87a10b9f6e5d4c3b2a190/$project/g" "functions/$function/events/$file" > target/event.json
    answer=$(cargo lambda invoke "$function" --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
      --data-file target/event.json --output-format json 2> target/lambda-invoke-last.err)
    got=$(printf '%s' "$answer" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("statusCode"))' 2> /dev/null)
    total=$((total + 1))
    if [ "$got" = "$status" ]; then
      ok=$((ok + 1))
    else
      failed+=("$function/$file: got ${got:-no answer} (expected $status) $(head -c 300 target/lambda-invoke-last.err)")
    fi
  done < <("$venv/bin/python" -c 'import json,sys; [print(f"{k}\t{v}") for k,v in json.load(open(sys.argv[1])).items()]' "$manifest")
done

# The Cognito trigger: the company claim is added to the access token.
answer=$(cargo lambda invoke token-claims --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
  --data-file functions/token-claims/events/pre-token-generation.json --output-format json 2> target/lambda-invoke-last.err)
total=$((total + 1))
claim=$(printf '%s' "$answer" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["claimsToAddOrOverride"]["custom:tenant_id"])' 2> /dev/null)
if [ "$claim" = "demo" ]; then ok=$((ok + 1)); else failed+=("token-claims/pre-token-generation.json: no company claim ($(head -c 300 target/lambda-invoke-last.err))"); fi

echo "lambda invoke: $total events, $ok answered as expected"
if [ ${#failed[@]} -gt 0 ]; then
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
