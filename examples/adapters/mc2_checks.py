# examples/adapters/mc2_checks.py — the argument checks the torch adapters apply before a call,
# written from the public documents (spec-notes/ops.md §1.2 order: null → dtype → attribute →
# format → shape → tiling-layer limits; torch_npu's npu_mm_all_reduce_base TORCH_CHECKs, §2.6;
# ATB AllToAllVV2's param and Setup checks, §7). Each returns None or Refusal(phase code, text).
# What is not checked here is listed per family in reports/third_party/torch_cpu.md.

PARAM_NULLPTR = 161001  # ACLNN_ERR_PARAM_NULLPTR (ops.md §1.1)
PARAM_INVALID = 161002  # ACLNN_ERR_PARAM_INVALID
INNER_TILING = 561002  # ACLNN_ERR_INNER_TILING_ERROR: the tiling layer's refusals (§1.2 step 2)
RUNTIME_ERROR = 361001  # ACLNN_ERR_RUNTIME_ERROR: the call could not run (no communicator, a peer failed)
ATB_INVALID_PARAM = 1  # atb::ErrorType (ops.md §7)
ATB_TENSOR_DIM = 8
ATB_TENSOR_SIZE = 9
ATB_CANN_ERROR = 12
ATB_INI_MATCH = 13

FLOATS = ("float16", "bf16")
INT32_MAX = 2**31 - 1


class Refusal:
    def __init__(self, code, text):
        self.code = code
        self.text = text


def _contiguous(t):
    if t.numel() == 0:  # an empty view reaches no element: any strides describe it
        return True
    expect = 1
    for d, s in reversed(list(zip(t.shape, t.strides))):
        if d != 1 and s != expect:
            return False
        expect *= d
    return True


def transposed_last_two(t):
    """The vendor's IsTransposeLastTwoDims (ops.md §1.4): a (…, k, n) view of an (…, n, k) storage."""
    if not 2 <= len(t.shape) <= 6 or (t.shape[-1] == 1 and t.shape[-2] == 1):
        return False
    if t.strides[-2] != 1 or t.strides[-1] != t.shape[-2]:
        return False
    inner = t.shape[-1] * t.shape[-2]
    for d, s in reversed(list(zip(t.shape[:-2], t.strides[:-2]))):
        if s != inner:
            return False
        inner *= d
    return True


def cdiv(a, b):
    return -(-a // b)


def leading_product(t):
    """m: the product of every dim but the last (x1's rows, however many leading dims it has)."""
    m = 1
    for d in t.shape[:-1]:
        m *= d
    return m


def first_null(named):
    """PARAM_NULLPTR for the first (name, tensor) pair whose tensor is null, in the given order."""
    for name, t in named:
        if t is None:
            return Refusal(PARAM_NULLPTR, f"{name} is null")
    return None


def reduce_op_null(call):
    if call.attrs.get("reduce_op") is None:
        return Refusal(PARAM_NULLPTR, "reduceOp is a null pointer")
    return None


def tiling(text):
    """A refusal of the tiling layer (561002)."""
    return Refusal(INNER_TILING, text)


def world_refusal(call, a2_sizes, other_sizes):
    if not _world_ok(call, a2_sizes, other_sizes):
        return tiling(f"world size {call.world} not supported on {call.platform}")
    return None


def int8_nz_storage(k, n):
    """The storage shape aclnnTransMatmulWeight gives an int8 (k, n) weight in FRACTAL_NZ (§1.5)."""
    return [cdiv(n, 32), cdiv(k, 16), 16, 32]


def _group(call, key="group"):
    g = call.attrs.get(key)
    if g is None:
        return Refusal(PARAM_NULLPTR, f"{key} is a null pointer")
    return None


def group_is_known(call, key="group"):
    """Only the rank's own communicator names a group this adapter has (the torch process group)."""
    g = call.attrs.get(key)
    return isinstance(g, dict) and g.get("communicator") is True


def _world_ok(call, a2_sizes, other_sizes):
    return call.world in (a2_sizes if call.platform == "atlas_a2" else other_sizes)


def check_matmul_all_reduce(call, x3_allowed):
    """aclnnMatmulAllReduce / V2 (ops.md §2.1)."""
    x1, x2, bias, x3, out = (call.t(n) for n in ("x1", "x2", "bias", "x3", "output"))
    if (r := first_null((("x1", x1), ("x2", x2), ("output", out))) or _group(call) or reduce_op_null(call)) is not None:
        return r
    for name, t in (("x1", x1), ("x2", x2), ("output", out), ("bias", bias), ("x3", x3)):
        if t is not None and t.dtype not in FLOATS:
            return Refusal(PARAM_INVALID, f"{name} dtype {t.dtype} not in float16/bf16")
    if x3 is not None and x3.dtype != x1.dtype:
        return Refusal(PARAM_INVALID, "x3 dtype differs from x1")
    if x2.dtype != x1.dtype or out.dtype != x1.dtype or (bias is not None and bias.dtype != x1.dtype):
        return Refusal(PARAM_INVALID, "x1, x2, output and bias must share one dtype")
    if (r := _attrs(call)) is not None:
        return r
    if any(t is not None and t.format != "nd" for t in (x1, x2, bias, x3, out)):
        return Refusal(PARAM_INVALID, "only ND tensors (x2 in FRACTAL_NZ is not supported without quantisation)")
    return _matmul_shapes(call, x1, x2, bias, x3, out, empty_m_refused=True)


def _attrs(call):
    if call.attrs.get("reduce_op") != "sum":
        return Refusal(PARAM_INVALID, f"reduceOp {call.attrs.get('reduce_op')!r}: only \"sum\"")
    if call.attrs.get("stream_mode") != 1:
        return Refusal(PARAM_INVALID, f"streamMode {call.attrs.get('stream_mode')}: only 1")
    if call.attrs.get("comm_turn", 0) < 0:
        return Refusal(PARAM_INVALID, f"commTurn {call.attrs.get('comm_turn')} is negative")
    return None


def _matmul_shapes(call, x1, x2, bias, x3, out, empty_m_refused):
    """Shape checks shared by the MatmulAllReduce family (§2.1 step 5, §2.6's TORCH_CHECKs)."""
    if len(x2.shape) != 2:
        return Refusal(PARAM_INVALID, f"x2 must be 2-D, is {x2.shape}")
    if not 2 <= len(x1.shape) <= 3:
        return Refusal(PARAM_INVALID, f"x1 must be 2-D or 3-D, is {x1.shape}")
    if x1.shape[-1] != x2.shape[0]:
        return Refusal(PARAM_INVALID, f"x1's last dim {x1.shape[-1]} != x2's first {x2.shape[0]}")
    if not _contiguous(x1):
        return Refusal(PARAM_INVALID, "x1 must be contiguous")
    if not (_contiguous(x2) or transposed_last_two(x2)):
        return Refusal(PARAM_INVALID, "x2 must be contiguous or a transpose of its last two dims")
    n = x2.shape[1]
    want = x1.shape[:-1] + [n]
    if out.shape != want:
        return Refusal(PARAM_INVALID, f"output shape {out.shape}, expected {want}")
    if x3 is not None and x3.shape != out.shape:
        return Refusal(PARAM_INVALID, f"x3 shape {x3.shape} != output {out.shape}")
    if bias is not None and bias.shape != [n]:
        return Refusal(PARAM_INVALID, f"bias shape {bias.shape}, expected [{n}]")
    m = leading_product(x1)
    if empty_m_refused and m == 0:
        return Refusal(PARAM_INVALID, "x1 is empty (m == 0)")
    # The tiling layer (§2.1 "not checked in op_api"): INT32 limits, empty operands, world size.
    if max(m, x1.shape[-1], n) > INT32_MAX:
        return Refusal(INNER_TILING, "m, k or n beyond INT32_MAX")
    for name, t in (("bias", bias), ("x3", x3), ("output", out)):
        if t is not None and t.numel() == 0:
            return Refusal(INNER_TILING, f"{name} is empty")
    return world_refusal(call, (1, 2, 4, 8), (1, 2, 4, 8, 16, 32, 64))


def check_all_gather_matmul(call):
    """aclnnAllGatherMatmul (ops.md §5.1)."""
    x1, x2, bias, out, gout = (call.t(n) for n in ("x1", "x2", "bias", "output", "gather_out"))
    if (r := first_null((("x1", x1), ("x2", x2), ("output", out))) or _group(call)) is not None:
        return r
    for name, t in (("x1", x1), ("x2", x2), ("output", out), ("bias", bias), ("gather_out", gout)):
        if t is not None and t.dtype not in FLOATS:
            return Refusal(PARAM_INVALID, f"{name} dtype {t.dtype} not in float16/bf16")
    for name, t in (("x2", x2), ("output", out), ("bias", bias), ("gather_out", gout)):
        if t is not None and t.dtype != x1.dtype:
            return Refusal(PARAM_INVALID, f"{name} dtype differs from x1")
    if call.attrs.get("stream_mode") != 1:
        return Refusal(PARAM_INVALID, f"streamMode {call.attrs.get('stream_mode')}: only 1")
    if len(x1.shape) != 2 or len(x2.shape) != 2:
        return Refusal(PARAM_INVALID, f"x1 {x1.shape} and x2 {x2.shape} must be 2-D")
    if x1.shape[1] == 0:
        return Refusal(PARAM_INVALID, "k == 0")
    if transposed_last_two(x1) or not _contiguous(x1):
        return Refusal(PARAM_INVALID, "x1 must not be transposed")
    if not (_contiguous(x2) or transposed_last_two(x2)):
        return Refusal(PARAM_INVALID, "x2 must be contiguous or a transpose of its last two dims")
    m, k = x1.shape
    if x2.shape[0] != k:
        return Refusal(PARAM_INVALID, f"x1's k {k} != x2's first dim {x2.shape[0]}")
    if not 256 <= k < 65535:
        return Refusal(PARAM_INVALID, f"k {k} outside [256, 65535)")
    n = x2.shape[1]
    # The op_api compares k and n (§5.1 step 7); the row counts m·R only the tiling layer checks.
    if gout is not None and gout.numel() > 0 and (len(gout.shape) != 2 or gout.shape[1] != k):
        return Refusal(PARAM_INVALID, f"gather_out shape {gout.shape}: its second dim must be k = {k}")
    if len(out.shape) != 2 or out.shape[1] != n:
        return Refusal(PARAM_INVALID, f"output shape {out.shape}: its second dim must be n = {n}")
    if bias is not None and bias.shape != [n]:
        return Refusal(PARAM_INVALID, f"bias shape {bias.shape}, expected [{n}]")
    if out.shape[0] != m * call.world:
        return Refusal(INNER_TILING, f"output has {out.shape[0]} rows, expected m * world = {m * call.world}")
    if gout is not None and gout.numel() > 0 and gout.shape[0] != m * call.world:
        return Refusal(INNER_TILING, f"gather_out has {gout.shape[0]} rows, expected m * world = {m * call.world}")
    if any(t is not None and t.format != "nd" for t in (x1, x2, bias, out, gout)):
        return Refusal(INNER_TILING, "only ND tensors")
    if call.attrs.get("gather_index", 0) != 0:
        return Refusal(INNER_TILING, "gatherIndex must be 0")
    if call.attrs.get("comm_turn", 0) != 0:
        return Refusal(INNER_TILING, "commTurn must be 0")
    return world_refusal(call, (2, 4, 8), (2, 4, 8, 16, 32))


def _scale_shape_ok(scale, k, n, group_size):
    if group_size == 0:
        return scale.shape in ([1], [n], [1, n])
    return scale.shape == [(k - 1) // group_size + 1, n]


def check_weight_quant(call):
    """aclnnWeightQuantMatmulAllReduce (ops.md §2.2)."""
    x1, x2, bias, scale, offset, x3, out = (
        call.t(n) for n in ("x1", "x2", "bias", "antiquant_scale", "antiquant_offset", "x3", "output"))
    if (r := first_null((("x1", x1), ("x2", x2), ("antiquant_scale", scale), ("output", out))) or _group(call) or
            reduce_op_null(call)) is not None:
        return r
    x2_types = ("int8", "int4") if call.platform == "atlas_a2" else ("int8", "int4", "float8_e4m3fn", "hifloat8")
    if x1.dtype not in FLOATS or x2.dtype not in x2_types or scale.dtype not in FLOATS or out.dtype not in FLOATS:
        return Refusal(PARAM_INVALID, f"dtypes x1 {x1.dtype} x2 {x2.dtype} scale {scale.dtype} output {out.dtype}")
    if scale.dtype != x1.dtype or out.dtype != x1.dtype:
        return Refusal(PARAM_INVALID, "antiquant_scale and output must have x1's dtype")
    if bias is not None and bias.dtype != x1.dtype:
        return Refusal(PARAM_INVALID, "bias must have x1's dtype")
    if offset is not None and offset.dtype != scale.dtype:
        return Refusal(PARAM_INVALID, "antiquant_offset must have the scale's dtype")
    if x3 is not None and x3.dtype != x1.dtype:
        return Refusal(PARAM_INVALID, "x3 must have x1's dtype")
    if (r := _attrs(call)) is not None:
        return r
    k = x1.shape[-1] if x1.shape else 0
    g = call.attrs.get("antiquant_group_size", 0)
    if k != 0 and g != 0 and (g % 32 != 0 or g < 32 or g > k - 1):
        return Refusal(PARAM_INVALID, f"antiquantGroupSize {g}: 0 or a multiple of 32 in [32, k-1]")
    if x2.format not in ("nd", "fractal_nz"):
        return Refusal(PARAM_INVALID, f"x2 format {x2.format}: ND or FRACTAL_NZ")
    return _nz_tiling(x2, _weight_quant_shapes(call, x1, x2, bias, scale, offset, x3, out, k, g))


def _nz_tiling(x2, refusal):
    """An NZ x2 takes the op_api's short-cut after x1's rank (ops.md §1.4, §8.3): what the op_api
    would refuse with 161002 is refused by the tiling layer instead; then the NZ weight itself must
    be the int8 storage aclnnTransMatmulWeight makes of its (k, n) view (§1.5: no INT4 NZ)."""
    if x2.format != "fractal_nz":
        return refusal
    if refusal is not None:
        return Refusal(INNER_TILING, refusal.text) if refusal.code == PARAM_INVALID else refusal
    k, n = x2.shape[-2], x2.shape[-1]
    if x2.dtype != "int8" or len(x2.shape) != 2 or min(k, n) < 1 or x2.offset != 0 or not _contiguous(x2) or \
            x2.storage_shape != int8_nz_storage(k, n):
        return Refusal(INNER_TILING, f"FRACTAL_NZ x2 {x2.dtype} {x2.shape} storage {x2.storage_shape}: not the "
                                     "int8 NZ weight of its (k, n) view")
    return None


def _weight_quant_shapes(call, x1, x2, bias, scale, offset, x3, out, k, g):
    if (r := _matmul_shapes(call, x1, x2, bias, x3, out, empty_m_refused=False)) is not None:
        return r
    n = x2.shape[1]
    if x2.format == "fractal_nz" and (scale.numel() == 1 or g > 0):  # the NZ kernels are per channel only
        return Refusal(INNER_TILING, "a FRACTAL_NZ x2 takes a per-channel antiquantScale only")
    if k != 0:
        if not 1 <= len(scale.shape) <= 2 or not _scale_shape_ok(scale, k, n, g):
            return Refusal(PARAM_INVALID, f"antiquant_scale shape {scale.shape} for k {k}, n {n}, group {g}")
        if offset is not None and offset.shape != scale.shape:
            return Refusal(PARAM_INVALID, "antiquant_offset shape differs from the scale's")
    if k > 65535 or n > 65535:
        return Refusal(INNER_TILING, "k and n at most 65535")
    if x2.dtype == "int4":
        inner = k if transposed_last_two(x2) else n
        if inner % 2:
            return Refusal(INNER_TILING, "int4 weight: its contiguous dim must be even")
    if g > 0 and k < 33:
        return Refusal(INNER_TILING, "per-group antiquant needs k >= 33")
    return None


def check_quant(call, version):
    """aclnnQuantMatmulAllReduce V1–V3 (ops.md §2.3–2.4)."""
    x1, x2, bias, x3, dq, out = (call.t(n) for n in ("x1", "x2", "bias", "x3", "dequant_scale", "output"))
    pt = call.t("pertoken_scale") if version >= 2 else None
    c1 = call.t("comm_quant_scale_1") if version >= 3 else None
    c2 = call.t("comm_quant_scale_2") if version >= 3 else None
    if (r := first_null((("x1", x1), ("x2", x2), ("output", out), ("dequant_scale", dq))) or _group(call) or
            reduce_op_null(call)) is not None:
        return r
    if x1.dtype != "int8" or x2.dtype != "int8":
        return Refusal(PARAM_INVALID, f"x1 {x1.dtype} and x2 {x2.dtype} must be int8")
    if dq.dtype not in ("uint64", "int64", "bf16", "float") or out.dtype not in FLOATS:
        return Refusal(PARAM_INVALID, f"dequant_scale {dq.dtype}, output {out.dtype}")
    if bias is not None and bias.dtype != "int32":
        return Refusal(PARAM_INVALID, "bias must be int32")
    if x3 is not None and x3.dtype != out.dtype:
        return Refusal(PARAM_INVALID, "x3 must have the output's dtype")
    if (out.dtype == "bf16" or dq.dtype == "bf16") and dq.dtype != out.dtype:
        return Refusal(PARAM_INVALID, "a bf16 output takes a bf16 dequant_scale (and only it)")
    if pt is not None:
        if pt.dtype != "float":
            return Refusal(PARAM_INVALID, "pertoken_scale must be float32")
        if out.dtype == "float16" and dq.dtype != "float":
            return Refusal(PARAM_INVALID, "with pertoken_scale and a float16 output, dequant_scale is float32")
    for name, t in (("comm_quant_scale_1", c1), ("comm_quant_scale_2", c2)):
        if t is not None and t.dtype != out.dtype:
            return Refusal(PARAM_INVALID, f"{name} must have the output's dtype")
    if (r := _attrs(call)) is not None:
        return r
    if x2.format not in ("nd", "fractal_nz"):
        return Refusal(PARAM_INVALID, f"x2 format {x2.format}: ND or FRACTAL_NZ")
    return _nz_tiling(x2, _quant_shapes(call, x1, x2, bias, x3, dq, out, pt, c1, c2))


def _quant_shapes(call, x1, x2, bias, x3, dq, out, pt, c1, c2):
    if (r := _matmul_shapes(call, x1, x2, bias, x3, out, empty_m_refused=False)) is not None:
        return r
    n = x2.shape[1]
    if not 1 <= len(dq.shape) <= 2 or dq.shape not in ([1], [n], [1, n]):
        return Refusal(PARAM_INVALID, f"dequant_scale shape {dq.shape}: (1), (n) or (1, n)")
    m = leading_product(x1)
    if pt is not None and pt.shape != [m]:
        return Refusal(PARAM_INVALID, f"pertoken_scale shape {pt.shape}, expected [{m}]")
    if (c1 is None) != (c2 is None):
        return Refusal(PARAM_INVALID, "comm_quant_scale_1 and _2 come together")
    if c1 is not None and (len(c1.shape) not in (1, 2) or len(c2.shape) != len(c1.shape)):
        return Refusal(PARAM_INVALID, "comm quant scales: both 1-D or both 2-D")
    # The op_api compares only commQuantScale2's size with n; scale 1's is a tiling refusal (§2.4).
    if c2 is not None and c2.shape not in ([n], [1, n]):
        return Refusal(PARAM_INVALID, "comm_quant_scale_2: (n) or (1, n)")
    k = x1.shape[-1]
    if k == 0 or out.numel() == 0:
        return Refusal(INNER_TILING, "empty x1, x2 or output")
    if k > 65535 or (k if transposed_last_two(x2) else n) > 65535:
        return Refusal(INNER_TILING, "k and x2's last dim at most 65535")
    if c1 is not None and c1.numel() != n:
        return Refusal(INNER_TILING, f"comm_quant_scale_1 has {c1.numel()} elements, n = {n}")
    if out.dtype == "float16" and pt is None and dq.dtype not in ("uint64", "int64"):
        return Refusal(INNER_TILING, "a float16 output without pertoken_scale takes a UINT64/INT64 dequant_scale")
    return None


def check_trans_quant_param(call, version):
    """aclnnTransQuantParamV2 / V3 (ops.md §3)."""
    scale, offset, out = call.t("scale"), call.t("offset"), call.t("out")
    if scale is None or out is None:
        return Refusal(PARAM_NULLPTR, "scale and out must not be null")
    if scale.dtype != "float" or (offset is not None and offset.dtype != "float") or out.dtype not in ("uint64", "int64"):
        return Refusal(PARAM_INVALID, "scale and offset float32, out uint64 or int64")
    if version >= 3 and call.attrs.get("round_mode") not in (0, 1):
        return Refusal(PARAM_INVALID, f"roundMode {call.attrs.get('round_mode')}: 0 or 1")
    if any(t is not None and t.format != "nd" for t in (scale, offset, out)):
        return Refusal(PARAM_INVALID, "only ND tensors")
    any_2d = call.platform != "atlas_a2"

    def shape_ok(t):
        s = t.shape
        return (len(s) == 1 and s[0] > 0) or (len(s) == 2 and s[1] > 0 and (s[0] == 1 or (any_2d and s[0] > 0)))

    if not shape_ok(scale):
        return Refusal(PARAM_INVALID, f"scale shape {scale.shape}")
    if offset is not None:
        if not shape_ok(offset) or (len(offset.shape) == 2 and offset.shape[0] != 1):
            return Refusal(PARAM_INVALID, f"offset shape {offset.shape}")
        if len(scale.shape) == 2 and scale.shape[0] != 1:
            return Refusal(PARAM_INVALID, "an offset goes with a 1-D or (1, n) scale only")
        ls, lo = scale.shape[-1], offset.shape[-1]
        if ls > 1 and lo > 1 and ls != lo:
            return Refusal(PARAM_INVALID, f"scale length {ls} and offset length {lo} differ")
    if not _contiguous(scale) or (offset is not None and not _contiguous(offset)):
        return Refusal(PARAM_INVALID, "scale and offset must be contiguous")
    n = max(scale.shape[-1], offset.shape[-1] if offset is not None else 0)
    # out: 1-D of max(scale, offset) for a 1-D scale, the scale's shape for a 2-D one (the docs).
    want = [n] if len(scale.shape) == 1 else [scale.shape[0], n]
    if out.shape != want:
        return Refusal(PARAM_INVALID, f"out shape {out.shape}, expected {want}")
    return None


A2AV_X_TYPES = ("float16", "float", "int8", "int32", "int16", "int64", "bf16")


def check_all_to_all_vv2(call, counts):
    """ATB AllToAllVV2Operation: CreateOperation's param checks, then Setup (ops.md §7). `counts`
    maps the four count tensors' names to their values (lists) once readable."""
    a = call.attrs
    if a.get("backend") != "hccl":
        return Refusal(ATB_INVALID_PARAM, f"backend {a.get('backend')!r}: only \"hccl\"")
    rank, size, root = a.get("rank"), a.get("rank_size"), a.get("rank_root")
    if rank == -1 and (size or 0) > 1:
        return Refusal(ATB_INVALID_PARAM, "rank -1 with rankSize > 1")
    if a.get("comm_mode") not in (0, 1):
        return Refusal(ATB_INVALID_PARAM, f"commMode {a.get('comm_mode')}")
    if len(a.get("comm_domain") or "") > 128:
        return Refusal(ATB_INVALID_PARAM, "commDomain longer than 128")
    rtf = a.get("rank_table_file") or ""
    if rtf and not __import__("os").path.exists(rtf):
        return Refusal(ATB_INVALID_PARAM, f"rankTableFile {rtf!r} does not exist")
    if not rtf and not group_is_known(call, "hccl_comm"):
        if size is None or size <= 0:
            return Refusal(ATB_INVALID_PARAM, f"rankSize {size}")
        if rank is None or not 0 <= rank < size:
            return Refusal(ATB_INVALID_PARAM, f"rank {rank} outside [0, rankSize)")
        if root is None or not 0 <= root < size:
            return Refusal(ATB_INVALID_PARAM, f"rankRoot {root} outside [0, rankSize)")
    names = ("x", "send_counts", "sdispls", "recv_counts", "rdispls", "tensor_for_infer_shape", "output")
    ts = {n: call.t(n) for n in names}
    for n, t in ts.items():
        if t is None:
            return Refusal(ATB_INVALID_PARAM, f"{n} is missing")
    for n, t in ts.items():
        if not 1 <= len(t.shape) <= 8:
            return Refusal(ATB_TENSOR_DIM, f"{n} has {len(t.shape)} dims, not 1..8")
        if t.numel() == 0:
            return Refusal(ATB_TENSOR_SIZE, f"{n} is empty")
    for n in ("send_counts", "sdispls", "recv_counts", "rdispls"):
        if ts[n].dtype != "int64":
            return Refusal(ATB_INI_MATCH, f"{n} must be int64")
    if ts["x"].dtype not in A2AV_X_TYPES or ts["output"].dtype != ts["x"].dtype:
        return Refusal(ATB_INI_MATCH, f"x {ts['x'].dtype} / output {ts['output'].dtype}")
    if ts["tensor_for_infer_shape"].dtype != "int8":
        return Refusal(ATB_INI_MATCH, "tensor_for_infer_shape must be int8")
    if any(t.format != "nd" for t in ts.values()):
        return Refusal(ATB_INI_MATCH, "only ND tensors")
    want = size if size is not None and size > 0 else call.world
    for n in ("send_counts", "sdispls", "recv_counts", "rdispls"):
        if ts[n].shape[0] != want:
            return Refusal(ATB_INVALID_PARAM, f"{n} has {ts[n].shape[0]} entries, rankSize {want}")
    sc, sd, rc, rd = (counts[n] for n in ("send_counts", "sdispls", "recv_counts", "rdispls"))
    if min(sc + sd + rc + rd) < 0:
        return Refusal(ATB_INVALID_PARAM, "a negative count or displacement")
    total = sum(rc)
    if total <= 0 or total > 2**63 - 1:
        return Refusal(ATB_INVALID_PARAM, f"sum(recvCounts) {total}")
    xn = ts["x"].numel()
    for i in range(want):
        if rc[i] + rd[i] > total:
            return Refusal(ATB_INVALID_PARAM, f"recv window {i} beyond sum(recvCounts)")
        if sc[i] + sd[i] > xn:
            return Refusal(ATB_INVALID_PARAM, f"send window {i} beyond x's {xn} elements")
    out = ts["output"]
    if len(out.shape) < 2 or out.shape[1] != total:
        return Refusal(ATB_TENSOR_DIM, f"output shape {out.shape}, expected [1, {total}]")
    return None


def check_trans_matmul_weight(call):
    """aclnnTransMatmulWeight (the suite's tmw rules, from aclnnTransMatmulWeight.md): checked
    here so that refusals are answered even though the NZ conversion itself is not written."""
    w = call.t("mm_weight_ref")
    if w is None:
        return Refusal(PARAM_NULLPTR, "mmWeightRef is null")
    if w.dtype not in ("float16", "bf16", "int8"):
        return Refusal(PARAM_INVALID, f"mmWeightRef dtype {w.dtype}: float16, bf16 or int8")
    if w.format != "nd":
        return Refusal(PARAM_INVALID, f"mmWeightRef format {w.format}: only ND")
    if w.numel() == 0:
        return Refusal(PARAM_INVALID, "mmWeightRef is empty")
    two_only = w.dtype != "int8" and call.platform != "atlas_a2"
    if not 2 <= len(w.shape) <= (2 if two_only else 6):
        return Refusal(PARAM_INVALID, f"mmWeightRef has {len(w.shape)} dims")
    if w.offset != 0:
        return Refusal(PARAM_INVALID, "mmWeightRef's view offset must be 0")
    align = 32 if w.dtype == "int8" else 16
    need = 1
    for d in w.shape[:-2]:
        need *= d
    need *= -(-w.shape[-2] // 16) * 16 * (-(-w.shape[-1] // align) * align)
    have = 1
    for d in w.storage_shape:
        have *= d
    if have < need:
        return Refusal(PARAM_INVALID, f"mmWeightRef's storage holds {have} elements, the NZ weight needs {need}")
    return None
