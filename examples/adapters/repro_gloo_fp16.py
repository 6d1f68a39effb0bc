#!/usr/bin/python3
# examples/adapters/repro_gloo_fp16.py — the gloo float16 all-reduce error the quick gate found in
# the torch CPU adapter (case 1609, QuantMatmulAllReduceV3, world 8; reports/third_party/torch_cpu.md):
# eight ranks' float16 values summed by dist.all_reduce, in a 1-element tensor and at element 8 of
# 64, printed beside the exact sum. With Debian's torch 1.13.1 the first comes out 2476 (exact
# 26081.44), the second 26096 (float16's nearest sums). Why mc2_cpu_ops._reduce sums float16 in
# float32. Usage: /usr/bin/python3 repro_gloo_fp16.py
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

PARTIALS = [-1745.0, 3856.0, 363.5, -51.09375, -46.34375, 989.5, 22832.0, -117.125]


def worker(rank, store):
    dist.init_process_group("gloo", init_method="file://" + store, rank=rank, world_size=len(PARTIALS))
    for n, at in ((1, 0), (64, 8)):
        t = torch.zeros(n, dtype=torch.float16)
        t[at] = PARTIALS[rank]
        dist.all_reduce(t)
        if rank == 0:
            print(f"{n}-element float16 tensor, element {at}: gloo sum {t[at].item()}, exact {sum(PARTIALS)}",
                  flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(worker, args=(tempfile.mkdtemp() + "/store",), nprocs=len(PARTIALS))
