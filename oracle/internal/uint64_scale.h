// oracle/internal/uint64_scale.h — what a quantised matmul reads from a UINT64 / INT64 dequant
// scale word (the format aclnnTransQuantParamV2/V3 writes; formats.md §9, ops.md §3 "What the
// matmul does with it"): the scale it multiplies by, scale_eff = the fp32 whose bits are bits
// 0..31 of the word with the low 13 cleared (an fp19: 1 sign, 8 exponent, 10 mantissa bits),
// and the 9-bit two's-complement offset at bits 37..45.
//
// Header only, for the quantised MatmulAllReduce oracles. Written on the word's integer value
// and its fields (division, remainder, ldexp), never with impl/'s masks: independence rule 2.
// Unlike oracle::DequantScale (codecs/packing.h), which truncates the *value* of bits 0..31,
// this follows the hardware's bit selection also for NaN codes whose payload lies only in the
// 13 dropped bits: those read as ±Inf here.
#ifndef MC2_ORACLE_INTERNAL_UINT64_SCALE_H_
#define MC2_ORACLE_INTERNAL_UINT64_SCALE_H_

#include <cmath>
#include <cstdint>
#include <limits>

namespace mc2::oracle {

// The fp32 code (bits 0..31) of the scale the hardware keeps: the word's low 32 bits less their
// low 13 (a multiple of 2^13).
inline uint32_t Uint64ScaleFp19Code(uint64_t word) {
    const auto low = static_cast<uint32_t>(word % (uint64_t{1} << 32));
    return low - low % (uint32_t{1} << 13);
}

// The value of an fp32 code, assembled from its fields (NaN codes give a quiet NaN).
inline double Uint64ScaleCodeValue(uint32_t code) {
    const bool negative = code / (uint32_t{1} << 31) == 1;
    const uint32_t exponent = (code / (uint32_t{1} << 23)) % 256;
    const uint32_t mantissa = code % (uint32_t{1} << 23);
    double magnitude = 0;
    if (exponent == 255) {
        magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    } else if (exponent == 0) {
        magnitude = std::ldexp(static_cast<double>(mantissa), -149);  // subnormal: m · 2^-149
    } else {
        magnitude = std::ldexp(static_cast<double>(mantissa) + 8388608.0, static_cast<int>(exponent) - 150);
    }
    return negative ? -magnitude : magnitude;
}

// scale_eff: the scale a quantised matmul multiplies the int32 accumulator by.
inline double Uint64ScaleEffective(uint64_t word) { return Uint64ScaleCodeValue(Uint64ScaleFp19Code(word)); }

// The offset field (bits 37..45, 9-bit two's complement), in [-256, 255].
inline int Uint64ScaleOffset(uint64_t word) {
    const auto field = static_cast<int>((word / (uint64_t{1} << 37)) % 512);
    return field >= 256 ? field - 512 : field;
}

// Bit 46, which TransQuantParamV2/V3 always set.
inline bool Uint64ScaleFlag(uint64_t word) { return (word / (uint64_t{1} << 46)) % 2 == 1; }

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_INTERNAL_UINT64_SCALE_H_
