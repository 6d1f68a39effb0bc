# examples/adapters/mc2_npu_ops.py — the torch adapter's `--device npu` path: the same three
# steps as mc2_cpu_ops.py, each operator one torch_npu call over HCCL on a real Ascend machine
# (torch_npu.npu_mm_all_reduce_base, npu_all_gather_base_mm, npu_trans_quant_param;
# dist.all_to_all_single for AllToAllVV2). Written from torch_npu's public API
# documents; it has not run here (no Ascend device on the development machine) — see README.md.
# local() only moves the inputs to the device, so that no rank enters a fused collective before
# the peers agreed (torch_mc2_adapter.run_case); collective() makes the call; finish() brings the
# outputs back.
import re

import torch
import torch.distributed as dist

from mc2_bundle import CODE_ONLY
from mc2_cpu_ops import NotSupported, _weight_values  # noqa: F401  (NotSupported: the driver's)

_RANK = 0


def setup(rank):
    global _RANK
    _npu()  # importing torch_npu registers the npu device
    _RANK = rank
    torch.npu.set_device(rank)


def _npu():
    import torch_npu
    return torch_npu


def _dev(t):
    return None if t is None else t.view().to("npu")


def _hcom(group):
    return group._get_backend(torch.device("npu")).get_hccl_comm_name(_RANK)


class CallRefused(Exception):
    """torch_npu refused the call; `code` is the aclnn status its message names (or 561000)."""

    def __init__(self, e):
        m = re.search(r"\b(1610\d\d|5610\d\d|5611\d\d|3610\d\d)\b", str(e))
        self.code = int(m.group(1)) if m else 561000
        super().__init__(str(e))


class MatmulAllReduce:
    """npu_mm_all_reduce_base: float, weight-quant (antiquant) and quant (dequant) paths (§2.6)."""

    def local(self, call):
        for t in call.tensors.values():
            if not t.null and t.dtype in CODE_ONLY and t.dtype != "int4":
                raise NotSupported(f"{t.name} dtype {t.dtype}: no torch dtype in torch_npu for this adapter")
        s = {n: _dev(call.t(n)) for n in ("x1", "x3", "bias", "antiquant_scale", "antiquant_offset",
                                          "dequant_scale", "pertoken_scale", "comm_quant_scale_1",
                                          "comm_quant_scale_2")}
        x2 = call.t("x2")
        if x2.dtype == "int4":  # torch_npu takes int4 packed eight to an int32: pack on the host
            v = _weight_values(x2).to(torch.int32) & 0xF
            v = v.contiguous().reshape(v.shape[0], -1, 8)
            packed = sum(v[..., i] << (4 * i) for i in range(8))
            s["x2"] = packed.to(torch.int32).to("npu")
        else:
            s["x2"] = x2.view().to("npu")
        s["reduce_op"] = call.attrs.get("reduce_op")
        s["comm_turn"] = call.attrs.get("comm_turn", 0)
        s["group_size"] = call.attrs.get("antiquant_group_size", 0)
        return s

    def collective(self, s, group, world):
        try:
            s["y"] = _npu().npu_mm_all_reduce_base(
                s["x1"], s["x2"], _hcom(group), reduce_op=s["reduce_op"], bias=s["bias"],
                antiquant_scale=s["antiquant_scale"], antiquant_offset=s["antiquant_offset"], x3=s["x3"],
                dequant_scale=s["dequant_scale"], pertoken_scale=s["pertoken_scale"],
                comm_quant_scale_1=s["comm_quant_scale_1"], comm_quant_scale_2=s["comm_quant_scale_2"],
                antiquant_group_size=s["group_size"], comm_turn=s["comm_turn"])
            torch.npu.synchronize()
        except RuntimeError as e:
            raise CallRefused(e) from e

    def finish(self, s):
        return {"output": s["y"].cpu()}


class AllGatherMatmul:
    def local(self, call):
        g = call.t("gather_out")
        return {"x1": _dev(call.t("x1")), "x2": _dev(call.t("x2")), "bias": _dev(call.t("bias")),
                "gather_output": g is not None and g.numel() > 0, "gather_index": call.attrs.get("gather_index", 0),
                "comm_turn": call.attrs.get("comm_turn", 0)}

    def collective(self, s, group, world):
        try:
            s["y"], s["g"] = _npu().npu_all_gather_base_mm(
                s["x1"], s["x2"], _hcom(group), world, bias=s["bias"], gather_index=s["gather_index"],
                gather_output=s["gather_output"], comm_turn=s["comm_turn"])
            torch.npu.synchronize()
        except RuntimeError as e:
            raise CallRefused(e) from e

    def finish(self, s):
        out = {"output": s["y"].cpu()}
        if s["gather_output"]:
            out["gather_out"] = s["g"].cpu()
        return out


class AllToAllVV2:
    """all_to_all_single with splits; the windows (sdispls/rdispls) are cut and placed on the host."""

    def local(self, call):
        from mc2_cpu_ops import AllToAllVV2 as Host
        s = Host().local(call)
        s["send"] = s["send"].to("npu")
        return s

    def collective(self, s, group, world):
        recv = torch.empty(sum(s["counts"]["recv_counts"]), dtype=s["send"].dtype, device="npu")
        dist.all_to_all_single(recv, s["send"], s["counts"]["recv_counts"], s["counts"]["send_counts"], group=group)
        s["recv"] = recv.cpu()

    def finish(self, s):
        from mc2_cpu_ops import AllToAllVV2 as Host
        return Host().finish(s)


class TransQuantParam:
    def __init__(self, version):
        self.version = version

    def local(self, call):
        s = {"scale": _dev(call.t("scale")), "offset": _dev(call.t("offset"))}
        s["round_mode"] = call.attrs.get("round_mode", 0)
        return s

    def collective(self, s, group, world):
        try:
            if self.version >= 3:
                s["out"] = _npu().npu_trans_quant_param(s["scale"], s["offset"], s["round_mode"])
            else:
                s["out"] = _npu().npu_trans_quant_param(s["scale"], s["offset"])
        except RuntimeError as e:
            raise CallRefused(e) from e

    def finish(self, s):
        return {"out": s["out"].cpu()}


class TransMatmulWeight:
    def local(self, call):
        # npu_format_cast makes the NZ weight, but torch_npu hands back only its logical (ND) view:
        # the FRACTAL_NZ storage bytes the bundle asks for cannot be read back through torch.
        raise NotSupported("aclnnTransMatmulWeight: torch_npu does not expose the FRACTAL_NZ storage bytes")


OPS = {
    "aclnnMatmulAllReduce": MatmulAllReduce,
    "aclnnMatmulAllReduceV2": MatmulAllReduce,
    "aclnnWeightQuantMatmulAllReduce": MatmulAllReduce,
    "aclnnQuantMatmulAllReduce": MatmulAllReduce,
    "aclnnQuantMatmulAllReduceV2": MatmulAllReduce,
    "aclnnQuantMatmulAllReduceV3": MatmulAllReduce,
    "aclnnAllGatherMatmul": AllGatherMatmul,
    "atb::AllToAllVV2Operation": AllToAllVV2,
    "aclnnTransQuantParamV2": lambda: TransQuantParam(2),
    "aclnnTransQuantParamV3": lambda: TransQuantParam(3),
    "aclnnTransMatmulWeight": TransMatmulWeight,
}
COLLECTIVE = {api for api in OPS if "TransQuantParam" not in api and "TransMatmulWeight" not in api}
