// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_storage.cc — the execution-time
// storage guard (see quant_matmul_all_reduce_v4_storage.h).
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_storage.h"

#include <utility>

#include "ops/common/checks.h"
#include "ops/common/rank_failure.h"

namespace mc2::impl::ops {
namespace {

class StorageGuardedRun final : public OpRun {
   public:
    StorageGuardedRun(std::unique_ptr<OpRun> run, std::string api, std::shared_ptr<hccl::Communicator> comm,
                      std::vector<StorageReach> reach)
        : run_(std::move(run)), api_(std::move(api)), comm_(std::move(comm)), reach_(std::move(reach)) {}

    int32_t DeviceId() const override { return run_->DeviceId(); }

    aclError Run(void *workspace) override {
        for (const StorageReach &r : reach_) {
            if (r.needed > r.held) {
                return FailRank(api_, *comm_,
                                r.name + "'s view reaches " + std::to_string(r.needed) +
                                    " storage elements but its "
                                    "storage holds " +
                                    std::to_string(r.held) + "; nothing was read or written");
            }
        }
        return run_->Run(workspace);
    }

   private:
    std::unique_ptr<OpRun> run_;
    std::string api_;
    std::shared_ptr<hccl::Communicator> comm_;
    std::vector<StorageReach> reach_;
};

}  // namespace

std::vector<StorageReach> TakeStorageReach(std::initializer_list<NamedStorage> tensors) {
    std::vector<StorageReach> out;
    for (const auto &[t, name] : tensors) {
        if (t == nullptr) continue;
        out.push_back({name, ViewElementsNeeded(*t), StorageElements(*t)});
    }
    return out;
}

std::unique_ptr<OpRun> GuardStorage(std::unique_ptr<OpRun> run, std::string api,
                                    std::shared_ptr<hccl::Communicator> comm, std::vector<StorageReach> reach) {
    return std::make_unique<StorageGuardedRun>(std::move(run), std::move(api), std::move(comm), std::move(reach));
}

}  // namespace mc2::impl::ops
