# examples/adapters/mc2_checks_arn.py — the argument checks of the six
# aclnn[Inplace][Quant|WeightQuant]MatmulAllReduceAddRmsNorm APIs (ops.md §6.1), in the op_api's
# order: null (+ the variant's scale) → ArnCheckShape → the empty short-cut (SUCCESS, nothing
# computed, before streamMode) → streamMode → the inner layer's nulls → the layouts the tables
# allow → the tiling layer (561002): epsilon, reduceOp, dtypes, ranks and shapes, the embedded
# Quant (§2.3) or WeightQuant (§2.2) matmul's scale and axis rules, the world size.
from mc2_checks import (FLOATS, PARAM_INVALID, PARAM_NULLPTR, Refusal, _contiguous, _scale_shape_ok, first_null,
                        leading_product, reduce_op_null, tiling, transposed_last_two, world_refusal)

SHORT_CUT = Refusal(0, "an empty x1, x2, residual or gamma: SUCCESS with workspace 0, nothing computed")


def variant(api):
    return "quant" if "QuantMatmul" in api and "WeightQuant" not in api else \
        "weight_quant" if "WeightQuant" in api else "plain"


def check_add_rms_norm(call):
    v = variant(call.api)
    inplace = call.api.startswith("aclnnInplace")
    x1, x2, bias, res, gamma = (call.t(n) for n in ("x1", "x2", "bias", "residual", "gamma"))
    scale_name = {"quant": "dequant_scale", "weight_quant": "antiquant_scale"}.get(v)
    scale = call.t(scale_name) if scale_name else None
    offset = call.t("antiquant_offset") if v == "weight_quant" else None
    y, norm = (None if inplace else call.t("y")), call.t("norm_out")
    named = (("x1", x1), ("x2", x2), ("residual", res), ("gamma", gamma)) + (((scale_name, scale),) if scale_name else ())
    if (r := first_null(named) or reduce_op_null(call)) is not None:
        return r
    if not x1.shape or not x2.shape or not res.shape:
        return Refusal(PARAM_INVALID, f"x1 {x1.shape}, x2 {x2.shape}, residual {res.shape}: each needs a dim")
    if x1.shape[-1] != x2.shape[0] or res.shape[-1] != x2.shape[-1]:
        return Refusal(PARAM_INVALID, f"x1 {x1.shape}, x2 {x2.shape}, residual {res.shape}: k or n differ")
    if any(t.numel() == 0 for t in (x1, x2, res, gamma) + ((scale,) if scale else ())):
        return Refusal(PARAM_INVALID, "k == 0") if x1.shape[-1] == 0 else SHORT_CUT
    if call.attrs.get("stream_mode") != 1:
        return Refusal(PARAM_INVALID, f"streamMode {call.attrs.get('stream_mode')}: only 1")
    if call.attrs.get("group") is None:
        return Refusal(PARAM_NULLPTR, "group is a null pointer")
    if not inplace and y is None:
        return Refusal(PARAM_NULLPTR, "y is null")
    if norm is None:
        return Refusal(PARAM_NULLPTR, "normOut is null")
    # The layouts the tables allow (only x2 may be a transposed view; ND only).
    if x2.format != "nd" or any(t is not None and t.format != "nd" for t in (x1, bias, res, gamma, scale, offset, y, norm)):
        return Refusal(PARAM_INVALID, "only ND tensors (no FRACTAL_NZ x2 in this family)")
    for name, t in (("x1", x1), ("residual", res), ("gamma", gamma)):
        if not _contiguous(t):
            return Refusal(PARAM_INVALID, f"{name} must be contiguous")
    if not (_contiguous(x2) or transposed_last_two(x2)):
        return Refusal(PARAM_INVALID, "x2 must be contiguous or a transpose of its last two dims")
    if v == "weight_quant":
        for name, t in (("antiquant_scale", scale), ("antiquant_offset", offset)):
            if t is not None and len(t.shape) == 2 and min(t.shape) != 1 and (not _contiguous(t) or transposed_last_two(x2)):
                return Refusal(PARAM_INVALID, f"a per-group {name} must be contiguous, with x2 not transposed")
    if call.attrs.get("comm_turn", 0) < 0:
        return Refusal(PARAM_INVALID, f"commTurn {call.attrs.get('comm_turn')} is negative")
    return _tiling(call, v, x1, x2, bias, res, gamma, scale, offset, y, norm)


def _tiling(call, v, x1, x2, bias, res, gamma, scale, offset, y, norm):
    no = tiling
    eps = call.attrs.get("epsilon")
    if not isinstance(eps, (int, float)) or not 0 < eps < 1:
        return no(f"epsilon {eps} outside (0, 1)")
    if not str(call.attrs.get("reduce_op")).startswith("sum"):  # the shared tiling compares 3 characters
        return no(f"reduceOp {call.attrs.get('reduce_op')!r}")
    t = res.dtype
    if v == "quant":
        if x1.dtype != "int8" or x2.dtype != "int8" or (bias is not None and bias.dtype != "int32"):
            return no("quant: x1 and x2 int8, bias int32")
        if scale.dtype not in {"bf16": ("bf16",), "float16": ("uint64", "int64")}.get(t, ()):
            return no(f"dequantScale {scale.dtype} with a {t} residual: UINT64/INT64 (float16) or BF16 (bf16)")
    else:
        if x1.dtype not in FLOATS:
            return no(f"x1 dtype {x1.dtype} not in float16/bf16")
        if v == "plain" and x2.dtype != x1.dtype:
            return no("x2 must have x1's dtype")
        if v == "weight_quant":
            if x2.dtype not in ("int8", "int4"):
                return no(f"x2 dtype {x2.dtype}: int8 or int4")
            if scale.dtype != x1.dtype or (offset is not None and offset.dtype != scale.dtype):
                return no("antiquantScale has x1's dtype, antiquantOffset the scale's")
        if (bias is not None and bias.dtype != x1.dtype) or t != x1.dtype:
            return no("bias and residual must have x1's dtype")
    if any(u is not None and u.dtype != t for u in (gamma, y, norm)):
        return no("gamma, y and normOut must have residual's dtype")
    if len(x1.shape) not in (2, 3) or len(x2.shape) != 2 or len(res.shape) != 3 or len(gamma.shape) != 1 or \
            any(u is not None and len(u.shape) != 3 for u in (y, norm)):
        return no("x1 2-D or 3-D, x2 2-D, residual/y/normOut (b, s, n), gamma (n)")
    if gamma.shape[0] != res.shape[2] or any(u is not None and u.shape != res.shape for u in (y, norm)):
        return no("gamma (n), y and normOut of residual's shape")
    m = leading_product(x1)
    if m != res.shape[0] * res.shape[1]:
        return no(f"x1's b·s {m} != residual's {res.shape[0] * res.shape[1]}")
    k, n = x2.shape
    if bias is not None and bias.shape != [n]:
        return no(f"bias shape {bias.shape}, expected [{n}]")
    if v == "quant":
        if scale.shape not in ([1], [n], [1, n]):
            return no(f"dequantScale shape {scale.shape}: (1), (n) or (1, n)")
        if k > 65535 or n > 65535:
            return no("k and x2's last dim at most 65535")
    if v == "weight_quant":
        g = call.attrs.get("antiquant_group_size", 0)
        if g != 0 and (g % 32 != 0 or g < 32 or g > k - 1):
            return no(f"antiquantGroupSize {g}: 0 or a multiple of 32 in [32, k-1]")
        if not 1 <= len(scale.shape) <= 2 or not _scale_shape_ok(scale, k, n, g):
            return no(f"antiquantScale shape {scale.shape} for k {k}, n {n}, group {g}")
        if offset is not None and offset.shape != scale.shape:
            return no("antiquantOffset shape differs from the scale's")
        if x2.dtype == "int4" and (k if transposed_last_two(x2) else n) % 2:
            return no("int4 weight: its contiguous dim must be even")
        if k > 65535 or n > 65535:
            return no("k and n at most 65535")
    return world_refusal(call, (1, 2, 4, 8), (1, 2, 4, 8, 16, 32, 64))
