// tests/harness/half_test.cc — the fill's direct fp16/bf16 codecs (harness/fill/half.h) give
// exactly the oracle codebook's answers: Decode on every code; Encode on every code's value, on
// every midpoint between neighbouring values (the ties), on the doubles next to each midpoint,
// around the overflow threshold, on Inf/NaN/±0/double subnormals and on random bit patterns.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "harness/fill/element.h"
#include "harness/fill/half.h"
#include "oracle/codecs/codebook.h"

namespace mc2::harness {
namespace {

struct Subject {
    aclDataType dtype;
    const oracle::Format *format;
};
const Subject kSubjects[] = {{ACL_FLOAT16, &oracle::kFloat16}, {ACL_BF16, &oracle::kBf16}};

void ExpectSameCode(const Subject &s, double x) {
    const uint32_t want = oracle::Encode(*s.format, x, oracle::Saturation::kFinite);
    ASSERT_EQ(EncodeHalf(s.dtype, x), want) << s.format->name << " x = " << std::hexfloat << x;
}

TEST(HalfCodec, DecodeEqualsTheCodebookOnEveryCode) {
    for (const Subject &s : kSubjects) {
        for (uint32_t c = 0; c < 65536; ++c) {
            const double want = oracle::Decode(*s.format, c), got = DecodeHalf(s.dtype, static_cast<uint16_t>(c));
            if (std::isnan(want)) {
                ASSERT_TRUE(std::isnan(got)) << c;
            } else {
                ASSERT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want)) << s.format->name << " " << c;
            }
        }
    }
}

TEST(HalfCodec, EncodeEqualsTheCodebookOnCodesTiesAndTheirNeighbours) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    for (const Subject &s : kSubjects) {
        // Every value, signed, in increasing order (±0 both present).
        std::vector<double> values;
        for (uint32_t c = 0; c < 65536; ++c) {
            const double v = oracle::Decode(*s.format, c);
            if (std::isfinite(v)) values.push_back(v);
        }
        std::sort(values.begin(), values.end());
        for (size_t i = 0; i < values.size(); ++i) {
            const double v = values[i];
            ExpectSameCode(s, v);
            ExpectSameCode(s, std::nextafter(v, kInf));
            ExpectSameCode(s, std::nextafter(v, -kInf));
            if (i + 1 < values.size()) {
                const double mid = v / 2 + values[i + 1] / 2;  // exact: 16-bit values, far from underflow
                ASSERT_EQ(mid - v, values[i + 1] - mid);
                ExpectSameCode(s, mid);
                ExpectSameCode(s, std::nextafter(mid, kInf));
                ExpectSameCode(s, std::nextafter(mid, -kInf));
            }
        }
        // Overflow: the threshold max + ulp/2 (a tie that goes up), beyond, Inf, NaN.
        const double max = values.back();
        const double threshold = oracle::OverflowThreshold(*s.format);
        for (double x : {threshold, std::nextafter(threshold, 0.0), std::nextafter(threshold, kInf), 2 * max,
                         std::ldexp(1.0, 200), std::numeric_limits<double>::max(), kInf,
                         std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
                         std::numeric_limits<double>::min(), 0.0}) {
            ExpectSameCode(s, x);
            ExpectSameCode(s, -x);
        }
        // Random bit patterns over the whole double range, and random values near the format's.
        uint64_t state = 0x243F6A8885A308D3ull;
        auto next = [&] {
            state += 0x9E3779B97F4A7C15ull;
            uint64_t z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return z ^ (z >> 31);
        };
        for (int i = 0; i < 200000; ++i) {
            ExpectSameCode(s, std::bit_cast<double>(next()));
            const double near = std::ldexp(static_cast<double>(next() >> 11) * 0x1p-53,
                                           static_cast<int>(next() % 300) - 160);
            ExpectSameCode(s, (next() & 1) != 0 ? near : -near);
        }
    }
}

TEST(HalfCodec, RoundToUsesTheSameValues) {
    for (const Subject &s : kSubjects) {
        for (double x : {1.0 / 3, -1e-6, 70000.0, -3e38, 1e-40}) {
            EXPECT_EQ(RoundHalf(s.dtype, x), oracle::Decode(*s.format, oracle::Encode(*s.format, x,
                                                                                      oracle::Saturation::kFinite)));
            EXPECT_EQ(RoundTo(s.dtype, x), RoundHalf(s.dtype, x));
        }
    }
}

}  // namespace
}  // namespace mc2::harness
