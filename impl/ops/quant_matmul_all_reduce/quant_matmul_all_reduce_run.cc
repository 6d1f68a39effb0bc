// impl/ops/quant_matmul_all_reduce/quant_matmul_all_reduce_run.cc — the execute phase of
// aclnnQuantMatmulAllReduce / V2 / V3, one stream task per call.
//
// Numerics (ops.md §2.7, §3, the A2 kernel's order), per output element:
//   acc = Σ x1·x2 + bias in int32 (wrapping, as an int32 accumulator does);
//   UINT64/INT64 scale: the fixpipe's fp19 scale (low 13 mantissa bits of the fp32 cleared),
//     y = round_f16(acc · scale) in one rounding (the product is exact in double; it reaches
//     fp16 through a round-to-odd fp32, which makes the two roundings one);
//   FLOAT/BF16 scale: y = round_T(float(acc) · scale [· pertoken]) in fp32, RINT;
//   x3: y = round_T(float(y) + float(x3));
//   then AllReduce(sum) of y in T, piece by piece when commTurn > 0; with both comm scales (V3)
//   the int8 low-bit communication of quant_matmul_all_reduce_comm_int8.cc instead, per piece.
// The output tensor is written only after every all-reduce succeeded.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
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
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

// d rounded to fp32 with round-to-odd: truncated, and the last bit set when inexact. A second
// rounding of that to any format at least two bits narrower (fp16, bf16) then equals a single
// rounding of d (the classic double-rounding cure).
float RoundToOddFloat(double d) {
    if (!std::isfinite(d)) return static_cast<float>(d);
    const double limit = static_cast<double>(std::numeric_limits<float>::max());
    if (std::fabs(d) > limit) d = std::copysign(limit, d);  // still rounds to ±Inf in fp16/bf16
    float f = static_cast<float>(d);
    if (static_cast<double>(f) == d) return f;
    if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);
    return std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
}

class QuantMatmulAllReduceRun final : public OpRun {
public:
    explicit QuantMatmulAllReduceRun(QuantMatmulAllReducePlan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        return RunTask(p_.api, *p_.comm, [&] { return RunChecked(workspace); });
    }

private:
    bool IsHalf() const { return p_.outType == ACL_FLOAT16; }
    float Decode(uint16_t code) const { return IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code); }
    uint16_t Encode(float v) const { return IsHalf() ? codec::FloatToHalf(v) : codec::FloatToBf16(v); }

    aclError Fail(const std::string &why) { return FailRank(p_.api, *p_.comm, why); }

    bool SameCallOnEveryRank(std::string *why) const {
        return SameOnEveryRank(*p_.comm,
                               {{"m", p_.m},
                                {"n", p_.n},
                                {"dtype", static_cast<int64_t>(p_.outType)},
                                {"commTurn", p_.commTurn},
                                {"rows per piece", p_.rowsPerPiece},
                                {"int8 communication", p_.hasCommScales ? 1 : 0},
                                {"comm scales (hash)", CommScalesHash()}},
                               "the all-reduce", why);
    }

    // The documents require identical comm scales on every rank (aclnnQuantMatmulAllReduceV3.md,
    // ops.md §2.4): their codes are compared through a hash in the handshake.
    int64_t CommScalesHash() const {
        if (!p_.hasCommScales) return 0;
        uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a over the codes of both scales
        for (const TensorDesc *t : {&p_.commScale1, &p_.commScale2}) {
            for (int64_t j = 0; j < p_.n; ++j) {
                const uint16_t code = LoadCode16(*t, t->offset + j * t->ColStride());
                h = (h ^ code) * 0x100000001B3ull;
            }
        }
        return static_cast<int64_t>(h >> 1);
    }

    bool MemoryStillValid(void *workspace, std::string *why) const {
        const NamedDesc all[] = {{&p_.x1, "x1"},
                                 {&p_.x2, "x2"},
                                 {&p_.output, "output"},
                                 {&p_.dequantScale, "dequantScale"},
                                 {p_.hasBias ? &p_.bias : nullptr, "bias"},
                                 {p_.hasX3 ? &p_.x3 : nullptr, "x3"},
                                 {p_.hasPertoken ? &p_.pertokenScale : nullptr, "pertokenScale"},
                                 {p_.hasCommScales ? &p_.commScale1 : nullptr, "commQuantScale1"},
                                 {p_.hasCommScales ? &p_.commScale2 : nullptr, "commQuantScale2"}};
        return StillDeviceMemory(all, workspace, p_.workspaceBytes, why);
    }

    // Element `index` (elements from data, offset included) of a tensor of `bytes`-wide codes.
    static uint64_t Load(const TensorDesc &t, int64_t index, int bytes) {
        uint64_t v = 0;
        std::memcpy(&v, static_cast<const unsigned char *>(t.data) + index * bytes, static_cast<size_t>(bytes));
        return v;
    }
    static int8_t LoadInt8(const TensorDesc &t, int64_t index) { return static_cast<int8_t>(Load(t, index, 1)); }

    // The per-channel (or per-tensor) scale of column j, as the dequant step uses it.
    float ScaleAt(int64_t j) const {
        const int64_t e = p_.scaleCount == 1 ? 0 : j;
        const int64_t at = p_.dequantScale.offset + e * p_.dequantScale.ColStride();
        switch (p_.scaleType) {
            case ACL_UINT64:
            case ACL_INT64: {
                uint32_t bits = static_cast<uint32_t>(Load(p_.dequantScale, at, 8));
                if (kFault != Fault::kQmarFp19NotTruncated) bits &= 0xFFFFE000u;  // fp19 (ops.md §3)
                return std::bit_cast<float>(bits);
            }
            case ACL_BF16: return codec::Bf16ToFloat(static_cast<uint16_t>(Load(p_.dequantScale, at, 2)));
            default: return std::bit_cast<float>(static_cast<uint32_t>(Load(p_.dequantScale, at, 4)));
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
        auto *acc = reinterpret_cast<int32_t *>(wsBytes + p_.accOffset);
        std::vector<float> scale(static_cast<size_t>(p_.n));
        for (int64_t j = 0; j < p_.n; ++j) scale[static_cast<size_t>(j)] = ScaleAt(j);
        for (int64_t i = 0; i < p_.m; ++i) ComputeRow(i, scale, acc, stage + i * p_.n);

        const HcclDataType type = IsHalf() ? HCCL_DATA_TYPE_FP16 : HCCL_DATA_TYPE_BFP16;
        const CommInt8Scales commScales = p_.hasCommScales ? LoadCommInt8Scales(p_) : CommInt8Scales{};
        auto *commBuffers = reinterpret_cast<int8_t *>(wsBytes + p_.commOffset);
        for (int64_t r0 = 0; r0 < p_.m; r0 += p_.rowsPerPiece) {
            const int64_t rows = std::min(p_.rowsPerPiece, p_.m - r0);
            uint16_t *at = stage + r0 * p_.n;
            const hccl::Status s =
                p_.hasCommScales
                    ? (p_.commPiece != nullptr ? p_.commPiece(p_, commScales, at, rows, commBuffers)
                                               : CommInt8Piece(p_, commScales, at, rows, commBuffers))
                    : p_.comm->AllReduce(at, at, static_cast<uint64_t>(rows * p_.n), type, HCCL_REDUCE_SUM);
            if (!s.ok()) {
                const char *what = p_.hasCommScales ? "int8 communication" : "all-reduce";
                return Fail(std::string(what) + " of rows [" + std::to_string(r0) + ", " + std::to_string(r0 + rows) +
                            ") failed: " + hccl::ResultName(s.code) + ": " + s.message);
            }
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        WriteRows16(stage, p_.m, p_.n, p_.output);
        ApplyMemoryFaults(p_.x1, p_.output, 2, workspace, p_.workspaceBytes, p_.comm->Rank());
        return ACL_SUCCESS;
    }

    // Storage element of weight (q, j) in an NZ x2 (the broken copy swaps the two tile indices).
    int64_t NzIndex(int64_t q, int64_t j) const {
        const NzPlan &z = p_.x2Layout;
        if (kFault == Fault::kQmarNzTilesTransposed) {
            const int64_t tile = (q / kNzH0) * z.w1 + j / z.c0;  // row of tiles first
            return (tile * kNzH0 + q % kNzH0) * z.c0 + j % z.c0;
        }
        return z.Index(0, q, j);
    }

    // Output row i (before the all-reduce) into `out`; `acc` is n int32 of workspace.
    void ComputeRow(int64_t i, const std::vector<float> &scale, int32_t *acc, uint16_t *out) const {
        const int64_t n = p_.n;
        for (int64_t j = 0; j < n; ++j) {
            acc[j] = p_.hasBias ? static_cast<int32_t>(Load(p_.bias, p_.bias.offset + j * p_.bias.ColStride(), 4)) : 0;
        }
        // Through the strides: the vendor-faithful variant (and V4's int8 scenarios) let any
        // addressable x1 through; the built-in library has checked it contiguous.
        const int64_t x1Row = p_.x1.RowOffset(i), x1Col = p_.x1.ColStride();
        for (int64_t q = 0; q < p_.k; ++q) {
            const int32_t a = LoadInt8(p_.x1, x1Row + q * x1Col);
            if (a == 0) continue;
            const int64_t bRow = p_.x2.offset + q * p_.x2.strides[0];
            for (int64_t j = 0; j < n; ++j) {
                const int32_t b = LoadInt8(p_.x2, p_.x2Nz ? NzIndex(q, j) : bRow + j * p_.x2.strides[1]);
                // Unsigned arithmetic wraps like the int32 accumulator instead of overflowing.
                acc[j] = static_cast<int32_t>(static_cast<uint32_t>(acc[j]) + static_cast<uint32_t>(a * b));
            }
        }
        const bool integerScale = p_.scaleType == ACL_UINT64 || p_.scaleType == ACL_INT64;
        const float pertoken =
            p_.hasPertoken ? std::bit_cast<float>(static_cast<uint32_t>(
                                 Load(p_.pertokenScale, p_.pertokenScale.offset + i * p_.pertokenScale.ColStride(), 4)))
                           : 1.0f;
        const int64_t x3Row = p_.hasX3 ? p_.x3.RowOffset(i) : 0;
        for (int64_t j = 0; j < n; ++j) {
            uint16_t y;
            if (integerScale) {
                const double exact = static_cast<double>(acc[j]) * static_cast<double>(scale[static_cast<size_t>(j)]);
                y = Encode(RoundToOddFloat(exact));
            } else {
                float v = static_cast<float>(acc[j]) * scale[static_cast<size_t>(j)];
                if (p_.hasPertoken) v *= pertoken;
                y = Encode(v);
            }
            if (p_.hasX3) y = Encode(Decode(y) + Decode(LoadCode16(p_.x3, x3Row + j * p_.x3.ColStride())));
            out[j] = y;
        }
    }

    QuantMatmulAllReducePlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeQuantMatmulAllReduceRun(QuantMatmulAllReducePlan plan) {
    return std::make_unique<QuantMatmulAllReduceRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
