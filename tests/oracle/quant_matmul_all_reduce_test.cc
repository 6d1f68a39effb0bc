// tests/oracle/quant_matmul_all_reduce_test.cc — the QuantMatmulAllReduce formula against
// independent computations written here: hand-computed int8 GEMMs with the fp19 truncation of
// UINT64 codes and a tie of the fp16 rounding, the FLOAT/BF16 dequant in float arithmetic (every
// product order when pertoken is given), x3 through fp32, per-tensor == per-channel with equal
// entries, the int32 range, and the share of exactly determined elements per world size.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <vector>

#include "oracle/quant_matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

// Round to nearest even with `bits` significant bits and smallest normal exponent emin, by
// nearbyint (the FPU's default rounding) on a scaled value: fp16 (11, -14), bf16 (8, -126).
double RoundTo(double x, int bits, int emin) {
    if (x == 0.0) return x;
    int e = 0;
    std::frexp(x, &e);
    const double quantum = std::ldexp(1.0, std::max(e - 1, emin) - (bits - 1));
    return std::nearbyint(x / quantum) * quantum;
}
double F16(double x) { return RoundTo(x, 11, -14); }
double Bf16(double x) { return RoundTo(x, 8, -126); }
double F32(double x) { return static_cast<double>(static_cast<float>(x)); }

int64_t Code(uint32_t fp32_bits) { return static_cast<int64_t>((uint64_t{1} << 46) | fp32_bits); }

QuantMatmulAllReduceRank TwoByTwo() {
    QuantMatmulAllReduceRank r;
    r.x1 = Matrix{2, 2, {1, 2, 3, 4}};
    r.x2 = Matrix{2, 2, {5, 6, 7, 8}};    // x1 @ x2 = [[19, 22], [43, 50]]
    r.bias = std::vector<double>{1, -1};  // acc = [[20, 21], [44, 49]]
    return r;
}

TEST(QuantMatmulAllReduceOracle, Fp19TruncationOfTheCode) {
    EXPECT_EQ(Fp19ScaleOfCode(static_cast<uint64_t>(Code(0x3F001FFFu))), 0.5);
    EXPECT_EQ(Fp19ScaleOfCode(static_cast<uint64_t>(Code(0x3DCCCCCDu))),
              static_cast<double>(std::bit_cast<float>(0x3DCCC000u)));
    // Bits above 31 (the flag, an offset) do not change the scale.
    EXPECT_EQ(Fp19ScaleOfCode((uint64_t{0x1FF} << 37) | 0x3F800000u), 1.0);
}

TEST(QuantMatmulAllReduceOracle, Uint64PathIsOneRoundingOfTheTruncatedScale) {
    QuantMatmulAllReduceRank r = TwoByTwo();
    r.dequant_dtype = ACL_UINT64;
    r.dequant = {static_cast<double>(Code(0x3DCCCCCDu))};  // 0.1f, truncated to 0.0999755859375
    const double s = static_cast<double>(std::bit_cast<float>(0x3DCCC000u));
    const Bounds b = QuantMatmulAllReduceBounds({r}, ACL_FLOAT16);
    const double acc[] = {20, 21, 44, 49};
    for (int e = 0; e < 4; ++e) {
        EXPECT_EQ(b.lo[e], F16(acc[e] * s)) << e;
        EXPECT_EQ(b.hi[e], b.lo[e]) << e;
    }
    // 20·s = 2 − 2^-11 lies exactly between fp16's 2 − 2^-10 and 2: the tie goes to the even 2.
    EXPECT_EQ(20 * s, 2 - 0x1p-11);
    EXPECT_EQ(b.lo[0], 2.0);
    // Where the untruncated scale rounds elsewhere, the oracle follows the truncated one.
    const double full = static_cast<double>(std::bit_cast<float>(0x3DCCCCCDu));
    int64_t a = 1;
    while (a < 100000 && F16(static_cast<double>(a) * full) == F16(static_cast<double>(a) * s)) ++a;
    ASSERT_LT(a, 100000);
    QuantMatmulAllReduceRank one;
    one.x1 = Matrix{1, 1, {1}};
    one.x2 = Matrix{1, 1, {1}};
    one.bias = std::vector<double>{static_cast<double>(a - 1)};
    one.dequant_dtype = ACL_UINT64;
    one.dequant = r.dequant;
    const Bounds b1 = QuantMatmulAllReduceBounds({one}, ACL_FLOAT16);
    EXPECT_EQ(b1.lo[0], F16(static_cast<double>(a) * s));
    EXPECT_NE(b1.lo[0], F16(static_cast<double>(a) * full));
}

TEST(QuantMatmulAllReduceOracle, Int64CodesReadLikeUint64) {
    QuantMatmulAllReduceRank a = TwoByTwo(), c = TwoByTwo();
    a.dequant_dtype = ACL_UINT64;
    c.dequant_dtype = ACL_INT64;
    a.dequant = c.dequant = {static_cast<double>(Code(0x3E800000u))};  // 0.25
    const Bounds ba = QuantMatmulAllReduceBounds({a}, ACL_FLOAT16), bc = QuantMatmulAllReduceBounds({c}, ACL_FLOAT16);
    EXPECT_EQ(ba.lo, bc.lo);
    EXPECT_EQ(ba.lo[3], 12.25);
}

TEST(QuantMatmulAllReduceOracle, FloatScaleWithPertokenAdmitsEveryProductOrder) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    std::uniform_int_distribution<int> q(-128, 127);
    QuantMatmulAllReduceRank r;
    const int64_t m = 6, k = 40, n = 5;
    r.x1 = Matrix{m, k, {}};
    r.x2 = Matrix{k, n, {}};
    for (int64_t i = 0; i < m * k; ++i) r.x1.v.push_back(q(rng));
    for (int64_t i = 0; i < k * n; ++i) r.x2.v.push_back(q(rng));
    r.dequant_dtype = ACL_FLOAT;
    for (int64_t j = 0; j < n; ++j) r.dequant.push_back(static_cast<double>(u(rng) / 256));
    r.pertoken = std::vector<double>{};
    for (int64_t i = 0; i < m; ++i) r.pertoken->push_back(static_cast<double>(u(rng)));
    const Bounds b = QuantMatmulAllReduceBounds({r}, ACL_FLOAT16);
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            int64_t acc = 0;
            for (int64_t t = 0; t < k; ++t) acc += static_cast<int64_t>(r.x1.at(i, t) * r.x2.at(t, j));
            const float fa = static_cast<float>(acc), s = static_cast<float>(r.dequant[j]);
            const float p = static_cast<float>((*r.pertoken)[i]);
            const size_t e = static_cast<size_t>(i * n + j);
            for (const float v : {(fa * s) * p, (fa * p) * s, fa * (s * p)}) {
                EXPECT_LE(b.lo[e], F16(static_cast<double>(v)));
                EXPECT_GE(b.hi[e], F16(static_cast<double>(v)));
            }
            // The hull of three fp32 results rounded to fp16: at most one fp16 ulp wide.
            EXPECT_LE(b.hi[e] - b.lo[e], std::ldexp(1.0, std::ilogb(std::fabs(b.hi[e]) + 1e-30) - 10));
        }
    }
}

TEST(QuantMatmulAllReduceOracle, Bf16ScaleAndX3GoThroughFp32) {
    QuantMatmulAllReduceRank r = TwoByTwo();
    r.dequant_dtype = ACL_BF16;
    r.dequant = {0.1015625, -3.0};  // bf16 values, per channel
    r.x3 = Matrix{2, 2, {0.5, 1024, -2, 3.0078125}};
    const Bounds b = QuantMatmulAllReduceBounds({r}, ACL_BF16);
    const double acc[] = {20, 21, 44, 49};
    for (int e = 0; e < 4; ++e) {
        const double y = Bf16(F32(F32(acc[e]) * r.dequant[e % 2]));
        EXPECT_EQ(b.lo[e], Bf16(F32(y + r.x3->v[e]))) << e;
        EXPECT_EQ(b.hi[e], b.lo[e]) << e;
    }
}

TEST(QuantMatmulAllReduceOracle, PerTensorEqualsPerChannelWithEqualEntries) {
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> q(-128, 127);
    QuantMatmulAllReduceRank r;
    r.x1 = Matrix{4, 16, {}};
    r.x2 = Matrix{16, 8, {}};
    for (int i = 0; i < 64; ++i) r.x1.v.push_back(q(rng));
    for (int i = 0; i < 128; ++i) r.x2.v.push_back(q(rng));
    for (const aclDataType dtype : {ACL_UINT64, ACL_FLOAT, ACL_BF16}) {
        const double value = dtype == ACL_UINT64 ? static_cast<double>(Code(0x3C23D70Au)) : 0.01171875;
        QuantMatmulAllReduceRank t = r, c = r;
        t.dequant_dtype = c.dequant_dtype = dtype;
        t.dequant = {value};
        c.dequant = std::vector<double>(8, value);
        const aclDataType out = dtype == ACL_BF16 ? ACL_BF16 : ACL_FLOAT16;
        const Bounds bt = QuantMatmulAllReduceBounds({t, t}, out), bc = QuantMatmulAllReduceBounds({c, c}, out);
        EXPECT_EQ(bt.lo, bc.lo);
        EXPECT_EQ(bt.hi, bc.hi);
    }
}

TEST(QuantMatmulAllReduceOracle, ReductionIntervalHoldsTheSumOfTheRankValues) {
    QuantMatmulAllReduceRank a = TwoByTwo(), c = TwoByTwo();
    a.dequant_dtype = c.dequant_dtype = ACL_UINT64;
    a.dequant = {static_cast<double>(Code(0x3DCCCCCDu))};
    c.dequant = {static_cast<double>(Code(0x3F400000u))};  // 0.75
    const Bounds b = QuantMatmulAllReduceBounds({a, c}, ACL_FLOAT16);
    const double s = static_cast<double>(std::bit_cast<float>(0x3DCCC000u));
    const double acc[] = {20, 21, 44, 49};
    for (int e = 0; e < 4; ++e) {
        const double sum = F16(F16(acc[e] * s) + F16(acc[e] * 0.75));  // one conforming order
        EXPECT_LE(b.lo[e], sum) << e;
        EXPECT_GE(b.hi[e], sum) << e;
    }
}

TEST(QuantMatmulAllReduceOracle, Int32OverflowIsNotJudged) {
    QuantMatmulAllReduceRank r = TwoByTwo();
    r.bias = std::vector<double>{2147483647.0, 0};
    r.dequant_dtype = ACL_FLOAT;
    r.dequant = {1e-6};
    const Bounds b = QuantMatmulAllReduceBounds({r}, ACL_FLOAT16);
    EXPECT_EQ(b.lo[0], -INFINITY);  // 2147483647 + 19 leaves the int32 accumulator's range
    EXPECT_EQ(b.hi[0], INFINITY);
    EXPECT_EQ(b.lo[1], b.hi[1]);
}

TEST(QuantMatmulAllReduceOracle, RejectsBadShapesAndOutputs) {
    QuantMatmulAllReduceRank r = TwoByTwo();
    r.dequant = {1.0};
    r.dequant_dtype = ACL_FLOAT;
    EXPECT_THROW(QuantMatmulAllReduceBounds({r}, ACL_FLOAT), std::invalid_argument);
    QuantMatmulAllReduceRank bad = r;
    bad.dequant = {1.0, 2.0, 3.0};
    EXPECT_THROW(QuantMatmulAllReduceBounds({bad}, ACL_FLOAT16), std::invalid_argument);
    QuantMatmulAllReduceRank frac = r;
    frac.dequant_dtype = ACL_UINT64;
    frac.dequant = {0.5};  // not a decoded integer code
    EXPECT_THROW(QuantMatmulAllReduceBounds({frac}, ACL_FLOAT16), std::invalid_argument);
}

// Not a bound on anything: prints the share of elements whose interval is a single value, per
// world size, for typical int8 data (the report's "exact vs interval" figure), and requires
// world 1 to be fully exact.
TEST(QuantMatmulAllReduceOracle, ShareOfExactElements) {
    std::mt19937 rng(3);
    std::normal_distribution<double> nd(0, 15);
    std::uniform_int_distribution<uint32_t> mant(0, (1u << 23) - 1);
    for (const int world : {1, 2, 4, 8}) {
        std::vector<QuantMatmulAllReduceRank> ranks;
        for (int w = 0; w < world; ++w) {
            QuantMatmulAllReduceRank r;
            r.x1 = Matrix{32, 64, {}};
            r.x2 = Matrix{64, 32, {}};
            for (int i = 0; i < 32 * 64; ++i) r.x1.v.push_back(std::clamp(std::round(nd(rng)), -128.0, 127.0));
            for (int i = 0; i < 64 * 32; ++i) r.x2.v.push_back(std::clamp(std::round(nd(rng)), -128.0, 127.0));
            r.dequant_dtype = ACL_UINT64;
            r.dequant = {static_cast<double>(Code(0x3B000000u | mant(rng)))};  // ~2^-9
            ranks.push_back(std::move(r));
        }
        const Bounds b = QuantMatmulAllReduceBounds(ranks, ACL_FLOAT16);
        size_t exact = 0, neighbours = 0;
        for (size_t e = 0; e < b.lo.size(); ++e) {
            exact += b.lo[e] == b.hi[e];
            neighbours += b.hi[e] - b.lo[e] <= std::ldexp(1.0, std::ilogb(std::fabs(b.hi[e]) + 0x1p-24) - 10);
        }
        const double share = static_cast<double>(exact) / static_cast<double>(b.lo.size());
        std::printf("world %d: %.1f%% of elements exact (interval width 0), %.1f%% within one fp16 ulp\n", world,
                    100 * share, 100 * static_cast<double>(neighbours) / static_cast<double>(b.lo.size()));
        if (world == 1) EXPECT_EQ(share, 1.0);
    }
}

// The bounds walk every rank's accumulators row by row (RankAccumulators) rather than one dot
// product per element: random int8 GEMMs (zeros included, a bias, k up to 300, one and two ranks,
// with and without the int8 communication's comm scales) must give per element what the
// per-element path (QuantRankContribution, CommInt8Element) gives, and the exact value must be
// Σ_r (Σ_q x1·x2 + bias)·s_r computed here in int64.
TEST(QuantMatmulAllReduceOracle, BoundsAgreeWithThePerElementPath) {
    std::mt19937_64 rng(20261207);
    auto draw = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    for (int trial = 0; trial < 40; ++trial) {
        const int64_t m = draw(1, 6), k = draw(1, 300), n = draw(1, 7);
        const int world = static_cast<int>(draw(1, 2));
        const bool comm = trial % 2 == 1;
        const aclDataType out = trial % 4 < 2 ? ACL_FLOAT16 : ACL_BF16;
        std::vector<double> s1(static_cast<size_t>(n)), s2(static_cast<size_t>(n));
        for (int64_t j = 0; j < n; ++j) {
            s1[static_cast<size_t>(j)] = out == ACL_FLOAT16 ? F16(0.5 + 0.01 * static_cast<double>(draw(0, 300)))
                                                            : Bf16(0.5 + 0.01 * static_cast<double>(draw(0, 300)));
            s2[static_cast<size_t>(j)] = s1[static_cast<size_t>(j)] * 2;
        }
        std::vector<QuantMatmulAllReduceRank> ranks(static_cast<size_t>(world));
        for (QuantMatmulAllReduceRank &r : ranks) {
            r.x1 = Matrix{m, k, {}};
            r.x2 = Matrix{k, n, {}};
            for (int64_t e = 0; e < m * k; ++e) r.x1.v.push_back(draw(0, 3) == 0 ? 0.0 : static_cast<double>(draw(-128, 127)));
            for (int64_t e = 0; e < k * n; ++e) r.x2.v.push_back(static_cast<double>(draw(-128, 127)));
            r.bias = std::vector<double>();
            for (int64_t j = 0; j < n; ++j) r.bias->push_back(static_cast<double>(draw(-100000, 100000)));
            r.dequant_dtype = ACL_FLOAT;
            r.dequant = {F32(std::ldexp(1.0, -static_cast<int>(draw(10, 16))) * 1.25)};
            if (comm) {
                r.comm_scale1 = s1;
                r.comm_scale2 = s2;
            }
        }
        const Bounds b = QuantMatmulAllReduceBounds(ranks, out);
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) {
                const auto e = static_cast<size_t>(i * n + j);
                double exact = 0;
                std::vector<double> ys;
                for (const QuantMatmulAllReduceRank &r : ranks) {
                    int64_t acc = static_cast<int64_t>((*r.bias)[static_cast<size_t>(j)]);
                    for (int64_t q = 0; q < k; ++q) {
                        acc += static_cast<int64_t>(r.x1.v[static_cast<size_t>(i * k + q)]) *
                               static_cast<int64_t>(r.x2.v[static_cast<size_t>(q * n + j)]);
                    }
                    exact += static_cast<double>(acc) * r.dequant[0];
                    const QuantRankValue v = QuantRankContribution(r, i, j, out);
                    ASSERT_EQ(v.exact, static_cast<double>(acc) * r.dequant[0]);
                    ASSERT_EQ(v.lo, v.hi);  // FLOAT dequant without pertoken: one order
                    ys.push_back(v.lo);
                }
                if (comm) {
                    const double want = CommInt8Element(ys, s1[static_cast<size_t>(j)], s2[static_cast<size_t>(j)], out,
                                                        CommInt8Readings(out).front());
                    EXPECT_EQ(b.exact[e], want) << "trial " << trial << " element " << e;
                } else {
                    EXPECT_EQ(b.exact[e], exact) << "trial " << trial << " element " << e;
                    if (world == 1) {
                        EXPECT_EQ(b.lo[e], ys[0]) << "trial " << trial << " element " << e;
                        EXPECT_EQ(b.hi[e], ys[0]) << "trial " << trial << " element " << e;
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace mc2::oracle
