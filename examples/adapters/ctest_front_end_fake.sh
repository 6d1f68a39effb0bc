#!/usr/bin/env bash
# examples/adapters/ctest_front_end_fake.sh — ctest `adapters.front_end_fake` (labels unit and
# adapters; no torch needed): exports every framework front-end's cases (`mc2conf export
# --front-end`), answers them with front_end_fake.py (the front-end checks and dispatch of
# mc2_front_ends.py, no computation) and requires the judge to pass every case; then plants one
# fault at a time (a check removed, the V4 route's y_dtype check among them; pertoken dispatched to
# V1; comm_quant_mode forwarded on the weight-quant path; MindSpeed's int8 x int8 call sent to the
# weight-quant AddRmsNorm API, its antiquant_group_size not forwarded) and requires the judge to
# fail the run with the reason that names it.
#   ctest_front_end_fake.sh MC2CONF WORKDIR
set -euo pipefail
mc2conf="${1:?usage: ctest_front_end_fake.sh MC2CONF WORKDIR}"
work="${2:?usage: ctest_front_end_fake.sh MC2CONF WORKDIR}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${MC2_FAKE_PYTHON:-python3}"

rm -rf "$work"
mkdir -p "$work"
status=0
for fe in torch_npu mindspeed mindspore; do
  "$mc2conf" export --front-end "$fe" --to "$work/$fe" > /dev/null
  "$python" "$here/front_end_fake.py" "$work/$fe"
  if ! "$mc2conf" judge "$work/$fe" > "$work/$fe.judge.txt"; then
    echo "FAIL: the faithful front-end fake is not judged conforming on $fe:"; grep FAILED "$work/$fe.judge.txt" | head -5
    status=1
  fi
  tail -n 1 "$work/$fe.judge.txt"
done

# bundle, planted fault, text the judge's failure must contain
while IFS='|' read -r fe bug reason; do
  "$python" "$here/front_end_fake.py" "$work/$fe" --bug "$bug" > /dev/null
  if "$mc2conf" judge "$work/$fe" > "$work/$fe.broken.txt"; then
    echo "FAIL: $fe with --bug $bug is judged conforming"
    status=1
  elif ! grep -qF -- "$reason" "$work/$fe.broken.txt"; then
    echo "FAIL: $fe with --bug $bug failed, but no failure says: $reason"; grep FAILED "$work/$fe.broken.txt" | head -3
    status=1
  else
    echo "ok: $fe --bug $bug: $(grep -c '^FAILED' "$work/$fe.broken.txt") cases FAILED ($reason)"
  fi
done <<'CASES'
torch_npu|skip:tnpu.mmar.pertoken.dim|the front-end must refuse this call (tnpu.mmar.pertoken.dim:
torch_npu|skip:tnpu.mmar.comm_scales.pair|the front-end must refuse this call (tnpu.mmar.comm_scales.pair:
torch_npu|skip:tnpu.mmar.low.y_dtype|the front-end must refuse this call (tnpu.mmar.low.y_dtype:
torch_npu|pertoken-to-v1|dispatched to aclnnQuantMatmulAllReduce; the front-end's route tnpu.mmar.route.quant_v2 reaches aclnnQuantMatmulAllReduceV2
torch_npu|forward-comm-quant-mode|argument comm_quant_mode=1 forwarded to aclnnWeightQuantMatmulAllReduce, which has no such parameter
mindspeed|skip:msp.arn.bs|the front-end must refuse this call (msp.arn.bs:
mindspeed|skip:msp.arn.wq.dequant|the front-end must refuse this call (msp.arn.wq.dequant:
mindspeed|msp-quant-to-wq|dispatched to aclnnWeightQuantMatmulAllReduceAddRmsNorm; the front-end's route msp.arn.route.quant reaches aclnnQuantMatmulAllReduceAddRmsNorm
mindspeed|msp-wq-drop-group-size|argument antiquant_group_size forwarded as nothing, the route passes 32
mindspore|skip:ms.agmm.k_range|the front-end must refuse this call (ms.agmm.k_range:
CASES
exit $status
