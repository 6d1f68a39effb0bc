// impl/ops/trans_quant_param/trans_quant_param_run.cc — the execute phase of
// aclnnTransQuantParamV2 / V3: one stream task that writes every out word.
//
// The packing is done on the fp32 bit pattern, as the vendor's kernel does (ops.md §3):
//   roundMode 0: bits & 0xFFFFE000 (truncation to fp19: 1 sign, 8 exponent, 10 mantissa bits);
//   roundMode 1: exponent 0 → signed zero; exponent 255 → bits & 0xFFFFE000 (Inf/NaN pass);
//                otherwise round half to even at bit 13 (carry may reach the exponent; exponent
//                255 after the carry is Inf), then the same mask;
//   | 1 << 46, and with an offset: clamp to [-256, 255], round half to even, 9 bits at bit 37.
// Broadcast: a one-element scale or offset serves every word; an offset runs along out's last dim.
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "ops/common/faults.h"
#include "ops/common/memory_checks.h"
#include "ops/trans_quant_param/trans_quant_param.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

constexpr uint32_t kFp19Mask = 0xFFFFE000u;
constexpr uint32_t kSignBit = 0x80000000u;
constexpr uint32_t kExponentMask = 0x7F800000u;

uint32_t Fp19Bits(uint32_t bits, int64_t roundMode) {
    // Fault kTqpFullMantissa only (faults.h): the scale keeps all 23 mantissa bits.
    if constexpr (kFault == Fault::kTqpFullMantissa) return bits;
    if (roundMode != 1) return bits & kFp19Mask;
    const uint32_t exponent = bits & kExponentMask;
    if (exponent == 0) return bits & kSignBit;  // zeros and subnormals flush to a signed zero
    if (exponent == kExponentMask) return bits & kFp19Mask;
    const uint32_t lsb = (bits >> 13) & 1u;
    uint32_t magnitude = (bits & ~kSignBit) + 0x0FFFu + lsb;  // ties go to the even bit 13
    magnitude &= kFp19Mask;
    if (magnitude >= kExponentMask) magnitude = kExponentMask;  // carried out of the range: Inf
    return (bits & kSignBit) | magnitude;
}

// Round half to even of a value already clamped to [-256, 255]: exact in float there.
int32_t RoundOffset(float offset) {
    if (std::isnan(offset)) return 0;  // undefined by the document (no NaN offsets); keep the field 0
    const float clamped = std::fmin(std::fmax(offset, -256.0f), 255.0f);
    const float floor = std::floor(clamped);
    const float frac = clamped - floor;
    auto r = static_cast<int32_t>(floor);
    if (frac > 0.5f || (frac == 0.5f && (r & 1) != 0)) ++r;
    return r;
}

class TransQuantParamRun final : public OpRun {
public:
    explicit TransQuantParamRun(TransQuantParamPlan plan) : p_(std::move(plan)) {}

    aclError Run(void *) override {
        std::string why;
        const NamedDesc all[] = {
            {&p_.scale, "scale"}, {p_.hasOffset ? &p_.offset : nullptr, "offset"}, {&p_.out, "out"}};
        if (!StillDeviceMemory(all, nullptr, 0, &why)) {
            ReportError("%s: %s", p_.api, why.c_str());
            return ACLNN_ERR_INNER;
        }
        const int64_t scaleCount = Count(p_.scale);
        const int64_t offsetCount = p_.hasOffset ? Count(p_.offset) : 0;
        // A 0-D or empty out (possible only in the vendor-faithful variant) is one word or none.
        const int64_t cols = p_.out.shape.empty() ? 1 : p_.out.shape.back();
        const int64_t rows = cols == 0 ? 0 : Count(p_.out) / cols;
        const auto *scale = static_cast<const uint32_t *>(p_.scale.data);
        const auto *offset = p_.hasOffset ? static_cast<const float *>(p_.offset.data) : nullptr;
        auto *out = static_cast<uint64_t *>(p_.out.data);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t j = 0; j < cols; ++j) {
                const int64_t i = r * cols + j;
                // Broadcast: the checks leave a scale of 1 or out's count, an offset of 1 or
                // out's last dim; the vendor-faithful variant (faults.h) checks no shape, so
                // the index wraps and every read stays inside its view (any strides).
                const uint32_t s = scale[At(p_.scale, i % scaleCount)];
                const float o = offset != nullptr ? offset[At(p_.offset, j % offsetCount)] : 0.0f;
                out[At(p_.out, i)] = PackTransQuantWord(s, offset != nullptr, o, p_.roundMode);
            }
        }
        return ACL_SUCCESS;
    }

private:
    // Element offset of the view's element `i` (row-major).
    static int64_t At(const TensorDesc &t, int64_t i) {
        const int64_t cols = t.shape.empty() ? 1 : t.shape.back();
        return t.shape.empty() ? t.offset : t.RowOffset(i / cols) + i % cols * t.ColStride();
    }
    static int64_t Count(const TensorDesc &t) {
        int64_t n = 1;
        for (int64_t d : t.shape) n *= d;
        return n;
    }

    TransQuantParamPlan p_;
};

}  // namespace

uint64_t PackTransQuantWord(uint32_t scaleBits, bool hasOffset, float offset, int64_t roundMode) {
    uint64_t word = Fp19Bits(scaleBits, roundMode) | (uint64_t{1} << 46);
    if (hasOffset) {
        // The vendor first clears bits 32..45 but 46 (& 0x4000FFFFFFFF); they are zero here already.
        word |= (static_cast<uint64_t>(static_cast<uint32_t>(RoundOffset(offset))) & 0x1FFu) << 37;
    }
    return word;
}

std::unique_ptr<OpRun> MakeTransQuantParamRun(TransQuantParamPlan plan) {
    return std::make_unique<TransQuantParamRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
