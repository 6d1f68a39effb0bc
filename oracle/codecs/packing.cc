// oracle/codecs/packing.cc — INT4 nibbles and dequant-scale words, by arithmetic on integer
// and exact double values (see packing.h for why not masks).
#include "oracle/codecs/packing.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mc2::oracle {

uint32_t UnpackNibble(const uint8_t *packed, size_t index) {
    const uint32_t byte = packed[index / 2];
    return index % 2 == 0 ? byte % 16 : byte / 16;
}

int UnpackInt4(const uint8_t *packed, size_t index) {
    const int v = static_cast<int>(UnpackNibble(packed, index));
    return v >= 8 ? v - 16 : v;
}

double TruncateToFp19(double scale) {
    if (scale == 0.0 || !std::isfinite(scale)) {
        return scale;
    }
    // fp19 keeps 11 significant bits of a normal (its quantum is 2^(floor(log2|x|) - 10)) and,
    // below 2^-126, the fp32 subnormal grid coarsened by 2^13, i.e. multiples of 2^-136.
    const int quantum_exp = std::max(std::ilogb(scale) - 10, -136);
    const double units = std::trunc(std::ldexp(scale, -quantum_exp));
    const double kept = std::ldexp(units, quantum_exp);
    return kept == 0.0 ? std::copysign(0.0, scale) : kept;
}

double DequantScale(uint64_t word) {
    // Bits 0..31 are an fp32 bit pattern by definition of the format; reading them as a float
    // is the only bit-level step. The truncation is then done on the value.
    const auto low = static_cast<uint32_t>(word % (uint64_t{1} << 32));
    return TruncateToFp19(static_cast<double>(std::bit_cast<float>(low)));
}

int DequantOffset(uint64_t word) {
    const auto field = static_cast<int>((word / (uint64_t{1} << 37)) % 512);
    return field >= 256 ? field - 512 : field;
}

bool DequantFlag(uint64_t word) { return (word / (uint64_t{1} << 46)) % 2 == 1; }

int RoundDequantOffset(double offset) {
    // Clamp first so the conversion to int cannot overflow; nearbyint rounds ties to even
    // under the default rounding mode.
    const double clamped = std::clamp(offset, -256.0, 255.0);
    return static_cast<int>(std::nearbyint(clamped));
}

}  // namespace mc2::oracle
