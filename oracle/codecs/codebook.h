// oracle/codecs/codebook.h — the oracle's number-format codecs. Each format is a codebook
// (every code mapped to its exact value, built from the format's mathematical definition with
// std::ldexp), and encoding is a search for the nearest representable value by exact
// comparison. Independence rule 2 (DESIGN.md): this shares no arithmetic with impl/'s bit-trick
// codecs; tests/codecs compares the two exhaustively. Facts: shared/spec-notes/formats.md;
// the mode table and the choices for unspecified cases: oracle/codecs/README.md.
#ifndef MC2_ORACLE_CODECS_CODEBOOK_H_
#define MC2_ORACLE_CODECS_CODEBOOK_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace mc2::oracle {

// Overflow handling of Encode (the same two modes impl/ offers):
//   kNone   overflow gives Inf, or NaN for a format without Inf, or ±max for FP4;
//   kFinite OCP "SAT": finite overflow and ±Inf clamp to ±max finite; NaN stays NaN.
enum class Saturation { kNone, kFinite };

// How the codes of a format map to values.
enum class Layout {
    kIeee,       // s|e|m; the all-ones exponent holds Inf (m = 0) and NaN (m != 0)
    kFiniteNan,  // s|e|m without Inf; only s.1..1.1..1 is NaN (OCP E4M3FN)
    kNoSpecial,  // s|e|m where every code is finite (FP4)
    kHiFloat8,   // Huawei HiF8 dot/exponent/mantissa prefix coding (formats.md §6)
    kE8m0,       // unsigned power of two 2^(c - bias); the all-ones code is NaN
};

// Where Encode goes when |x| lies between two representable values.
enum class Rounding {
    kNearestEven,  // nearest; a tie goes to the code with an even mantissa LSB (IEEE RNE)
    kNearestAway,  // nearest; a tie goes to the larger magnitude (Ascend CAST_ROUND, "TA")
    kFloor,        // largest value not above x (E8M0 as Huawei's en_dtypes goldens do)
};

// One number format. exp_bits/man_bits/bias describe the s|e|m layouts and E8M0; HiFloat8
// derives its fields from the prefix code instead.
struct Format {
    std::string_view name;  // aclDataType name, lower case, without ACL_
    int bits;               // code width
    int acl_dtype;          // aclDataType value (include/acl/acl_base.h)
    Layout layout;
    int exp_bits;
    int man_bits;
    int bias;
    Rounding rounding;
    uint32_t nan_code;    // what Encode writes for a NaN input (positive form)
    bool nan_keeps_sign;  // whether that NaN carries the input's sign bit
};

// NaN results follow the goldens of formats.md §11 (Eigen/ml_dtypes/en_dtypes). FP4 has no
// NaN: a NaN input is implementation-defined (OCP MX); 0x0 (+0) is the oracle's choice.
inline constexpr Format kFloat16{"float16", 16, 1, Layout::kIeee, 5, 10, 15,
                                 Rounding::kNearestEven, 0x7E00, true};
inline constexpr Format kBf16{"bf16", 16, 27, Layout::kIeee, 8, 7, 127,
                              Rounding::kNearestEven, 0x7FC0, true};
inline constexpr Format kFloat8E4m3fn{"float8_e4m3fn", 8, 36, Layout::kFiniteNan, 4, 3, 7,
                                      Rounding::kNearestEven, 0x7F, true};
inline constexpr Format kFloat8E5m2{"float8_e5m2", 8, 35, Layout::kIeee, 5, 2, 15,
                                    Rounding::kNearestEven, 0x7E, true};
inline constexpr Format kHifloat8{"hifloat8", 8, 34, Layout::kHiFloat8, 0, 0, 0,
                                  Rounding::kNearestAway, 0x80, false};
inline constexpr Format kFloat4E2m1{"float4_e2m1", 4, 40, Layout::kNoSpecial, 2, 1, 1,
                                    Rounding::kNearestEven, 0x0, false};
inline constexpr Format kFloat4E1m2{"float4_e1m2", 4, 41, Layout::kNoSpecial, 1, 2, 1,
                                    Rounding::kNearestEven, 0x0, false};
inline constexpr Format kFloat8E8m0{"float8_e8m0", 8, 37, Layout::kE8m0, 8, 0, 127,
                                    Rounding::kFloor, 0xFF, false};

// Every format above, in this order.
std::span<const Format> AllFormats();
// The format with this name (as in Format::name), or nullptr.
const Format *FindFormat(std::string_view name);
// The format with this aclDataType value, or nullptr.
const Format *FindFormatByDtype(int acl_dtype);

inline uint32_t CodeCount(const Format &f) { return uint32_t{1} << f.bits; }

// The exact value of a code: ±Inf for Inf codes, a quiet NaN (positive; NaNs are compared by
// class) for NaN codes, -0.0 for a negative-zero code. Every value is exact in float32 too.
// The code must be below CodeCount(f).
double Decode(const Format &f, uint32_t code);
bool IsNanCode(const Format &f, uint32_t code);

// The code of x under the format's rounding rule (Format::rounding) and the given overflow
// mode. A double input is encoded from its exact value (no detour through float32).
uint32_t Encode(const Format &f, double x, Saturation sat = Saturation::kNone);
inline uint32_t Encode(const Format &f, float x, Saturation sat = Saturation::kNone) {
    return Encode(f, static_cast<double>(x), sat);
}

// The positive code of the largest finite value.
uint32_t MaxFiniteCode(const Format &f);

// The distinct non-negative finite values of the format in increasing order (for tests that
// probe every decision boundary).
std::span<const double> SortedMagnitudes(const Format &f);

// The smallest magnitude that overflows in Saturation::kNone: max + ulp(max)/2, where ulp(max)
// is the spacing of max's binade as if the exponent were unbounded (formats.md §1). A value
// exactly here overflows only when the tie rule sends it up. E8M0 (floor rule): 2^128.
double OverflowThreshold(const Format &f);

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_CODECS_CODEBOOK_H_
