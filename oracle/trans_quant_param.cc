// oracle/trans_quant_param.cc — aclnnTransQuantParamV2 / V3 words from the documented formula
// (see the header): fp19 by frexp / ldexp on exact doubles, code fields by division.
#include "oracle/trans_quant_param.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "oracle/internal/uint64_scale.h"

namespace mc2::oracle {
namespace {

constexpr uint64_t kFlag = uint64_t{1} << 46;
constexpr uint64_t kOffsetUnit = uint64_t{1} << 37;
constexpr uint32_t kDropped = uint32_t{1} << 13;  // the 13 low mantissa bits fp19 does not keep
// Quantum exponent of fp19 below 2^-126: the fp32 subnormal step 2^-149 coarsened by 2^13.
constexpr int kSubnormalQuantumExp = -136;

uint32_t ExponentField(uint32_t code) { return (code / (uint32_t{1} << 23)) % 256; }

// The fp32 code of a value that fp32 holds exactly (an fp19 result or ±Inf).
uint32_t CodeOf(double exact) { return std::bit_cast<uint32_t>(static_cast<float>(exact)); }

std::string Shape(const std::vector<int64_t> &s) {
    std::string out = "(";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + ")";
}

int64_t Count(const std::vector<int64_t> &s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
}

}  // namespace

double Fp19Truncate(double x) {
    if (x == 0.0 || !std::isfinite(x)) return x;
    int e = 0;
    (void)std::frexp(x, &e);  // |x| = f · 2^e, f in [0.5, 1): 11 significant bits step by 2^(e - 11)
    const int quantum = std::max(e - 11, kSubnormalQuantumExp);
    const double units = std::floor(std::ldexp(std::fabs(x), -quantum));
    return std::copysign(std::ldexp(units, quantum), x);
}

double Fp19RoundHalfEven(double x) {
    if (x == 0.0 || !std::isfinite(x)) return x;
    int e = 0;
    (void)std::frexp(x, &e);
    // units in [1024, 2048): nearbyint (default mode: ties to even) makes the 10th mantissa bit even.
    const double units = std::nearbyint(std::ldexp(std::fabs(x), -(e - 11)));
    const double kept = std::ldexp(units, e - 11);
    if (kept >= 0x1p128) return std::copysign(INFINITY, x);  // past fp32's largest exponent: Inf
    return std::copysign(kept, x);
}

uint32_t TransQuantScaleCode(uint32_t scale, int64_t round_mode) {
    const uint32_t exponent = ExponentField(scale);
    if (exponent == 255) return scale - scale % kDropped;  // Inf / NaN: the code passes, 13 bits fewer
    const double x = Uint64ScaleCodeValue(scale);
    if (round_mode == 1) {
        if (exponent == 0) return CodeOf(std::copysign(0.0, x));  // zeros and subnormals flush
        return CodeOf(Fp19RoundHalfEven(x));
    }
    return CodeOf(Fp19Truncate(x));
}

std::optional<int> TransQuantOffset(double offset) {
    if (std::isnan(offset)) return std::nullopt;
    const double nearest = std::nearbyint(std::clamp(offset, -1e6, 1e6));  // ties to even; Inf clamps
    return static_cast<int>(std::clamp(nearest, -256.0, 255.0));
}

uint64_t TransQuantParamWord(uint32_t scale, std::optional<uint32_t> offset, int64_t round_mode) {
    uint64_t word = TransQuantScaleCode(scale, round_mode) + kFlag;
    if (offset) {
        const int v = TransQuantOffset(Uint64ScaleCodeValue(*offset)).value_or(0);
        word += static_cast<uint64_t>((v + 512) % 512) * kOffsetUnit;
    }
    return word;
}

bool TransQuantParamDefined(uint32_t scale, std::optional<uint32_t> offset) {
    if (ExponentField(scale) == 255) return false;
    return !offset || ExponentField(*offset) != 255;
}

TransQuantParamOut TransQuantParamWords(const std::vector<uint32_t> &scale, const std::vector<int64_t> &scale_shape,
                                        const std::vector<uint32_t> *offset, const std::vector<int64_t> &offset_shape,
                                        int64_t round_mode) {
    const int64_t s = Count(scale_shape);
    const int64_t o = offset ? Count(offset_shape) : 1;
    if (scale_shape.empty() || scale_shape.size() > 2 || s <= 0 || static_cast<int64_t>(scale.size()) != s ||
        (offset && (o <= 0 || static_cast<int64_t>(offset->size()) != o))) {
        throw std::invalid_argument("trans_quant_param: scale " + Shape(scale_shape) + " / offset " +
                                    Shape(offset_shape) + " has no defined output");
    }
    TransQuantParamOut out;
    out.shape = scale_shape.size() == 2 ? scale_shape : std::vector<int64_t>{std::max(s, o)};
    const int64_t cols = out.shape.back();
    const int64_t n = Count(out.shape);
    // A one-element operand serves every element; otherwise scale fills out and offset its last dim.
    if ((s != 1 && s != n) || (o != 1 && o != cols) || (offset && scale_shape.size() == 2 && scale_shape[0] != 1)) {
        throw std::invalid_argument("trans_quant_param: scale " + Shape(scale_shape) + " and offset " +
                                    Shape(offset_shape) + " do not broadcast");
    }
    out.words.resize(static_cast<size_t>(n));
    out.defined.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t sc = scale[static_cast<size_t>(s == 1 ? 0 : i)];
        std::optional<uint32_t> oc;
        if (offset) oc = (*offset)[static_cast<size_t>(o == 1 ? 0 : i % cols)];
        out.words[static_cast<size_t>(i)] = TransQuantParamWord(sc, oc, round_mode);
        out.defined[static_cast<size_t>(i)] = TransQuantParamDefined(sc, oc);
    }
    return out;
}

}  // namespace mc2::oracle
