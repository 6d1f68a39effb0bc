#!/usr/bin/env bash
# tests/fuzz/campaign_summary_test.sh — a real (tiny) fuzz/campaign run: codec_fuzzer for 2 CPU
# seconds from a build directory of its own, and what its summary says it fuzzed. summary.json
# must parse and name the checkout's commit and the binary's SHA-256 prefix and build time, and
# summary.md must show the same digest: a summary naming other binaries than it ran (the source
# tree's HEAD at the end, which moved) is what this guards against.
# Usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary>
set -euo pipefail
root=${1:?usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary>}
fuzzer=${2:?usage: campaign_summary_test.sh <repo root> <codec_fuzzer binary>}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/build/bin"
cp "$fuzzer" "$scratch/build/bin/codec_fuzzer"
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
assert summary["commit"].split("+")[0] == want_commit, f"commit {summary['commit']} != {want_commit}"
assert summary["fuzzers"], "no fuzzer rows"
print("ok: summary.json names", want_commit, "and codec_fuzzer", want_sha)
PY
grep -q "SHA-256 \`$want_sha" "$scratch/out/summary.md" || { echo "FAIL: summary.md lacks the digest"; cat "$scratch/out/summary.md"; exit 1; }
echo "ok: summary.md shows the digest"
