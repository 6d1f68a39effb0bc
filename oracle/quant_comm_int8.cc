// oracle/quant_comm_int8.cc — the element-wise model of QuantMatmulAllReduceV3's int8 low-bit
// communication on Atlas A2 (ops.md §4.1, "compact oracle"), declared in quant_matmul_all_reduce.h.
//
// Given every rank's partial result y_r (already a value of T) and the channel's scales s1, s2:
//   q_r = sat8(rint(D(y_r, s1)))          D: the quotient rounded to fp16 (bf16: fp32 Div, then
//                                          the RINT cast to fp16; fp16: the fp16 Div, see readings)
//   S   = Σ_r q_r                          exact integer (fp32 holds it)
//   q2  = sat8(rint(RN_16(RN_32(S · RN_32(s1 / s2)))))
//   out = M(q2, s2)                        bf16: RN_bf16(q2 · s2); fp16: the fp16 Mul
// rint = round half to even; sat8 clamps to [-128, 127] (the Cast's documented saturation; an
// fp16 overflow to ±Inf saturates too). The padding rows and the AllToAll/AllGather only move
// values: the output of row i depends on row i of every rank alone, at any world size and tiling.
// Independence: rounding through internal/rounding.h and double arithmetic; nothing from impl/.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "oracle/internal/rounding.h"
#include "oracle/quant_matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// x rounded toward zero to fp16 (the truncating reading of an fp16 Mul): |x| cut to 11
// significant bits at its binade's spacing, capped at fp16's max.
double TruncateFp16(double x) {
    if (std::isnan(x) || x == 0) return x;
    if (std::isinf(x)) return std::copysign(65504.0, x);
    int e = 0;
    std::frexp(std::fabs(x), &e);  // |x| = f · 2^e, f in [0.5, 1): binary exponent e − 1
    const double q = std::ldexp(1.0, std::max(e - 1, -14) - 10);
    return std::copysign(std::min(std::trunc(std::fabs(x) / q) * q, 65504.0), x);
}

double RoundFp16(double x) { return internal::RoundNearestEven(internal::kFp16Math, x); }

// rint to int8, saturating; NaN stays NaN (undocumented: the caller admits anything).
double SatInt8(double h) {
    if (std::isnan(h)) return kNaN;
    return std::clamp(std::nearbyint(h), -128.0, 127.0);
}

// D(y, s1) of one rank, as an fp16 value.
double QuotientFp16(double y, double s1, aclDataType out, Fp16DivReading div) {
    if (out == ACL_BF16) return RoundFp16(internal::RoundFp32(y / s1));  // fp32 Div, RINT cast
    if (div == Fp16DivReading::kReciprocalThenMultiply) return RoundFp16(y * RoundFp16(1.0 / s1));
    return RoundFp16(y / s1);  // the correctly rounded quotient (binary64 carries 2·11 + 2 bits)
}

}  // namespace

std::vector<CommInt8Reading> CommInt8Readings(aclDataType out) {
    if (out == ACL_BF16) return {CommInt8Reading{}};  // every bf16 step is fp32 or a documented cast
    return {{Fp16DivReading::kRoundNearest, Fp16MulReading::kRoundNearest},
            {Fp16DivReading::kReciprocalThenMultiply, Fp16MulReading::kRoundNearest},
            {Fp16DivReading::kRoundNearest, Fp16MulReading::kTruncate},
            {Fp16DivReading::kReciprocalThenMultiply, Fp16MulReading::kTruncate}};
}

std::string CommInt8ReadingName(CommInt8Reading reading) {
    const char *div = reading.div == Fp16DivReading::kRoundNearest ? "y/s1 rounded to fp16" : "y times fp16(1/s1)";
    const char *mul = reading.mul == Fp16MulReading::kRoundNearest ? "dequant Mul rounded to nearest" : "dequant Mul truncated";
    return std::string(div) + ", " + mul;
}

double CommInt8Element(const std::vector<double> &y, double s1, double s2, aclDataType out, CommInt8Reading reading) {
    if (out != ACL_FLOAT16 && out != ACL_BF16) throw std::invalid_argument("CommInt8Element: output must be fp16/bf16");
    double sum = 0;
    for (double v : y) {
        const double q = SatInt8(QuotientFp16(v, s1, out, reading.div));
        if (std::isnan(q)) return kNaN;
        sum += q;
    }
    const double ratio = internal::RoundFp32(s1 / s2);
    const double q2 = SatInt8(RoundFp16(internal::RoundFp32(sum * ratio)));
    if (std::isnan(q2)) return kNaN;
    const double product = q2 * s2;  // exact: 8 × at most 11 significant bits
    if (out == ACL_BF16) return internal::RoundNearestEven(internal::kBf16Math, internal::RoundFp32(product));
    return reading.mul == Fp16MulReading::kTruncate ? TruncateFp16(product) : RoundFp16(product);
}

}  // namespace mc2::oracle
