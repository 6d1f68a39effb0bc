// bench/data.h — benchmark operands: fp16 codes of moderate random values (timing only;
// nothing is compared).
#ifndef MC2_BENCH_DATA_H_
#define MC2_BENCH_DATA_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace mc2::bench {

// Random sign, exponent 2^-2..2^1, random 10-bit fraction: finite normal fp16 values.
inline std::vector<uint16_t> Fp16Codes(size_t count, uint64_t seed) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    std::uniform_int_distribution<int> mant(0, 1023), exp(13, 16), sign(0, 1);
    std::vector<uint16_t> v(count);
    for (auto &c : v) c = static_cast<uint16_t>(sign(rng) << 15 | exp(rng) << 10 | mant(rng));
    return v;
}

// The exact value of such a code (normal fp16: (1 + f/1024)·2^(e−15)).
inline float Fp16Value(uint16_t code) {
    const int e = (code >> 10) & 0x1F, f = code & 0x3FF;
    const float v = (1.0f + static_cast<float>(f) / 1024.0f) * static_cast<float>(1 << e) / 32768.0f;
    return (code & 0x8000) ? -v : v;
}

inline std::vector<float> Fp16Floats(const std::vector<uint16_t> &codes) {
    std::vector<float> f(codes.size());
    for (size_t q = 0; q < codes.size(); ++q) f[q] = Fp16Value(codes[q]);
    return f;
}

}  // namespace mc2::bench

#endif  // MC2_BENCH_DATA_H_
