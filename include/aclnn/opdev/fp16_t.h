// aclnn/opdev/fp16_t.h — op::fp16_t, the IEEE binary16 host type the CANN examples use to
// fill fp16 buffers (`std::vector<op::fp16_t> v(n, 1)`). Header-only; conversions from float
// round to nearest-even with subnormals, overflow to infinity, NaN kept quiet.
#ifndef MC2_INCLUDE_ACLNN_OPDEV_FP16_T_H_
#define MC2_INCLUDE_ACLNN_OPDEV_FP16_T_H_

#include <cstdint>
#include <cstring>

namespace op {

struct fp16_t {
    uint16_t val = 0;

    fp16_t() = default;
    fp16_t(float f) : val(FromFloat(f)) {}            // NOLINT: implicit, as in CANN
    fp16_t(double d) : val(FromFloat(static_cast<float>(d))) {}  // NOLINT
    fp16_t(int i) : val(FromFloat(static_cast<float>(i))) {}     // NOLINT

    static fp16_t FromBits(uint16_t bits) {
        fp16_t h;
        h.val = bits;
        return h;
    }
    operator float() const { return ToFloat(val); }  // NOLINT
    float toFloat() const { return ToFloat(val); }

    static uint16_t FromFloat(float f) {
        uint32_t u;
        std::memcpy(&u, &f, 4);
        const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
        const uint32_t a = u & 0x7FFFFFFFu;
        if (a > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u);  // NaN
        if (a >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520: Inf
        if (a < 0x38800000u) {  // below 2^-14: subnormal result (or zero)
            if (a < 0x33000000u) return sign;  // < 2^-25 (ties at 2^-25 go to zero too)
            const uint32_t mant = (a & 0x7FFFFFu) | 0x800000u;
            const int shift = 126 - static_cast<int>(a >> 23);  // 14 + (113 - exp) ... see below
            // value = mant * 2^(exp-150); result units are 2^-24: q = mant * 2^(exp-126)
            const uint32_t q = mant >> shift;
            const uint32_t rem = mant & ((1u << shift) - 1u);
            const uint32_t half = 1u << (shift - 1);
            uint32_t r = q + ((rem > half || (rem == half && (q & 1u))) ? 1u : 0u);
            return static_cast<uint16_t>(sign | r);
        }
        // Normal range: rebias exponent and round the 13 dropped mantissa bits to nearest even.
        uint32_t r = a - 0x38000000u;  // exponent 127 -> 15 bias
        r += 0xFFFu + ((r >> 13) & 1u);
        return static_cast<uint16_t>(sign | (r >> 13));
    }

    static float ToFloat(uint16_t h) {
        const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
        const uint32_t exp = (h >> 10) & 0x1Fu;
        const uint32_t mant = h & 0x3FFu;
        uint32_t u;
        if (exp == 0x1Fu) {
            u = sign | 0x7F800000u | (mant << 13);
        } else if (exp != 0) {
            u = sign | ((exp + 112u) << 23) | (mant << 13);
        } else if (mant == 0) {
            u = sign;
        } else {
            float f = static_cast<float>(mant) * (1.0f / 16777216.0f);  // mant * 2^-24, exact
            std::memcpy(&u, &f, 4);
            u |= sign;
        }
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    }
};

static_assert(sizeof(fp16_t) == 2, "fp16_t must be two bytes");

}  // namespace op

#endif  // MC2_INCLUDE_ACLNN_OPDEV_FP16_T_H_
