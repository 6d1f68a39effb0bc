# examples/adapters/mc2_front_ends.py — what the framework front-ends check and where they dispatch
# before any aclnn call, written from their public documents (spec-notes/ops.md §2.6 torch_npu
# npu_mm_all_reduce_base, its fp8 / fp4 route to aclnnQuantMatmulAllReduceV4 included, §6.2
# MindSpeed npu_mm_all_reduce_add_rms_norm[_], §5.2 MindSpore all_gather_matmul). Pure Python on
# tensor metadata only (dtype name, shape), so that it runs without torch: the torch adapter uses
# it before computing, front_end_fake.py alone.
#
# front_end(function, kwargs, tensors, world) returns Refused(check, text) — the check ids are the
# suite's (`mc2conf spec --op torch_npu`) — or Dispatched(api, arguments, tensors, outputs,
# returns): the aclnn API, its non-tensor arguments, its input tensors (aclnn name -> kwarg name),
# the outputs the front-end allocates ({name: (dtype, shape)}) and the order the function returns.
#
# BUGS holds deliberate faults for the broken-adapter tests ("skip:<check id>" drops a check,
# "pertoken-to-v1" sends pertoken calls to aclnnQuantMatmulAllReduce, "forward-comm-quant-mode"
# passes comm_quant_mode on the weight-quant path, "msp-quant-to-wq" sends MindSpeed's int8 x int8
# calls to the weight-quant AddRmsNorm API, "msp-wq-drop-group-size" leaves antiquant_group_size
# behind on MindSpeed's weight-quant route).

BUGS = set()

INTEGRAL = ("int8", "uint8", "int16", "int32", "int64")
FLOATING = ("float16", "bf16", "float")
TORCH_FP8 = ("float8_e4m3fn", "float8_e5m2")  # torch float8 tensors; HiF8 / FP4 travel in integer ones


class Refused:
    def __init__(self, check, text):
        self.check = check
        self.text = text


class Dispatched:
    def __init__(self, api, arguments, tensors, outputs, returns):
        self.api = api
        self.arguments = arguments
        self.tensors = tensors
        self.outputs = outputs
        self.returns = returns
        self.retype = {}  # parameter -> the aclDataType name a *_dtype kwarg gives its tensor's codes

    def answer(self):
        """status.json's front_end.dispatched."""
        return {"api": self.api, "arguments": self.arguments,
                "tensors": sorted(a for a, k in self.tensors.items() if k is not None)}


class _Checks:
    """The checks in order: the first that fails is the refusal (unless BUGS drops it)."""

    def __init__(self):
        self.refusal = None

    def require(self, ok, check, text):
        if self.refusal is None and not ok and "skip:" + check not in BUGS:
            self.refusal = Refused(check, text)


def _rows(shape):
    m = 1
    for d in shape[:-1]:
        m *= d
    return m


def _pair(x1, x2):
    # The op-plugin's branches test isIntegralType: a torch float8 tensor counts as floating.
    if x1.dtype in INTEGRAL and x2.dtype in INTEGRAL:
        return "int"
    if x1.dtype not in INTEGRAL and x2.dtype not in INTEGRAL:
        return "float"
    if x1.dtype not in INTEGRAL and x2.dtype in INTEGRAL:
        return "weight"
    return None


def _communicator():
    return {"communicator": True}


# ---- torch_npu.npu_mm_all_reduce_base (ops.md §2.6) ----

def _torch_npu(kw, t, world):
    x1, x2 = t["x1"], t["x2"]
    dq, pt = t.get("dequant_scale"), t.get("pertoken_scale")
    s1, s2 = t.get("comm_quant_scale_1"), t.get("comm_quant_scale_2")
    c = _Checks()
    c.require(len(x2.shape) == 2, "tnpu.mmar.x2_dim", "x2 must be 2-D")
    c.require(len(x2.shape) < 1 or x1.shape[-1] == x2.shape[0], "tnpu.mmar.k", "x1.size(-1) != x2.size(0)")
    if c.refusal:
        return c.refusal
    pair = _pair(x1, x2)
    anti = t.get("antiquant_scale") is not None or t.get("antiquant_offset") is not None
    if pair == "int":
        c.require(x1.dtype == "int8" and x2.dtype == "int8", "tnpu.mmar.quant.int8", "x1 and x2 must be int8")
        c.require(not anti, "tnpu.mmar.quant.antiquant", "antiquant_scale/offset must be None for int8 x int8")
    elif pair == "weight":
        c.require(x2.dtype == "int8", "tnpu.mmar.wq.int8", "x2 must be int8 with a floating x1")
        c.require(dq is None, "tnpu.mmar.wq.dequant", "dequant_scale must be None for weight quantisation")
    elif pair == "float":
        c.require(not anti and dq is None, "tnpu.mmar.float.quant_args",
                  "antiquant_scale/offset and dequant_scale must be None for floating x1 and x2")
    else:
        c.require(False, "tnpu.mmar.dtype_pair", f"x1 {x1.dtype} with x2 {x2.dtype} is not supported")
    if c.refusal:
        return c.refusal
    n = x2.shape[1]
    out_dtype = "float16" if x1.dtype == "int8" else x1.dtype
    if dq is not None and dq.dtype == "bf16":
        out_dtype = "bf16"
    out_shape = list(x1.shape[:-1]) + [n]
    x3 = t.get("x3")
    if x3 is not None:
        c.require(list(x3.shape) == out_shape, "tnpu.mmar.x3.shape", "x3's shape must be the output's")
        c.require(x3.dtype == out_dtype, "tnpu.mmar.x3.dtype", "x3's dtype must be the output's")
    if pt is not None:
        c.require(dq is not None, "tnpu.mmar.pertoken.dequant", "pertoken_scale needs dequant_scale")
        c.require(len(pt.shape) == 1, "tnpu.mmar.pertoken.dim", "pertoken_scale must be 1-D")
        c.require(len(pt.shape) < 1 or pt.shape[0] == _rows(x1.shape), "tnpu.mmar.pertoken.size",
                  "pertoken_scale.size(0) must be x1's row count")
        c.require(pt.dtype == "float", "tnpu.mmar.pertoken.dtype", "pertoken_scale must be float32")
    c.require((s1 is None) == (s2 is None), "tnpu.mmar.comm_scales.pair", "comm_quant_scale_1/2: both or neither")
    if s1 is not None and s2 is not None:
        c.require((list(s1.shape) == [n] and list(s2.shape) == [n]) or
                  (list(s1.shape) == [1, n] and list(s2.shape) == [1, n]),
                  "tnpu.mmar.comm_scales.shape", "comm scales must be both (n) or both (1, n)")
        c.require(s1.dtype == out_dtype and s2.dtype == out_dtype, "tnpu.mmar.comm_scales.dtype",
                  "comm scales must have the output's dtype")
    gs = kw.get("group_sizes") or []
    c.require(not gs or (len(gs) == 3 and all(0 <= v <= 65535 for v in gs)), "tnpu.mmar.group_sizes",
              "group_sizes must be [m, n, k], each in [0, 65535]")
    # fp8 / fp4 x1 (is_a8 / is_a4): a torch float8 tensor, or x1_dtype naming HiF8 / FP4.
    a8 = x1.dtype in TORCH_FP8 or kw.get("x1_dtype") == "hifloat8"
    a4 = kw.get("x1_dtype") in ("float4_e2m1", "float4_e1m2")
    w8 = x2.dtype in TORCH_FP8 or kw.get("x2_dtype") == "hifloat8"
    if a8 or a4:
        c.require(kw.get("y_dtype") is not None, "tnpu.mmar.low.y_dtype", "fp8 / fp4 x1 needs y_dtype")
        c.require(dq is not None, "tnpu.mmar.low.dequant", "fp8 / fp4 x1 needs dequant_scale")
    if c.refusal:
        return c.refusal
    args = {"group": _communicator(), "reduce_op": kw.get("reduce_op", "sum"), "comm_turn": kw.get("comm_turn", 0),
            "stream_mode": 1}
    names = ("x1", "x2", "bias", "x3")
    if a8 or a4:
        # aclnnQuantMatmulAllReduceV4: pertoken_scale is x1Scale, dequant_scale x2Scale (each retyped by
        # its *_dtype kwarg, as x1 / x2 by x1_dtype / x2_dtype), group_sizes packed, y_dtype out.
        args["group_size"] = (gs[0] << 32) + (gs[1] << 16) + gs[2] if gs else 0
        args["comm_quant_mode"] = kw.get("comm_quant_mode", 0)
        kwargs = {"x1": "x1", "x2": "x2", "bias": "bias", "x3": "x3", "x1_scale": "pertoken_scale",
                  "x2_scale": "dequant_scale", "comm_quant_scale_1": "comm_quant_scale_1",
                  "comm_quant_scale_2": "comm_quant_scale_2"}
        tensors = {a: (k if t.get(k) is not None else None) for a, k in kwargs.items()}
        d = Dispatched("aclnnQuantMatmulAllReduceV4", args, tensors, {"output": (kw.get("y_dtype"), out_shape)},
                       ["output"])
        d.retype = {a: kw[k] for a, k in (("x1", "x1_dtype"), ("x2", "x2_dtype"), ("x1_scale", "pertoken_scale_dtype"),
                                          ("x2_scale", "dequant_scale_dtype")) if kw.get(k) and tensors.get(a)}
        return d
    if pair == "weight" or w8:  # an fp8 / HiF8 weight under a non-fp8 x1 is weight quantisation too
        api = "aclnnWeightQuantMatmulAllReduce"
        names += ("antiquant_scale", "antiquant_offset")
        args["antiquant_group_size"] = kw.get("antiquant_group_size", 0)
        if "forward-comm-quant-mode" in BUGS and "comm_quant_mode" in kw:
            args["comm_quant_mode"] = kw["comm_quant_mode"]
    elif pair == "float":
        api = "aclnnMatmulAllReduceV2" if x3 is not None else "aclnnMatmulAllReduce"
        if x3 is None:
            names = ("x1", "x2", "bias")
    elif s1 is not None:
        api = "aclnnQuantMatmulAllReduceV3"
        names += ("dequant_scale", "pertoken_scale", "comm_quant_scale_1", "comm_quant_scale_2")
    elif pt is not None and "pertoken-to-v1" not in BUGS:
        api = "aclnnQuantMatmulAllReduceV2"
        names += ("dequant_scale", "pertoken_scale")
    else:
        api = "aclnnQuantMatmulAllReduce"
        names += ("dequant_scale",)
    tensors = {a: (a if t.get(a) is not None else None) for a in names}
    return Dispatched(api, args, tensors, {"output": (out_dtype, out_shape)}, ["output"])


# ---- MindSpeed npu_mm_all_reduce_add_rms_norm[_] (ops.md §6.2) ----

def _mindspeed(kw, t, world, inplace):
    x1, x2, res, gamma = t["x1"], t["x2"], t["residual"], t["gamma"]
    c = _Checks()
    c.require(len(x1.shape) in (2, 3), "msp.arn.x1_dim", "x1 must be 2-D or 3-D")
    c.require(len(x2.shape) == 2, "msp.arn.x2_dim", "x2 must be 2-D")
    c.require(len(res.shape) == 3, "msp.arn.residual_dim", "residual must be 3-D")
    c.require(len(gamma.shape) == 1, "msp.arn.gamma_dim", "gamma must be 1-D")
    if c.refusal:
        return c.refusal
    c.require(x1.shape[-1] == x2.shape[0], "msp.arn.k", "x1.size(-1) != x2.size(0)")
    c.require(_rows(x1.shape) == res.shape[0] * res.shape[1], "msp.arn.bs", "x1's b*s != residual's")
    c.require(x2.shape[-1] == res.shape[-1], "msp.arn.n", "x2.size(-1) != residual.size(-1)")
    c.require(res.shape[-1] == gamma.shape[0], "msp.arn.gamma_n", "residual.size(-1) != gamma.size(0)")
    pair = _pair(x1, x2)
    anti = t.get("antiquant_scale") is not None or t.get("antiquant_offset") is not None
    dq = t.get("dequant_scale")
    if pair == "int":
        c.require(x1.dtype == "int8" and x2.dtype == "int8", "msp.arn.quant.int8", "x1 and x2 must be int8")
        c.require(not anti, "msp.arn.quant.antiquant", "antiquant_scale/offset must be None for int8 x int8")
    elif pair == "weight":
        c.require(x2.dtype == "int8", "msp.arn.wq.int8", "x2 must be int8 with a floating x1")
        c.require(dq is None, "msp.arn.wq.dequant", "dequant_scale must be None for weight quantisation")
    elif pair == "float":
        c.require(not anti and dq is None, "msp.arn.float.quant_args",
                  "antiquant_scale/offset and dequant_scale must be None for floating x1 and x2")
    else:
        c.require(False, "msp.arn.dtype_pair", f"x1 {x1.dtype} with x2 {x2.dtype} is not supported")
    if c.refusal:
        return c.refusal
    args = {"group": _communicator(), "reduce_op": kw.get("reduce_op", "sum"), "epsilon": kw.get("epsilon", 1e-6),
            "comm_turn": kw.get("comm_turn", 0), "stream_mode": 1}
    names = ("x1", "x2", "bias", "residual", "gamma")
    if pair == "float":
        api = "MatmulAllReduceAddRmsNorm"
    elif pair == "int" and "msp-quant-to-wq" not in BUGS:
        api = "QuantMatmulAllReduceAddRmsNorm"
        names += ("dequant_scale",)
    else:
        api = "WeightQuantMatmulAllReduceAddRmsNorm"
        names += ("antiquant_scale", "antiquant_offset")
        if "msp-wq-drop-group-size" not in BUGS:
            args["antiquant_group_size"] = kw.get("antiquant_group_size", 0)
    tensors = {a: (a if t.get(a) is not None else None) for a in names}
    out = (res.dtype, list(res.shape))
    if inplace:
        return Dispatched("aclnnInplace" + api, args, tensors, {"norm_out": out}, ["residual", "norm_out"])
    return Dispatched("aclnn" + api, args, tensors, {"y": out, "norm_out": out}, ["y", "norm_out"])


# ---- mindspore.ops.all_gather_matmul (ops.md §5.2) ----

def _mindspore(kw, t, world):
    x1, x2 = t["input"], t["x2"]
    c = _Checks()
    c.require(len(x1.shape) == 2, "ms.agmm.input_dim", "input must be 2-D")
    c.require(len(x2.shape) == 2, "ms.agmm.x2_dim", "x2 must be 2-D")
    c.require(x1.dtype in ("float16", "bf16") and x2.dtype == x1.dtype, "ms.agmm.dtype",
              "input must be float16/bfloat16 and x2 the same dtype")
    ws = kw.get("world_size")
    c.require(ws == world and ws in (2, 4, 8), "ms.agmm.world_size", "world_size must be the group's size: 2, 4 or 8")
    c.require(t.get("bias") is None, "ms.agmm.bias", "bias must be None")
    c.require(kw.get("gather_index", 0) == 0, "ms.agmm.gather_index", "gather_index must be 0")
    c.require(kw.get("comm_turn", 0) == 0, "ms.agmm.comm_turn", "comm_turn must be 0")
    c.require(not kw.get("trans_input", False), "ms.agmm.trans_input", "trans_input must be False")
    if c.refusal:
        return c.refusal
    trans = bool(kw.get("trans_x2", False))
    k = x1.shape[1]
    c.require(x2.shape[1 if trans else 0] == k, "ms.agmm.k_match", "x2's k != input's k")
    c.require(256 <= k < 65535, "ms.agmm.k_range", "k must be in [256, 65535)")
    if c.refusal:
        return c.refusal
    n = x2.shape[0 if trans else 1]
    rows = x1.shape[0] * world
    outputs = {"output": (x1.dtype, [rows, n])}
    returns = ["output"]
    if kw.get("gather_output", True):
        outputs["gather_out"] = (x1.dtype, [rows, k])
        returns.append("gather_out")
    args = {"group": _communicator(), "gather_index": 0, "comm_turn": 0, "stream_mode": 1}
    d = Dispatched("aclnnAllGatherMatmul", args, {"x1": "input", "x2": "x2"}, outputs, returns)
    d.transpose_x2 = trans  # the API sees x2.t(): a (k, n) view of the (n, k) storage
    return d


def front_end(function, kwargs, tensors, world):
    """Refused, Dispatched, or None for a route this adapter does not implement."""
    if function == "torch_npu.npu_mm_all_reduce_base":
        return _torch_npu(kwargs, tensors, world)
    if function == "mindspeed.ops.npu_mm_all_reduce_add_rms_norm":
        return _mindspeed(kwargs, tensors, world, inplace=False)
    if function == "mindspeed.ops.npu_mm_all_reduce_add_rms_norm_":
        return _mindspeed(kwargs, tensors, world, inplace=True)
    if function == "mindspore.ops.all_gather_matmul":
        return _mindspore(kwargs, tensors, world)
    return None
