#!/usr/bin/env bash
# tests/fuzz/pin_test.sh — a case-running fuzzer pins itself to one CPU (fuzz::InitEnvironment),
# unless MC2_FUZZ_PIN=0. Runs the fuzzer on one input that takes a few seconds (an AllToAllVV2
# case whose extra claimants wait for their connect timeout) and reads its CPU set while it runs:
# pinned, some reading must show one CPU; with MC2_FUZZ_PIN=0, none may.
# Usage: pin_test.sh <fuzzer> <input>. Skipped (exit 77) on a machine that gives it one CPU.
set -uo pipefail
fuzzer=${1:?usage: pin_test.sh <fuzzer> <input>}
input=${2:?usage: pin_test.sh <fuzzer> <input>}
command -v taskset > /dev/null || { echo "pin_test: no taskset (util-linux); skipped"; exit 77; }
allowed=$(taskset -pc $$ | sed 's/.*: //')
if [[ "$allowed" =~ ^[0-9]+$ ]]; then echo "pin_test: one CPU ($allowed) only; skipped"; exit 77; fi

# Prints "single" when some reading of the fuzzer's CPU list while it ran was one CPU.
watch() {
  "$@" "$fuzzer" -runs=1 "$input" > /dev/null 2>&1 &
  local pid=$! seen=""
  while kill -0 "$pid" 2> /dev/null; do
    local list
    list=$(taskset -pc "$pid" 2> /dev/null | sed 's/.*: //')
    [[ "$list" =~ ^[0-9]+$ ]] && seen=single
    sleep 0.1
  done
  wait "$pid"
  echo "${seen:-several}"
}

pinned=$(watch env)
unpinned=$(watch env MC2_FUZZ_PIN=0)
echo "pin_test: allowed $allowed; default: $pinned; MC2_FUZZ_PIN=0: $unpinned"
[ "$pinned" = single ] || { echo "pin_test: the fuzzer never ran on one CPU"; exit 1; }
[ "$unpinned" = several ] || { echo "pin_test: MC2_FUZZ_PIN=0 still pinned the fuzzer"; exit 1; }
