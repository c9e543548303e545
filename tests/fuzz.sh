#!/usr/bin/env bash
# Bounded fuzzing of the parsers that read what users send (cargo-fuzz, nightly toolchain):
# the project document (parse, validate, analyse), catalogue CSV imports, company library
# items, uploaded project archives and IP allow-lists (CIDR). Each target runs for SECONDS
# (default 60) from a corpus seeded with the repository's own samples (crate:
# shared/domain/fuzz); a crash is copied to the tested crate's tests/fuzz_regressions/<target>/
# (shared/domain; shared/archive for archive_reader, shared/allowlist for ip_allow_list),
# which `cargo test -p <crate> --test fuzz_regressions` replays from then on. Not part of
# tests/run.sh.
#
#   tests/fuzz.sh [SECONDS]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked --version 0.12.0 || exit 1
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal || exit 1

corpus="$root/target/fuzz-corpus"
mkdir -p "$corpus/project_document" "$corpus/catalogue_csv" "$corpus/company_item" "$corpus/archive_reader" "$corpus/ip_allow_list"
cp tests/fixtures/*.json "$corpus/project_document/" 2> /dev/null
cp shared/domain/tests/data/*.csv "$corpus/catalogue_csv/" 2> /dev/null
printf 'curve,current_a,time_s\nmelting,100,10\nmelting,300,1\n' > "$corpus/catalogue_csv/seed.csv"
printf '{"id":"relay-1","version":1,"maker":"M","model":"X","source_document":"cat","revision":"A","device":{"type":"relay","curve":"ei","form":"standard"}}' > "$corpus/company_item/seed.json"
cp shared/archive/tests/fixtures/*.zip "$corpus/archive_reader/" 2> /dev/null
printf '203.0.113.0/24\n198.51.100.7\n2001:db8::/32\n::ffff:10.0.0.1\n 10.0.0.0/8 \n' > "$corpus/ip_allow_list/seed.txt"

status=0
for target in project_document catalogue_csv company_item archive_reader ip_allow_list; do
  echo "== $target (${seconds} s)"
  artifacts="$root/target/fuzz-artifacts/$target"
  mkdir -p "$artifacts"
  (cd shared/domain/fuzz && cargo +nightly fuzz run "$target" "$corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -artifact_prefix="$artifacts/" 2>&1 | tail -4)
  if ls "$artifacts"/crash-* > /dev/null 2>&1; then
    case $target in
      archive_reader) keep="$root/shared/archive/tests/fuzz_regressions/$target" ;;
      ip_allow_list) keep="$root/shared/allowlist/tests/fuzz_regressions/$target" ;;
      *) keep="$root/shared/domain/tests/fuzz_regressions/$target" ;;
    esac
    mkdir -p "$keep"
    cp "$artifacts"/crash-* "$keep/"
    echo "$target: crash kept in $keep"
    status=1
  else
    echo "$target: no crash in ${seconds} s"
  fi
done
exit $status
