// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_run.cc — the execute phase of
// aclnnQuantMatmulAllReduceV4's FP8 / HiF8 / per-block / MX scenarios, one stream task per call.
//
// Numerics (seed 004 formulas), per output element, in fp32 (the cube's L0C accumulator):
//   FP8/HiF8, fp32 scales (6): y = (Σ x1·x2 + bias)·x2Scale[j]·x1Scale[i];
//   FP8/HiF8, UINT64 scale (5): y = (Σ x1·x2 + bias)·scale, the fixpipe's fp19 scale (the low 13
//     mantissa bits cleared, as on Atlas A2);
//   per-block (7): y = Σ_b ((Σ_{t in b} x1·x2)·x2Scale[b, j/128])·x1Scale[i/128, b];
//   MX (4): y = Σ (x1·2^e1)·(x2·2^e2) + bias (the E8M0 products are exact);
//   then round_T(y) (RINT), + x3 as round_T(y + x3), the all-reduce in T (fp16 / bf16 / fp32).
// commQuantMode = 1 (formula 8, ops.md §4.3): y stays fp32, + x3 in fp32, and the pertile FP8
// exchange (comm_pertile.cc) replaces the all-reduce; its dequantised sums are cast to T (RINT).
// The inputs are decoded with impl/kernels/codecs (FP4 two codes a byte, low nibble first), every
// tensor read and written through its view's strides and offset (an FP4 element index is a
// nibble index); views past their storage never reach here (quant_matmul_all_reduce_v4_storage.h).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "kernels/codecs.h"
#include "ops/common/faults.h"
#include "ops/common/memory_checks.h"
#include "ops/common/memory_faults.h"
#include "ops/common/rank_failure.h"
#include "ops/common/rank_handshake.h"
#include "ops/common/view_copy.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

constexpr int64_t kBlock = 128;

// Element `index` (elements from data, offset included) of an 8-bit, 4-bit or fp32 tensor.
float DecodeAt(const TensorDesc &t, int64_t index) {
    const auto *bytes = static_cast<const uint8_t *>(t.data);
    switch (t.dataType) {
        case ACL_FLOAT8_E4M3FN:
            return codec::E4m3ToFloat(bytes[index]);
        case ACL_FLOAT8_E5M2:
            return codec::E5m2ToFloat(bytes[index]);
        case ACL_HIFLOAT8:
            return codec::Hif8ToFloat(bytes[index]);
        case ACL_FLOAT4_E2M1: {
            const float v = codec::E2m1ToFloat(codec::UnpackNibble(bytes, index));
            // Bias 2 instead of 1 (formats.md §7) halves normals and subnormals alike.
            return kFault == Fault::kV4Fp4E2m1WrongBias ? v * 0.5f : v;
        }
        case ACL_FLOAT4_E1M2:
            return codec::E1m2ToFloat(codec::UnpackNibble(bytes, index));
        case ACL_FLOAT8_E8M0: {
            const float v = codec::E8m0ToFloat(bytes[index]);
            return kFault == Fault::kV4E8m0OffByOne ? v * 0.5f : v;
        }
        default: {
            uint32_t bits = 0;
            std::memcpy(&bits, bytes + index * 4, 4);
            return std::bit_cast<float>(bits);
        }
    }
}

int64_t At(const TensorDesc &t, std::initializer_list<int64_t> index) {
    int64_t at = t.offset;
    size_t d = 0;
    for (int64_t i : index) at += i * t.strides[d++];
    return at;
}

class QuantMatmulAllReduceV4Run final : public OpRun {
   public:
    explicit QuantMatmulAllReduceV4Run(QuantMatmulAllReduceV4Plan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        return RunTask(p_.api, *p_.comm, [&] { return RunChecked(workspace); });
    }

   private:
    bool Wide() const { return p_.outType == ACL_FLOAT; }
    bool Pertile() const { return p_.commQuantMode == 1; }
    // v rounded to T (RINT) and back.
    float RoundT(float v) const {
        if (p_.outType == ACL_FLOAT16) return codec::HalfToFloat(codec::FloatToHalf(v));
        if (p_.outType == ACL_BF16) return codec::Bf16ToFloat(codec::FloatToBf16(v));
        return v;
    }
    float LoadT(const TensorDesc &t, int64_t index) const {
        if (p_.outType == ACL_FLOAT16) return codec::HalfToFloat(LoadCode16(t, index));
        if (p_.outType == ACL_BF16) return codec::Bf16ToFloat(LoadCode16(t, index));
        return DecodeAt(t, index);
    }

    aclError Fail(const std::string &why) { return FailRank(p_.api, *p_.comm, why); }

    bool SameCallOnEveryRank(std::string *why) const {
        return SameOnEveryRank(*p_.comm,
                               {{"m", p_.m},
                                {"n", p_.n},
                                {"dtype", static_cast<int64_t>(p_.outType)},
                                {"commTurn", p_.commTurn},
                                {"rows per piece", p_.rowsPerPiece},
                                {"commQuantMode", p_.commQuantMode}},
                               "the all-reduce", why);
    }

    bool MemoryStillValid(void *workspace, std::string *why) const {
        const NamedDesc all[] = {{&p_.x1, "x1"},
                                 {&p_.x2, "x2"},
                                 {&p_.output, "output"},
                                 {&p_.x2Scale, "x2Scale"},
                                 {p_.hasBias ? &p_.bias : nullptr, "bias"},
                                 {p_.hasX3 ? &p_.x3 : nullptr, "x3"},
                                 {p_.hasX1Scale ? &p_.x1Scale : nullptr, "x1Scale"}};
        return StillDeviceMemory(all, workspace, p_.workspaceBytes, why);
    }

    // The per-channel / per-tensor x2Scale of column j (kFp8), or the UINT64 code's fp19 scale.
    float ChannelScale(int64_t j, int64_t i) const {
        int64_t e = p_.scaleCount == 1 ? 0 : j;
        if (kFault == Fault::kV4PerChannelScaleByRow && p_.scaleCount > 1) e = i % p_.n;
        const int64_t at = p_.x2Scale.offset + e * p_.x2Scale.ColStride();
        if (p_.kind == V4Kind::kFp8Uint64) {
            uint64_t code = 0;
            std::memcpy(&code, static_cast<const uint8_t *>(p_.x2Scale.data) + at * 8, 8);
            return std::bit_cast<float>(static_cast<uint32_t>(code) & 0xFFFFE000u);  // fp19 (ops.md §3)
        }
        return DecodeAt(p_.x2Scale, at);
    }

    // x2 decoded as a dense k × n matrix (MX: times its E8M0 scales).
    std::vector<float> DecodeX2() const {
        std::vector<float> b(static_cast<size_t>(p_.k * p_.n));
        for (int64_t q = 0; q < p_.k; ++q) {
            for (int64_t j = 0; j < p_.n; ++j) {
                float v = DecodeAt(p_.x2, p_.x2.offset + q * p_.x2.strides[0] + j * p_.x2.strides[1]);
                if (p_.kind == V4Kind::kMx) {
                    const int64_t g = q / 32;
                    v *= DecodeAt(p_.x2Scale, At(p_.x2Scale, {j, g / 2, g % 2}));
                }
                b[static_cast<size_t>(q * p_.n + j)] = v;
            }
        }
        return b;
    }

    // Output row i before the all-reduce, as values of T. The k-sums of the row's n columns run
    // side by side (t outer, the columns inner, over x2's decoded rows in memory order): each
    // column's sum still starts from its bias and adds its terms in t order, as one column at a
    // time would, at a fraction of the cache traffic.
    void ComputeRow(int64_t i, const std::vector<float> &b, std::vector<float> &a, std::vector<float> &acc,
                    float *out) const {
        // Through the view's strides: the vendor-faithful variant lets any addressable x1 through.
        const int64_t x1Row = p_.x1.RowOffset(i), x1Col = p_.x1.ColStride();
        for (int64_t t = 0; t < p_.k; ++t) {
            float v = DecodeAt(p_.x1, x1Row + t * x1Col);
            if (p_.kind == V4Kind::kMx) {
                const int64_t g = t / 32;
                v *= DecodeAt(p_.x1Scale, At(p_.x1Scale, {i, g / 2, g % 2}));
            }
            a[static_cast<size_t>(t)] = v;
        }
        const float s1 =
            p_.kind == V4Kind::kFp8 ? DecodeAt(p_.x1Scale, p_.x1Scale.offset + i * p_.x1Scale.strides[0]) : 1.0f;
        const bool late = kFault == Fault::kV4BiasAfterDequant && p_.kind == V4Kind::kFp8;
        if (p_.kind == V4Kind::kPerBlock) {
            PerBlockRow(i, a, b, acc, out);
        } else {
            for (int64_t j = 0; j < p_.n; ++j) {
                const float bias = p_.hasBias ? DecodeAt(p_.bias, p_.bias.offset + j * p_.bias.ColStride()) : 0.0f;
                acc[static_cast<size_t>(j)] = late ? 0.0f : bias;
            }
            AddProducts(a, b, 0, p_.k, acc.data());
        }
        const int64_t x3Row = p_.hasX3 ? p_.x3.RowOffset(i) : 0;
        for (int64_t j = 0; j < p_.n; ++j) {
            float y;
            if (p_.kind == V4Kind::kPerBlock) {
                y = out[j];
            } else if (p_.kind == V4Kind::kFp8) {
                y = acc[static_cast<size_t>(j)] * ChannelScale(j, i) * s1;
                if (late) y += p_.hasBias ? DecodeAt(p_.bias, p_.bias.offset + j * p_.bias.ColStride()) : 0.0f;
            } else if (p_.kind == V4Kind::kFp8Uint64) {
                y = acc[static_cast<size_t>(j)] * ChannelScale(j, i);
            } else {
                y = acc[static_cast<size_t>(j)];
            }
            // The pertile exchange takes the fp32 partials (+ x3 in fp32), not values of T.
            if (!Pertile()) y = RoundT(y);
            if (p_.hasX3) {
                const float x3 = LoadT(p_.x3, x3Row + j * p_.x3.ColStride());
                y = Pertile() ? y + x3 : RoundT(y + x3);
            }
            out[j] = y;
        }
    }

    // acc[j] += Σ_{t in [t0, t1)} a[t]·b[t, j] in fp32, t ascending for every column.
    void AddProducts(const std::vector<float> &a, const std::vector<float> &b, int64_t t0, int64_t t1,
                     float *acc) const {
        const int64_t n = p_.n;
        for (int64_t t = t0; t < t1; ++t) {
            const float x = a[static_cast<size_t>(t)];
            const float *row = b.data() + t * n;
            for (int64_t j = 0; j < n; ++j) acc[j] += x * row[j];
        }
    }

    // Row i of the per-block scenario (formula 7) into out: each 128-wide k-block's fp32 sums
    // scaled by the block's two grid values, the blocks added in order.
    void PerBlockRow(int64_t i, const std::vector<float> &a, const std::vector<float> &b, std::vector<float> &acc,
                     float *out) const {
        const int64_t kb = (p_.k + kBlock - 1) / kBlock, nb = (p_.n + kBlock - 1) / kBlock;
        const int64_t perBatch = std::max<int64_t>(p_.rowsPerBatch, 1);
        const int64_t batch = i / perBatch, ib = (i % perBatch) / kBlock;
        const bool threeD = p_.x1Scale.shape.size() == 3;
        std::fill(out, out + p_.n, 0.0f);
        for (int64_t blk = 0; blk < kb; ++blk) {
            std::fill(acc.begin(), acc.end(), 0.0f);
            AddProducts(a, b, blk * kBlock, std::min(p_.k, (blk + 1) * kBlock), acc.data());
            const float s1 =
                DecodeAt(p_.x1Scale, threeD ? At(p_.x1Scale, {batch, ib, blk}) : At(p_.x1Scale, {ib, blk}));
            for (int64_t j = 0; j < p_.n; ++j) {
                float s2;
                if (p_.x2Transposed && kFault == Fault::kV4PerBlockTransposedGrid) {
                    const int64_t flat = blk * nb + j / kBlock;  // the [n-block][k-block] grid read as [k-block][n-block]
                    s2 = DecodeAt(p_.x2Scale, At(p_.x2Scale, {flat / kb, flat % kb}));
                } else if (p_.x2Transposed) {
                    s2 = DecodeAt(p_.x2Scale, At(p_.x2Scale, {j / kBlock, blk}));
                } else if (kFault == Fault::kV4PerBlockGridTransposed) {
                    const int64_t flat = (j / kBlock) * kb + blk;  // the grid read as [n-block][k-block]
                    s2 = DecodeAt(p_.x2Scale, At(p_.x2Scale, {flat / nb, flat % nb}));
                } else {
                    s2 = DecodeAt(p_.x2Scale, At(p_.x2Scale, {blk, j / kBlock}));
                }
                out[j] += acc[static_cast<size_t>(j)] * s2 * s1;
            }
        }
    }

    void WriteOutput(const std::vector<float> &stage) const {
        auto *bytes = static_cast<uint8_t *>(p_.output.data);
        for (int64_t i = 0; i < p_.m; ++i) {
            const int64_t row = p_.output.RowOffset(i);
            for (int64_t j = 0; j < p_.n; ++j) {
                const float v = stage[static_cast<size_t>(i * p_.n + j)];
                const int64_t at = row + j * p_.output.ColStride();
                if (Wide()) {
                    std::memcpy(bytes + at * 4, &v, 4);
                } else {
                    const uint16_t code = p_.outType == ACL_FLOAT16 ? codec::FloatToHalf(v) : codec::FloatToBf16(v);
                    std::memcpy(bytes + at * 2, &code, 2);
                }
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
        const std::vector<float> b = DecodeX2();
        std::vector<float> a(static_cast<size_t>(p_.k)), acc(static_cast<size_t>(p_.n));
        std::vector<float> values(static_cast<size_t>(p_.m * p_.n));
        for (int64_t i = 0; i < p_.m; ++i) ComputeRow(i, b, a, acc, values.data() + i * p_.n);
        if (Pertile()) return RunPertile(workspace, values);
        // The partial results as T codes in the workspace, all-reduced piece by piece.
        const uint64_t count = static_cast<uint64_t>(p_.m * p_.n);
        auto *stage16 = static_cast<uint16_t *>(workspace);
        auto *stage32 = static_cast<float *>(workspace);
        for (uint64_t e = 0; e < count; ++e) {
            if (Wide()) {
                stage32[e] = values[e];
            } else {
                stage16[e] = p_.outType == ACL_FLOAT16 ? codec::FloatToHalf(values[e]) : codec::FloatToBf16(values[e]);
            }
        }
        const HcclDataType type = Wide()                      ? HCCL_DATA_TYPE_FP32
                                  : p_.outType == ACL_FLOAT16 ? HCCL_DATA_TYPE_FP16
                                                              : HCCL_DATA_TYPE_BFP16;
        for (int64_t r0 = 0; r0 < p_.m; r0 += p_.rowsPerPiece) {
            const int64_t rows = std::min(p_.rowsPerPiece, p_.m - r0);
            void *at = Wide() ? static_cast<void *>(stage32 + r0 * p_.n) : static_cast<void *>(stage16 + r0 * p_.n);
            const hccl::Status s =
                p_.comm->AllReduce(at, at, static_cast<uint64_t>(rows * p_.n), type, HCCL_REDUCE_SUM);
            if (!s.ok()) {
                return Fail("all-reduce of rows [" + std::to_string(r0) + ", " + std::to_string(r0 + rows) +
                            ") failed: " + hccl::ResultName(s.code) + ": " + s.message);
            }
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        for (uint64_t e = 0; e < count; ++e) {
            values[e] =
                Wide() ? stage32[e]
                       : (p_.outType == ACL_FLOAT16 ? codec::HalfToFloat(stage16[e]) : codec::Bf16ToFloat(stage16[e]));
        }
        WriteOutput(values);
        ApplyMemoryFaults(p_.x1, p_.output, Wide() ? 4 : 2, workspace, p_.workspaceBytes, p_.comm->Rank());
        return ACL_SUCCESS;
    }

    // commQuantMode = 1: the fp32 partials staged in the workspace, exchanged piece by piece.
    aclError RunPertile(void *workspace, std::vector<float> &values) {
        auto *stage = static_cast<float *>(workspace);
        std::copy(values.begin(), values.end(), stage);
        auto *buffers = static_cast<uint8_t *>(workspace) + p_.commOffset;
        const auto fp8 = static_cast<aclDataType>(p_.x1.dataType);
        for (int64_t r0 = 0; r0 < p_.m; r0 += p_.rowsPerPiece) {
            const int64_t rows = std::min(p_.rowsPerPiece, p_.m - r0);
            const hccl::Status s = PertilePiece(*p_.comm, fp8, stage + r0 * p_.n, rows, p_.n, p_.commPadRows, buffers);
            if (!s.ok()) {
                return Fail("pertile FP8 communication of rows [" + std::to_string(r0) + ", " +
                            std::to_string(r0 + rows) + ") failed: " + hccl::ResultName(s.code) + ": " + s.message);
            }
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        std::copy(stage, stage + p_.m * p_.n, values.begin());
        WriteOutput(values);  // the final cast to T, RINT
        ApplyMemoryFaults(p_.x1, p_.output, Wide() ? 4 : 2, workspace, p_.workspaceBytes, p_.comm->Rank());
        return ACL_SUCCESS;
    }

    QuantMatmulAllReduceV4Plan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeQuantMatmulAllReduceV4Run(QuantMatmulAllReduceV4Plan plan) {
    return std::make_unique<QuantMatmulAllReduceV4Run>(std::move(plan));
}

}  // namespace mc2::impl::ops
