// impl/kernels/codecs.h — the implementation's number-format codecs, written with bit
// manipulation for speed (the oracle has independent codebook codecs; tests/codecs compares
// the two exhaustively). Facts: shared/spec-notes/formats.md.
//
// Encoders take a float32 and return the code in the low bits of the result. Modes:
//   Saturation::kNone     overflow gives Inf (NaN for formats without Inf; ±max for FP4),
//   Saturation::kFinite   finite overflow AND ±Inf clamp to ±max finite (OCP "SAT"); NaN stays NaN.
// Rounding is the format's documented default: RNE for fp16/bf16/fp8/fp4, ties-away (TA,
// Ascend CAST_ROUND) for HiFloat8, truncation (floor log2) for E8M0 as Huawei's goldens do.
#ifndef MC2_IMPL_KERNELS_CODECS_H_
#define MC2_IMPL_KERNELS_CODECS_H_

#include <cstdint>

namespace mc2::impl::codec {

enum class Saturation { kNone, kFinite };

float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f, Saturation sat = Saturation::kNone);

float Bf16ToFloat(uint16_t b);
uint16_t FloatToBf16(float f, Saturation sat = Saturation::kNone);

float E4m3ToFloat(uint8_t c);
uint8_t FloatToE4m3(float f, Saturation sat = Saturation::kNone);

float E5m2ToFloat(uint8_t c);
uint8_t FloatToE5m2(float f, Saturation sat = Saturation::kNone);

float Hif8ToFloat(uint8_t c);
uint8_t FloatToHif8(float f, Saturation sat = Saturation::kNone);

// FP4 codes occupy the low nibble.
float E2m1ToFloat(uint8_t c);
uint8_t FloatToE2m1(float f, Saturation sat = Saturation::kNone);
float E1m2ToFloat(uint8_t c);
uint8_t FloatToE1m2(float f, Saturation sat = Saturation::kNone);

// E8M0 scale: 2^(c-127), 0xFF = NaN.
float E8m0ToFloat(uint8_t c);
uint8_t FloatToE8m0(float f, Saturation sat = Saturation::kNone);

// INT4 / FP4 packing, element 0 in the low nibble of byte 0.
int8_t UnpackInt4(const uint8_t *packed, int64_t index);
void PackInt4(uint8_t *packed, int64_t index, int8_t value);
uint8_t UnpackNibble(const uint8_t *packed, int64_t index);
void PackNibble(uint8_t *packed, int64_t index, uint8_t code);

// aclnnTransQuantParamV2 packing of one fp32 scale (and optional fp32 offset) into the UINT64
// dequant-scale format; and the fp32 scale the hardware uses from such a word.
uint64_t PackDequantScale(float scale, bool has_offset, float offset);
float DequantScaleValue(uint64_t packed);
int32_t DequantScaleOffset(uint64_t packed);

}  // namespace mc2::impl::codec

#endif  // MC2_IMPL_KERNELS_CODECS_H_
