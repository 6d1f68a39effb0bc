// oracle/trans_quant_param.h — the bit-exact answer for aclnnTransQuantParamV2 / V3 (ops.md §3,
// formats.md §9, aclnnTransQuantParamV3.md 计算公式): every out element is the 64-bit word
//   fp32 code of fp19(scale)  +  2^46  +  (offset' mod 512) · 2^37   (offset' only with an offset)
// where fp19 keeps 1 sign, 8 exponent and 10 mantissa bits of the fp32 scale:
//   roundMode 0: the largest-magnitude fp19 value not above |scale| (truncation; fp32 subnormals
//                keep their multiples of 2^-136);
//   roundMode 1: exponent field 0 → a zero of the scale's sign; exponent field 255 (Inf/NaN) →
//                the code with its low 13 mantissa bits dropped; otherwise the nearest fp19
//                value, ties to an even 10th mantissa bit, Inf beyond the largest finite;
// and offset' = clamp(nearest integer to offset, ties to even, -256, 255) in 9-bit two's
// complement. Computed on values (frexp / ldexp / nearbyint on doubles) and on code fields by
// division and remainder, never with impl/'s masks (independence rule 2).
#ifndef MC2_ORACLE_TRANS_QUANT_PARAM_H_
#define MC2_ORACLE_TRANS_QUANT_PARAM_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace mc2::oracle {

// fp19 of an fp32 value (finite, or ±Inf), as a double: roundMode 0 truncates, 1 rounds.
double Fp19Truncate(double x);
double Fp19RoundHalfEven(double x);

// The fp32 code of the kept scale for scale code `scale` under `round_mode` (0 or 1).
uint32_t TransQuantScaleCode(uint32_t scale, int64_t round_mode);
// The offset field's value in [-256, 255] for a finite or infinite offset (NaN: no defined answer,
// std::nullopt).
std::optional<int> TransQuantOffset(double offset);

// The word for one element: fp32 scale code, optional fp32 offset code, roundMode.
uint64_t TransQuantParamWord(uint32_t scale, std::optional<uint32_t> offset, int64_t round_mode);

// Whether the documents define the element: the document requires scale and offset free of NaN
// and Inf ("用户需要保证…不存在NaN和Inf"), so for those the packing is the vendor kernel's
// reading only and a conforming library may leave anything.
bool TransQuantParamDefined(uint32_t scale, std::optional<uint32_t> offset);

// The out tensor: its shape (1-D max(scale, offset) for a 1-D scale, the scale's shape for a 2-D
// one) and, per element row-major, the word (scale and offset broadcast when they have one
// element; the offset runs along out's last dim) and whether it is defined. Inputs are fp32
// codes row-major over their views; `offset` null = no offset. Throws std::invalid_argument when
// the shapes do not broadcast (no defined result).
struct TransQuantParamOut {
    std::vector<int64_t> shape;
    std::vector<uint64_t> words;
    std::vector<bool> defined;
};
TransQuantParamOut TransQuantParamWords(const std::vector<uint32_t> &scale, const std::vector<int64_t> &scale_shape,
                                        const std::vector<uint32_t> *offset, const std::vector<int64_t> &offset_shape,
                                        int64_t round_mode);

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_TRANS_QUANT_PARAM_H_
