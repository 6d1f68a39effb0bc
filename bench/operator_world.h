// bench/operator_world.h — aclnnMatmulAllReduce through the ABI of libmc2impl.so (linked
// directly: the bench judges nothing, so the harness's dlopen boundary does not apply), ranks
// as threads, for timing the operator alone.
#ifndef MC2_BENCH_OPERATOR_WORLD_H_
#define MC2_BENCH_OPERATOR_WORLD_H_

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "bench/data.h"
#include "hccl/hccl.h"

namespace mc2::bench {

// W ranks with devices, communicators, contexts, streams and fp16 tensors x1 (m×k), x2 (k×n),
// out (m×n) each, set up once per benchmark the way the CANN examples do.
class OperatorWorld {
  public:
    OperatorWorld(uint32_t world, int64_t m, int64_t k, int64_t n) : n_(world), comms_(world), contexts_(world), streams_(world), ranks_(world) {
        setenv("MC2_PLATFORM", "atlas_a2", 1);
        aclInit(nullptr);  // a repeated initialisation is harmless
        std::vector<int32_t> devices(n_);
        for (uint32_t r = 0; r < n_; ++r) {
            devices[r] = static_cast<int32_t>(r);
            aclrtSetDevice(devices[r]);
        }
        ok_ = HcclCommInitAll(n_, devices.data(), comms_.data()) == HCCL_SUCCESS;
        Run([&](uint32_t r) {
            Rank &rk = ranks_[r];
            char name[128] = {};
            HcclGetCommName(comms_[r], name);
            rk.group = name;
            rk.x1 = Tensor(Fp16Codes(static_cast<size_t>(m * k), 10 + r), {m, k});
            rk.x2 = Tensor(Fp16Codes(static_cast<size_t>(k * n), 20 + r), {k, n});
            rk.out = Tensor(std::vector<uint16_t>(static_cast<size_t>(m * n), 0), {m, n});
        });
    }
    ~OperatorWorld() {
        Run([&](uint32_t r) {
            Rank &rk = ranks_[r];
            for (Dev *d : {&rk.x1, &rk.x2, &rk.out}) {
                aclDestroyTensor(d->t);
                aclrtFree(d->mem);
            }
            if (rk.ws != nullptr) aclrtFree(rk.ws);
        });
        for (uint32_t r = 0; r < n_; ++r) {
            aclrtSetCurrentContext(contexts_[r]);
            aclrtDestroyStream(streams_[r]);
            HcclCommDestroy(comms_[r]);
            aclrtDestroyContext(contexts_[r]);
            aclrtResetDevice(static_cast<int32_t>(r));
        }
    }
    bool ok() const { return ok_; }

    // One operator call on every rank (commTurn 0: the implementation picks its pieces);
    // false when a call failed.
    bool Call() {
        bool fine = true;
        Run([&](uint32_t r) {
            Rank &rk = ranks_[r];
            uint64_t ws_size = 0;
            aclOpExecutor *exec = nullptr;
            if (aclnnMatmulAllReduceGetWorkspaceSize(rk.x1.t, rk.x2.t, nullptr, rk.group.c_str(), "sum", 0, 1, rk.out.t,
                                                     &ws_size, &exec) != ACLNN_SUCCESS) {
                fine = false;
                return;
            }
            if (ws_size > rk.ws_size) {
                if (rk.ws != nullptr) aclrtFree(rk.ws);
                aclrtMalloc(&rk.ws, ws_size, ACL_MEM_MALLOC_HUGE_FIRST);
                rk.ws_size = ws_size;
            }
            if (aclnnMatmulAllReduce(rk.ws, ws_size, exec, streams_[r]) != ACLNN_SUCCESS ||
                aclrtSynchronizeStreamWithTimeout(streams_[r], 60000) != ACL_SUCCESS)
                fine = false;
        });
        return fine;
    }

  private:
    struct Dev {
        void *mem = nullptr;
        aclTensor *t = nullptr;
    };
    struct Rank {
        std::string group;
        Dev x1, x2, out;
        void *ws = nullptr;
        uint64_t ws_size = 0;
    };

    static Dev Tensor(const std::vector<uint16_t> &codes, std::vector<int64_t> shape) {
        Dev d;
        const size_t bytes = codes.size() * 2;
        aclrtMalloc(&d.mem, bytes, ACL_MEM_MALLOC_HUGE_FIRST);
        aclrtMemcpy(d.mem, bytes, codes.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE);
        const std::vector<int64_t> strides{shape[1], 1}, storage{static_cast<int64_t>(codes.size())};
        d.t = aclCreateTensor(shape.data(), shape.size(), ACL_FLOAT16, strides.data(), 0, ACL_FORMAT_ND,
                              storage.data(), storage.size(), d.mem);
        return d;
    }

    // fn(rank) on one thread per rank with the rank's context (created on first use) current.
    void Run(const std::function<void(uint32_t)> &fn) {
        std::vector<std::thread> threads;
        for (uint32_t r = 0; r < n_; ++r)
            threads.emplace_back([&, r] {
                if (contexts_[r] == nullptr) {
                    aclrtCreateContext(&contexts_[r], static_cast<int32_t>(r));
                    aclrtSetCurrentContext(contexts_[r]);
                    aclrtCreateStream(&streams_[r]);
                }
                aclrtSetCurrentContext(contexts_[r]);
                fn(r);
            });
        for (auto &t : threads) t.join();
    }

    uint32_t n_;
    bool ok_ = false;
    std::vector<HcclComm> comms_;
    std::vector<aclrtContext> contexts_;
    std::vector<aclrtStream> streams_;
    std::vector<Rank> ranks_;
};

}  // namespace mc2::bench

#endif  // MC2_BENCH_OPERATOR_WORLD_H_
