// tests/harness/fill_test.cc — the data fillers: every distribution yields representable,
// finite, not-all-zero values; the exact distribution's results do not depend on summation
// order; ties land on rounding midpoints; extremes stay finite; storage encode/decode round
// trips through strides, offsets, transposes and packed formats, and through the FRACTAL_NZ
// layout of an NZ-format weight.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "harness/fill/element.h"
#include "harness/fill/fill.h"
#include "harness/fill/storage.h"

namespace mc2::harness {
namespace {

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape, std::vector<int64_t> strides = {}, int64_t offset = 0) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.strides = std::move(strides);
    t.offset = offset;
    return t;
}

constexpr Dist kAllDists[] = {Dist::kNormal, Dist::kUniform, Dist::kCancel, Dist::kTies, Dist::kExtreme, Dist::kExact};
constexpr aclDataType kInputTypes[] = {ACL_FLOAT16, ACL_BF16,     ACL_FLOAT,        ACL_FLOAT8_E4M3FN,
                                       ACL_FLOAT8_E5M2, ACL_HIFLOAT8, ACL_FLOAT4_E2M1, ACL_INT8, ACL_INT4};

TEST(Fill, EveryDistributionIsRepresentableFiniteAndNotAllZero) {
    for (Dist dist : kAllDists) {
        for (aclDataType dt : kInputTypes) {
            for (aclDataType out : {ACL_FLOAT16, ACL_BF16, ACL_FLOAT}) {
                ContractionSpec c{out, dt, dt, 48, 4, 1};
                for (Role role : {Role::kLhs, Role::kRhs, Role::kAddend, Role::kOther}) {
                    const TensorSpec t = Tensor(dt, role == Role::kAddend ? std::vector<int64_t>{24}
                                                                         : std::vector<int64_t>{48, 48});
                    for (int rank = 0; rank < 4; ++rank) {
                        const auto v = FillValues(t, role, c, dist, 11, rank, "x");
                        ASSERT_EQ(v.size(), static_cast<size_t>(t.NumElements()));
                        EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x != 0; }))
                            << DistName(dist) << " dtype " << dt << " rank " << rank;
                        for (double x : v) {
                            ASSERT_TRUE(std::isfinite(x)) << DistName(dist) << " dtype " << dt;
                            ASSERT_EQ(RoundTo(dt, x), x) << DistName(dist) << " dtype " << dt << " value " << x;
                        }
                    }
                }
            }
        }
    }
}

TEST(Fill, DeterministicPerSeedRankAndName) {
    const TensorSpec t = Tensor(ACL_FLOAT16, {8, 8});
    const ContractionSpec c{ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 8, 2, 0};
    for (Dist dist : kAllDists) {
        EXPECT_EQ(FillValues(t, Role::kLhs, c, dist, 5, 1, "x1"), FillValues(t, Role::kLhs, c, dist, 5, 1, "x1"));
        EXPECT_NE(FillValues(t, Role::kLhs, c, dist, 5, 1, "x1"), FillValues(t, Role::kLhs, c, dist, 6, 1, "x1"));
        EXPECT_NE(FillValues(t, Role::kLhs, c, dist, 5, 0, "x1"), FillValues(t, Role::kLhs, c, dist, 5, 1, "x1"));
    }
}

// Sums Σ_r (x1_r @ x2_r + bias_r) for one element, rounding to `acc` after every addition,
// visiting the terms forwards or backwards.
struct World {
    std::vector<std::vector<double>> x1, x2, bias;
    int64_t m, k, n;
};

World MakeWorld(Dist dist, const ContractionSpec &c, int64_t m, int64_t n, bool bias) {
    World w{{}, {}, {}, m, c.k, n};
    for (int r = 0; r < c.world; ++r) {
        w.x1.push_back(FillValues(Tensor(c.lhs_dtype, {m, c.k}), Role::kLhs, c, dist, 3, r, "x1"));
        w.x2.push_back(FillValues(Tensor(c.rhs_dtype, {c.k, n}), Role::kRhs, c, dist, 3, r, "x2"));
        w.bias.push_back(bias ? FillValues(Tensor(c.out_dtype, {n}), Role::kAddend, c, dist, 3, r, "bias")
                              : std::vector<double>(static_cast<size_t>(n), 0.0));
    }
    return w;
}

std::vector<double> Terms(const World &w, int64_t i, int64_t j) {
    std::vector<double> terms;
    for (size_t r = 0; r < w.x1.size(); ++r) {
        for (int64_t p = 0; p < w.k; ++p) {
            terms.push_back(w.x1[r][static_cast<size_t>(i * w.k + p)] * w.x2[r][static_cast<size_t>(p * w.n + j)]);
        }
        terms.push_back(w.bias[r][static_cast<size_t>(j)]);
    }
    return terms;
}

double RoundedSum(const std::vector<double> &terms, aclDataType acc, bool backwards) {
    double s = 0;
    for (size_t t = 0; t < terms.size(); ++t) s = RoundTo(acc, s + terms[backwards ? terms.size() - 1 - t : t]);
    return s;
}

TEST(Fill, ExactResultsAreOrderIndependent) {
    struct Setup {
        aclDataType out;
        int64_t k;
        int world;
    };
    // Dense (fp16, k=32) and sparse rows (bf16 with k·world far beyond 256).
    for (const Setup s : {Setup{ACL_FLOAT16, 32, 4}, Setup{ACL_BF16, 200, 8}, Setup{ACL_FLOAT16, 1000, 2},
                          Setup{ACL_FLOAT, 64, 2}}) {
        const ContractionSpec c{s.out, ACL_FLOAT16, ACL_FLOAT16, s.k, s.world, 1};
        const World w = MakeWorld(Dist::kExact, c, 6, 5, true);
        int nonzero = 0;
        for (int64_t i = 0; i < w.m; ++i) {
            for (int64_t j = 0; j < w.n; ++j) {
                const std::vector<double> terms = Terms(w, i, j);
                const double exact = std::accumulate(terms.begin(), terms.end(), 0.0);
                double abs_sum = 0;
                for (double t : terms) abs_sum += std::fabs(t);
                EXPECT_LE(abs_sum, ExactBudget(s.out));
                // Accumulating in the output dtype itself, in two orders, gives the exact sum.
                EXPECT_EQ(RoundedSum(terms, s.out, false), exact);
                EXPECT_EQ(RoundedSum(terms, s.out, true), exact);
                nonzero += exact != 0;
            }
        }
        EXPECT_GT(nonzero, 0);
    }
}

TEST(Fill, TiesLandOnAndNearOutputMidpoints) {
    const ContractionSpec c{ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 16, 2, 1};
    const World w = MakeWorld(Dist::kTies, c, 8, 8, true);
    int ties = 0, near = 0;
    for (int64_t i = 0; i < w.m; ++i) {
        for (int64_t j = 0; j < w.n; ++j) {
            const std::vector<double> terms = Terms(w, i, j);
            const double s = std::accumulate(terms.begin(), terms.end(), 0.0);
            EXPECT_GE(s, 2048 - 0.25);
            EXPECT_LT(s, 4096);
            if (std::fmod(s, 2.0) == 1.0) ++ties;                              // exactly a midpoint
            if (std::fabs(std::fmod(s, 2.0) - 1.0) == 0.25 && s > 2048) ++near;  // a quarter off one
        }
    }
    EXPECT_GT(ties, 0);
    EXPECT_GT(near, 0);
}

TEST(Fill, ExtremesStayFiniteAndReachSubnormals) {
    const ContractionSpec c{ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 64, 2, 1};
    const World w = MakeWorld(Dist::kExtreme, c, 16, 16, true);
    const FormatInfo f16 = Info(ACL_FLOAT16);
    bool subnormal = false;
    for (const auto &v : w.x1) {
        for (double x : v) subnormal |= x != 0 && std::fabs(x) < f16.min_normal;
    }
    EXPECT_TRUE(subnormal);
    for (int64_t i = 0; i < w.m; ++i) {
        for (int64_t j = 0; j < w.n; ++j) {
            double abs_sum = 0;
            for (double t : Terms(w, i, j)) abs_sum += std::fabs(t);
            EXPECT_LE(abs_sum, f16.max_finite);
        }
    }
}

// ContractionSpec::result_max caps what the extreme data aim at (AddRmsNorm: |y| < 2^64, so
// its fp32 squares stay finite); without it bf16 results reach far beyond.
TEST(Fill, ExtremesKeepBelowTheResultMax) {
    ContractionSpec c{ACL_BF16, ACL_BF16, ACL_BF16, 64, 2, 1};
    auto largest = [](const World &w) {
        double most = 0;
        for (int64_t i = 0; i < w.m; ++i) {
            for (int64_t j = 0; j < w.n; ++j) {
                double abs_sum = 0;
                for (double t : Terms(w, i, j)) abs_sum += std::fabs(t);
                most = std::max(most, abs_sum);
            }
        }
        return most;
    };
    EXPECT_GT(largest(MakeWorld(Dist::kExtreme, c, 16, 16, true)), 0x1p64);
    c.result_max = 0x1p60;
    const double capped = largest(MakeWorld(Dist::kExtreme, c, 16, 16, true));
    EXPECT_LE(capped, 0x1p60);
    EXPECT_GT(capped, 0x1p40);  // still extreme
}

TEST(Fill, CancellationLeavesSmallResults) {
    const ContractionSpec c{ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 64, 2, 1};
    const World w = MakeWorld(Dist::kCancel, c, 8, 8, true);
    double worst = 0;
    for (int64_t i = 0; i < w.m; ++i) {
        for (int64_t j = 0; j < w.n; ++j) {
            const std::vector<double> terms = Terms(w, i, j);
            double abs_sum = 0;
            for (double t : terms) abs_sum += std::fabs(t);
            const double s = std::accumulate(terms.begin(), terms.end(), 0.0);
            EXPECT_NE(s, 0);
            worst = std::max(worst, std::fabs(s) / abs_sum);
        }
    }
    EXPECT_LT(worst, 0.05);  // at least 20x cancellation everywhere
}

// The int8 exchange's scales (QuantMatmulAllReduceV3's comm scales) must be identical on every
// rank whatever differs between the ranks' contractions (k, addends), positive and
// representable, and Out's element e near In's e times sqrt(world) (within the [0.5, 2) factor).
TEST(Fill, QuantScalesAreIdenticalOnEveryRankAndPositive) {
    for (Dist dist : kAllDists) {
        for (aclDataType dt : {ACL_FLOAT16, ACL_BF16}) {
            const TensorSpec t = Tensor(dt, {64});
            ContractionSpec c0{dt, ACL_INT8, ACL_INT8, 48, 4, 0};
            c0.shared_k = 48;
            c0.post_scale = {0.25, 1.0};
            ContractionSpec c1 = c0;
            c1.k = 7;  // rank 1's own k and addends
            c1.addends = 2;
            const auto in0 = FillValues(t, Role::kQuantScaleIn, c0, dist, 9, 0, "comm_quant_scale_1");
            const auto in1 = FillValues(t, Role::kQuantScaleIn, c1, dist, 9, 1, "comm_quant_scale_1");
            const auto out0 = FillValues(t, Role::kQuantScaleOut, c0, dist, 9, 0, "comm_quant_scale_2");
            const auto out3 = FillValues(t, Role::kQuantScaleOut, c1, dist, 9, 3, "comm_quant_scale_2");
            EXPECT_EQ(in0, in1);
            EXPECT_EQ(out0, out3);
            for (size_t e = 0; e < in0.size(); ++e) {
                ASSERT_GT(in0[e], 0);
                ASSERT_EQ(RoundTo(dt, in0[e]), in0[e]);
                const double ratio = out0[e] / (in0[e] * 2);  // sqrt(world 4) = 2
                EXPECT_GE(ratio, 0.49);
                EXPECT_LE(ratio, 2.02);
            }
            // A different seed draws different scales.
            EXPECT_NE(in0, FillValues(t, Role::kQuantScaleIn, c0, dist, 10, 0, "comm_quant_scale_1"));
        }
    }
}

TEST(Storage, RoundTripsThroughStridesOffsetsAndPackedFormats) {
    std::vector<TensorSpec> layouts = {
        Tensor(ACL_FLOAT16, {5, 7}),
        Tensor(ACL_FLOAT16, {5, 7}, {1, 5}),          // transposed view of a [7,5] storage
        Tensor(ACL_BF16, {4, 6}, {8, 1}, 3),          // padded rows and an offset
        Tensor(ACL_FLOAT, {3, 4}, {1, 3}),
        Tensor(ACL_INT4, {6, 5}, {1, 6}),             // nibbles, transposed
        Tensor(ACL_FLOAT4_E2M1, {3, 8}, {10, 1}, 1),  // nibbles, padded, odd offset
        Tensor(ACL_FLOAT8_E4M3FN, {2, 3, 4}),
        Tensor(ACL_INT8, {9}),
    };
    TensorSpec explicit_storage = Tensor(ACL_FLOAT16, {4, 4});
    explicit_storage.storage_shape = {40};
    layouts.push_back(explicit_storage);
    for (const TensorSpec &t : layouts) {
        const ContractionSpec c{ACL_FLOAT16, t.dtype, t.dtype, t.shape.back(), 1, 0};
        const auto values = FillValues(t, Role::kLhs, c, Dist::kNormal, 9, 0, "x");
        const auto bytes = EncodeStorage(t, values);
        ASSERT_EQ(bytes.size(), StorageBytes(t));
        const oracle::Matrix m = DecodeStorage(t, bytes);
        EXPECT_EQ(m.cols, t.shape.back());
        EXPECT_EQ(m.rows * m.cols, t.NumElements());
        EXPECT_EQ(m.v, values) << "dtype " << t.dtype;
        // Storage the view does not reach holds the canary.
        std::vector<bool> in_view(static_cast<size_t>(StorageCapacity(t)), false);
        for (int64_t i : ViewIndices(t)) in_view[static_cast<size_t>(i)] = true;
        for (size_t i = 0; i < in_view.size(); ++i) {
            if (!in_view[i]) {
                EXPECT_EQ(LoadCode(bytes.data(), StorageBits(t.dtype), static_cast<int64_t>(i)), CanaryFor(t.dtype));
            }
        }
    }
    // k = 0: an (m, 0) x1 still has m rows (the oracle needs them to shape its [m, n] result).
    for (const std::vector<int64_t> &shape : {std::vector<int64_t>{16, 0}, std::vector<int64_t>{4, 3, 0}}) {
        const TensorSpec empty = Tensor(ACL_FLOAT16, shape);
        const oracle::Matrix m = DecodeStorage(empty, {});
        EXPECT_EQ(m.cols, 0);
        EXPECT_EQ(m.rows, shape.size() == 2 ? 16 : 12);
        EXPECT_TRUE(m.v.empty());
    }
    // A transposed view: element (i, j) lives at storage j*5 + i.
    const TensorSpec tt = Tensor(ACL_FLOAT16, {5, 7}, {1, 5});
    std::vector<double> ramp(35);
    std::iota(ramp.begin(), ramp.end(), 1.0);
    const auto bytes = EncodeStorage(tt, ramp);
    EXPECT_EQ(DecodeElement(ACL_FLOAT16, LoadCode(bytes.data(), 16, 2 * 5 + 3)), ramp[3 * 7 + 2]);
}

TEST(Storage, PoisonFillsEveryElement) {
    for (aclDataType dt : {ACL_FLOAT16, ACL_BF16, ACL_FLOAT, ACL_FLOAT8_E5M2, ACL_INT32, ACL_FLOAT4_E2M1}) {
        const TensorSpec t = Tensor(dt, {3, 5}, {8, 1}, 2);
        const auto bytes = PoisonStorage(t);
        const Poison p = PoisonFor(dt);
        for (int64_t i = 0; i < StorageCapacity(t); ++i) EXPECT_EQ(LoadCode(bytes.data(), StorageBits(dt), i), p.code);
        if (p.impossible) {
            EXPECT_TRUE(std::isnan(DecodeElement(dt, p.code))) << dt;
        }
    }
}

// The poison and canary fills copy one element over the storage instead of storing each code:
// the bytes must be exactly those of StoreCode at every index, for every storage width and for
// odd and even counts of 4-bit codes (whose last byte is then half a code).
TEST(Storage, WholeStorageFillsEqualStoringEveryCode) {
    for (aclDataType dt : {ACL_FLOAT16, ACL_FLOAT, ACL_INT8, ACL_INT64, ACL_COMPLEX128, ACL_INT4, ACL_FLOAT4_E2M1}) {
        for (int64_t n : {1, 2, 3, 7, 8, 9, 64, 1001}) {
            const TensorSpec t = Tensor(dt, {n});
            const int bits = StorageBits(dt);
            std::vector<uint8_t> want(BytesFor(bits, n), 0);
            for (int64_t i = 0; i < n; ++i) StoreCode(want.data(), bits, i, PoisonFor(dt).code);
            EXPECT_EQ(PoisonStorage(t), want) << dt << " n=" << n;
            std::fill(want.begin(), want.end(), 0);
            for (int64_t i = 0; i < n; ++i) StoreCode(want.data(), bits, i, CanaryFor(dt));
            // An empty view leaves only the canary (explicit values: none given).
            TensorSpec gap = Tensor(dt, {0});
            gap.storage_shape = {n};
            EXPECT_EQ(EncodeExplicit(gap), want) << dt << " n=" << n;
        }
    }
}

// Sizes a fuzzer can write must never wrap round (found by the fuzzers: float16[2^62] made
// elements·bits overflow, and RunCase took the wrapped byte count for a small tensor).
TEST(Sizes, ByteCountsSaturateInsteadOfOverflowing) {
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    constexpr int64_t kBig = int64_t{1} << 62;  // 4611686018427387904
    EXPECT_EQ(BytesFor(16, kBig), size_t{1} << 63);  // elements·bits = 2^66 overflowed int64
    EXPECT_EQ(BytesFor(64, kBig), kMax);
    EXPECT_EQ(BytesFor(128, std::numeric_limits<int64_t>::max()), kMax);
    EXPECT_EQ(BytesFor(8, std::numeric_limits<int64_t>::max()), static_cast<size_t>(std::numeric_limits<int64_t>::max()));
    EXPECT_EQ(BytesFor(4, 3), 2u);
    EXPECT_EQ(BytesFor(4, 16), 8u);
    EXPECT_EQ(BytesFor(16, 5), 10u);
    EXPECT_EQ(BytesFor(128, 3), 48u);
    EXPECT_EQ(BytesFor(16, 0), 0u);
    EXPECT_EQ(BytesFor(16, -5), 0u);
    EXPECT_EQ(StorageBytes(Tensor(ACL_FLOAT16, {kBig})), size_t{1} << 63);
    EXPECT_EQ(StorageBytes(Tensor(ACL_DOUBLE, {kBig})), kMax);
    EXPECT_EQ(StorageBytes(Tensor(ACL_FLOAT, {kBig, kBig})), kMax);
    EXPECT_EQ(StorageBytes(Tensor(ACL_INT4, {kBig})), static_cast<size_t>(kBig / 2));
}

// The rest is UB-free only with checked arithmetic; under -fsanitize=undefined these cases
// abort without it.
TEST(Sizes, ViewAddressesThatOverflowAreOutsideTheStorage) {
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMaxI = std::numeric_limits<int64_t>::max();
    const struct {
        TensorSpec t;
        std::vector<int64_t> where;
    } cases[] = {
        {Tensor(ACL_FLOAT16, {2}, {-1}, kMin), {-1, -1}},           // INT64_MIN - 1
        {Tensor(ACL_FLOAT16, {3}, {kMaxI}, 0), {0, -1, -1}},         // 2·INT64_MAX
        {Tensor(ACL_FLOAT16, {2, 2}, {kMin, -1}, 0), {0, -1, -1, -1}},
        {Tensor(ACL_FLOAT16, {2}, {kMin}, -1), {-1, -1}},
        {Tensor(ACL_FLOAT16, {2}, {2}, kMaxI - 1), {kMaxI - 1, -1}}, // offset + stride past INT64_MAX
    };
    for (const auto &[t, where] : cases) {
        EXPECT_EQ(ViewIndices(t), where);
        EXPECT_EQ(ViewCodes(t, {}).size(), where.size());
    }
}

TEST(Sizes, RowsOfAnEmptyTensorSaturate) {
    // (2^40, 2^40, 0): no element, but the leading dims multiply past int64.
    const TensorSpec t = Tensor(ACL_FLOAT16, {int64_t{1} << 40, int64_t{1} << 40, 0});
    ASSERT_EQ(t.NumElements(), 0);
    const oracle::Matrix m = DecodeStorage(t, {});
    EXPECT_EQ(m.cols, 0);
    EXPECT_EQ(m.rows, std::numeric_limits<int64_t>::max());
    EXPECT_TRUE(m.v.empty());
}

TEST(Sizes, ExtremeFillWithAHugeContractionLength) {
    // k is x1's last dim as the case writes it; a bias of a case with k = INT64_MAX still fills.
    for (int64_t k : {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), int64_t{0}}) {
        const ContractionSpec c{ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, k, 2, 2};
        for (Dist d : kAllDists) {
            for (Role role : {Role::kAddend, Role::kLhs, Role::kRhs}) {
                const auto v = FillValues(Tensor(ACL_FLOAT16, {4}), role, c, d, 1, 0, "bias");
                ASSERT_EQ(v.size(), 4u);
                for (double x : v) EXPECT_TRUE(std::isfinite(x));
            }
        }
    }
}

}  // namespace

// Found by api_fuzzer: a zero dim after dims whose product overflows made the storage saturate
// to 2^64 bytes instead of 0 (the harness then refused an empty tensor as too big).
TEST(Storage, ZeroDimAfterHugeDimsIsEmpty) {
    TensorSpec t;
    t.dtype = ACL_FLOAT16;
    t.shape = {26, std::numeric_limits<int64_t>::max(), 24, 0, 0};
    EXPECT_EQ(StorageCapacity(t), 0);
    EXPECT_EQ(StorageBytes(t), 0u);
}

namespace {

TEST(Storage, NzWeightIsLaidOutInTilesWithZeroPadding) {
    // int8 (2, 3) declared FRACTAL_NZ with its NZ storage (1, 1, 16, 32): the logical rows land at
    // bytes 0..2 and 32..34 (one tile row of 32 further), every other byte is padding = 0.
    TensorSpec t = Tensor(ACL_INT8, {2, 3});
    t.format = ACL_FORMAT_FRACTAL_NZ;
    t.storage_shape = {1, 1, 16, 32};
    ASSERT_TRUE(HoldsNzWeight(t));
    const std::vector<double> logical = {1, 2, 3, -4, -5, -6};
    const std::vector<uint8_t> bytes = EncodeStorage(t, logical);
    std::vector<uint8_t> expected(512, 0);
    expected[0] = 1, expected[1] = 2, expected[2] = 3;
    expected[32] = 0xFC, expected[33] = 0xFB, expected[34] = 0xFA;  // -4, -5, -6
    EXPECT_EQ(bytes, expected);
    EXPECT_EQ(DecodeStorage(t, bytes).v, logical);
    EXPECT_EQ(ViewIndices(t), (std::vector<int64_t>{0, 1, 2, 32, 33, 34}));
    // FillCodes leaves the padding zero too.
    const std::vector<uint8_t> codes = FillCodes(t, 3, 0, "x2");
    for (size_t i = 0; i < 512; ++i) {
        if (i > 2 && (i < 32 || i > 34)) ASSERT_EQ(codes[i], 0) << i;
    }
}

TEST(Storage, NzRoundTripAtTileEdgesAndOnlyForTheExactNzStorage) {
    // 17×33 fp16: 3 column tiles × 2 row tiles of 16×16; (16, 16) is tile 1·2 + 1 = 3, first slot.
    TensorSpec t = Tensor(ACL_FLOAT16, {17, 33});
    t.format = ACL_FORMAT_FRACTAL_NZ;
    t.storage_shape = {3, 2, 16, 16};
    ASSERT_TRUE(HoldsNzWeight(t));
    EXPECT_EQ(ViewIndices(t)[16 * 33 + 16], 3 * 256);
    std::vector<double> v(17 * 33);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 50) - 25;
    EXPECT_EQ(DecodeStorage(t, EncodeStorage(t, v)).v, v);
    // Not an NZ weight: another storage shape, an offset, or format ND keep the strided addressing.
    TensorSpec other = t;
    other.storage_shape = {3 * 2 * 16 * 16};
    EXPECT_FALSE(HoldsNzWeight(other));
    other = t;
    other.format = ACL_FORMAT_ND;
    EXPECT_FALSE(HoldsNzWeight(other));
    other = t;
    other.offset = 1;
    EXPECT_FALSE(HoldsNzWeight(other));
    other = t;
    other.dtype = ACL_INT8;  // int8 tiles are 32 wide: (2, 2, 16, 32), not (3, 2, 16, 16)
    EXPECT_FALSE(HoldsNzWeight(other));
}

TEST(Storage, StorageCodesCoverTheWholeCapacity) {
    TensorSpec t = Tensor(ACL_FLOAT16, {2, 2}, {1, 2});
    t.storage_shape = {10};
    const std::vector<uint8_t> bytes = EncodeStorage(t, std::vector<double>{1, 2, 3, 4});
    const std::vector<uint64_t> codes = StorageCodes(t, bytes);
    ASSERT_EQ(codes.size(), 10u);
    EXPECT_EQ(codes[0], 0x3C00u);  // 1.0 at storage 0
    EXPECT_EQ(codes[2], 0x4000u);  // 2.0: view (0, 1) at stride 2
    EXPECT_EQ(codes[9], CanaryFor(ACL_FLOAT16));
}

}  // namespace
}  // namespace mc2::harness
