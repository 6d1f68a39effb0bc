// impl/ops/all_gather_matmul/all_gather_matmul_run.cc — the execute phase of
// aclnnAllGatherMatmul, one stream task per call.
//
// Numerics (ops.md §5.1, §10): gatherOut is a bit-exact copy of every rank's x1 in rank order.
// Each output element: acc = fp32(bias[j]) (0 without bias), acc += a * b over k in fp32
// (kernels/gemm.h: increasing k, no FMA), rounded once to the output dtype with
// round-to-nearest-even (overflow gives Inf). No arithmetic crosses ranks, so every rank
// computes the same bits for the same gathered rows.
//
// Pipeline: this rank's x1 is copied into its block of the gather buffer in the workspace; a
// communication thread (ops/common/comm_pipeline.h) then runs worldSize - 1 ring steps, step s
// sending that block to rank + s and receiving rank - s's block (one AllToAllV each, so every
// rank moves one block per step). Meanwhile the stream's worker packs x2, multiplies its own
// block, then each received block as soon as its step has completed, into the staged output.
// gatherOut and output are written only after every step succeeded, so a failed run leaves
// them untouched; a failing rank aborts the communicator so its peers fail at once.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/codecs.h"
#include "kernels/gemm.h"
#include "ops/all_gather_matmul/all_gather_matmul.h"
#include "ops/common/comm_pipeline.h"
#include "ops/common/faults.h"
#include "ops/common/memory_checks.h"
#include "ops/common/rank_failure.h"
#include "ops/common/rank_handshake.h"
#include "ops/common/view_copy.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

class AllGatherMatmulRun final : public OpRun {
public:
    explicit AllGatherMatmulRun(AllGatherMatmulPlan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        return RunTask(p_.api, *p_.comm, [&] { return RunChecked(workspace); });
    }

private:
    bool IsHalf() const { return p_.dataType == ACL_FLOAT16; }
    kernels::GemmElement Element() const {
        return IsHalf() ? kernels::GemmElement::kFloat16 : kernels::GemmElement::kBfloat16;
    }
    aclError Fail(const std::string &why) { return FailRank(p_.api, *p_.comm, why); }

    // Every rank must gather blocks of the same size and type (rank_handshake.h); n too, since
    // ranks that disagree on it do not compute the same operator.
    bool SameCallOnEveryRank(std::string *why) const {
        return SameOnEveryRank(
            *p_.comm, {{"m", p_.m}, {"k", p_.k}, {"n", p_.n}, {"dtype", static_cast<int64_t>(p_.dataType)}},
            "the all-gather", why);
    }

    bool MemoryStillValid(void *workspace, std::string *why) const {
        const NamedDesc all[] = {{&p_.x1, "x1"},
                                 {&p_.x2, "x2"},
                                 {&p_.output, "output"},
                                 {p_.hasBias ? &p_.bias : nullptr, "bias"},
                                 {p_.hasGatherOut ? &p_.gatherOut : nullptr, "gatherOut"}};
        return StillDeviceMemory(all, workspace, p_.workspaceBytes, why);
    }

    // Ring step s (1 <= s < worldSize): send this rank's block to rank + s, receive the block of
    // rank - s, both in place in the gather buffer.
    hccl::Status RingStep(uint16_t *gathered, uint32_t s) const {
        const uint32_t size = p_.worldSize;
        const uint32_t rank = p_.comm->Rank();
        const uint64_t block = static_cast<uint64_t>(p_.m) * static_cast<uint64_t>(p_.k);
        std::vector<uint64_t> sendCounts(size, 0), sdispls(size, 0), recvCounts(size, 0), rdispls(size, 0);
        const uint32_t to = (rank + s) % size;
        const uint32_t from = (rank + size - s) % size;
        sendCounts[to] = block;
        sdispls[to] = rank * block;
        recvCounts[from] = block;
        rdispls[from] = from * block;
        const HcclDataType type = IsHalf() ? HCCL_DATA_TYPE_FP16 : HCCL_DATA_TYPE_BFP16;
        return p_.comm->AllToAllV(gathered, sendCounts.data(), sdispls.data(), gathered, recvCounts.data(),
                                  rdispls.data(), type);
    }

    aclError RunChecked(void *workspace) {
        std::string why;
        if (!MemoryStillValid(workspace, &why)) return Fail(why);
        if (!SameCallOnEveryRank(&why)) {
            // Every rank saw the same gathered descriptors and fails the same way: no abort.
            ReportRankError(p_.api, *p_.comm, why);
            return ACLNN_ERR_INNER;
        }
        auto *wsBytes = static_cast<unsigned char *>(workspace);
        auto *gathered = reinterpret_cast<uint16_t *>(wsBytes);
        auto *stage = reinterpret_cast<uint16_t *>(wsBytes + p_.stageOffset);
        auto *acc = reinterpret_cast<float *>(wsBytes + p_.accOffset);
        const uint32_t rank = p_.comm->Rank();
        ReadRows16(p_.x1, p_.m, p_.k, gathered + static_cast<uint64_t>(rank) * p_.m * p_.k);

        std::string computeError;
        hccl::Status commError;
        std::string failedStep;
        {
            std::optional<CommPipeline> pipe;
            try {
                pipe.emplace();
                for (uint32_t s = 1; s < p_.worldSize; ++s) {
                    pipe->Push([this, gathered, s] { return RingStep(gathered, s); },
                               "all-gather step " + std::to_string(s) + " (block of rank " +
                                   std::to_string((rank + p_.worldSize - s) % p_.worldSize) + ")");
                }
                // x2 is decoded and packed once, while the first step is in flight (n = 0: an
                // empty x2 and output, nothing to multiply; the gather still runs).
                kernels::GemmPackedB packedB;
                if (p_.n > 0) {
                    const kernels::GemmOperand b{static_cast<const unsigned char *>(p_.x2.data) + p_.x2.offset * 2,
                                                 Element(), p_.x2.strides[0], p_.x2.strides[1]};
                    packedB = kernels::GemmPackB(kernels::GemmIsa::kAuto, p_.k, p_.n, b,
                                                 reinterpret_cast<float *>(wsBytes + p_.packedBOffset));
                }
                const std::vector<float> bias = BiasRow();
                ComputeBlock(rank, gathered, bias, packedB, stage, acc);
                for (uint32_t s = 1; s < p_.worldSize; ++s) {
                    if (!pipe->WaitFor(s - 1)) break;  // the gather failed: stop computing
                    ComputeBlock((rank + p_.worldSize - s) % p_.worldSize, gathered, bias, packedB, stage, acc);
                }
            } catch (const std::exception &e) {
                computeError = e.what();
            } catch (...) {
                computeError = "unknown exception";
            }
            // Release the peers (and our own communication thread, if it waits for them)
            // before joining.
            if (!computeError.empty()) {
                p_.comm->Abort("rank " + std::to_string(rank) + " failed in " + p_.api + ": " + computeError);
            }
            if (pipe) commError = pipe->Finish(&failedStep);
        }
        if (!computeError.empty()) return Fail("compute failed: " + computeError);
        if (!commError.ok()) {
            return Fail(failedStep + " failed: " + hccl::ResultName(commError.code) + ": " + commError.message);
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        if constexpr (kFault == Fault::kGatherOutOfRankOrder) SwapFirstTwoBlocks(gathered, stage);
        const int64_t rows = p_.m * static_cast<int64_t>(p_.worldSize);
        if (p_.hasGatherOut && kFault != Fault::kAgmGatherOutUnwritten) WriteRows16(gathered, rows, p_.k, p_.gatherOut);
        WriteRows16(stage, rows, p_.n, p_.output);
        return ACL_SUCCESS;
    }

    // Fault kGatherOutOfRankOrder only (faults.h): rank 0's and rank 1's rows trade places in
    // both staged outputs (each output row still matches its gathered row).
    void SwapFirstTwoBlocks(uint16_t *gathered, uint16_t *stage) const {
        const auto swapBlocks = [&](uint16_t *base, int64_t cols) {
            std::swap_ranges(base, base + p_.m * cols, base + p_.m * cols);
        };
        swapBlocks(gathered, p_.k);
        swapBlocks(stage, p_.n);
    }

    // fp32(bias[j]) for j < n, or zeros: the accumulator's starting row.
    std::vector<float> BiasRow() const {
        std::vector<float> bias(static_cast<size_t>(p_.n), 0.0f);
        if (!p_.hasBias) return bias;
        for (int64_t j = 0; j < p_.n; ++j) {
            const uint16_t code = LoadCode16(p_.bias, p_.bias.offset + j * p_.bias.ColStride());
            bias[j] = IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code);
        }
        return bias;
    }

    // Output rows of rank `owner`'s block: its m gathered rows times x2, in accumulator chunks.
    void ComputeBlock(uint32_t owner, const uint16_t *gathered, const std::vector<float> &bias,
                      const kernels::GemmPackedB &packedB, uint16_t *stage, float *acc) const {
        const int64_t n = p_.n;
        if (n == 0) return;
        const int64_t row0 = static_cast<int64_t>(owner) * p_.m;
        for (int64_t c0 = 0; c0 < p_.m; c0 += p_.chunkRows) {
            const int64_t rows = std::min(p_.chunkRows, p_.m - c0);
            for (int64_t i = 0; i < rows; ++i) std::memcpy(acc + i * n, bias.data(), static_cast<size_t>(n) * 4);
            // Fault kAgmLocalRowsOnly: the rows of this rank's own block, whoever owns the output block.
            const int64_t aRow0 =
                kFault == Fault::kAgmLocalRowsOnly ? static_cast<int64_t>(p_.comm->Rank()) * p_.m : row0;
            const kernels::GemmOperand a{gathered + (aRow0 + c0) * p_.k, Element(), p_.k, 1};
            kernels::GemmAccumulatePacked(rows, a, packedB, acc, n);
            for (int64_t i = 0; i < rows; ++i) {
                const float *in = acc + i * n;
                uint16_t *out = stage + (row0 + c0 + i) * n;
                if (IsHalf()) {
                    for (int64_t j = 0; j < n; ++j) out[j] = codec::FloatToHalf(in[j]);
                } else {
                    for (int64_t j = 0; j < n; ++j) out[j] = codec::FloatToBf16(in[j]);
                }
            }
        }
    }

    AllGatherMatmulPlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeAllGatherMatmulRun(AllGatherMatmulPlan plan) {
    return std::make_unique<AllGatherMatmulRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
