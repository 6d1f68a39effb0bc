# examples/adapters/mc2_cpu_ops.py — each operator's documented formula in torch on the CPU,
# its communication through torch.distributed (gloo). An operator is three steps, so that every
# rank of a case either runs the same collective or none: local(call) -> state (may raise
# NotSupported), collective(state, group), finish(state) -> {output name: tensor}.
# Where gloo or torch's CPU kernels lack a dtype the step says what it does instead, in one place:
# _matmul (torch has no float16 GEMM on the CPU: float32 operands, the fp32 accumulation the
# documents specify, ops.md §2.7; bf16 runs torch's own bf16 addmm unless MATMUL is "fp32") and
# _reduce/_gather (gloo has no bf16 or int16, and its float16 sum is wrong for some layouts: bf16 and
# float16 sum in float32 and round once, which the numerics contract allows; data movement goes
# bit-exactly through a wider integer).
import numpy as np
import torch
import torch.distributed as dist

import mc2_checks_v4
import mc2_lowbit
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
    """Sum over the group's ranks. bf16 and float16 sum in float32 and round once (the numerics
    contract allows a wider reduction): gloo 1.13 has no bf16, and its float16 sum is wrong for some
    tensor layouts (eight ranks' -1745, 3856, 363.5, -51.09, -46.34, 989.5, 22832, -117.1 in a
    1-element tensor sum to 2476, not 26081; at element 8 of 64 it is right — found by the quick
    gate's case 1609, reports/third_party/torch_cpu.md). Empty tensors never reach gloo: gloo 1.13
    dies of SIGFPE on an empty all_gather (the ranks agreed on the shape beforehand)."""
    if t.numel() == 0:
        return t
    if t.dtype in (torch.bfloat16, torch.float16):
        wide = t.float()
        dist.all_reduce(wide, group=group)
        return wide.to(t.dtype)
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


def _weight_quant_mm(call, x1):
    """round_T(x1 @ w + bias), w = (x2 + offset) · scale per tensor / channel / group, computed in float32
    and rounded to x1's dtype for both dtypes (ops.md §2.2 documents antiquantisation in float16 for a
    float16 x1; the oracle admits this float32-then-cast reading too, oracle/contract.md)."""
    w = _weight_values(call.t("x2")).to(torch.float32)
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
    bias = call.t("bias").view() if call.t("bias") is not None else None
    return _matmul(x1, w.to(x1.dtype), bias, x1.dtype)


class WeightQuantMatmulAllReduce(MatmulAllReduce):
    def local(self, call):
        x1 = call.t("x1").view()
        y = _weight_quant_mm(call, x1)
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


def _quant_mm(x1, x2, bias, scale, pertoken, out_dtype):
    """round_out((x1 @ x2 + bias) · scale [· pertoken per row]): the exact integer GEMM (|acc| < 2^31
    for k <= 65535) + int32 bias, the scales in float32."""
    acc = torch.matmul(x1.to(torch.int64), x2.to(torch.int64))
    if bias is not None:
        acc = acc + bias.view().to(torch.int64)
    if scale.dtype in ("uint64", "int64") and pertoken is None and out_dtype == torch.float16:
        # One rounding, RN_f16(acc · scale) (oracle/contract.md): the product of a 31-bit
        # accumulator and the fp19 scale's 11 significant bits is exact in float64, and numpy
        # rounds float64 to float16 directly. Through float32 (and torch 1.13's float64 → float16,
        # which goes through float32 too) it was rounded twice: acc −12307 · 0.00143909454345703
        # gave −17.71875 for −17.703125.
        exact = acc.double() * _dequant_scale(scale).double()
        return torch.from_numpy(exact.numpy().astype(np.float16))
    y = acc.to(torch.float32) * _dequant_scale(scale)
    if pertoken is not None:
        y = y * pertoken.view().float().reshape(*x1.shape[:-1], 1)
    return y.to(out_dtype)


def _rne_int8(v):
    """float16 → int8, round half to even, saturating (inf → ±127/−128)."""
    return torch.round(v.float()).clamp(-128, 127).to(torch.int32)


class CommInt8:
    """The int8 low-bit communication (ops.md §4.1 Atlas A2: AllToAll + ReduceSum + AllGather; §4.2
    Ascend 950: ReduceScatter + AllGather — the same element-wise arithmetic): per rank q =
    sat8(rne(f16(Y / s1))) (bf16: the division in float32; float16: in float16), the int8 codes
    summed exactly (an int32 all-reduce here), q2 = sat8(rne(f16(S · f32(f32(s1) / f32(s2))))), out =
    round_T(q2 · s2). Every rank's scales are its own; the documents' calls pass the same ones."""

    def __init__(self, y, s1, s2):
        t = y.dtype
        s1 = s1.view().reshape(-1)
        self.s2 = s2.view().reshape(-1)
        q = (y.float() / s1.float()).half() if t == torch.bfloat16 else (y / s1.to(t)).half()
        self.q = _rne_int8(q)
        self.ratio = s1.float() / self.s2.float()
        self.dtype = t

    def collective(self, group):
        if self.q.numel():
            dist.all_reduce(self.q, group=group)  # exact: |S| <= 128 · world

    def finish(self):
        q2 = _rne_int8((self.q.float() * self.ratio).half())
        if self.dtype == torch.bfloat16:
            return (q2.float() * self.s2.float()).to(torch.bfloat16)
        return q2.to(torch.float16) * self.s2.to(torch.float16)


class QuantMatmulAllReduce(MatmulAllReduce):
    def local(self, call):
        y = _quant_mm(call.t("x1").view(), _logical(call.t("x2")), call.t("bias"), call.t("dequant_scale"),
                      call.t("pertoken_scale"), TORCH[call.t("output").dtype])
        if call.t("x3") is not None:
            y = y + call.t("x3").view()
        return _comm_state(call, y)

    def collective(self, s, group, world):
        if "comm" in s:
            s["comm"].collective(group)
        else:
            s["y"] = _reduce(s["y"], group)

    def finish(self, s):
        return {"output": s["comm"].finish() if "comm" in s else s["y"]}


def _comm_state(call, y):
    """{"y": y}, or with comm scales the int8 communication's state."""
    if call.t("comm_quant_scale_1") is None:
        return {"y": y}
    return {"comm": CommInt8(y, call.t("comm_quant_scale_1"), call.t("comm_quant_scale_2"))}


# ---- QuantMatmulAllReduceV4 (ops.md §2.5, seed 004's formulas): int8 as V1-V3 (x2Scale ≙
# dequantScale, x1Scale ≙ pertoken); FP8 with fp32 scales y = (Σ x1·x2 + bias)·x2Scale·x1Scale, with
# a UINT64 scale y = (Σ x1·x2 + bias)·scale; per-block y = Σ_b (Σ_{t in b} x1·x2)·x1Scale[i/128, b]·
# x2Scale[b, j/128]; MX y = Σ (x1·2^e1)(x2·2^e2) + bias (32-element E8M0 groups along k). The 8-/4-bit
# codes are decoded by mc2_lowbit's tables (torch 1.13 has no float8); products and k-sums in float64
# (every 8-bit product is exact there), rounded to float32 (the kernel's accumulator) and then to
# the output, + x3, all-reduced.


def _codes(t, logical=True):
    v = _logical(t) if logical else t.view()
    return mc2_lowbit.decode(v.contiguous().numpy(), t.dtype)


class QuantMatmulAllReduceV4(QuantMatmulAllReduce):
    def local(self, call):
        x1t, x2t, s1, s2 = (call.t(n) for n in ("x1", "x2", "x1_scale", "x2_scale"))
        out_dtype = TORCH[call.t("output").dtype]
        if call.attrs.get("comm_quant_mode", 0) == 1:
            raise NotSupported("commQuantMode 1 (the pertile FP8 communication): not written in this adapter")
        if "hifloat8" in (x1t.dtype, x2t.dtype):
            raise NotSupported("HIFLOAT8: the adapter has no decoder for its tapered encoding (torch 1.13 has no such type)")
        sc = mc2_checks_v4.scenario(call)
        if sc == "int8":
            y = _quant_mm(x1t.view(), _logical(x2t), call.t("bias"), s2, s1, out_dtype)
        else:
            y = torch.from_numpy(self._low_float(call, sc, x1t, x2t, s1, s2)).to(torch.float32).to(out_dtype)
        if call.t("x3") is not None:
            y = y + call.t("x3").view()
        return _comm_state(call, y)

    @staticmethod
    def _low_float(call, sc, x1t, x2t, s1, s2):
        x1 = _codes(x1t)
        lead, k = x1.shape[:-1], x1.shape[-1]
        x1 = x1.reshape(-1, k)
        x2 = _codes(x2t)
        bias = call.t("bias").view().double().numpy() if call.t("bias") is not None else 0.0
        if sc == "mx":  # one E8M0 scale per 32 elements of k, stored in pairs [dim, ceil(k/64), 2]
            e1 = mc2_lowbit.decode(s1.view().contiguous().numpy(), s1.dtype).reshape(x1.shape[0], -1)
            e2 = mc2_lowbit.decode(s2.view().contiguous().numpy(), s2.dtype).reshape(x2.shape[1], -1)
            groups = np.arange(k) // 32
            y = (x1 * e1[:, groups]) @ (x2 * e2[:, groups].T) + bias
        elif sc == "per_block":
            sa = s1.view().double().numpy()
            sb = s2.view().double().numpy()
            if mc2_checks_v4.transposed_last_two(x2t):
                sb = sb.T
            rows = np.arange(x1.shape[0])
            per_batch = lead[-1] if len(lead) == 2 else x1.shape[0]
            sa = sa.reshape(-1, sa.shape[-2], sa.shape[-1])[rows // per_batch, (rows % per_batch) // 128]  # (m, kb)
            cols = np.arange(x2.shape[1]) // 128
            y = np.zeros((x1.shape[0], x2.shape[1]))
            for b in range(sa.shape[1]):
                part = x1[:, b * 128:(b + 1) * 128] @ x2[b * 128:(b + 1) * 128]
                y += part * sa[:, b:b + 1] * sb[b, cols][None, :]
        else:
            y = x1 @ x2 + bias
            if sc == "fp8":
                y = y * s2.view().double().numpy().reshape(-1) * s1.view().double().numpy().reshape(-1, 1)
            else:  # UINT64 / INT64: TransQuantParam's packed float (ops.md §3)
                y = y * _dequant_scale(s2).double().numpy()
        return y.reshape(*lead, -1)


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
# float32 (ops.md §6.1's order of operations). The quant and weight-quant variants embed
# QuantMatmulAllReduce's and WeightQuantMatmulAllReduce's matmuls above.


class MatmulAllReduceAddRmsNorm:
    def local(self, call):
        x1, res = call.t("x1").view(), call.t("residual").view()
        if "WeightQuant" in call.api:
            mm = _weight_quant_mm(call, x1)
        elif "QuantMatmul" in call.api:  # dequantScale · (x1 @ x2 + bias), rounded to residual's dtype
            mm = _quant_mm(x1, call.t("x2").view(), call.t("bias"), call.t("dequant_scale"), None, res.dtype)
        else:
            bias = call.t("bias").view() if call.t("bias") is not None else None
            mm = _matmul(x1, call.t("x2").view(), bias, x1.dtype)
        return {"mm": mm, "residual": res,
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
    "aclnnQuantMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "aclnnInplaceQuantMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "aclnnWeightQuantMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm": MatmulAllReduceAddRmsNorm,
    "aclnnQuantMatmulAllReduceV4": QuantMatmulAllReduceV4,
    "atb::AllToAllVV2Operation": AllToAllVV2,
    "aclnnTransQuantParamV2": lambda: TransQuantParam(2),
    "aclnnTransQuantParamV3": lambda: TransQuantParam(3),
    "aclnnTransMatmulWeight": TransMatmulWeight,
}

# Operators that communicate (their ranks must agree before the collective runs).
COLLECTIVE = {api for api in OPS if "TransQuantParam" not in api and "TransMatmulWeight" not in api}
