#!/usr/bin/env bash
# tests/fuzz/campaign_args_test.sh — fuzz/campaign's argument errors: each bad invocation must
# exit non-zero with exactly one line on stderr (prefixed "fuzz/campaign: ") and nothing on
# stdout, before it builds, fuzzes or writes anything. Usage: campaign_args_test.sh <repo root>
set -uo pipefail
root=${1:?usage: campaign_args_test.sh <repo root>}
campaign=$root/fuzz/campaign
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/empty-build"

failures=0
check() {
  local what=$1
  shift
  "$campaign" "$@" > "$scratch/out" 2> "$scratch/err" < /dev/null
  local rc=$?
  local lines
  lines=$(wc -l < "$scratch/err")
  if [ "$rc" -eq 0 ] || [ "$lines" -ne 1 ] || [ -s "$scratch/out" ] || ! grep -q '^fuzz/campaign: ' "$scratch/err"; then
    echo "FAIL: $what: exit $rc, $lines stderr line(s):" >&2
    sed 's/^/    /' "$scratch/err" "$scratch/out" >&2
    failures=$((failures + 1))
  else
    echo "ok: $what: $(cat "$scratch/err")"
  fi
}

check "no arguments"
check "unknown fuzzer" no_such_fuzzer --cpu-seconds 1
check "a fuzzer twice" codec_fuzzer codec_fuzzer
check "all with a named fuzzer" codec_fuzzer all
check "unknown option" codec_fuzzer --frobnicate
check "--cpu-seconds without value" codec_fuzzer --cpu-seconds
check "--cpu-seconds empty" codec_fuzzer --cpu-seconds ""
check "--cpu-seconds not a number" codec_fuzzer --cpu-seconds soon
check "--cpu-seconds zero" codec_fuzzer --cpu-seconds 0
check "--cpu-seconds negative" codec_fuzzer --cpu-seconds=-5
check "--jobs not a number" codec_fuzzer --jobs two
check "--jobs zero" codec_fuzzer --jobs 0
check "--build-dir missing" codec_fuzzer --build-dir "$scratch/does-not-exist"
check "--build-dir without the fuzzer" codec_fuzzer --build-dir "$scratch/empty-build"
check "--build-dir without value" codec_fuzzer --cpu-seconds 5 --build-dir
check "all without any fuzzer built" all --build-dir "$scratch/empty-build"

# --help is not an error.
if ! "$campaign" --help > "$scratch/out" 2>&1 || ! grep -q 'fuzz/campaign all|<fuzzer>' "$scratch/out"; then
  echo "FAIL: --help" >&2
  failures=$((failures + 1))
fi
# Nothing may have been written under the scratch build directory.
if [ -n "$(find "$scratch/empty-build" -mindepth 1 -print -quit)" ]; then
  echo "FAIL: an argument error left files behind in the build directory" >&2
  failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all argument errors give one line and a non-zero exit"
