#!/usr/bin/python3
# examples/adapters/torch_mc2_adapter.py — answers a case bundle of `mc2conf export` with torch,
# one process per rank (torch.distributed): `--device cpu` (default) computes every operator from
# its documented formula with torch on the CPU and the gloo backend (mc2_cpu_ops.py); `--device
# npu` calls torch_npu's fused operators over HCCL on a real Ascend machine (mc2_npu_ops.py).
# `mc2conf judge BUNDLE` then judges the answers (docs/case-bundles.md, examples/adapters/README.md).
#
# The processes start once for the bundle (as many as its largest world) and keep one process
# group per world size; a case of world W runs on ranks 0..W-1. Before a case's collective the
# ranks exchange whether their call was accepted and what they will send, so that a refused call
# or ranks that disagree end in an error status on every rank instead of a hang.
import argparse
import copy
import datetime
import os
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (ctest runs from it)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

STATUS_EXIT_NO_TORCH = 77  # ctest's SKIP_RETURN_CODE: torch (or gloo) is not installed
DEBIAN_PYTHON = "/usr/bin/python3"  # where Debian's python3-torch installs

try:
    import torch  # noqa: E402
    import torch.distributed as dist  # noqa: E402
except ImportError:
    # Started by an interpreter without torch (a pyenv or venv `python3` first on PATH): run again
    # under Debian's, once, if that is another interpreter; otherwise there is nothing to run with.
    if os.path.exists(DEBIAN_PYTHON) and not os.environ.get("MC2_ADAPTER_REEXEC") and \
            os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON):
        os.environ["MC2_ADAPTER_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    tried = sys.executable if os.environ.get("MC2_ADAPTER_REEXEC") else f"{sys.executable} (nor {DEBIAN_PYTHON})"
    print(f"torch_mc2_adapter: no torch in {tried}: apt-get install python3-torch, or ./scripts/setup",
          file=sys.stderr)
    sys.exit(STATUS_EXIT_NO_TORCH)

import mc2_bundle  # noqa: E402
import mc2_checks as C  # noqa: E402
import mc2_checks_arn as CA  # noqa: E402
import mc2_checks_v4 as C4  # noqa: E402
import mc2_front_ends as F  # noqa: E402


def _check(call, counts):
    api = call.api
    if api in ("aclnnMatmulAllReduce", "aclnnMatmulAllReduceV2"):
        return C.check_matmul_all_reduce(call, api.endswith("V2"))
    if api.endswith("MatmulAllReduceAddRmsNorm"):  # before the prefixes below: six APIs, three variants
        return CA.check_add_rms_norm(call)
    if api == "aclnnWeightQuantMatmulAllReduce":
        return C.check_weight_quant(call)
    if api == "aclnnQuantMatmulAllReduceV4":
        return C4.check_quant_v4(call)
    if api.startswith("aclnnQuantMatmulAllReduce"):
        return C.check_quant(call, 3 if api.endswith("V3") else 2 if api.endswith("V2") else 1)
    if api == "aclnnAllGatherMatmul":
        return C.check_all_gather_matmul(call)
    if api == "atb::AllToAllVV2Operation":
        return C.check_all_to_all_vv2(call, counts)
    if api.startswith("aclnnTransQuantParam"):
        return C.check_trans_quant_param(call, 3 if api.endswith("V3") else 2)
    if api == "aclnnTransMatmulWeight":
        return C.check_trans_matmul_weight(call)
    return None


def _signature(call):
    """What the peers must agree on for the collective to be well-formed."""
    api = call.api
    if api == "atb::AllToAllVV2Operation":
        x = call.t("x")
        return (x.dtype, tuple(call.t("send_counts").view().reshape(-1).tolist()),
                tuple(call.t("recv_counts").view().reshape(-1).tolist()))
    if api == "aclnnAllGatherMatmul":
        return (call.t("x1").dtype, tuple(call.t("x1").shape))
    if api.endswith("MatmulAllReduceAddRmsNorm"):  # the all-reduced matmul has residual's (b, s, n)
        return (call.t("residual").dtype, tuple(call.t("residual").shape))
    return (call.t("output").dtype, tuple(call.t("output").shape))


def _agree(sigs, api):
    if api == "atb::AllToAllVV2Operation":
        w = len(sigs)
        if len({s[0] for s in sigs}) != 1:
            return "ranks send different dtypes"
        for r in range(w):
            for j in range(w):
                if len(sigs[r][2]) != w or len(sigs[j][1]) != w or sigs[r][2][j] != sigs[j][1][r]:
                    return f"rank {r} expects {sigs[r][2][j] if j < len(sigs[r][2]) else '?'} elements from rank {j}, " \
                           f"which sends {sigs[j][1][r] if r < len(sigs[j][1]) else '?'}"
        return None
    if len(set(sigs)) != 1:
        return "ranks pass different shapes or dtypes to the collective: " + "; ".join(map(str, sigs))
    return None


def _short_cut(call):
    for t in call.tensors.values():
        if not t.null and t.role != "input":
            t.save_storage(t.storage())
    return {"prepare_status": 0, "workspace_size": 0, "execute_status": 0, "sync_status": 0,
            "messages": CA.SHORT_CUT.text}


def run_case(ops, call, group):
    """Runs one rank's call; returns its status.json (outputs already written)."""
    atb = call.api.startswith("atb::")
    runtime_error = C.ATB_CANN_ERROR if atb else C.RUNTIME_ERROR
    collective = call.api in ops.COLLECTIVE
    status, state, op, mine = None, None, None, ("ok", None)
    try:
        for t in call.tensors.values():
            if not t.null:
                t.view()
        counts = None
        if call.api == "atb::AllToAllVV2Operation":
            counts = {n: call.t(n).view().reshape(-1).tolist() if call.t(n) is not None else []
                      for n in ("send_counts", "sdispls", "recv_counts", "rdispls")}
        refusal = _check(call, counts)
        if refusal is CA.SHORT_CUT:  # SUCCESS at once, nothing written; the rank joins no all-reduce
            status, mine = _short_cut(call), ("short-cut", None)
        elif refusal is not None:
            status, mine = {"prepare_status": refusal.code, "messages": refusal.text}, ("refused", None)
        elif collective and not atb and not C.group_is_known(call):
            status = {"prepare_status": 0, "workspace_size": 0, "execute_status": runtime_error,
                      "messages": f"group {call.attrs.get('group')!r}: no such communicator"}
            mine = ("failed", None)
        else:
            if call.api not in ops.OPS:  # the npu path has no AddRmsNorm or V4 operator written
                raise ops.NotSupported(f"{call.api}: not implemented by this adapter's --device {ops.__name__}")
            op = ops.OPS[call.api]()
            state = op.local(call)
            mine = ("ok", _signature(call) if collective else None)
    except mc2_bundle.DescriptorRefused as e:
        status, mine = {"descriptor_refused": str(e)}, ("refused", None)
    except ops.NotSupported as e:
        status, mine = {"not_supported": str(e)}, ("unsupported", None)
    except Exception as e:  # torch refused the computation: the kernel's error, not a crash
        status = {"prepare_status": 0, "workspace_size": 0, "execute_status": 561000,
                  "messages": f"torch raised: {type(e).__name__}: {e}"}
        mine = ("failed", None)
    if collective and call.world > 1:
        everyone = [None] * call.world
        dist.all_gather_object(everyone, mine, group=group)
        bad = [r for r, (kind, _) in enumerate(everyone) if kind != "ok"]
        why = f"peer rank {bad[0]} did not join the call ({everyone[bad[0]][0]})" if bad else \
            _agree([s for _, s in everyone], call.api)
        if why is not None:
            if status is None:
                status = {"prepare_status": 0, "workspace_size": 0, "execute_status": runtime_error,
                          "messages": "the collective cannot run: " + why}
            return status
    if status is not None:
        return status
    try:
        op.collective(state, group, call.world)
        outputs = op.finish(state)
        for t in call.tensors.values():
            if t.null or t.role == "input":
                continue
            if t.name in outputs and isinstance(outputs[t.name], dict):  # a whole new storage
                t.save_storage(outputs[t.name]["storage"])
            elif t.name in outputs:
                t.write_result(outputs[t.name])
            else:  # an output the call leaves as it is (an empty gather_out): owed all the same
                t.save_storage(t.storage())
    except Exception as e:
        code = getattr(e, "code", 561000)  # mc2_npu_ops.CallRefused names the aclnn status
        if code in (C.PARAM_NULLPTR, C.PARAM_INVALID):
            return {"prepare_status": code, "messages": f"torch_npu refused: {e}"}
        return {"prepare_status": 0, "workspace_size": 0, "execute_status": code,
                "messages": f"torch raised: {type(e).__name__}: {e}"}
    return {"prepare_status": 0, "workspace_size": 0, "execute_status": 0, "sync_status": 0}


class ApiCall:
    """The aclnn call a framework front-end makes (mc2_front_ends.Dispatched), shaped like
    mc2_bundle.RankCall so that the checks and operators above run it unchanged."""

    def __init__(self, case, rank_entry, dispatched, tensors, status_file):
        self.api = dispatched.api
        self.platform = case["platform"]
        self.world = int(case["world"])
        self.rank = int(rank_entry["rank"])
        self.attrs = dispatched.arguments
        self.tensors = tensors
        self.status_file = status_file

    def t(self, name):
        x = self.tensors.get(name)
        return None if x is None or x.null else x


def run_front_end_case(ops, bundle, case, rank_entry, group):
    """One rank's framework call: the front-end's checks and dispatch (mc2_front_ends.py), then the
    aclnn call it reaches, run as any case of that API (run_case)."""
    tensors = {t["name"]: mc2_bundle.Tensor(bundle, t) for t in rank_entry["tensors"]}
    inputs = {n: t for n, t in tensors.items() if not t.null and t.role != "output"}
    verdict = F.front_end(rank_entry["function"], rank_entry["kwargs"], inputs, int(case["world"]))
    if verdict is None:
        return {"not_supported": f"{rank_entry['function']}: this route is not implemented by the adapter"}
    if isinstance(verdict, F.Refused):  # torch_npu raises before any aclnn call
        return {"front_end": {"refused": verdict.check}, "messages": f"RuntimeError: {verdict.text}"}
    answer = {"front_end": {"dispatched": verdict.answer()}}
    if verdict.api not in ops.OPS:
        return dict(answer, not_supported=f"{verdict.api}: not implemented by this adapter")
    api_tensors = {}
    for param, kwarg in verdict.tensors.items():
        if kwarg is None:
            continue
        t = copy.copy(inputs[kwarg])
        t.name = param
        if param in verdict.retype:  # HiF8 / FP4 travel in integer tensors: the kwarg names their format
            t.dtype, t._storage = verdict.retype[param], None
        if param == "x2" and getattr(verdict, "transpose_x2", False):  # x2.t(): the (k, n) view of its storage
            t.shape, t.strides = t.shape[::-1], t.strides[::-1]
        api_tensors[param] = t
    for name, (dtype, shape) in verdict.outputs.items():
        out = tensors.get(name)
        if out is None or out.dtype != dtype or out.shape != shape:
            # The bundle has no buffer for what the front-end allocates: nowhere to put the result.
            return dict(answer, prepare_status=0, workspace_size=0, execute_status=561000,
                        messages=f"the front-end allocates {name} {dtype}{shape}; the bundle has "
                                 f"{'none' if out is None else f'{out.dtype}{out.shape}'}")
        api_tensors[name] = out
    status = run_case(ops, ApiCall(case, rank_entry, verdict, api_tensors, None), group)
    return dict(status, **answer)


def worker(rank, procs, args, store):
    torch.set_num_threads(1)
    F.BUGS.update(args.bug)  # each spawned process imports the modules afresh
    dist.init_process_group("gloo" if args.device == "cpu" else "hccl", init_method="file://" + store, rank=rank,
                            world_size=procs, timeout=datetime.timedelta(seconds=args.timeout))
    if args.device == "cpu":
        import mc2_cpu_ops as ops
        ops.MATMUL = args.matmul
    else:
        import mc2_npu_ops as ops
        ops.setup(rank)
    manifest = mc2_bundle.load_manifest(args.bundle)
    cases = manifest["cases"][:args.limit] if args.limit else manifest["cases"]
    worlds = sorted({int(c["world"]) for c in cases})
    groups = {w: dist.new_group(list(range(w))) for w in worlds if w <= procs}
    t0, done = time.time(), 0
    for c in cases:
        w = int(c["world"])
        if "unprepared" in c or rank >= w or w > procs or (args.api and not any(a in str(c.get("api")) for a in args.api)):
            continue
        if "front_end" in c:  # a framework call (mc2conf export --front-end)
            entry = c["ranks"][rank]
            mc2_bundle.write_status(os.path.join(args.bundle, entry["status_file"]),
                                    run_front_end_case(ops, args.bundle, c, entry, groups[w]))
        else:
            call = mc2_bundle.RankCall(args.bundle, c, c["ranks"][rank])
            mc2_bundle.write_status(call.status_file, run_case(ops, call, groups[w]))
        done += 1
        if rank == 0 and done % 200 == 0:
            print(f"torch adapter: {done} cases, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    dist.barrier()
    if rank == 0:
        print(f"torch adapter ({args.device}): answered {done} cases on {procs} processes in "
              f"{time.time() - t0:.0f} s", flush=True)
    dist.destroy_process_group()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("bundle", help="a directory written by `mc2conf export`")
    p.add_argument("--device", choices=("cpu", "npu"), default="cpu")
    p.add_argument("--matmul", choices=("native", "fp32"), default="native",
                   help="cpu: bf16 GEMMs in torch's bf16 addmm (native) or on float32 copies rounded once (fp32)")
    p.add_argument("--limit", type=int, default=0, help="only the bundle's first N cases")
    p.add_argument("--api", action="append", default=[],
                   help="only the cases whose API name contains this text (repeatable; the others stay unanswered)")
    p.add_argument("--bug", action="append", default=[],
                   help="plant a front-end fault of mc2_front_ends.BUGS (for the broken-adapter test)")
    p.add_argument("--timeout", type=float, default=120, help="seconds a collective may wait for its peers")
    args = p.parse_args()
    if not dist.is_available() or (args.device == "cpu" and not dist.is_gloo_available()):
        print("torch_mc2_adapter: torch.distributed with gloo is not available", file=sys.stderr)
        return STATUS_EXIT_NO_TORCH
    manifest = mc2_bundle.load_manifest(args.bundle)
    cases = manifest["cases"][:args.limit] if args.limit else manifest["cases"]
    procs = max([int(c["world"]) for c in cases] + [1])
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # started by torchrun / mpirun: one rank here
        store = os.environ.get("MC2_ADAPTER_STORE", os.path.join(args.bundle, ".torch_store"))
        worker(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), args, store)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store")
        try:
            torch.multiprocessing.spawn(worker, args=(procs, args, store), nprocs=procs, join=True)
        except Exception:
            traceback.print_exc()
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
