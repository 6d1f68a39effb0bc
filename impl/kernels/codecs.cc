// impl/kernels/codecs.cc — bit-manipulation codecs for the low-precision formats of the MC2
// operators. Every result is built from the float32 bit fields; nothing searches a table of
// representable values (that is the oracle's method, and the two are compared exhaustively).
// Facts: shared/spec-notes/formats.md (section numbers below refer to it).
//
// Decisions for the cases the documents leave open (formats.md §12). kNone follows the
// non-saturating ml_dtypes / en_dtypes behaviour that Huawei's goldens use; kFinite is OCP
// "SAT": finite overflow and ±Inf clamp to ±max finite, NaN stays NaN.
//
//   format    | NaN in -> code    | kNone: overflow / ±Inf in  | kFinite: overflow / ±Inf in
//   ----------+-------------------+----------------------------+------------------------------
//   FLOAT16   | 0x7E00 | sign     | |x| >= 65520 -> ±Inf 0x7C00| ±0x7BFF (65504)
//   BFLOAT16  | 0x7FC0 | sign     | rounds past 0x7F7F -> ±Inf | ±0x7F7F
//   E4M3FN    | 0x7F | sign       | |x| > 464 and ±Inf -> NaN  | ±0x7E (448); 464 ties to 448
//             |                   |   0x7F | sign            |   in both modes
//   E5M2      | 0x7E | sign       | |x| >= 61440 -> ±Inf 0x7C  | ±0x7B (57344)
//   HIFLOAT8  | 0x80 (any sign)   | |x| >= 40960 -> ±Inf 0x6F  | ±0x6E (32768)
//             |                   | |x| < 2^-23 -> 0x00, unsigned, in both modes
//   E2M1      | +NaN 0x8, -NaN 0x0| > 6 and ±Inf -> ±6 (0x7)  | same as kNone
//   E1M2      | +NaN 0x8, -NaN 0x0| > 1.75 and ±Inf -> ±0x7    | same as kNone
//   E8M0      | 0xFF              | +Inf, 0, <0, < 2^-127 -> 0xFF | +Inf -> 0xFE;
//             |                   |   (en_dtypes)              |   0, <0 (incl -Inf), < 2^-127 -> 0x00
//
// FP4 NaN: the formats have no NaN; we reproduce ml_dtypes (formats.md §11: +NaN -> 0x8, the
// "-0" code, and -NaN -> 0x0) because that is the library family the goldens come from, and the
// choice is documented so that an oracle can make the same one.
// E8M0 encode truncates (code = fp32 biased exponent = floor(log2 x)), as en_dtypes does;
// fp32 subnormals in [2^-127, 2^-126) give 0x00 (= 2^-127), smaller positive values give NaN
// (kNone) or 0x00 (kFinite). Finite inputs never exceed 0xFE under truncation.
// Decoders return NaN codes as quiet NaNs: fp16/bf16/fp8 keep the sign (and the fp16/bf16
// payload), HiF8 0x80 and E8M0 0xFF decode to +qNaN 0x7FC00000.
//
// TransQuantParamV2 (formats.md §9, spec-notes/ops.md §3): the offset is clamped to [-256, 255]
// and rounded half-to-even; a NaN offset (the document says callers must not pass one) packs as 0.
#include "kernels/codecs.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace mc2::impl::codec {
namespace {

uint32_t BitsOf(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float FloatOf(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

constexpr uint32_t kAbsMask = 0x7FFFFFFFu;
constexpr uint32_t kF32Inf = 0x7F800000u;
constexpr uint32_t kF32QuietNan = 0x7FC00000u;

// Shift v right by s (1..24) rounding to nearest, ties to even. v < 2^31, so the addition
// cannot wrap.
constexpr uint32_t ShiftRne(uint32_t v, int s) {
    const uint32_t odd = (v >> s) & 1u;
    return (v + ((1u << (s - 1)) - 1u) + odd) >> s;
}

// RNE magnitude code (biased exponent << M | mantissa) of a non-NaN float32 magnitude `a`
// (bits, sign cleared) in a format with M mantissa bits and exponent bias B, including its
// subnormals. The exponent is unbounded above: the caller compares the result with its max
// code to detect overflow (±Inf yields a code above every max).
template <int M, int B>
uint32_t RoundMagnitude(uint32_t a) {
    // fp32 biased exponent of the target's smallest normal, 2^(1-B).
    constexpr int kMinNormalE32 = 127 + 1 - B;
    const int e32 = static_cast<int>(a >> 23);
    if (e32 >= kMinNormalE32) {
        // Rebias the exponent in place; a mantissa carry then increments the exponent, which
        // is exactly the rounding-up-to-the-next-binade case.
        const uint32_t rebased = a - (static_cast<uint32_t>(127 - B) << 23);
        return ShiftRne(rebased, 23 - M);
    }
    // Subnormal in the target: count units of 2^(1-B-M). x = sig * 2^(e32-150), so the
    // count is sig >> shift with the shift below.
    const int shift = (kMinNormalE32 - e32) + (23 - M);
    if (shift > 24) {
        return 0;  // below half a unit (also every fp32 zero and subnormal)
    }
    const uint32_t sig = (a & 0x007FFFFFu) | 0x00800000u;
    return ShiftRne(sig, shift);
}

// Decode of an IEEE-like small format with Inf/NaN at the all-ones exponent (fp16, e5m2), or
// without (e4m3fn, fp4): builds the float32 bits directly. kIeeeSpecials tells whether the
// all-ones exponent is reserved (IEEE); E4M3FN handles its single NaN pattern in its caller.
template <int E, int M, int B, bool kIeeeSpecials>
float DecodeMinifloat(uint32_t code) {
    const uint32_t sign = (code >> (E + M)) << 31;
    const uint32_t exp = (code >> M) & ((1u << E) - 1u);
    const uint32_t mant = code & ((1u << M) - 1u);
    if (kIeeeSpecials && exp == (1u << E) - 1u) {
        // Inf for mant 0, otherwise NaN keeping the payload's top bits (quiet bit stays set
        // where the source had it; force quiet so a decoded NaN is never signalling).
        const uint32_t payload = mant << (23 - M);
        return FloatOf(sign | kF32Inf | payload | (mant != 0 ? 0x00400000u : 0u));
    }
    if (exp == 0) {
        // Subnormal: mant * 2^(1-B-M); the product is exact in float32.
        constexpr uint32_t kUnitBits = static_cast<uint32_t>(127 + 1 - B - M) << 23;
        const float magnitude = static_cast<float>(mant) * FloatOf(kUnitBits);
        return FloatOf(sign | BitsOf(magnitude));
    }
    return FloatOf(sign | ((exp + 127u - B) << 23) | (mant << (23 - M)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FLOAT16 (§2)

float HalfToFloat(uint16_t h) { return DecodeMinifloat<5, 10, 15, true>(h); }

uint16_t FloatToHalf(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t a = u & kAbsMask;
    if (a > kF32Inf) {
        return static_cast<uint16_t>(sign | 0x7E00u);  // Eigen/numpy: quiet NaN, sign kept
    }
    uint32_t code = RoundMagnitude<10, 15>(a);
    if (code > 0x7BFFu) {
        code = sat == Saturation::kFinite ? 0x7BFFu : 0x7C00u;
    }
    return static_cast<uint16_t>(sign | code);
}

// ---------------------------------------------------------------------------------------------
// BFLOAT16 (§3): the top half of a float32.

float Bf16ToFloat(uint16_t b) { return FloatOf(static_cast<uint32_t>(b) << 16); }

uint16_t FloatToBf16(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    // The NaN test must come first: the rounding add would turn sNaN payloads into Inf and
    // 0x7FFFFFFF into -0.
    if ((u & kAbsMask) > kF32Inf) {
        return static_cast<uint16_t>(sign | 0x7FC0u);
    }
    uint32_t r = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
    if (sat == Saturation::kFinite && (r & 0x7FFFu) == 0x7F80u) {
        r = sign | 0x7F7Fu;  // rounded (or was) Inf -> max finite
    }
    return static_cast<uint16_t>(r);
}

// ---------------------------------------------------------------------------------------------
// FLOAT8_E4M3FN (§4): no Inf; S.1111.111 is the only NaN.

float E4m3ToFloat(uint8_t c) {
    if ((c & 0x7Fu) == 0x7Fu) {
        return FloatOf(((c & 0x80u) ? 0x80000000u : 0u) | kF32QuietNan);
    }
    return DecodeMinifloat<4, 3, 7, false>(c);
}

uint8_t FloatToE4m3(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 24) & 0x80u;
    const uint32_t a = u & kAbsMask;
    if (a > kF32Inf) {
        return static_cast<uint8_t>(sign | 0x7Fu);
    }
    uint32_t code = RoundMagnitude<3, 7>(a);
    // 464 is the tie between 448 (0x7E, even) and the NaN slot; RNE keeps 0x7E, so only
    // codes past 0x7E overflow.
    if (code > 0x7Eu) {
        code = sat == Saturation::kFinite ? 0x7Eu : 0x7Fu;
    }
    return static_cast<uint8_t>(sign | code);
}

// ---------------------------------------------------------------------------------------------
// FLOAT8_E5M2 (§5): the top byte of a binary16.

float E5m2ToFloat(uint8_t c) { return DecodeMinifloat<5, 2, 15, true>(c); }

uint8_t FloatToE5m2(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 24) & 0x80u;
    const uint32_t a = u & kAbsMask;
    if (a > kF32Inf) {
        return static_cast<uint8_t>(sign | 0x7Eu);  // ml_dtypes' quiet NaN
    }
    uint32_t code = RoundMagnitude<2, 15>(a);
    if (code > 0x7Bu) {
        code = sat == Saturation::kFinite ? 0x7Bu : 0x7Cu;
    }
    return static_cast<uint8_t>(sign | code);
}

// ---------------------------------------------------------------------------------------------
// HIFLOAT8 (§6): S | dot prefix | sign-magnitude exponent | mantissa.
//
// Width D of the exponent field by |e|: 0 -> 0, 1 -> 1, 2..3 -> 2, 4..7 -> 3, 8..15 -> 4, i.e.
// D = bit_width(|e|); mantissa bits M = min(3, 5 - D). The dot prefix of bits 6..3 (p = code
// bits 6..3): 0001 -> D0, 001x -> D1, 01xx -> D2, 10xx -> D3, 11xx -> D4, so
// D = bit_width(p) - 1 + (p >= 12); p == 0 is the denormal row.

float Hif8ToFloat(uint8_t c) {
    if (c == 0x80u) {
        return FloatOf(kF32QuietNan);
    }
    const uint32_t sign = (c & 0x80u) ? 0x80000000u : 0u;
    const uint32_t low = c & 0x7Fu;
    if (low == 0x6Fu) {
        return FloatOf(sign | kF32Inf);
    }
    if (low == 0) {
        return 0.0f;
    }
    const uint32_t p = low >> 3;
    if (p == 0) {
        // Denormal: 2^(low - 23), a normal float32.
        return FloatOf(sign | ((low - 23u + 127u) << 23));
    }
    const int d = std::bit_width(p) - 1 + (p >= 12u ? 1 : 0);
    const int m_bits = d >= 3 ? 5 - d : 3;
    const uint32_t mant = low & ((1u << m_bits) - 1u);
    int e = 0;
    if (d > 0) {
        const uint32_t field = (low >> m_bits) & ((1u << d) - 1u);
        const uint32_t es = field >> (d - 1);
        const int magnitude = (1 << (d - 1)) + static_cast<int>(field & ((1u << (d - 1)) - 1u));
        e = es ? -magnitude : magnitude;
    }
    return FloatOf(sign | (static_cast<uint32_t>(e + 127) << 23) | (mant << (23 - m_bits)));
}

uint8_t FloatToHif8(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 24) & 0x80u;
    const uint32_t a = u & kAbsMask;
    if (a > kF32Inf) {
        return 0x80u;  // the only NaN, whatever the sign
    }
    if (a >= 0x47200000u) {  // 1.25 * 2^15: ties away past 32768 into the Inf slot
        return static_cast<uint8_t>(sign | (sat == Saturation::kFinite ? 0x6Eu : 0x6Fu));
    }
    if (a < 0x34000000u) {  // below 2^-23, half of the smallest denormal: zero has no sign
        return 0x00u;
    }
    int e = static_cast<int>(a >> 23) - 127;  // floor(log2 |x|), exactly, from the field
    if (e == -23) {
        return static_cast<uint8_t>(sign | 0x01u);  // [2^-23, 2^-22): ties away to 2^-22
    }
    const uint32_t ae0 = static_cast<uint32_t>(e < 0 ? -e : e);
    // Denormal binades (e <= -16) keep no mantissa bit: neighbours are powers of two.
    const int m_bits = e <= -16 ? 0 : (ae0 <= 3u ? 3 : 5 - std::bit_width(ae0));
    const int sh = 23 - m_bits;
    const uint32_t sig = (a & 0x007FFFFFu) | 0x00800000u;
    uint32_t q = (sig + (1u << (sh - 1))) >> sh;  // half up on the magnitude = ties away
    if (q == (2u << m_bits)) {
        // Carried into the next binade: the mantissa is zero whatever width it gets there.
        ++e;
        q = 1u << m_bits;
    }
    const uint32_t mant = q - (1u << m_bits);
    uint32_t code;
    if (e <= -16) {
        code = static_cast<uint32_t>(e + 23);
    } else {
        const uint32_t ae = static_cast<uint32_t>(e < 0 ? -e : e);
        const int d = std::bit_width(ae);
        const int m_out = d >= 3 ? 5 - d : 3;
        // m_out differs from m_bits only after a carry into a narrower binade (e.g. 7 -> 8),
        // and then mant is 0, so mant needs no re-rounding.
        if (d == 0) {
            code = 0x08u | mant;
        } else {
            const uint32_t dot = d >= 2 ? static_cast<uint32_t>(d - 1) << 5 : 0x10u;
            const uint32_t es = e < 0 ? 1u : 0u;
            const uint32_t field = (es << (d - 1)) | (ae - (1u << (d - 1)));
            code = dot | (field << m_out) | mant;
        }
    }
    return static_cast<uint8_t>(sign | code);
}

// ---------------------------------------------------------------------------------------------
// FLOAT4_E2M1 / FLOAT4_E1M2 (§7): no Inf/NaN; overflow and ±Inf clamp to ±max in both modes.

namespace {

template <int M, int B>
uint8_t FloatToFp4(float f) {
    const uint32_t u = BitsOf(f);
    const uint32_t sign = (u >> 28) & 0x8u;
    const uint32_t a = u & kAbsMask;
    if (a > kF32Inf) {
        return static_cast<uint8_t>(sign ^ 0x8u);  // ml_dtypes: +NaN -> 0x8, -NaN -> 0x0
    }
    uint32_t code = RoundMagnitude<M, B>(a);
    if (code > 0x7u) {
        code = 0x7u;
    }
    return static_cast<uint8_t>(sign | code);
}

}  // namespace

float E2m1ToFloat(uint8_t c) { return DecodeMinifloat<2, 1, 1, false>(c & 0xFu); }

uint8_t FloatToE2m1(float f, Saturation /*sat: both modes clamp*/) { return FloatToFp4<1, 1>(f); }

float E1m2ToFloat(uint8_t c) { return DecodeMinifloat<1, 2, 1, false>(c & 0xFu); }

uint8_t FloatToE1m2(float f, Saturation /*sat: both modes clamp*/) { return FloatToFp4<2, 1>(f); }

// ---------------------------------------------------------------------------------------------
// FLOAT8_E8M0 (§8)

float E8m0ToFloat(uint8_t c) {
    if (c == 0xFFu) {
        return FloatOf(kF32QuietNan);
    }
    if (c == 0) {
        return FloatOf(0x00400000u);  // 2^-127, an fp32 subnormal: do not flush it
    }
    return FloatOf(static_cast<uint32_t>(c) << 23);
}

uint8_t FloatToE8m0(float f, Saturation sat) {
    const uint32_t u = BitsOf(f);
    const uint32_t a = u & kAbsMask;
    const bool finite_mode = sat == Saturation::kFinite;
    if (a > kF32Inf) {
        return 0xFFu;
    }
    if ((u >> 31) != 0 || a == 0) {  // negative (incl. -Inf) or zero: no such value
        return finite_mode ? 0x00u : 0xFFu;
    }
    if (a == kF32Inf) {
        return finite_mode ? 0xFEu : 0xFFu;
    }
    // Truncation: the code is the biased exponent field. Every positive fp32 subnormal has field
    // 0, the code of 2^-127: the OCP MX scale rule clamps floor(log2 x) at -127 (formats.md §8).
    return static_cast<uint8_t>(a >> 23);
}

// ---------------------------------------------------------------------------------------------
// Packing (§7, §9): element 0 in the low nibble.

uint8_t UnpackNibble(const uint8_t *packed, int64_t index) {
    const uint64_t i = static_cast<uint64_t>(index);
    return static_cast<uint8_t>((packed[i >> 1] >> ((i & 1u) * 4u)) & 0xFu);
}

void PackNibble(uint8_t *packed, int64_t index, uint8_t code) {
    const uint64_t i = static_cast<uint64_t>(index);
    const unsigned shift = static_cast<unsigned>(i & 1u) * 4u;
    const unsigned keep = 0xF0u >> shift;  // the other nibble
    packed[i >> 1] = static_cast<uint8_t>((packed[i >> 1] & keep) | ((code & 0xFu) << shift));
}

int8_t UnpackInt4(const uint8_t *packed, int64_t index) {
    // Sign-extend the 4-bit two's complement value without shifting a negative number.
    const int nibble = UnpackNibble(packed, index);
    return static_cast<int8_t>((nibble ^ 0x8) - 0x8);
}

void PackInt4(uint8_t *packed, int64_t index, int8_t value) {
    // Only the low 4 bits are stored; values outside [-8, 7] wrap (two's complement).
    PackNibble(packed, index, static_cast<uint8_t>(static_cast<uint8_t>(value) & 0xFu));
}

// ---------------------------------------------------------------------------------------------
// aclnnTransQuantParamV2 (§9): (bits(scale) & 0xFFFFE000) | 1<<46 | (int9(offset) & 0x1FF) << 37.

namespace {

// round-half-even of a float already clamped to [-256, 255]; all steps are exact there.
int32_t RoundHalfEvenSmall(float x) {
    const float fl = std::floor(x);
    const float frac = x - fl;
    auto r = static_cast<int32_t>(fl);
    if (frac > 0.5f || (frac == 0.5f && (r & 1) != 0)) {
        ++r;
    }
    return r;
}

}  // namespace

uint64_t PackDequantScale(float scale, bool has_offset, float offset) {
    uint64_t word = (static_cast<uint64_t>(BitsOf(scale)) & 0xFFFFE000u) | (uint64_t{1} << 46);
    if (has_offset) {
        int32_t off = 0;
        if (!std::isnan(offset)) {
            const float clamped = std::fmin(std::fmax(offset, -256.0f), 255.0f);
            off = RoundHalfEvenSmall(clamped);
        }
        word |= (static_cast<uint64_t>(static_cast<uint32_t>(off)) & 0x1FFu) << 37;
    }
    return word;
}

float DequantScaleValue(uint64_t packed) {
    // The hardware multiplies by the fp19 scale: sign, 8 exponent bits, 10 mantissa bits.
    return FloatOf(static_cast<uint32_t>(packed & 0xFFFFE000u));
}

int32_t DequantScaleOffset(uint64_t packed) {
    const auto field = static_cast<int32_t>((packed >> 37) & 0x1FFu);
    return (field ^ 0x100) - 0x100;
}

}  // namespace mc2::impl::codec
