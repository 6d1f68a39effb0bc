// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_storage.h — the execution-time
// storage guard of aclnnQuantMatmulAllReduceV4. Built as the vendor's op_api (the vendor-faithful
// variant, faults.h), the operator checks no view against its storage at GetWorkspaceSize
// (qmar4.shape.storage is hardening), so a view reaching past its storage shape would make the
// kernels read or write bytes the caller did not describe. The guard stops the task before any
// element is touched; the error comes from the execute phase, as a device's out-of-bounds access
// would. The built-in library refuses such views at GetWorkspaceSize first (161002).
#ifndef MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_STORAGE_H_
#define MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_STORAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"

namespace mc2::impl::ops {

// One tensor's reach, taken at GetWorkspaceSize: the storage elements its view needs and holds.
struct StorageReach {
    std::string name;
    int64_t needed = 0;
    int64_t held = 0;
};

struct NamedStorage {
    const aclTensor *t;  // null: absent optional tensor, skipped
    const char *name;
};

// The reach of every present tensor (strides already checked addressable).
std::vector<StorageReach> TakeStorageReach(std::initializer_list<NamedStorage> tensors);

// `run`, preceded by the guard: a tensor whose view needs more storage than it holds fails the
// task (FailRank: its message names the tensor) before `run` touches anything.
std::unique_ptr<OpRun> GuardStorage(std::unique_ptr<OpRun> run, std::string api,
                                    std::shared_ptr<hccl::Communicator> comm, std::vector<StorageReach> reach);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_STORAGE_H_
