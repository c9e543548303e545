#!/usr/bin/env bash
# schemathesis against infra/openapi.yaml on the local edition: every operation with
# generated requests, bounded (examples per operation), with a valid token and without one.
# Passes when no answer is a server error and every answer conforms to the document
# (status code, content type, body schema).
#
#   tests/api-fuzz.sh [examples per operation, default 20]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv="$root/tests/.venv"
examples=${1:-20}
command -v "$venv/bin/schemathesis" > /dev/null || { echo "schemathesis is missing: run tests/run.sh first (tests/requirements.txt)"; exit 1; }
# tests/run.sh passes the binary its test build made (KYOCHO_BIN); alone, the script builds it.
kyocho="${KYOCHO_BIN:-}"
if [ -z "$kyocho" ]; then
  cargo build -q -p kyocho || exit 1
  kyocho="${CARGO_TARGET_DIR:-$root/target}/debug/kyocho"
fi
data=$(mktemp -d)
export XDG_CONFIG_HOME="$data/config"
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$kyocho" serve --addr "127.0.0.1:$port" --data-dir "$data/kyocho" --no-web-build --web-dir "$data/no-web" > target/api-fuzz-serve.log 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
  sleep 0.2
done
token=$("$kyocho" token --data-dir "$data/kyocho" --tenant demo --user admin 2> /dev/null) || { echo "no token"; exit 1; }
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
run() {
  "$venv/bin/schemathesis" run infra/openapi.yaml --url "http://127.0.0.1:$port" \
    --phases examples,fuzzing --max-examples "$1" --checks "$checks" --no-color --seed 20261130 "${@:2}" 2>&1 |
    sed -n '/SUMMARY/,$p'
  return "${PIPESTATUS[0]}"
}
echo "== with a token ($examples examples per operation)"
run "$examples" -H "Authorization: Bearer $token"
with=$?
echo "== without a token (5 examples per operation)"
run 5
without=$?
[ $with -eq 0 ] && [ $without -eq 0 ]
