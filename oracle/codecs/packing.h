// oracle/codecs/packing.h — the oracle's reading of packed integer data: INT4 nibbles and the
// UINT64 dequant-scale words of aclnnTransQuantParamV2 (formats.md §9, ops.md §3). Written
// arithmetically (division, remainder, rounding of exact doubles) rather than with the masks
// impl/ uses, so tests/codecs can compare the two.
#ifndef MC2_ORACLE_CODECS_PACKING_H_
#define MC2_ORACLE_CODECS_PACKING_H_

#include <cstddef>
#include <cstdint>

namespace mc2::oracle {

// Nibble `index` of a packed buffer: element 0 is the low nibble of byte 0 (formats.md §0.8).
uint32_t UnpackNibble(const uint8_t *packed, size_t index);
// The same nibble read as INT4 two's complement, in [-8, 7].
int UnpackInt4(const uint8_t *packed, size_t index);

// The scale the hardware applies from a dequant-scale word: the fp32 in bits 0..31 truncated
// toward zero to fp19 (1 sign + 8 exponent + 10 mantissa bits; fp32 subnormals keep their
// multiples of 2^-136). ±0, ±Inf pass through; a NaN stays NaN (TransQuantParamV2 requires
// finite inputs: ops.md §3).
double DequantScale(uint64_t word);
// The 9-bit two's-complement offset in bits 37..45, in [-256, 255].
int DequantOffset(uint64_t word);
// Whether bit 46 (always set by TransQuantParamV2) is set.
bool DequantFlag(uint64_t word);

// What TransQuantParamV2 (roundMode 0) keeps of a scale: truncation toward zero to fp19.
double TruncateToFp19(double scale);
// What TransQuantParamV2 keeps of an offset: nearest integer, ties to even, clamped to
// [-256, 255]. The offset must not be NaN.
int RoundDequantOffset(double offset);

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_CODECS_PACKING_H_
