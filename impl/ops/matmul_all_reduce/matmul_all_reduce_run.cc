// impl/ops/matmul_all_reduce/matmul_all_reduce_run.cc — the execute phase of
// aclnnMatmulAllReduce / V2, one stream task per call.
//
// Numerics (ops.md §2.7, the A2 kernel's order): per output row, acc = fp32(bias) then
// acc += x1 @ x2 in fp32 (kernels/gemm.h: increasing k, no FMA); y = round_T(acc) with
// round-to-nearest-even (overflow gives Inf); with x3: y = round_T(float(y) + float(x3));
// then AllReduce(sum) of y in T through the communicator.
//
// Pipeline: the m rows are cut into pieces (MatmulAllReducePlan::rowsPerPiece). The stream's
// worker computes piece after piece into the staging area of the workspace; a communication
// thread (ops/common/comm_pipeline.h), fed by a queue of finished pieces, all-reduces each in
// place, so piece p's all-reduce overlaps piece p+1's compute. The output tensor is written only after every
// piece's all-reduce succeeded, so a failed run leaves it untouched. When this rank fails
// (memory freed under the task, a collective error, an internal error) it aborts the
// communicator so the peers' collectives fail at once instead of waiting for their timeout.
#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/codecs.h"
#include "kernels/gemm.h"
#include "ops/common/comm_pipeline.h"
#include "ops/common/faults.h"
#include "ops/common/memory_faults.h"
#include "ops/common/memory_checks.h"
#include "ops/common/rank_failure.h"
#include "ops/common/rank_handshake.h"
#include "ops/common/view_copy.h"
#include "ops/matmul_all_reduce/matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

class MatmulAllReduceRun final : public OpRun {
public:
    explicit MatmulAllReduceRun(MatmulAllReducePlan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        return RunTask(p_.api, *p_.comm, [&] { return RunChecked(workspace); });
    }

private:
    bool IsHalf() const { return p_.dataType == ACL_FLOAT16; }
    float Decode(uint16_t code) const { return IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code); }
    uint16_t Encode(float v) const { return IsHalf() ? codec::FloatToHalf(v) : codec::FloatToBf16(v); }

    aclError Fail(const std::string &why) { return FailRank(p_.api, *p_.comm, why); }

    // Every rank must describe the same all-reduce: [m, n], dtype, commTurn and piece split
    // (rank_handshake.h; spec rule mar.xrank.mismatch expects a runtime error there). commTurn
    // is compared itself, not only the piece size it yields, so that a disagreement fails
    // whatever m is.
    bool SameCallOnEveryRank(std::string *why) const {
        return SameOnEveryRank(*p_.comm,
                               {{"m", p_.m},
                                {"n", p_.n},
                                {"dtype", static_cast<int64_t>(p_.dataType)},
                                {"commTurn", p_.commTurn},
                                {"rows per piece", p_.rowsPerPiece}},
                               "the all-reduce", why);
    }

    // The caller may have freed memory between the two phases; touching it would corrupt
    // whatever reused it.
    bool MemoryStillValid(void *workspace, std::string *why) const {
        const NamedDesc all[] = {{&p_.x1, "x1"},
                                 {&p_.x2, "x2"},
                                 {&p_.output, "output"},
                                 {p_.hasBias ? &p_.bias : nullptr, "bias"},
                                 {p_.hasX3 ? &p_.x3 : nullptr, "x3"}};
        return StillDeviceMemory(all, workspace, p_.workspaceBytes, why);
    }

    aclError RunChecked(void *workspace) {
        std::string why;
        if (!MemoryStillValid(workspace, &why)) return Fail(why);
        if (!SameCallOnEveryRank(&why)) {
            // Every rank saw the same gathered descriptors and fails the same way, so the
            // communicator stays consistent and usable: no abort.
            ReportRankError(p_.api, *p_.comm, why);
            return ACLNN_ERR_INNER;
        }
        auto *wsBytes = static_cast<unsigned char *>(workspace);
        auto *stage = reinterpret_cast<uint16_t *>(wsBytes);
        auto *acc = reinterpret_cast<float *>(wsBytes + p_.accOffset);
        // x2 is decoded and packed once; every piece multiplies by the packed copy.
        const auto elem = IsHalf() ? kernels::GemmElement::kFloat16 : kernels::GemmElement::kBfloat16;
        const bool ignoreStrides = kFault == Fault::kMarX2StridesIgnored;
        const kernels::GemmOperand b{static_cast<const unsigned char *>(p_.x2.data) + p_.x2.offset * 2, elem,
                                     ignoreStrides ? p_.n : p_.x2.strides[0], ignoreStrides ? 1 : p_.x2.strides[1]};
        // Fault kMarLastKDropped: x2's last row left out of the packed copy (the k-sum is one short).
        const int64_t packedK = kFault == Fault::kMarLastKDropped && p_.k > 1 ? p_.k - 1 : p_.k;
        const kernels::GemmPackedB packedB = kernels::GemmPackB(
            kernels::GemmIsa::kAuto, packedK, p_.n, b, reinterpret_cast<float *>(wsBytes + p_.packedBOffset));
        std::vector<float> bias(static_cast<size_t>(p_.n), 0.0f);
        if (p_.hasBias && !(kFault == Fault::kDropBiasOnRank1 && p_.comm->Rank() == 1)) {
            for (int64_t j = 0; j < p_.n; ++j) {
                bias[j] = Decode(LoadCode16(p_.bias, p_.bias.offset + j * p_.bias.strides[0]));
            }
        }

        const HcclDataType type = IsHalf() ? HCCL_DATA_TYPE_FP16 : HCCL_DATA_TYPE_BFP16;
        std::string computeError;
        hccl::Status commError;
        std::string failedPiece;
        {
            std::optional<CommPipeline> pipe;
            try {
                pipe.emplace();
                for (int64_t r0 = 0; r0 < p_.m; r0 += p_.rowsPerPiece) {
                    if (pipe->Failed()) break;  // the collective failed: stop computing
                    const int64_t rows = std::min(p_.rowsPerPiece, p_.m - r0);
                    ComputePiece(r0, rows, bias, packedB, stage, acc);
                    uint16_t *at = stage + r0 * p_.n;
                    const uint64_t count = static_cast<uint64_t>(rows * p_.n);
                    hccl::Communicator &comm = *p_.comm;
                    pipe->Push(
                        [&comm, at, count, type] { return comm.AllReduce(at, at, count, type, HCCL_REDUCE_SUM); },
                        "all-reduce of rows [" + std::to_string(r0) + ", " + std::to_string(r0 + rows) + ")");
                }
            } catch (const std::exception &e) {
                computeError = e.what();
            } catch (...) {
                computeError = "unknown exception";
            }
            // Release the peers (and our own communication thread, if it waits for them)
            // before joining.
            if (!computeError.empty()) p_.comm->Abort("rank " + std::to_string(p_.comm->Rank()) + " failed in " +
                                                      p_.api + ": " + computeError);
            if (pipe) commError = pipe->Finish(&failedPiece);
        }
        if (!computeError.empty()) return Fail("compute failed: " + computeError);
        if (!commError.ok()) {
            return Fail(failedPiece + " failed: " + hccl::ResultName(commError.code) + ": " + commError.message);
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        WriteOutput(stage);
        ApplyMemoryFaults(p_.x1, p_.output, 2, workspace, p_.workspaceBytes, p_.comm->Rank());
        return ACL_SUCCESS;
    }

    // Rows [row0, row0 + pieceRows) into the staging area, in accumulator chunks.
    void ComputePiece(int64_t row0, int64_t pieceRows, const std::vector<float> &bias,
                      const kernels::GemmPackedB &packedB, uint16_t *stage, float *acc) const {
        const auto elem = IsHalf() ? kernels::GemmElement::kFloat16 : kernels::GemmElement::kBfloat16;
        const int64_t n = p_.n;
        for (int64_t c0 = row0; c0 < row0 + pieceRows; c0 += p_.chunkRows) {
            const int64_t rows = std::min(p_.chunkRows, row0 + pieceRows - c0);
            for (int64_t i = 0; i < rows; ++i) std::memcpy(acc + i * n, bias.data(), static_cast<size_t>(n) * 4);
            if (kFault == Fault::kLowPrecisionAccumulation) {
                AccumulateInOutputPrecision(c0, rows, acc);
            } else if (p_.k > 0) {
                // x1 is contiguous (checked), so its rows are k elements apart.
                const kernels::GemmOperand a{static_cast<const unsigned char *>(p_.x1.data) + p_.x1.RowOffset(c0) * 2,
                                             elem, p_.k, 1};
                kernels::GemmAccumulatePacked(rows, a, packedB, acc, n);
            }
            for (int64_t i = 0; i < rows; ++i) {
                const float *in = acc + i * n;
                uint16_t *out = stage + (c0 + i) * n;
                if (kFault == Fault::kMarLastRankLeftOut && p_.comm->Size() > 1 &&
                    p_.comm->Rank() == p_.comm->Size() - 1) {
                    std::memset(out, 0, static_cast<size_t>(n) * 2);
                    continue;
                }
                if (!p_.hasX3 || kFault == Fault::kMarX3AfterAllReduce) {
                    for (int64_t j = 0; j < n; ++j) out[j] = kFault == Fault::kMarCastTruncates ? EncodeTowardZero(in[j])
                                                                                                : Encode(in[j]);
                    continue;
                }
                const int64_t x3Row = p_.x3.RowOffset(c0 + i);
                const int64_t x3Col = p_.x3.ColStride();
                for (int64_t j = 0; j < n; ++j) {
                    // Both operands to fp32, add, round to T: the bf16 kernel's Cast-Add-Cast. For
                    // fp16 it equals the kernel's native fp16 add: fp32 carries at least 2p + 2
                    // bits for p = 11, so rounding the fp32 sum again is the correctly rounded sum.
                    const float y = Decode(Encode(in[j]));
                    out[j] = Encode(y + Decode(LoadCode16(p_.x3, x3Row + j * x3Col)));
                }
            }
        }
    }

    // Fault kLowPrecisionAccumulation only (faults.h): every partial sum rounded to T.
    void AccumulateInOutputPrecision(int64_t row0, int64_t rows, float *acc) const {
        for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < p_.n; ++j) {
                float sum = acc[i * p_.n + j];
                for (int64_t q = 0; q < p_.k; ++q) {
                    const float a = Decode(LoadCode16(p_.x1, p_.x1.RowOffset(row0 + i) + q));
                    const int64_t bAt = p_.x2.offset + q * p_.x2.strides[0] + j * p_.x2.strides[1];
                    const float b = Decode(LoadCode16(p_.x2, bAt));
                    sum = Decode(Encode(sum + a * b));
                }
                acc[i * p_.n + j] = sum;
            }
        }
    }

    void WriteOutput(uint16_t *stage) const {
        if (kFault == Fault::kMarX3AfterAllReduce && p_.hasX3) AddX3Once(stage);
        WriteRows16(stage, p_.m, p_.n, p_.output);
    }

    // Fault kMarCastTruncates only: round to nearest, then one code toward zero when that went
    // away from zero (sign-magnitude codes: the magnitude's predecessor is code - 1). A finite
    // value rounded up to Inf truncates to the largest finite code; each format has its own
    // (fp16 Inf 0x7c00, largest finite 0x7bff; bf16 Inf 0x7f80, largest finite 0x7f7f). NaN codes
    // lie above Inf and are left alone.
    uint16_t EncodeTowardZero(float v) const {
        const uint16_t code = Encode(v);
        const float back = Decode(code);
        const bool awayFromZero = (v > 0 && back > v) || (v < 0 && back < v);
        const uint16_t inf = IsHalf() ? 0x7c00 : 0x7f80;
        const uint16_t magnitude = code & 0x7fff;
        if (!awayFromZero || magnitude == 0 || magnitude > inf) return code;
        return static_cast<uint16_t>(code - 1);  // Inf - 1 is the largest finite code
    }

    // Fault kMarX3AfterAllReduce only: x3 added to the reduced sum (once, not on every rank).
    void AddX3Once(uint16_t *stage) const {
        for (int64_t i = 0; i < p_.m; ++i) {
            const int64_t x3Row = p_.x3.RowOffset(i);
            for (int64_t j = 0; j < p_.n; ++j) {
                uint16_t &y = stage[i * p_.n + j];
                y = Encode(Decode(y) + Decode(LoadCode16(p_.x3, x3Row + j * p_.x3.ColStride())));
            }
        }
    }

    MatmulAllReducePlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeMatmulAllReduceRun(MatmulAllReducePlan plan) {
    return std::make_unique<MatmulAllReduceRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
