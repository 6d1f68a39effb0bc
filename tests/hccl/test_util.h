// tests/hccl/test_util.h — helpers shared by the HCCL tests: running one function per rank on
// its own thread, and a test-side fp16/bf16 reference (decoder plus nearest-even encoder found
// by search over the code table, deliberately unlike impl/kernels' bit manipulation).
#ifndef MC2_TESTS_HCCL_TEST_UTIL_H_
#define MC2_TESTS_HCCL_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <thread>
#include <vector>

namespace mc2::test {

// Runs fn(rank) for rank in [0, n) on n threads and joins them.
inline void RunRanks(uint32_t n, const std::function<void(uint32_t)> &fn) {
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (uint32_t r = 0; r < n; ++r) threads.emplace_back([&fn, r] { fn(r); });
    for (auto &t : threads) t.join();
}

// IEEE binary16 decoded arithmetically: sign * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024.
inline double HalfValue(uint16_t h) {
    const int sign = (h & 0x8000) ? -1 : 1;
    const int e = (h >> 10) & 0x1f;
    const int m = h & 0x3ff;
    if (e == 0x1f) return m ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
    if (e == 0) return sign * std::ldexp(m, -24);
    return sign * std::ldexp(1024 + m, e - 25);
}

// Nearest fp16 to x, ties to the even code; overflow to Inf (x finite, |x| beyond the
// rounding threshold 65520). Binary search over the ordered positive codes.
inline uint16_t HalfNearest(double x) {
    if (std::isnan(x)) return 0x7e00;
    const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
    const double a = std::fabs(x);
    if (a >= 65520.0) return sign | 0x7c00;
    uint16_t lo = 0;
    uint16_t hi = 0x7bff;  // max finite
    while (hi - lo > 1) {
        const uint16_t mid = static_cast<uint16_t>((lo + hi) / 2);
        if (HalfValue(mid) <= a) lo = mid; else hi = mid;
    }
    if (a >= HalfValue(hi)) return sign | hi;
    const double dlo = a - HalfValue(lo);
    const double dhi = HalfValue(hi) - a;
    if (dlo < dhi) return sign | lo;
    if (dhi < dlo) return sign | hi;
    return sign | ((lo & 1) ? hi : lo);
}

inline float Bf16Value(uint16_t b) {
    const uint32_t bits = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// Nearest bf16 to a finite float: the two candidates are the truncation and the next code up.
inline uint16_t Bf16Nearest(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const uint16_t down = static_cast<uint16_t>(bits >> 16);
    const uint16_t up = static_cast<uint16_t>(down + 1);
    const double a = static_cast<double>(f);
    const double dd = std::fabs(a - static_cast<double>(Bf16Value(down)));
    const double du = std::fabs(static_cast<double>(Bf16Value(up)) - a);
    if (dd < du) return down;
    if (du < dd) return up;
    return (down & 1) ? up : down;
}

}  // namespace mc2::test

#endif  // MC2_TESTS_HCCL_TEST_UTIL_H_
