#!/usr/bin/env bash
# examples/adapters/ctest_torch_cpu.sh — ctest `adapters.torch_cpu`: exports a small bundle (the
# quick gate's first cases: valid ones of every operator; then MatmulAllReduce's cases including
# its refusals; then every framework front-end's calls, `export --front-end`), answers it with the
# torch CPU adapter, judges it, and compares every case's status with the verdicts
# reports/third_party/torch_cpu.md explains (expected_torch_cpu.txt). Last, the adapter with a
# planted front-end fault (pertoken dispatched to V1) must be judged FAILED.
# A case the adapter left unanswered, a crash of the adapter, or a verdict that moved fails the
# test. Exits 77 (ctest SKIP_RETURN_CODE) when no python3 it tries (MC2_ADAPTER_PYTHON, python3
# on PATH, /usr/bin/python3) imports torch with gloo.
#   ctest_torch_cpu.sh MC2CONF WORKDIR
# MC2_WRITE_EXPECTED=1 rewrites expected_torch_cpu.txt from this run (after a reviewed change of
# the report, never to make a failing run pass).
set -euo pipefail
mc2conf="${1:?usage: ctest_torch_cpu.sh MC2CONF WORKDIR}"
work="${2:?usage: ctest_torch_cpu.sh MC2CONF WORKDIR}"
here="$(cd "$(dirname "$0")" && pwd)"
# The first interpreter that imports torch with gloo: MC2_ADAPTER_PYTHON, the `python3` on PATH
# (often a pyenv or venv shim without torch), Debian's, where python3-torch installs.
python=""
for candidate in ${MC2_ADAPTER_PYTHON:+"$MC2_ADAPTER_PYTHON"} python3 /usr/bin/python3; do
  if "$candidate" -c 'import numpy, torch, torch.distributed as d; assert d.is_available() and d.is_gloo_available()' \
       2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "SKIPPED: no python3 (${MC2_ADAPTER_PYTHON:+$MC2_ADAPTER_PYTHON, }python3 on PATH, /usr/bin/python3) imports torch with gloo and numpy (apt-get install python3-torch python3-numpy, or ./scripts/setup)"
  exit 77
fi
echo "torch adapter under $python ($("$python" -c 'import torch; print("torch", torch.__version__)'))"

rm -rf "$work"
mkdir -p "$work"
status=0
for spec in "quick_first:--gate quick --limit 40" "mar_a2:--gate quick --op matmul_all_reduce --platform atlas_a2 --limit 100" \
            "fe_torch_npu:--front-end torch_npu" "fe_mindspeed:--front-end mindspeed" "fe_mindspore:--front-end mindspore"; do
  name="${spec%%:*}"
  # shellcheck disable=SC2086 # the options are words
  "$mc2conf" export ${spec#*:} --to "$work/$name" > /dev/null
  # --matmul fp32: torch's own bf16 GEMM rounds differently per CPU (oneDNN's ISA dispatch, see the
  # report), which would make the recorded verdicts machine-dependent; the report runs both.
  "$python" "$here/torch_mc2_adapter.py" "$work/$name" --timeout 60 --matmul fp32
  "$mc2conf" judge "$work/$name" --out "$work/$name/judged" > "$work/$name/judge.txt" || true  # verdicts compared below
  tail -n 1 "$work/$name/judge.txt"
  "$python" "$here/compare_verdicts.py" "$work/$name/judged/results.json" "$here/expected_torch_cpu.txt" "$name" \
    ${MC2_WRITE_EXPECTED:+--write} || status=1
done

# The broken adapter: torch_npu's pertoken calls dispatched to aclnnQuantMatmulAllReduce (V1) must
# be FAILED by the judge (the dispatch, and with it the outputs, are wrong).
rm -rf "$work"/fe_torch_npu/case-*/rank*/result
"$python" "$here/torch_mc2_adapter.py" "$work/fe_torch_npu" --timeout 60 --matmul fp32 --bug pertoken-to-v1
if "$mc2conf" judge "$work/fe_torch_npu" --out "$work/fe_torch_npu/judged-broken" > "$work/fe_torch_npu/broken.txt"; then
  echo "FAIL: the torch adapter dispatching pertoken to V1 is judged conforming"
  status=1
elif ! grep -qF "dispatched to aclnnQuantMatmulAllReduce; the front-end's route tnpu.mmar.route.quant_v2" "$work/fe_torch_npu/broken.txt"; then
  echo "FAIL: the broken torch adapter failed for another reason:"; grep '^FAILED' "$work/fe_torch_npu/broken.txt" | head -3
  status=1
else
  echo "ok: the torch adapter dispatching pertoken to V1 is FAILED"
fi
exit $status
