#!/usr/bin/env bash
# tests/fuzz/campaign_summary_test.sh — a real (tiny) fuzz/campaign run: codec_fuzzer for 2 CPU
# seconds from a build directory of its own, and what its summary says it fuzzed. summary.json
# must parse and name the checkout's commit, the binary's SHA-256 prefix and build time and the
# sanitizers the build's cache names, and summary.md must show the same digest: a summary naming other binaries than it ran (the source
# tree's HEAD at the end, which moved) is what this guards against. Given a case-running fuzzer
# too (api_fuzzer), a second tiny campaign of it must report the share of its executions that
# repeated a case (fuzz/internal/repeat_filter.h, summed from MC2_FUZZ_STATS), which a codec
# campaign leaves empty, and a table of what its merged corpus reaches per operator
# (fuzz/internal/reach.h): every input of the corpus counted once, each operator's catalogue rules
# split into reached and not reached, which the codec campaign has none of.
# Usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary> [<api_fuzzer binary>]
set -euo pipefail
root=${1:?usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary>}
fuzzer=${2:?usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary>}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/build/bin"
cp "$fuzzer" "$scratch/build/bin/codec_fuzzer"
# The sanitizers the summary names come from the build's cache: a coverage-only suite beside an
# instrumented implementation must be reported as such, not as the default's ASan + UBSan.
printf 'MC2_FUZZ_SANITIZE:STRING=\nMC2_FUZZ_IMPL_SANITIZE:STRING=address,undefined\nMC2_SANITIZE:STRING=\n' \
  > "$scratch/build/CMakeCache.txt"
"$root/fuzz/campaign" codec_fuzzer --cpu-seconds 2 --jobs 1 --build-dir "$scratch/build" --out "$scratch/out" \
  > "$scratch/log" 2>&1 || { echo "FAIL: the campaign exited non-zero:"; tail -20 "$scratch/log"; exit 1; }
want_sha=$(sha256sum "$scratch/build/bin/codec_fuzzer" | cut -c1-16)
want_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$scratch/out/summary.json" "$want_sha" "$want_commit" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
want_sha, want_commit = sys.argv[2], sys.argv[3]
b = summary["binaries"]["codec_fuzzer"]
assert b["sha256_prefix"] == want_sha, f"binary digest {b['sha256_prefix']} != {want_sha}"
assert b["built_utc"].endswith("Z"), b["built_utc"]
# When it started, not when the summary was written (before session 19 the Markdown's "at the
# start" showed the latter: 42 minutes apart in s19-api).
assert summary["started_utc"].endswith("Z") and summary["started_utc"] <= summary["date_utc"], summary
assert summary["commit"].split("+")[0] == want_commit, f"commit {summary['commit']} != {want_commit}"
assert summary["fuzzers"], "no fuzzer rows"
assert summary["fuzzers"][0]["repeat_share"] is None, "codec_fuzzer has no repeat filter"
assert summary["fuzzers"][0]["reach"] is None, "codec_fuzzer makes no case"
want_san = "suite: coverage only; implementation: address,undefined"
assert summary["sanitizers"] == want_san, f"sanitizers {summary['sanitizers']!r} != {want_san!r}"
print("ok: summary.json names", want_commit, "and codec_fuzzer", want_sha)
PY
grep -q "SHA-256 \`$want_sha" "$scratch/out/summary.md" || { echo "FAIL: summary.md lacks the digest"; cat "$scratch/out/summary.md"; exit 1; }
grep -q "sanitizers: suite: coverage only; implementation: address,undefined" "$scratch/out/summary.md" ||
  { echo "FAIL: summary.md does not name the sanitizers"; cat "$scratch/out/summary.md"; exit 1; }
echo "ok: summary.md shows the digest and the sanitizers"

# A job whose sanitizer report has no input to replay (LeakSanitizer at the job's exit, after
# libFuzzer stopped checking each input): tests/fuzz/leak_at_exit_target.c leaks at exit once it
# has run more than three inputs. The summary must list the report itself as a finding (file,
# SUMMARY line) and say that the empty artifact the job left does not fail alone; without the
# reports (fuzz/campaign's log_path) the leak would be a bare "crash" with nothing to read.
mkdir -p "$scratch/leaky/bin"
if ${CC:-clang} -g -fsanitize=fuzzer,address "$root/tests/fuzz/leak_at_exit_target.c" \
     -o "$scratch/leaky/bin/codec_fuzzer" 2> "$scratch/leaky.cc.log"; then
  set +e
  "$root/fuzz/campaign" codec_fuzzer --cpu-seconds 2 --jobs 1 --build-dir "$scratch/leaky" --out "$scratch/leak" \
    > "$scratch/leak.log" 2>&1
  set -e
  python3 - "$scratch/leak/summary.json" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["fuzzers"][0]
found = row["findings"]
reports = [f for f in found if "/sanitizer/report." in f["input"]]
assert len(reports) == 1, f"want one report finding, got {found}"
r = reports[0]
assert "LeakSanitizer" in r["signature"] and "leak" in r["signature"], r
assert "77 byte(s) leaked" in r["explanation"] and r["reproduce"] == "", r
assert any(f["signature"].startswith("not reproduced") for f in found), f"the empty artifact: {found}"
print(f"ok: the at-exit leak is a finding with its report ({r['inputs']} report(s))")
PY
else
  echo "skip: ${CC:-clang} cannot build a libFuzzer target here"; cat "$scratch/leaky.cc.log"
fi

# An input that fails only after others (tests/fuzz/fails_in_company_target.c): its
# minimisation would replay it alone 500 times at 50 ms each. The campaign must stop that step
# at MC2_CAMPAIGN_MINIMISE_S and say so in the finding, not hold the summary (session 18's hour
# waited 14 minutes on one such step).
mkdir -p "$scratch/company/bin"
if ${CC:-clang} -g -fsanitize=fuzzer,address "$root/tests/fuzz/fails_in_company_target.c" \
     -o "$scratch/company/bin/codec_fuzzer" 2> "$scratch/company.cc.log"; then
  set +e
  MC2_CAMPAIGN_MINIMISE_S=3 "$root/fuzz/campaign" codec_fuzzer --cpu-seconds 2 --jobs 1 --build-dir "$scratch/company" \
    --out "$scratch/company-out" > "$scratch/company.log" 2>&1
  set -e
  python3 - "$scratch/company-out/summary.json" <<'PY'
import json, sys
found = json.load(open(sys.argv[1]))["fuzzers"][0]["findings"]
alone = [f for f in found if f["signature"].startswith("not reproduced")]
assert alone, f"want the crash that runs clean alone, got {found}"
assert alone[0]["explanation"].startswith("minimisation stopped after 3 s"), alone[0]
print("ok: the minimisation of an input that fails only in company stopped at the bound")
PY
else
  echo "skip: ${CC:-clang} cannot build a libFuzzer target here"; cat "$scratch/company.cc.log"
fi

api=${3:-}
[ -n "$api" ] || exit 0
cp "$api" "$scratch/build/bin/api_fuzzer"
# 8 CPU-s: start-up, the fork parent's pass over the seed corpus and a few one-second jobs.
"$root/fuzz/campaign" api_fuzzer --cpu-seconds 8 --jobs 1 --build-dir "$scratch/build" --out "$scratch/api" \
  > "$scratch/api.log" 2>&1 || { echo "FAIL: the api_fuzzer campaign exited non-zero:"; tail -20 "$scratch/api.log"; exit 1; }
python3 - "$scratch/api/summary.json" "$scratch/api/api_fuzzer/cases.txt" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["fuzzers"][0]
lines = [l.split() for l in open(sys.argv[2]) if l.strip()]
ran = sum(int(a) for a, b in lines); repeated = sum(int(b) for a, b in lines)
assert ran > 0, f"no process reported the inputs it ran: {lines}"
share = row["repeat_share"]
assert share is not None and abs(share - repeated / (ran + repeated)) < 0.001, (share, ran, repeated)
print(f"ok: api_fuzzer campaign: {ran} inputs run, {repeated} repeats skipped, share {share}")
reach = row["reach"]
assert isinstance(reach, list) and len(reach) >= 10, f"reach table: {reach}"
ops = {r["op"] for r in reach}
assert {"matmul_all_reduce", "all_gather_matmul", "all_to_all_vv2", "quant_matmul_all_reduce_v4"} <= ops, ops
inputs = sum(r["inputs"] for r in reach)
# libFuzzer runs an empty input before the corpus
assert row["corpus_after_merge"] <= inputs <= row["corpus_after_merge"] + 1, (inputs, row["corpus_after_merge"])
for r in reach:
    handled = r["end_to_end"] + r["metadata_only"] + r["skipped"] + r["repeats"]
    assert handled == r["inputs"], r
    assert r["expected_to_succeed"] <= r["end_to_end"] + r["metadata_only"], r
    assert r["rules_in_catalogue"] > 0, r
    assert r["rules_reached"] + len(r["rules_not_reached"]) == r["rules_in_catalogue"], r
assert sum(r["rules_reached"] for r in reach) > 0, "no rule reached by the seed corpus"
print(f"ok: the reach table covers {len(reach)} operators, {inputs} inputs, "
      f"{sum(r['rules_reached'] for r in reach)} of {sum(r['rules_in_catalogue'] for r in reach)} rules reached")
PY
grep -q "## What the corpus reaches, per operator" "$scratch/api/summary.md" &&
  grep -q "| \`matmul_all_reduce\` |" "$scratch/api/summary.md" ||
  { echo "FAIL: summary.md lacks the reach table"; cat "$scratch/api/summary.md"; exit 1; }
grep -q "cases run per CPU-s" "$scratch/api/summary.md" || { echo "FAIL: summary.md lacks the repeat share"; cat "$scratch/api/summary.md"; exit 1; }
echo "ok: summary.md shows the repeat share"
