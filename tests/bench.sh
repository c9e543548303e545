#!/usr/bin/env bash
# Every figure of the README's "Performance" section, measured on this machine. A benchmark,
# not a test: it is not part of tests/run.sh, nothing in it fails because the machine is slow,
# and the figures are medians (the machines it runs on are shared and noisy).
#
#   tests/bench.sh              # everything below
#   tests/bench.sh engine       # 1. the engine against pandapower's IEC 60909 calc_sc
#   tests/bench.sh coldstart    # 2. every function's release bootstrap on a fake Runtime API
#   tests/bench.sh load         # 3. a bounded load run on the release local edition
#
# Release builds: the functions with cargo-lambda in target/sam-cargo (as tests/sam-build.sh),
# the local edition and the engine in target/release. Needs tests/.venv (tests/run.sh makes
# it: pandapower, moto, cargo-lambda are pinned in tests/requirements.txt).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
venv="$root/tests/.venv"
export PATH="$venv/bin:$PATH"
[ -x "$venv/bin/python" ] && command -v cargo-lambda > /dev/null ||
  { echo "tests/.venv is missing or incomplete: run tests/run.sh first (it installs tests/requirements.txt)"; exit 1; }
free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0; sleep 0.2; done; return 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done; wait 2> /dev/null; }
trap cleanup EXIT
status=0

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(rustc --version)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# The harness programs (standard library sockets: they add little to what they time).
cargo build -q -p kyocho-tests --bin coldstart --bin load --bin seed-events || exit 1

if [ "$what" = all ] || [ "$what" = engine ]; then
  printf '\n== 1. engine against pandapower (release)\n'
  cargo build -q --release -p domain --example bench_engine --example analyze || exit 1
  cargo build -q --release -p kyocho || exit 1
  "$venv/bin/python" tests/pandapower/bench.py target/release/examples/bench_engine \
    --kyocho target/release/kyocho || status=1
fi

if [ "$what" = all ] || [ "$what" = coldstart ]; then
  printf '\n== 2. cold start: exec to first poll (init) and to the first answer, fake Runtime API\n'
  functions=$(ls functions)
  CARGO_TARGET_DIR="$root/target/sam-cargo" cargo lambda build --release --x86-64 $(printf -- '-p %s ' $functions) 2>&1 | tail -1
  moto_port=$(free_port)
  "$venv/bin/python" tests/moto_atomic.py -H 127.0.0.1 -p "$moto_port" > target/bench-moto.log 2>&1 &
  pids+=($!)
  wait_port "$moto_port" || { echo "moto_server did not start"; exit 1; }
  env_file="$root/target/bench-events.env"
  target/debug/seed-events --endpoint "http://127.0.0.1:$moto_port" --env-file "$env_file" > /dev/null || exit 1
  project=$(sed -n 's/^PROJECT_ID=//p' "$env_file")
  grep -v '^PROJECT_ID=' "$env_file" | sed 's/^RUST_LOG=.*/RUST_LOG=warn/' > target/bench-functions.env
  printf '%-16s %9s %11s %11s %15s %9s %s\n' function MiB "init ms" "(min-max)" "first answer" "RSS MiB" event
  for fn in $functions; do
    bootstrap="target/sam-cargo/lambda/$fn/bootstrap"
    # The function's first event that answers 200 (the Cognito trigger has its own event).
    if [ "$fn" = token-claims ]; then
      event=pre-token-generation.json
    else
      event=$("$venv/bin/python" -c 'import json,sys; print(next(k for k,v in json.load(open(sys.argv[1])).items() if v==200))' "functions/$fn/events/expected-status.json")
    fi
    sed "s/0195e3b2c4d87a10b9f6e5d4c3b2a190/$project/g" "functions/$fn/events/$event" > target/bench-event.json
    out=$(target/debug/coldstart --bootstrap "$bootstrap" --event target/bench-event.json \
      --env-file target/bench-functions.env --runs 21 --json) || { echo "$fn: $out"; status=1; continue; }
    "$venv/bin/python" - "$fn" "$event" "$out" <<'PY'
import json, sys
fn, event, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
i, f = r["init_ms"], r["first_response_ms"]
print(f'{fn:<16} {r["bytes"]/1048576:9.1f} {i["median"]:11.2f} {i["min"]:5.2f}-{i["max"]:<5.2f} {f["median"]:15.2f} {(r["peak_rss_kib"] or 0)/1024:9.1f} {event} -> {r["status"] if r["status"] is not None else "answered"}')
PY
  done
  echo "(init: exec until the first GET /runtime/invocation/next; first answer: until the answer to"
  echo " one API Gateway v2 event is posted, against moto_server on loopback; medians of 21 runs)"
fi

if [ "$what" = all ] || [ "$what" = load ]; then
  printf '\n== 3. load: release local edition on loopback, 200-device projects\n'
  cargo build -q --release -p kyocho || exit 1
  data=$(mktemp -d)
  port=$(free_port)
  XDG_CONFIG_HOME="$data/config" target/release/kyocho serve --addr "127.0.0.1:$port" --data-dir "$data/kyocho" \
    --no-web-build --web-dir "$data/no-web" > target/bench-serve.log 2>&1 &
  pids+=($!)
  wait_port "$port" || { echo "kyocho serve did not start"; exit 1; }
  token=$(XDG_CONFIG_HOME="$data/config" target/release/kyocho token --data-dir "$data/kyocho" --tenant demo --user admin) || exit 1
  target/debug/load --url "http://127.0.0.1:$port" --token "$token" --requests 2000 --concurrency 2 --devices 200 || status=1
  rm -rf "$data"
fi
exit $status
