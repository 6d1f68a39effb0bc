// impl/ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce_run.cc — the execute
// phase of aclnnWeightQuantMatmulAllReduce, one stream task per call.
//
// Antiquant first (ops.md §2.2, the A2 kernel's anti_quant): every weight element
// w = (x2 + offset) * scale, with the scale/offset row t / G of k index t (per group), entry j
// (per channel) or the single entry (per tensor); for fp16 x1 the add and the multiply each
// round to fp16 (the vector unit works in fp16), for bf16 x1 both are fp32 and the product is
// rounded to bf16 (the cube takes bf16). The weight is stored once in the workspace as fp32
// (its values are T values) and packed for the GEMM. Then MatmulAllReduce's pipeline (see
// matmul_all_reduce_run.cc): acc = fp32(bias) + x1 @ w in fp32, y = round_T(acc), + x3 in fp32
// rounded to T, AllReduce(sum) in T piece by piece, the output written after every piece's
// all-reduce succeeded; a failing rank aborts the communicator.
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
#include "ops/common/memory_checks.h"
#include "ops/common/rank_failure.h"
#include "ops/common/rank_handshake.h"
#include "ops/common/view_copy.h"
#include "ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

class WeightQuantMatmulAllReduceRun final : public OpRun {
public:
    explicit WeightQuantMatmulAllReduceRun(WeightQuantMatmulAllReducePlan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        return RunTask(p_.api, *p_.comm, [&] { return RunChecked(workspace); });
    }

private:
    bool IsHalf() const { return p_.dataType == ACL_FLOAT16; }
    float Decode(uint16_t code) const { return IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code); }
    uint16_t Encode(float v) const { return IsHalf() ? codec::FloatToHalf(v) : codec::FloatToBf16(v); }
    float RoundT(float v) const { return Decode(Encode(v)); }

    aclError Fail(const std::string &why) { return FailRank(p_.api, *p_.comm, why); }

    bool SameCallOnEveryRank(std::string *why) const {
        return SameOnEveryRank(*p_.comm,
                               {{"m", p_.m},
                                {"n", p_.n},
                                {"dtype", static_cast<int64_t>(p_.dataType)},
                                {"commTurn", p_.commTurn},
                                {"rows per piece", p_.rowsPerPiece}},
                               "the all-reduce", why);
    }

    bool MemoryStillValid(void *workspace, std::string *why) const {
        const NamedDesc all[] = {{&p_.x1, "x1"},
                                 {&p_.x2, "x2"},
                                 {&p_.scale, "antiquantScale"},
                                 {&p_.output, "output"},
                                 {p_.hasOffset ? &p_.offset : nullptr, "antiquantOffset"},
                                 {p_.hasBias ? &p_.bias : nullptr, "bias"},
                                 {p_.hasX3 ? &p_.x3 : nullptr, "x3"}};
        return StillDeviceMemory(all, workspace, p_.workspaceBytes, why);
    }

    // The stored weight value at (q, j) of the logical (k, n) view.
    float Weight(int64_t q, int64_t j) const {
        int64_t index = p_.x2.offset + q * p_.x2.strides[0] + j * p_.x2.strides[1];
        if (p_.x2Nz && kFault != Fault::kWqNzReadAsNd) index = p_.x2Layout.Index(0, q, j);
        if (p_.weightType == ACL_INT4) {
            // Element 0 of a byte sits in its low nibble (formats.md §9).
            if (kFault == Fault::kWqInt4NibbleSwapped) index ^= 1;
            // Fault kArnWqInt4NibbleSwapped: the same, only when an AddRmsNorm API embeds this matmul.
            if (kFault == Fault::kArnWqInt4NibbleSwapped && p_.api.find("AddRmsNorm") != std::string::npos) index ^= 1;
            return static_cast<float>(codec::UnpackInt4(static_cast<const uint8_t *>(p_.x2.data), index));
        }
        return static_cast<float>(static_cast<const int8_t *>(p_.x2.data)[index]);
    }

    // Element index of the scale (offset) entry serving weight element (q, j); both tensors
    // have the same shape (checked), not necessarily the same strides.
    int64_t ScaleIndex(const TensorDesc &s, int64_t q, int64_t j) const {
        int64_t numel = 1;
        for (int64_t d : s.shape) numel *= d;
        if (p_.groupSize > 0) {
            int64_t row = q / p_.groupSize;
            if (kFault == Fault::kWqGroupRowOffByOne) row = std::min(row + 1, s.shape[0] - 1);
            return s.offset + row * s.strides[0] + j * s.strides[1];
        }
        if (numel == 1) return s.offset;
        return s.offset + j * s.strides.back();  // (n) or (1, n)
    }

    // w (k x n, row-major fp32 holding T values) as the kernel's vector unit computes it.
    void Dequantise(float *w) const {
        for (int64_t q = 0; q < p_.k; ++q) {
            for (int64_t j = 0; j < p_.n; ++j) {
                const float x = Weight(q, j);
                const float s = Decode(LoadCode16(p_.scale, ScaleIndex(p_.scale, q, j)));
                const float o = p_.hasOffset ? Decode(LoadCode16(p_.offset, ScaleIndex(p_.offset, q, j))) : 0.0f;
                float v = 0;
                if (IsHalf()) {
                    // fp16 add and multiply: the fp32 result rounded to fp16 is the correctly
                    // rounded fp16 result (fp32 carries more than 2·11 + 2 bits).
                    const float a = p_.hasOffset ? RoundT(x + o) : x;
                    v = RoundT(a * s);
                } else {
                    const float a = p_.hasOffset ? x + o : x;
                    v = RoundT(a * s);
                }
                w[q * p_.n + j] = v;
            }
        }
    }

    aclError RunChecked(void *workspace) {
        std::string why;
        if (!MemoryStillValid(workspace, &why)) return Fail(why);
        if (!SameCallOnEveryRank(&why)) {
            ReportRankError(p_.api, *p_.comm, why);
            return ACLNN_ERR_INNER;
        }
        auto *wsBytes = static_cast<unsigned char *>(workspace);
        auto *stage = reinterpret_cast<uint16_t *>(wsBytes);
        auto *acc = reinterpret_cast<float *>(wsBytes + p_.accOffset);
        auto *w = reinterpret_cast<float *>(wsBytes + p_.weightOffset);
        Dequantise(w);
        const kernels::GemmOperand b{w, kernels::GemmElement::kFloat32, p_.n, 1};
        const kernels::GemmPackedB packedB = kernels::GemmPackB(
            kernels::GemmIsa::kAuto, p_.k, p_.n, b, reinterpret_cast<float *>(wsBytes + p_.packedBOffset));
        std::vector<float> bias(static_cast<size_t>(p_.n), 0.0f);
        if (p_.hasBias) {
            for (int64_t j = 0; j < p_.n; ++j) bias[j] = Decode(LoadCode16(p_.bias, p_.bias.offset + j * p_.bias.strides[0]));
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
                    if (pipe->Failed()) break;
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
            if (!computeError.empty()) p_.comm->Abort("rank " + std::to_string(p_.comm->Rank()) + " failed in " +
                                                      p_.api + ": " + computeError);
            if (pipe) commError = pipe->Finish(&failedPiece);
        }
        if (!computeError.empty()) return Fail("compute failed: " + computeError);
        if (!commError.ok()) {
            return Fail(failedPiece + " failed: " + hccl::ResultName(commError.code) + ": " + commError.message);
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        WriteRows16(stage, p_.m, p_.n, p_.output);
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
            if (p_.k > 0) {
                const kernels::GemmOperand a{static_cast<const unsigned char *>(p_.x1.data) + p_.x1.RowOffset(c0) * 2,
                                             elem, p_.k, 1};
                kernels::GemmAccumulatePacked(rows, a, packedB, acc, n);
            }
            for (int64_t i = 0; i < rows; ++i) {
                const float *in = acc + i * n;
                uint16_t *out = stage + (c0 + i) * n;
                if (!p_.hasX3) {
                    for (int64_t j = 0; j < n; ++j) out[j] = Encode(in[j]);
                    continue;
                }
                const int64_t x3Row = p_.x3.RowOffset(c0 + i);
                const int64_t x3Col = p_.x3.ColStride();
                for (int64_t j = 0; j < n; ++j) {
                    out[j] = Encode(RoundT(in[j]) + Decode(LoadCode16(p_.x3, x3Row + j * x3Col)));
                }
            }
        }
    }

    WeightQuantMatmulAllReducePlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeWeightQuantMatmulAllReduceRun(WeightQuantMatmulAllReducePlan plan) {
    return std::make_unique<WeightQuantMatmulAllReduceRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
