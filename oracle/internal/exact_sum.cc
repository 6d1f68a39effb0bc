// oracle/internal/exact_sum.cc — see exact_sum.h.
#include "oracle/internal/exact_sum.h"

#include <bit>
#include <cmath>

#include "oracle/internal/interval.h"

namespace mc2::oracle::internal {
namespace {
// 128-bit integers are a GCC/Clang extension; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 U128;
}  // namespace

void ExactSum::Clear() {
    limbs_.fill(0);
    pending_ = 0;
}

void ExactSum::Add(double x) {
    if (x == 0.0) return;
    // x = ±m·2^(pos − 1074) with an integer m < 2^53 read from the bits (subnormals: exponent
    // field 0, no hidden bit).
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const int exp_field = static_cast<int>((bits >> 52) & 0x7FF);
    uint64_t m = bits & ((uint64_t{1} << 52) - 1);
    int pos = 0;
    if (exp_field != 0) {
        m |= uint64_t{1} << 52;
        pos = exp_field - 1;  // 2^(e − 1075) = 2^((exp_field − 1) − 1074)
    }
    const bool negative = (bits >> 63) != 0;
    const int limb = pos / 32;
    const U128 v = static_cast<U128>(m) << (pos % 32);
    const int64_t d0 = static_cast<int64_t>(static_cast<uint64_t>(v) & 0xFFFFFFFFu);
    const int64_t d1 = static_cast<int64_t>(static_cast<uint64_t>(v >> 32) & 0xFFFFFFFFu);
    const int64_t d2 = static_cast<int64_t>(static_cast<uint64_t>(v >> 64));
    if (negative) {
        limbs_[limb] -= d0;
        limbs_[limb + 1] -= d1;
        limbs_[limb + 2] -= d2;
    } else {
        limbs_[limb] += d0;
        limbs_[limb + 1] += d1;
        limbs_[limb + 2] += d2;
    }
    if (++pending_ >= (int64_t{1} << 30)) {
        Normalize(limbs_);
        pending_ = 0;
    }
}

void ExactSum::AddProduct(double a, double b) {
    const double p = a * b;
    Add(p);
    const double r = std::fma(a, b, -p);
    if (r != 0.0) Add(r);
}

void ExactSum::AddSum(const ExactSum &other) {
    // Both sides normalized first: every limb is then below 2^32 in magnitude, so the limb-wise
    // sum cannot overflow and counts as one pending addition.
    std::array<int64_t, kLimbs> o = other.limbs_;
    Normalize(o);
    Normalize(limbs_);
    for (int i = 0; i < kLimbs; ++i) limbs_[i] += o[i];
    pending_ = 1;
}

void ExactSum::Normalize(std::array<int64_t, kLimbs> &limbs) const {
    // Brings limbs 0..kLimbs−2 into [0, 2^32) (floor division by 2^32; the arithmetic right
    // shift of a negative int64 rounds toward −Inf in C++20) and lets the top limb carry the
    // sign.
    for (int i = 0; i + 1 < kLimbs; ++i) {
        const int64_t carry = limbs[i] >> 32;
        limbs[i] -= carry * (int64_t{1} << 32);
        limbs[i + 1] += carry;
    }
}

ExactSum::Result ExactSum::Get() const {
    std::array<int64_t, kLimbs> a = limbs_;
    Normalize(a);
    const bool negative = a[kLimbs - 1] < 0;
    if (negative) {
        for (auto &l : a) l = -l;
        Normalize(a);
    }
    int top = kLimbs - 1;
    while (top >= 0 && a[top] == 0) --top;
    if (top < 0) return Result{0.0, 0.0, 0.0, true};
    // The top three limbs as a 96-bit integer w; anything below them only sets `sticky`.
    const int low = top >= 2 ? top - 2 : 0;
    U128 w = 0;
    for (int i = top; i >= low; --i) w = (w << 32) | static_cast<uint64_t>(a[i]);
    bool sticky = false;
    for (int i = 0; i < low; ++i) sticky = sticky || a[i] != 0;
    int shift = 32 * low - 1074;  // value = (w + fraction)·2^shift
    // Keep the top 64 bits of w in t; the dropped ones are sticky too.
    int width = 0;
    for (U128 c = w; c != 0; c >>= 1) ++width;
    if (width > 64) {
        const int drop = width - 64;
        sticky = sticky || (w & ((static_cast<U128>(1) << drop) - 1)) != 0;
        w >>= drop;
        shift += drop;
    }
    const uint64_t t = static_cast<uint64_t>(w);
    // double(t) is t rounded to nearest; it is exact when converting back gives t (checked
    // only below 2^64, where the conversion back is defined).
    const double dt = static_cast<double>(t);
    const bool fits = dt < 0x1p64 && static_cast<uint64_t>(dt) == t;
    double value = std::ldexp(dt, shift);
    const bool exact = !sticky && fits && std::ldexp(value, -shift) == dt;
    if (negative) value = -value;
    if (exact) return Result{value, value, value, true};
    // Not exact: |sum| lies in [t, t+1)·2^shift and double(t) is within half an ulp of t, so
    // the error is below one ulp of value (plus half an ulp if ldexp rounded into the
    // subnormal range); two steps outward on each side enclose it.
    return Result{value, Down(Down(value)), Up(Up(value)), false};
}

}  // namespace mc2::oracle::internal
