#!/usr/bin/env bash
# tests/fuzz/rule_feedback_test.sh — the case-running fuzzers' rule feedback reaches libFuzzer
# (fuzz/internal/reach.h): replaying the same seed corpus, the coverage libFuzzer counts must be
# larger with the extra counters on (the default) than with MC2_FUZZ_RULE_FEEDBACK=0, by at least
# one counter per operator the corpus calls (each such input sets its operator's world-size slot).
# Usage: rule_feedback_test.sh <fuzzer binary> <seed corpus directory>
set -euo pipefail
bin=${1:?usage: rule_feedback_test.sh <fuzzer> <corpus>}
corpus=${2:?usage: rule_feedback_test.sh <fuzzer> <corpus>}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cov_of() {  # libFuzzer's "cov:" once every seed has run
  MC2_FUZZ_RULE_FEEDBACK=$1 "$bin" -runs=0 -detect_leaks=0 "$corpus" > "$scratch/log.$1" 2>&1 ||
    { echo "FAIL: the replay with MC2_FUZZ_RULE_FEEDBACK=$1 exited non-zero:"; tail -20 "$scratch/log.$1"; exit 1; }
  sed -nE 's/.*INITED cov: ([0-9]+) .*/\1/p' "$scratch/log.$1" | tail -n 1
}
off=$(cov_of 0)
on=$(cov_of 1)
[ -n "$off" ] && [ -n "$on" ] || { echo "FAIL: no INITED line"; tail -5 "$scratch"/log.*; exit 1; }
echo "cov without rule feedback: $off; with it: $on"
[ "$on" -ge $(( off + 5 )) ] || { echo "FAIL: the rule feedback adds $(( on - off )) counters (want at least 5)"; exit 1; }
echo "ok: the rule feedback adds $(( on - off )) counters"
