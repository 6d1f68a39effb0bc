// harness/fill/half.cc — fp16/bf16 direct codecs (half.h).
#include "harness/fill/half.h"

#include <bit>
#include <memory>

#include "oracle/codecs/codebook.h"

namespace mc2::harness {
namespace {

// s|e|m with an all-ones exponent for Inf/NaN (shared/spec-notes/formats.md §1).
struct Layout16 {
    int man_bits;
    int bias;
    uint16_t nan_code;  // the codebook's NaN (oracle::kFloat16 / kBf16 nan_code), sign added
};
constexpr Layout16 kFp16{10, 15, 0x7E00};
constexpr Layout16 kBf16{7, 127, 0x7FC0};

const Layout16 &LayoutOf(aclDataType dtype) { return dtype == ACL_BF16 ? kBf16 : kFp16; }

uint16_t Encode(const Layout16 &f, double x) {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const auto sign = static_cast<uint16_t>((bits >> 48) & 0x8000);
    const uint64_t mag = bits & 0x7FFFFFFFFFFFFFFFull;
    const int exp_bits = 15 - f.man_bits;
    const uint16_t inf_code = static_cast<uint16_t>(((1u << exp_bits) - 1) << f.man_bits);
    const auto max_code = static_cast<uint16_t>(inf_code - 1);
    if (mag > 0x7FF0000000000000ull) return static_cast<uint16_t>(sign | f.nan_code);  // NaN
    if (mag == 0x7FF0000000000000ull) return static_cast<uint16_t>(sign | max_code);   // ±Inf saturates
    const int biased = static_cast<int>(mag >> 52);
    // A subnormal double lies far below half of either format's smallest subnormal: ±0.
    if (biased == 0) return sign;
    const int e = biased - 1023;          // x = m · 2^(e − 52), 2^52 ≤ m < 2^53
    const int emin = 1 - f.bias;          // the format's smallest normal exponent
    if (e > f.bias + 1) return static_cast<uint16_t>(sign | max_code);  // ≥ 2^(emax+2): overflow
    const uint64_t m = (mag & 0xFFFFFFFFFFFFFull) | (uint64_t{1} << 52);
    // Round m to a multiple of the format's quantum at x's exponent (its subnormal quantum
    // below emin): drop `shift` bits, to nearest, ties to even.
    const int shift = 52 - f.man_bits + (e < emin ? emin - e : 0);
    if (shift > 54) return sign;  // x < quantum / 4: rounds to 0
    uint64_t r = m >> shift;
    const uint64_t rem = m & ((uint64_t{1} << shift) - 1);
    const uint64_t half = uint64_t{1} << (shift - 1);
    if (rem > half || (rem == half && (r & 1) != 0)) ++r;
    // Normal: the code is (exponent field − 1)·2^M + r, so a carry out of the significand
    // (r = 2^(M+1)) steps into the next binade by itself. Subnormal: r is the code (r = 2^M is
    // the smallest normal's).
    const uint64_t code = e < emin ? r : (static_cast<uint64_t>(e + f.bias - 1) << f.man_bits) + r;
    if (code >= inf_code) return static_cast<uint16_t>(sign | max_code);  // finite overflow saturates
    return static_cast<uint16_t>(sign | code);
}

// Every code's value, from the codebook.
struct Table {
    double value[65536];
};
const Table &TableOf(aclDataType dtype) {
    auto build = [](const oracle::Format &f) {
        auto t = std::make_unique<Table>();
        for (uint32_t c = 0; c < 65536; ++c) t->value[c] = oracle::Decode(f, c);
        return t;
    };
    static const std::unique_ptr<Table> fp16 = build(oracle::kFloat16);
    static const std::unique_ptr<Table> bf16 = build(oracle::kBf16);
    return dtype == ACL_BF16 ? *bf16 : *fp16;
}

}  // namespace

bool HasHalfCodec(aclDataType dtype) { return dtype == ACL_FLOAT16 || dtype == ACL_BF16; }

uint16_t EncodeHalf(aclDataType dtype, double x) { return Encode(LayoutOf(dtype), x); }

double DecodeHalf(aclDataType dtype, uint16_t code) { return TableOf(dtype).value[code]; }

}  // namespace mc2::harness
