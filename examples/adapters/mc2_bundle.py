# examples/adapters/mc2_bundle.py — reading a case bundle of `mc2conf export` and writing an
# adapter's answers into it (docs/case-bundles.md), for the torch adapters. Each tensor arrives as
# its whole storage (.npy) plus a view (shape, strides, offset); the adapter sees the view, as
# aclCreateTensor would hand it to the operator, and writes an output's storage back after the
# call. Formats numpy lacks arrive as raw codes (bf16 as <u2, 8/4-bit formats as |u1).
import json
import os

import numpy as np
import torch

# The formats torch 1.13 can hold as tensors, and how their .npy codes become one.
_TORCH_DTYPES = {
    "float16": torch.float16,
    "float": torch.float32,
    "double": torch.float64,
    "bf16": torch.bfloat16,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "bool": torch.bool,
    # A UINT64 tensor (TransQuantParam's packed scales) is held as its int64 bit pattern: torch
    # 1.13 has no uint64; the adapters only ever read or write its bits.
    "uint64": torch.int64,
}

# Formats torch 1.13 has no tensor type for; the adapter decodes the ones whose meaning the
# documents pin (int4 two's complement) and reports the rest NOT_SUPPORTED.
CODE_ONLY = {"int4", "float8_e4m3fn", "float8_e5m2", "hifloat8", "float4_e2m1", "float4_e1m2", "float8_e8m0"}


class DescriptorRefused(Exception):
    """torch cannot build the view the case describes (it lies outside its storage)."""


class Tensor:
    """One tensor of one rank: the manifest entry, its storage and the torch view of it."""

    def __init__(self, bundle_dir, entry):
        self.entry = entry
        self.name = entry["name"]
        self.null = bool(entry.get("null", False))
        if self.null:
            return
        self.dtype = entry["dtype"]
        self.format = entry.get("format", "nd")
        self.role = entry["role"]
        self.shape = list(entry["shape"])
        self.strides = list(entry["strides"])
        self.offset = int(entry["offset"])
        self.storage_shape = list(entry["storage_shape"])
        self.npy_dtype = entry["npy_dtype"]
        self.npy_shape = list(entry["npy_shape"])
        self.result_file = os.path.join(bundle_dir, entry["result_file"]) if "result_file" in entry else None
        self.codes = np.load(os.path.join(bundle_dir, entry["file"]), allow_pickle=False)
        self._storage = None

    def numel(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def storage(self):
        """The whole storage as a flat torch tensor of the tensor's dtype (codes for CODE_ONLY)."""
        if self._storage is None:
            flat = np.ascontiguousarray(self.codes).reshape(-1)
            if self.dtype == "bf16":
                self._storage = torch.from_numpy(flat.view(np.int16).copy()).view(torch.bfloat16)
            elif self.dtype == "uint64":
                self._storage = torch.from_numpy(flat.view(np.int64).copy())
            elif self.dtype in CODE_ONLY:
                self._storage = torch.from_numpy(flat.astype(np.uint8))
            elif self.dtype in _TORCH_DTYPES:
                self._storage = torch.from_numpy(flat.copy())
            else:
                raise DescriptorRefused(f"{self.name}: dtype {self.dtype} has no torch tensor type")
        return self._storage

    def view(self):
        """The view the operator sees; DescriptorRefused when torch cannot make it."""
        if any(d < 0 for d in self.shape) or any(s < 0 for s in self.strides) or self.offset < 0:
            raise DescriptorRefused(f"{self.name}: negative shape, stride or offset {self.shape} {self.strides} {self.offset}")
        if len(self.shape) != len(self.strides):
            raise DescriptorRefused(f"{self.name}: {len(self.shape)} dims but {len(self.strides)} strides")
        # aclCreateTensor's documented limits, which the ACL descriptor the case describes must meet.
        if len(self.shape) > 8 or len(self.storage_shape) > 8 or any(d < 0 for d in self.storage_shape):
            raise DescriptorRefused(f"{self.name}: more than 8 dims or a negative storage dim (aclCreateTensor)")
        storage = self.storage()
        # The storage is what storage_shape says (the .npy may hold more: the allocation's padding).
        size = 1
        for d in self.storage_shape:
            size *= d
        size = min(size, storage.numel())
        if self.numel() > 0:
            last = self.offset + sum((d - 1) * s for d, s in zip(self.shape, self.strides))
            if last >= size:
                raise DescriptorRefused(
                    f"{self.name}: view {self.shape} strides {self.strides} offset {self.offset} reaches element "
                    f"{last}, beyond its storage of {size} (torch.as_strided on that storage refuses it)")
        return torch.as_strided(storage, self.shape, self.strides, self.offset)

    def write_result(self, value):
        """Writes `value` (the view's new contents) into a copy of the storage and saves it."""
        storage = self.storage().clone()
        view = torch.as_strided(storage, self.shape, self.strides, self.offset)
        view.copy_(value.to(view.dtype).reshape(self.shape))
        self.save_storage(storage)

    def save_storage(self, storage):
        if self.dtype == "bf16":
            codes = storage.view(torch.int16).numpy().view(np.uint16)
        elif self.dtype == "uint64":
            codes = storage.numpy().view(np.uint64)
        else:
            codes = storage.numpy()
        codes = codes.astype(np.dtype(self.npy_dtype.replace("|", "=")), copy=False).reshape(self.npy_shape)
        os.makedirs(os.path.dirname(self.result_file), exist_ok=True)
        np.save(self.result_file, codes, allow_pickle=False)


class RankCall:
    """What one rank passes to the operator: attributes and tensors by name. The adapter reads
    nothing else of the manifest (not the expected answers, the rule or the descriptor)."""

    def __init__(self, bundle_dir, case, rank_entry):
        self.api = case["api"]
        self.platform = case["platform"]
        self.world = int(case["world"])
        self.rank = int(rank_entry["rank"])
        self.attrs = rank_entry["attributes"]
        self.tensors = {t["name"]: Tensor(bundle_dir, t) for t in rank_entry["tensors"]}
        self.status_file = os.path.join(bundle_dir, rank_entry["status_file"])

    def t(self, name):
        """The tensor, or None for a null (or absent) one."""
        x = self.tensors.get(name)
        return None if x is None or x.null else x


def load_manifest(bundle_dir):
    with open(os.path.join(bundle_dir, "manifest.json")) as f:
        m = json.load(f)
    if m.get("schema") != "mc2conf.case-bundle" or m.get("version") != 1:
        raise SystemExit(f"{bundle_dir}/manifest.json: not a version-1 mc2conf case bundle")
    return m


def write_status(path, status):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(status, f)
        f.write("\n")
    os.replace(tmp, path)
