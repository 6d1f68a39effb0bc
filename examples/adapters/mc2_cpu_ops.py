# examples/adapters/mc2_cpu_ops.py — each operator's documented formula in torch on the CPU,
# its communication through torch.distributed (gloo). An operator is three steps, so that every
# rank of a case either runs the same collective or none: local(call) -> state (may raise
# NotSupported), collective(state, group), finish(state) -> {output name: tensor}.
# Where gloo or torch's CPU kernels lack a dtype the step says what it does instead, in one place:
# _matmul (torch has no float16 GEMM on the CPU: float32 operands, the fp32 accumulation the
# documents specify, ops.md §2.7; bf16 runs torch's own bf16 addmm unless MATMUL is "fp32") and
# _reduce/_gather (gloo has no bf16 or int16: bf16 sums in float32 and rounds once, which the
# numerics contract allows; data movement goes bit-exactly through a wider integer).
import numpy as np
import torch
import torch.distributed as dist

from mc2_bundle import CODE_ONLY

TORCH = {"float16": torch.float16, "bf16": torch.bfloat16, "float": torch.float32}


# "native": bf16 operands go through torch's bf16 addmm as a torch user's code would; "fp32": every
# float GEMM runs on float32 copies and rounds once (the adapter's --matmul option).
MATMUL = "native"


class NotSupported(Exception):
    """The case asks for something this adapter (or torch 1.13 on the CPU) does not offer."""


def _matmul(a, b, bias, out_dtype):
    """round_T(a @ b + bias) with one rounding; a, b (…, k) x (k, n) of one float dtype."""
    if a.dtype == torch.bfloat16 and MATMUL == "native":
        lead = a.shape[:-1]
        a2 = a.reshape(lead.numel(), a.shape[-1])
        y = torch.addmm(bias, a2, b) if bias is not None else torch.mm(a2, b)
        return y.reshape(*lead, b.shape[-1]).to(out_dtype)
    y = torch.matmul(a.float(), b.float())
    if bias is not None:
        y = y + bias.float()
    return y.to(out_dtype)


def _reduce(t, group):
    """Sum over the group's ranks, in t's dtype where gloo has it. Empty tensors never reach gloo:
    gloo 1.13 dies of SIGFPE on an empty all_gather (the ranks agreed on the shape beforehand)."""
    if t.numel() == 0:
        return t
    if t.dtype == torch.bfloat16:
        wide = t.float()
        dist.all_reduce(wide, group=group)
        return wide.to(torch.bfloat16)
    t = t.contiguous()
    dist.all_reduce(t, group=group)
    return t


def _bits_wide(t):
    """A tensor gloo can move whose values are t's bits (bf16, int16 -> int32), and the way back."""
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).to(torch.int32), lambda w: w.to(torch.int16).view(torch.bfloat16)
    if t.dtype == torch.int16:
        return t.to(torch.int32), lambda w: w.to(torch.int16)
    return t, lambda w: w


def _gather_rows(t, group, world):
    if t.numel() == 0:
        return torch.cat([t] * world, dim=0)
    wide, back = _bits_wide(t.contiguous())
    parts = [torch.empty_like(wide) for _ in range(world)]
    dist.all_gather(parts, wide, group=group)
    return back(torch.cat(parts, dim=0))


# ---- MatmulAllReduce V1/V2: output = allreduce(round_T(x1 @ x2 + bias) [+ x3]) (ops.md §2.1, §2.7)


class MatmulAllReduce:
    def local(self, call):
        x1, x2 = call.t("x1").view(), call.t("x2").view()
        bias = call.t("bias").view() if call.t("bias") is not None else None
        y = _matmul(x1, x2, bias, x1.dtype)
        if call.t("x3") is not None:
            y = y + call.t("x3").view()
        return {"y": y}

    def collective(self, s, group, world):
        s["y"] = _reduce(s["y"], group)

    def finish(self, s):
        return {"output": s["y"]}


# ---- WeightQuantMatmulAllReduce: x1 @ ((x2 + offset) * scale) (ops.md §2.2) ----


def _logical(t):
    """The (k, n) weight a tensor holds: its view, or for a FRACTAL_NZ weight (storage (ceil(n/C0),
    ceil(k/16), 16, C0), the layout aclnnTransMatmulWeight makes) the storage permuted back."""
    if t.format != "fractal_nz":
        return t.view()
    n1, k1, k0, c0 = t.storage_shape
    size = n1 * k1 * k0 * c0
    blocks = t.storage()[:size].reshape(n1, k1, k0, c0)
    k, n = t.shape[-2], t.shape[-1]
    return blocks.permute(1, 2, 0, 3).reshape(k1 * k0, n1 * c0)[:k, :n]


def _weight_values(t):
    """The weight's integer values: int8 as is, int4 codes (low 4 bits) in two's complement."""
    v = _logical(t)
    if t.dtype == "int4":
        v = v.to(torch.int16)
        return torch.where(v >= 8, v - 16, v)
    if t.dtype in CODE_ONLY:
        raise NotSupported(f"x2 dtype {t.dtype}: torch 1.13 has no such type")
    return v


class WeightQuantMatmulAllReduce(MatmulAllReduce):
    def local(self, call):
        x1 = call.t("x1").view()
        x2 = call.t("x2")
        w = _weight_values(x2).to(torch.float32)
        k, n = w.shape
        scale = call.t("antiquant_scale").view().float()
        off = call.t("antiquant_offset")
        off = off.view().float() if off is not None else None
        g = call.attrs.get("antiquant_group_size", 0)
        if g > 0:  # per group: weight row i uses scale row i // G
            rows = torch.arange(k) // g
            scale = scale[rows]
            off = off[rows] if off is not None else None
        else:  # per tensor (1) or per channel (n) / (1, n): broadcast over rows
            scale = scale.reshape(-1)
            off = off.reshape(-1) if off is not None else None
        w = (w + off) * scale if off is not None else w * scale
        # The kernel antiquantises in x1's precision for float16, in float32 then cast for bf16.
        w = w.to(x1.dtype)
        bias = call.t("bias").view() if call.t("bias") is not None else None
        y = _matmul(x1, w, bias, x1.dtype)
        if call.t("x3") is not None:
            y = y + call.t("x3").view()
        return {"y": y}


# ---- QuantMatmulAllReduce V1–V3: dequant * (x1 @ x2 + bias) [* pertoken] [+ x3] (§2.3, §2.7)


def _dequant_scale(t):
    """The per-tensor or per-channel float32 scale. UINT64/INT64 hold TransQuantParam's packing:
    the fp19-truncated float32 in the low 32 bits (ops.md §3)."""
    v = t.view().reshape(-1)
    if t.dtype in ("uint64", "int64"):
        low = (v.numpy().astype(np.int64) & 0xFFFFE000).astype(np.uint32)
        return torch.from_numpy(low.view(np.float32).copy())
    return v.float()


class QuantMatmulAllReduce(MatmulAllReduce):
    def local(self, call):
        if call.t("comm_quant_scale_1") is not None:
            raise NotSupported("int8 low-bit communication (comm_quant_scale_1/2): not written in this adapter")
        x1, x2 = call.t("x1").view(), _logical(call.t("x2"))
        out_dtype = TORCH[call.t("output").dtype]
        acc = torch.matmul(x1.to(torch.int64), x2.to(torch.int64))  # exact: |acc| < 2^31 for k <= 65535
        if call.t("bias") is not None:
            acc = acc + call.t("bias").view().to(torch.int64)
        y = acc.to(torch.float32) * _dequant_scale(call.t("dequant_scale"))
        pt = call.t("pertoken_scale")
        if pt is not None:
            y = y * pt.view().float().reshape(*x1.shape[:-1], 1)
        y = y.to(out_dtype)
        if call.t("x3") is not None:
            y = y + call.t("x3").view()
        return {"y": y}


# ---- AllGatherMatmul: gather_out = allgather(x1), output = gather_out @ x2 + bias (§5.1) ----


class AllGatherMatmul:
    def local(self, call):
        s = {"x1": call.t("x1").view(), "x2": call.t("x2").view(), "want_gather": False}
        s["bias"] = call.t("bias").view() if call.t("bias") is not None else None
        g = call.t("gather_out")
        s["want_gather"] = g is not None and g.numel() > 0
        return s

    def collective(self, s, group, world):
        s["gathered"] = _gather_rows(s["x1"], group, world)

    def finish(self, s):
        out = {"output": _matmul(s["gathered"], s["x2"], s["bias"], s["x1"].dtype)}
        if s["want_gather"]:
            out["gather_out"] = s["gathered"]
        return out


# ---- MatmulAllReduceAddRmsNorm (+ in-place): mm = allreduce(round_T(x1 @ x2 + bias)), y =
# round_T(mm + residual), normOut = round_T(round_T(y · rstd) · gamma), rstd = 1/sqrt(Σ y²/n + ε) in
# float32 (ops.md §6.1's order of operations). Reached through MindSpeed's front-end only.


class MatmulAllReduceAddRmsNorm:
    def local(self, call):
        x1, x2 = call.t("x1").view(), call.t("x2").view()
        bias = call.t("bias").view() if call.t("bias") is not None else None
        return {"mm": _matmul(x1, x2, bias, x1.dtype), "residual": call.t("residual").view(),
                "gamma": call.t("gamma").view(), "epsilon": float(call.attrs.get("epsilon", 1e-6)),
                "inplace": call.api.startswith("aclnnInplace")}

    def collective(self, s, group, world):
        s["mm"] = _reduce(s["mm"], group)

    def finish(self, s):
        res, t = s["residual"], s["residual"].dtype
        y = (s["mm"].reshape(res.shape).double() + res.double()).to(t)  # one rounding of the exact sum
        yf = y.float()
        n = yf.shape[-1]
        rstd = 1.0 / torch.sqrt((yf * yf * (1.0 / n)).sum(dim=-1, keepdim=True) + s["epsilon"])
        norm = ((yf * rstd).to(t).double() * s["gamma"].double()).to(t)
        return {"residual" if s["inplace"] else "y": y, "norm_out": norm}


# ---- AllToAllVV2: rank r sends x[sdispls[j] : +sendCounts[j]] to rank j, receives at rdispls --


class AllToAllVV2:
    def local(self, call):
        counts = {n: call.t(n).view().reshape(-1).tolist() for n in ("send_counts", "sdispls", "recv_counts", "rdispls")}
        x = call.t("x").view().reshape(-1)
        send = torch.cat([x[d:d + c] for c, d in zip(counts["send_counts"], counts["sdispls"])])
        return {"counts": counts, "send": send, "out": call.t("output").view().clone()}

    def collective(self, s, group, world):
        wide, back = _bits_wide(s["send"])
        recv = torch.empty(sum(s["counts"]["recv_counts"]), dtype=wide.dtype)
        dist.all_to_all_single(recv, wide, s["counts"]["recv_counts"], s["counts"]["send_counts"], group=group)
        s["recv"] = back(recv)

    def finish(self, s):
        flat = s["out"].reshape(-1)
        at = 0
        for c, d in zip(s["counts"]["recv_counts"], s["counts"]["rdispls"]):
            flat[d:d + c] = s["recv"][at:at + c]
            at += c
        return {"output": flat.reshape(s["out"].shape)}


# ---- TransQuantParamV2/V3: float32 scale (+ offset) -> the packed 64-bit words (ops.md §3) ----


def _fp19_round(bits):
    """V3 roundMode 1: round a float32 to 1+8+10 bits, half to even; denormals to signed zero."""
    out = np.empty_like(bits)
    for i, b in enumerate(bits.tolist()):
        sign, exp, man = b & 0x80000000, (b >> 23) & 0xFF, b & 0x7FFFFF
        if exp == 0:
            out[i] = sign
        elif exp == 0xFF:
            out[i] = b & 0xFFFFE000
        else:
            keep, rest = man >> 13, man & 0x1FFF
            if rest > 0x1000 or (rest == 0x1000 and keep & 1):
                keep += 1
            if keep == 0x400:
                keep, exp = 0, exp + 1
            out[i] = sign | (0x7F800000 if exp >= 0xFF else (exp << 23) | (keep << 13))
    return out


class TransQuantParam:
    def __init__(self, version):
        self.version = version

    def local(self, call):
        scale = call.t("scale").view().contiguous().numpy().astype(np.float32)
        rows = scale.shape[0] if scale.ndim == 2 else 1
        scale = scale.reshape(rows, -1)
        off = call.t("offset")
        n = scale.shape[1]
        if off is not None:
            off = off.view().contiguous().numpy().astype(np.float32).reshape(-1)
            n = max(n, off.size)
        scale = np.broadcast_to(scale, (rows, n)).reshape(-1)
        bits = scale.view(np.uint32).astype(np.uint64)
        if self.version >= 3 and call.attrs.get("round_mode") == 1:
            bits = _fp19_round(bits)
        else:
            bits = bits & 0xFFFFE000
        words = bits | np.uint64(1 << 46)
        if off is not None:
            o = np.clip(np.rint(np.broadcast_to(off, (rows, n)).reshape(-1)), -256, 255).astype(np.int64)
            words = (words & np.uint64(0x4000FFFFFFFF)) | ((o.astype(np.uint64) & np.uint64(0x1FF)) << np.uint64(37))
        return {"out": torch.from_numpy(words.view(np.int64).copy())}

    def collective(self, s, group, world):
        pass

    def finish(self, s):
        return {"out": s["out"]}


class TransMatmulWeight:
    """The weight's logical (…, k, n) matrix into FRACTAL_NZ storage (…, ceil(n/C0), ceil(k/16), 16,
    C0), C0 = 16 (float16/bf16) or 32 (int8), zero padding; storage past it keeps its bytes (the
    layout the catalogue states for aclnnTransMatmulWeight / aclnnCalculateMatmulWeightSizeV2).
    finish() returns the whole new storage, as {"storage": …}: the tensor is updated in place."""

    def local(self, call):
        t = call.t("mm_weight_ref")
        w = t.view().contiguous()
        c0 = 32 if t.dtype == "int8" else 16
        *batch, k, n = w.shape
        k16, nc = -(-k // 16) * 16, -(-n // c0) * c0
        padded = torch.zeros(*batch, k16, nc, dtype=w.dtype)
        padded[..., :k, :n] = w
        nd = len(batch)
        nz = padded.reshape(*batch, k16 // 16, 16, nc // c0, c0)
        nz = nz.permute(*range(nd), nd + 2, nd, nd + 1, nd + 3).contiguous().reshape(-1)
        storage = t.storage().clone()
        storage[:nz.numel()] = nz
        return {"storage": storage}

    def collective(self, s, group, world):
        pass

    def finish(self, s):
        return {"mm_weight_ref": s}


OPS = {
    "aclnnMatmulAllReduce": MatmulAllReduce,
    "aclnnMatmulAllReduceV2": MatmulAllReduce,
    "aclnnWeightQuantMatmulAllReduce": WeightQuantMatmulAllReduce,
    "aclnnQuantMatmulAllReduce": QuantMatmulAllReduce,
    "aclnnQuantMatmulAllReduceV2": QuantMatmulAllReduce,
    "aclnnQuantMatmulAllReduceV3": QuantMatmulAllReduce,
    "aclnnAllGatherMatmul": AllGatherMatmul,
    "aclnnMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "aclnnInplaceMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "atb::AllToAllVV2Operation": AllToAllVV2,
    "aclnnTransQuantParamV2": lambda: TransQuantParam(2),
    "aclnnTransQuantParamV3": lambda: TransQuantParam(3),
    "aclnnTransMatmulWeight": TransMatmulWeight,
}

# Operators that communicate (their ranks must agree before the collective runs).
COLLECTIVE = {api for api in OPS if "TransQuantParam" not in api and "TransMatmulWeight" not in api}
