# examples/adapters/mc2_checks_v4.py — the argument checks of aclnnQuantMatmulAllReduceV4 (ops.md
# §2.5 and seed 004's constraints), in the documented order: null → dtype → attribute → shape (the
# op_api) → the group (the generated inner layer) → the tiling layer's scenario, scale and axis
# limits (561002). Also which scenario a call is, for mc2_cpu_ops.QuantMatmulAllReduceV4.
from mc2_checks import (FLOATS, INT32_MAX, PARAM_INVALID, PARAM_NULLPTR, Refusal, _attrs, _contiguous, cdiv,
                        first_null, int8_nz_storage, leading_product, reduce_op_null, tiling, transposed_last_two,
                        world_refusal)

LOW_FLOATS = ("float8_e4m3fn", "float8_e5m2", "hifloat8", "float4_e2m1")
FP8 = ("float8_e4m3fn", "float8_e5m2")
X_TYPES = ("int8",) + LOW_FLOATS
UINT16_MAX = 65535
PER_BLOCK_GROUP = 128 | 128 << 16 | 128 << 32  # 549764202624 (ops.md §2.5)


def scenario(call):
    """'int8', 'fp8' (fp32 pertoken scales), 'fp8_uint64', 'per_block', 'mx' or None (no documented one)."""
    x1, x2, s1, s2 = (call.t(n) for n in ("x1", "x2", "x1_scale", "x2_scale"))
    if x1.dtype == "int8":
        return "int8" if x2.dtype == "int8" else None
    if s2.dtype == "float8_e8m0" and s1 is not None and s1.dtype == "float8_e8m0":
        fp4 = x1.dtype == x2.dtype == "float4_e2m1"
        return "mx" if fp4 or (x1.dtype in FP8 and x2.dtype in FP8) else None
    if x1.dtype not in FP8 + ("hifloat8",) or x2.dtype not in FP8 + ("hifloat8",):
        return None
    if s2.dtype == "float":
        return "per_block" if s1 is not None and len(s1.shape) >= 2 else "fp8"
    if s2.dtype in ("uint64", "int64"):
        return "fp8_uint64"
    return None


def check_quant_v4(call):
    x1, x2, bias, x3, s1, s2, out = (call.t(n) for n in ("x1", "x2", "bias", "x3", "x1_scale", "x2_scale", "output"))
    c1, c2 = call.t("comm_quant_scale_1"), call.t("comm_quant_scale_2")
    if (r := first_null((("x1", x1), ("x2", x2), ("x2_scale", s2), ("output", out))) or reduce_op_null(call)) is not None:
        return r
    # dtypes (op_api step 2)
    low = x1.dtype in LOW_FLOATS
    if x1.dtype not in X_TYPES or x2.dtype not in X_TYPES:
        return Refusal(PARAM_INVALID, f"x1 {x1.dtype} / x2 {x2.dtype}: int8, float8_e4m3fn/e5m2, hifloat8 or float4_e2m1")
    if s2.dtype not in ("uint64", "int64", "bf16", "float", "float8_e8m0"):
        return Refusal(PARAM_INVALID, f"x2Scale dtype {s2.dtype}")
    outs = FLOATS + (("float",) if low else ())
    if out.dtype not in outs:
        return Refusal(PARAM_INVALID, f"output dtype {out.dtype} not in {outs}")
    if bias is not None and bias.dtype not in ("int32", "float"):
        return Refusal(PARAM_INVALID, f"bias dtype {bias.dtype}: int32 or float32")
    if x3 is not None and x3.dtype != out.dtype:
        return Refusal(PARAM_INVALID, "x3 must have the output's dtype")
    if not low and (out.dtype == "bf16" or s2.dtype == "bf16") and s2.dtype != out.dtype:
        return Refusal(PARAM_INVALID, "int8 with a bf16 output or x2Scale: x2Scale has the output's dtype")
    if s1 is not None and s1.dtype not in ("float", "float8_e8m0"):
        return Refusal(PARAM_INVALID, f"x1Scale dtype {s1.dtype}: float32 or float8_e8m0")
    if c1 is not None and c2 is not None and (c1.dtype != out.dtype or c2.dtype != out.dtype):
        return Refusal(PARAM_INVALID, "comm quant scales must have the output's float16/bf16 dtype")
    if call.platform == "atlas_a2" and (x1.dtype != "int8" or x2.dtype != "int8"):
        return Refusal(PARAM_INVALID, "Atlas A2: x1 and x2 int8 only")
    # attributes (step 3): the documents allow "sum" only (the vendor's strncmp lets "sumX" by)
    if (r := _attrs(call)) is not None:
        return r
    # shapes (step 4); an NZ x2 skips to the tiling layer
    nz = x2.format == "fractal_nz"
    if not 2 <= len(x1.shape) <= 3:
        return Refusal(PARAM_INVALID, f"x1 must be 2-D or 3-D, is {x1.shape}")
    k = x1.shape[-1]
    if not nz:
        if len(x2.shape) != 2:
            return Refusal(PARAM_INVALID, f"x2 must be 2-D, is {x2.shape}")
        if x2.shape[0] != k:
            return Refusal(PARAM_INVALID, f"x1's last dim {k} != x2's first {x2.shape[0]}")
        n = x2.shape[1]
        if out.shape != x1.shape[:-1] + [n]:
            return Refusal(PARAM_INVALID, f"output shape {out.shape}, expected {x1.shape[:-1] + [n]}")
        if bias is not None and bias.shape != [n]:
            return Refusal(PARAM_INVALID, f"bias shape {bias.shape}, expected [{n}]")
        if x3 is not None and x3.shape != out.shape:
            return Refusal(PARAM_INVALID, f"x3 shape {x3.shape} != output {out.shape}")
        if not (_contiguous(x2) or transposed_last_two(x2)):
            return Refusal(PARAM_INVALID, "x2 must be contiguous or a transpose of its last two dims")
    if not _contiguous(x1):
        return Refusal(PARAM_INVALID, "x1 must be contiguous")
    if call.attrs.get("group") is None:  # the generated inner layer, after every op_api check
        return Refusal(PARAM_NULLPTR, "group is a null pointer")
    return _tiling_v4(call, x1, x2, bias, s1, s2, out, c1, c2, nz)


def _tiling_v4(call, x1, x2, bias, s1, s2, out, c1, c2, nz):
    no = tiling
    k = x1.shape[-1]
    if nz:
        if x2.dtype != "int8" or len(x2.shape) != 2 or x2.shape[0] != k or min(x2.shape) < 1 or x2.offset != 0 or \
                x2.storage_shape != int8_nz_storage(k, x2.shape[1]):
            return no(f"FRACTAL_NZ x2 {x2.dtype} {x2.shape} storage {x2.storage_shape}: not the int8 NZ weight of (k, n)")
        n = x2.shape[1]
        if out.shape != x1.shape[:-1] + [n] or (bias is not None and bias.shape != [n]):
            return no("output / bias shapes do not match the NZ weight")
        x3 = call.t("x3")
        if x3 is not None and x3.shape != out.shape:
            return no("x3 shape differs from the output's")
    n = x2.shape[1]
    if (r := world_refusal(call, (1, 2, 4, 8), (1, 2, 4, 8, 16, 32, 64))) is not None:
        return r
    m = leading_product(x1)
    if m > INT32_MAX:
        return no("m beyond INT32_MAX")
    if out.numel() == 0:
        return no("the output is empty (empty tensors are not supported)")
    if k == 0:
        return no("k == 0")
    if k > UINT16_MAX:
        return no(f"k {k} beyond 65535")
    if not nz and (k if transposed_last_two(x2) else n) > UINT16_MAX:
        return no("x2's last dim beyond 65535")
    sc = scenario(call)
    if sc is None:
        return no(f"x1 {x1.dtype}, x2 {x2.dtype}, x1Scale {s1.dtype if s1 else None}, x2Scale {s2.dtype}: no documented scenario")
    hif8 = "hifloat8" in (x1.dtype, x2.dtype)
    if hif8 and x1.dtype != x2.dtype:
        return no("HiF8 pairs only with HiF8")
    if bias is not None:
        if bias.dtype != ("int32" if sc == "int8" else "float"):
            return no(f"bias {bias.dtype} in the {sc} scenario")
        if sc == "per_block":
            return no("per-block quantisation takes no bias")
    if sc == "int8":
        if s1 is not None and (s1.dtype != "float" or s2.dtype not in ("float", "bf16")):
            return no("int8 with x1Scale: float32 x1Scale and a float32/bf16 x2Scale")
        if out.dtype == "float16" and (s2.dtype not in ("uint64", "int64") if s1 is None else s2.dtype != "float"):
            return no("float16 output: UINT64/INT64 x2Scale without x1Scale, float32 with it")
        if s1 is None and s2.dtype not in ("uint64", "int64", "bf16"):
            return no(f"int8 without x1Scale: x2Scale {s2.dtype}")
    if sc == "fp8" and (s1 is None or s1.dtype != "float"):
        return no("FP8/HiF8 with a float32 x2Scale needs a float32 x1Scale")
    if sc == "fp8_uint64":
        if s1 is not None:
            return no("FP8/HiF8 with a UINT64 x2Scale takes no x1Scale")
        if out.dtype == "float":
            return no("FP8/HiF8 with a UINT64 x2Scale: float16 or bf16 output")
    if sc in ("int8", "fp8", "fp8_uint64"):
        if s1 is not None and s1.shape != [m]:
            return no(f"x1Scale shape {s1.shape}, expected [{m}]")
        if s2.shape not in ([1], [n], [1, n]):
            return no(f"x2Scale shape {s2.shape}: (1), (n) or (1, n)")
    if sc == "per_block":
        want1 = [cdiv(m, 128), cdiv(k, 128)] if len(x1.shape) == 2 else \
            [x1.shape[0], cdiv(x1.shape[1], 128), cdiv(k, 128)]
        want2 = [cdiv(n, 128), cdiv(k, 128)] if transposed_last_two(x2) else [cdiv(k, 128), cdiv(n, 128)]
        if s1.shape != want1 or s2.shape != want2:
            return no(f"per-block scales {s1.shape} / {s2.shape}, expected {want1} / {want2}")
    if sc == "mx":
        if not transposed_last_two(x2):
            return no("MX: x2 must be transposed")
        if s1.shape != [m, cdiv(k, 64), 2] or s2.shape != [n, cdiv(k, 64), 2]:
            return no(f"MX scales {s1.shape} / {s2.shape}, expected [{m}, {cdiv(k, 64)}, 2] / [{n}, {cdiv(k, 64)}, 2]")
        if x1.dtype == "float4_e2m1" and cdiv(k, 32) % 2:
            return no("MXFP4: ceil(k / 32) must be even")
    g = call.attrs.get("group_size", 0)
    if sc in ("per_block", "mx") and g:
        gk, gn, gm = g & 0xFFFF, (g >> 16) & 0xFFFF, (g >> 32) & 0xFFFF
        ok = (lambda v, want: v in (0,) + want)
        if g >> 48 or (sc == "per_block" and not (ok(gk, (128,)) and ok(gn, (128,)) and ok(gm, (128,)))) or \
                (sc == "mx" and not (ok(gk, (32,)) and ok(gn, (1,)) and ok(gm, (1,)))):
            return no(f"groupSize {g} (K {gk}, N {gn}, M {gm}) for the {sc} scenario")
    if (c1 is None) != (c2 is None):
        return no("commQuantScale1 and commQuantScale2 come together")
    if c1 is not None:
        if x1.dtype != "int8":
            return no("comm quant scales are for int8 inputs only")
        if c1.shape != c2.shape or c1.shape not in ([n], [1, n]):
            return no(f"comm quant scales {c1.shape} / {c2.shape}: both (n) or both (1, n)")
    mode = call.attrs.get("comm_quant_mode", 0)
    if mode not in (0, 1) or (mode == 1 and (x1.dtype not in FP8 or x2.dtype not in FP8)):
        return no(f"commQuantMode {mode}: 0, or 1 with FP8 E4M3FN/E5M2 inputs")
    return None
