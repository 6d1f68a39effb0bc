// tests/codecs/oracle_codecs_test.cc — the oracle's codebook codecs against the documented
// facts alone: the executed test vectors of formats.md §11, the en_dtypes column of the E8M0
// table (§8) and the complete HiFloat8 code table (§6.3). No impl/ code is involved.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"
#include "oracle/codecs/packing.h"

namespace mc2::oracle {
namespace {

constexpr Saturation kNone = Saturation::kNone;
constexpr Saturation kFinite = Saturation::kFinite;

float F(uint32_t bits) { return std::bit_cast<float>(bits); }

// One row of a §11 table: float32 input bits, the code without and with saturation.
struct Vector {
    uint32_t f32;
    uint32_t none;
    uint32_t finite;
};

void CheckVectors(const Format &f, const std::vector<Vector> &rows) {
    for (const Vector &r : rows) {
        EXPECT_EQ(Encode(f, F(r.f32), kNone), r.none)
            << f.name << " kNone input 0x" << std::hex << r.f32;
        EXPECT_EQ(Encode(f, F(r.f32), kFinite), r.finite)
            << f.name << " kFinite input 0x" << std::hex << r.f32;
    }
}

TEST(OracleCodecs, Float16Vectors) {
    CheckVectors(kFloat16, {
        {0x3F800000, 0x3C00, 0x3C00}, {0xC0200000, 0xC100, 0xC100},
        {0x477FE000, 0x7BFF, 0x7BFF}, {0x477FEFFF, 0x7BFF, 0x7BFF},
        {0x477FF000, 0x7C00, 0x7BFF},  // 65520: tie to even overflows
        {0x33800000, 0x0001, 0x0001}, {0x33000000, 0x0000, 0x0000},
        {0x33000001, 0x0001, 0x0001}, {0x3F801000, 0x3C00, 0x3C00},
        {0x3F803000, 0x3C02, 0x3C02}, {0x3DCCCCCD, 0x2E66, 0x2E66},
        {0x387FE000, 0x0400, 0x0400}, {0x80000000, 0x8000, 0x8000},
        {0x7FC00000, 0x7E00, 0x7E00}, {0xFFC00000, 0xFE00, 0xFE00},
        {0x7F800001, 0x7E00, 0x7E00},
        {0x7F800000, 0x7C00, 0x7BFF}, {0xFF800000, 0xFC00, 0xFBFF},
    });
}

TEST(OracleCodecs, Bf16Vectors) {
    CheckVectors(kBf16, {
        {0x3F808000, 0x3F80, 0x3F80}, {0x3F818000, 0x3F82, 0x3F82},
        {0x3F808001, 0x3F81, 0x3F81}, {0x40490FDB, 0x4049, 0x4049},
        {0x7F7F7FFF, 0x7F7F, 0x7F7F},
        {0x7F7F8000, 0x7F80, 0x7F7F},  // tie at max goes to even: Inf
        {0x00008000, 0x0000, 0x0000}, {0x00018000, 0x0002, 0x0002},
        {0x80000000, 0x8000, 0x8000},
        {0x7FC00000, 0x7FC0, 0x7FC0}, {0xFFC00000, 0xFFC0, 0xFFC0},
        {0x7F800001, 0x7FC0, 0x7FC0}, {0xFF800001, 0xFFC0, 0xFFC0},
        {0xFF800000, 0xFF80, 0xFF7F},
    });
}

TEST(OracleCodecs, Float8E4m3fnVectors) {
    CheckVectors(kFloat8E4m3fn, {
        {0x3F800000, 0x38, 0x38}, {0x3F880000, 0x38, 0x38}, {0x3F980000, 0x3A, 0x3A},
        {0x43E00000, 0x7E, 0x7E},
        {0x43E80000, 0x7E, 0x7E},  // 464: tie between 448 and the NaN slot goes to 448
        {0x43E80001, 0x7F, 0x7E}, {0x43F00000, 0x7F, 0x7E},
        {0x3B000000, 0x01, 0x01}, {0x3A800000, 0x00, 0x00}, {0x3A800001, 0x01, 0x01},
        {0x3AC00000, 0x01, 0x01}, {0xBF800000, 0xB8, 0xB8}, {0x80000000, 0x80, 0x80},
        {0x7F800000, 0x7F, 0x7E}, {0xFF800000, 0xFF, 0xFE},  // kFinite: OCP SAT
        {0x7FC00000, 0x7F, 0x7F}, {0xFFC00000, 0xFF, 0xFF},
    });
}

TEST(OracleCodecs, Float8E5m2Vectors) {
    CheckVectors(kFloat8E5m2, {
        {0x3F900000, 0x3C, 0x3C}, {0x3FB00000, 0x3E, 0x3E}, {0x47600000, 0x7B, 0x7B},
        {0x476FFFFF, 0x7B, 0x7B}, {0x47700000, 0x7C, 0x7B}, {0x37800000, 0x01, 0x01},
        {0x37000000, 0x00, 0x00}, {0x37000001, 0x01, 0x01}, {0xC0400000, 0xC2, 0xC2},
        {0x7F800000, 0x7C, 0x7B},  // kFinite clamps Inf (OCP SAT; ml_dtypes keeps 0x7C)
        {0x7FC00000, 0x7E, 0x7E}, {0xFFC00000, 0xFE, 0xFE},
    });
}

TEST(OracleCodecs, Float4E2m1Vectors) {
    const Format &f = kFloat4E2m1;
    struct Row {
        float x;
        uint32_t code;
    };
    const Row rows[] = {
        {0.0f, 0x0},  {-0.0f, 0x8}, {0.25f, 0x0}, {0.26f, 0x1}, {0.75f, 0x2},
        {1.25f, 0x2}, {1.75f, 0x4}, {2.5f, 0x4},  {3.5f, 0x6},  {5.0f, 0x6},
        {5.01f, 0x7}, {7.0f, 0x7},  {100.0f, 0x7}, {INFINITY, 0x7}, {-3.0f, 0xD},
        {-0.25f, 0x8}, {-INFINITY, 0xF},
    };
    for (const Row &r : rows) {
        // FP4 has no Inf: both modes clamp (formats.md §7).
        EXPECT_EQ(Encode(f, r.x, kNone), r.code) << r.x;
        EXPECT_EQ(Encode(f, r.x, kFinite), r.code) << r.x;
    }
    // NaN input is implementation-defined; the oracle's choice is +0 (README).
    EXPECT_EQ(Encode(f, NAN, kNone), 0x0u);
    const double values[] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    for (uint32_t c = 0; c < 8; ++c) {
        EXPECT_EQ(Decode(f, c), values[c]);
        EXPECT_EQ(Decode(f, c + 8), -values[c]);
    }
    EXPECT_TRUE(std::signbit(Decode(f, 0x8)));
}

TEST(OracleCodecs, Float4E1m2Values) {
    const Format &f = kFloat4E1m2;
    for (uint32_t c = 0; c < 8; ++c) {
        EXPECT_EQ(Decode(f, c), 0.25 * c);  // 0, 0.25, ..., 1.75 (en_dtypes README)
    }
    EXPECT_EQ(Encode(f, 0.125f), 0x0u);   // tie to even code 0
    EXPECT_EQ(Encode(f, 0.375f), 0x2u);   // tie between codes 1 and 2
    EXPECT_EQ(Encode(f, 1.875f), 0x7u);   // above max
    EXPECT_EQ(Encode(f, 2.0f, kNone), 0x7u);
    EXPECT_EQ(Encode(f, -INFINITY, kNone), 0xFu);
}

TEST(OracleCodecs, Float8E8m0EnDtypesColumn) {
    const Format &f = kFloat8E8m0;
    // formats.md §8, en_dtypes column (truncation; NaN for zero, negative, Inf, NaN), except
    // below 2^-127: the OCP MX scale rule clamps floor(log2 amax) at -127, so every positive
    // fp32 subnormal (exponent field 0) is 0x00 (as ml_dtypes gives for 2^-128; en_dtypes: NaN).
    CheckVectors(f, {
        {0x3F800000, 0x7F, 0x7F},                 // 1.0
        {0x3FC00000, 0x7F, 0x7F},                 // 1.5 truncates
        {0x3FBFFFFF, 0x7F, 0x7F},                 // 1.4999999
        {0x3F400000, 0x7E, 0x7E},                 // 0.75
        {0x7F400000, 0xFE, 0xFE},                 // 1.5·2^127
        {0x00400000, 0x00, 0x00},                 // 2^-127
        {0x00400001, 0x00, 0x00},
        {0x007FFFFF, 0x00, 0x00},                 // largest subnormal
        {0x00800000, 0x01, 0x01},                 // 2^-126, smallest normal
        {0x00200000, 0x00, 0x00},                 // 2^-128: clamped to 2^-127
        {0x003FFFFF, 0x00, 0x00},
        {0x00000001, 0x00, 0x00},                 // 2^-149, smallest subnormal
        {0x00000000, 0xFF, 0x00},                 // 0.0
        {0xBF800000, 0xFF, 0x00},                 // -1.0
        {0x7F800000, 0xFF, 0xFE},                 // Inf
        {0x7FC00000, 0xFF, 0xFF},                 // NaN
    });
    EXPECT_EQ(Decode(f, 0x00), std::ldexp(1.0, -127));
    EXPECT_EQ(std::bit_cast<uint32_t>(static_cast<float>(Decode(f, 0x00))), 0x00400000u);
    EXPECT_EQ(Decode(f, 0x7F), 1.0);
    EXPECT_EQ(Decode(f, 0xFE), std::ldexp(1.0, 127));
    EXPECT_TRUE(std::isnan(Decode(f, 0xFF)));
    EXPECT_EQ(Encode(f, std::ldexp(1.0, 128), kNone), 0xFFu);
    EXPECT_EQ(Encode(f, std::ldexp(1.0, 128), kFinite), 0xFEu);
}

// The OCP MX scale rule as an independent model: the code of a positive finite x is
// clamp(floor(log2 x), -127, 127) + 127, with floor(log2 x) taken from std::frexp (x = m·2^e,
// m in [0.5, 1): floor(log2 x) = e - 1), above 2^127·2 NaN without saturation and 0xFE with.
// Checked at every power of two of float32 (subnormals included) and its float32 neighbours,
// and at every float32 subnormal.
uint32_t E8m0Model(float x, Saturation sat) {
    int e = 0;
    std::frexp(static_cast<double>(x), &e);
    const int floor_log2 = e - 1;
    if (floor_log2 > 127) return sat == kFinite ? 0xFEu : 0xFFu;
    return static_cast<uint32_t>(std::max(floor_log2, -127) + 127);
}

TEST(OracleCodecs, Float8E8m0EveryBoundaryAgainstTheScaleRule) {
    const Format &f = kFloat8E8m0;
    int checked = 0;
    for (int p = -149; p <= 127; ++p) {
        const float at = std::ldexp(1.0f, p);
        for (const float x : {std::nextafter(at, 0.0f), at, std::nextafter(at, INFINITY)}) {
            if (!(x > 0.0f) || std::isinf(x)) continue;
            for (const Saturation sat : {kNone, kFinite}) {
                ASSERT_EQ(Encode(f, x, sat), E8m0Model(x, sat)) << std::hexfloat << x;
                ++checked;
            }
        }
    }
    for (uint32_t bits = 1; bits < 0x00800000u; ++bits) {
        ASSERT_EQ(Encode(f, F(bits), kNone), 0x00u) << std::hex << bits;
    }
    EXPECT_EQ(Encode(f, std::numeric_limits<float>::max(), kNone), 0xFEu);
    EXPECT_EQ(Encode(f, std::ldexp(1.0, -1000), kNone), 0x00u);  // a double below float32 too
    EXPECT_GT(checked, 1600);
}

TEST(OracleCodecs, Hifloat8Vectors) {
    const Format &f = kHifloat8;
    struct Row {
        uint32_t f32;
        uint32_t code;
        double decoded;
    };
    const Row rows[] = {
        {0x3F800000, 0x08, 1.0},
        {0x3F880000, 0x09, 1.125},
        {0x3F8C0000, 0x09, 1.125},
        {0x3FF80000, 0x10, 2.0},
        {0x41780000, 0x40, 16.0},
        {0x418C0000, 0x40, 16.0},
        {0x41900000, 0x41, 20.0},
        {0x43900000, 0x60, 256.0},
        {0x46E00000, 0x6E, 32768.0},
        {0x46F00000, 0x6E, 32768.0},
        {0x471FFFFF, 0x6E, 32768.0},
        {0x38000000, 0x7E, std::ldexp(1.0, -15)},
        {0x38400000, 0x7F, std::ldexp(1.5, -15)},
        {0x37C00000, 0x7E, std::ldexp(1.0, -15)},
        {0x37A00000, 0x07, std::ldexp(1.0, -16)},
        {0x34800000, 0x01, std::ldexp(1.0, -22)},
        {0x34000000, 0x01, std::ldexp(1.0, -22)},
        {0x33FFFFFF, 0x00, 0.0},
        {0x35400000, 0x03, std::ldexp(1.0, -20)},
        {0x3DCCCCCD, 0x52, 0.09375},
        {0x3EAAAAAB, 0x33, 0.34375},
        {0x40490FDB, 0x15, 3.25},
        {0xC0490FDB, 0x95, -3.25},
        {0xB3FFFFFF, 0x00, 0.0},
        {0xB4000000, 0x81, -std::ldexp(1.0, -22)},
        {0x80000000, 0x00, 0.0},
    };
    for (const Row &r : rows) {
        EXPECT_EQ(Encode(f, F(r.f32), kNone), r.code) << "input 0x" << std::hex << r.f32;
        EXPECT_EQ(Encode(f, F(r.f32), kFinite), r.code) << "input 0x" << std::hex << r.f32;
        EXPECT_EQ(Decode(f, r.code), r.decoded) << "code 0x" << std::hex << r.code;
    }
    CheckVectors(f, {
        {0x47200000, 0x6F, 0x6E},  // 40960: overflow threshold, ties away
        {0x47400000, 0x6F, 0x6E},
        {0x7F800000, 0x6F, 0x6E}, {0xFF800000, 0xEF, 0xEE},
        {0x7FC00000, 0x80, 0x80}, {0xFFC00000, 0x80, 0x80},
    });
    EXPECT_TRUE(std::isinf(Decode(f, 0x6F)) && Decode(f, 0x6F) > 0);
    EXPECT_TRUE(std::isinf(Decode(f, 0xEF)) && Decode(f, 0xEF) < 0);
    EXPECT_TRUE(std::isnan(Decode(f, 0x80)));
}

// The complete positive HiFloat8 table of formats.md §6.3, transcribed row by row.
TEST(OracleCodecs, Hifloat8CompleteTable) {
    std::vector<double> table;
    auto p = [](double a, int q) { return std::ldexp(a, q); };
    // 0x00-0x07: zero and the denormals 2^-22..2^-16.
    table.push_back(0.0);
    for (int q = -22; q <= -16; ++q) {
        table.push_back(p(1, q));
    }
    // Rows of eight 3-bit-mantissa values of one binade each.
    for (int q : {0, 1, -1, 2, 3, -2, -3}) {
        for (double a : {1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875}) {
            table.push_back(p(a, q));
        }
    }
    // Rows of two 2-bit-mantissa binades each.
    for (int q : {4, 6, -4, -6}) {
        for (int dq : {0, 1}) {
            for (double a : {1.0, 1.25, 1.5, 1.75}) {
                table.push_back(p(a, q > 0 ? q + dq : q - dq));
            }
        }
    }
    // Rows of four 1-bit-mantissa binades each; 0x6F is +Inf.
    for (int q : {8, 12, -8, -12}) {
        for (int dq = 0; dq < 4; ++dq) {
            for (double a : {1.0, 1.5}) {
                table.push_back(p(a, q > 0 ? q + dq : q - dq));
            }
        }
    }
    ASSERT_EQ(table.size(), 128u);
    table[0x6F] = std::numeric_limits<double>::infinity();
    const Format &f = kHifloat8;
    for (uint32_t c = 0; c < 128; ++c) {
        EXPECT_EQ(Decode(f, c), table[c]) << "code 0x" << std::hex << c;
        if (c != 0) {
            EXPECT_EQ(Decode(f, c | 0x80), -table[c]) << "code 0x" << std::hex << (c | 0x80);
        }
    }
    EXPECT_EQ(Decode(f, 0x6E), 32768.0);
    EXPECT_EQ(Decode(f, 0x7E), std::ldexp(1.0, -15));
}

// Every finite code encodes back to itself in both modes (HiF8 has no -0; NaN codes are
// canonicalised).
TEST(OracleCodecs, EveryFiniteCodeRoundTrips) {
    for (const Format &f : AllFormats()) {
        for (uint32_t c = 0; c < CodeCount(f); ++c) {
            const double v = Decode(f, c);
            if (!std::isfinite(v)) {
                continue;
            }
            EXPECT_EQ(Encode(f, v, kNone), c) << f.name << " code " << c;
            EXPECT_EQ(Encode(f, v, kFinite), c) << f.name << " code " << c;
        }
    }
}

TEST(OracleCodecs, OverflowThresholds) {
    EXPECT_EQ(OverflowThreshold(kFloat16), 65520.0);
    EXPECT_EQ(OverflowThreshold(kBf16), static_cast<double>(F(0x7F7F8000)));
    EXPECT_EQ(OverflowThreshold(kFloat8E4m3fn), 464.0);
    EXPECT_EQ(OverflowThreshold(kFloat8E5m2), 61440.0);
    EXPECT_EQ(OverflowThreshold(kHifloat8), 40960.0);
    EXPECT_EQ(OverflowThreshold(kFloat4E2m1), 7.0);
    EXPECT_EQ(MaxFiniteCode(kFloat16), 0x7BFFu);
    EXPECT_EQ(MaxFiniteCode(kFloat8E4m3fn), 0x7Eu);
    EXPECT_EQ(MaxFiniteCode(kHifloat8), 0x6Eu);
    EXPECT_EQ(MaxFiniteCode(kFloat8E8m0), 0xFEu);
    // Double inputs are encoded exactly: 65520 - 2^-30 is below the threshold.
    EXPECT_EQ(Encode(kFloat16, 65520.0 - std::ldexp(1.0, -30)), 0x7BFFu);
}

TEST(OracleCodecs, FormatTable) {
    ASSERT_EQ(AllFormats().size(), 8u);
    const struct {
        const char *name;
        int bits;
        int dtype;
    } expected[] = {{"float16", 16, 1},       {"bf16", 16, 27},        {"float8_e4m3fn", 8, 36},
                    {"float8_e5m2", 8, 35},   {"hifloat8", 8, 34},     {"float4_e2m1", 4, 40},
                    {"float4_e1m2", 4, 41},   {"float8_e8m0", 8, 37}};
    for (const auto &e : expected) {
        const Format *f = FindFormat(e.name);
        ASSERT_NE(f, nullptr) << e.name;
        EXPECT_EQ(f->bits, e.bits);
        EXPECT_EQ(f->acl_dtype, e.dtype);
        EXPECT_EQ(FindFormatByDtype(e.dtype), f);
    }
    EXPECT_EQ(FindFormat("float32"), nullptr);
    EXPECT_EQ(FindFormat("FLOAT16"), nullptr);
    EXPECT_THROW(Decode(kFloat8E5m2, 0x100), std::out_of_range);
}

TEST(OraclePacking, Int4) {
    const uint8_t packed[] = {0x7F, 0x80, 0xE1};
    const int expected[] = {-1, 7, 0, -8, 1, -2};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(UnpackInt4(packed, i), expected[i]) << i;
    }
    EXPECT_EQ(UnpackNibble(packed, 0), 0xFu);
    EXPECT_EQ(UnpackNibble(packed, 5), 0xEu);
}

TEST(OraclePacking, DequantScaleWord) {
    // out = (bits(scale) & 0xFFFFE000) | 1<<46 | (offset & 0x1FF) << 37 (formats.md §9).
    const uint64_t word = 0x3F801FFFull | (uint64_t{1} << 46) | (uint64_t{0x1FF} << 37);
    EXPECT_EQ(DequantScale(word), 1.0);  // the low 13 mantissa bits are dropped
    EXPECT_EQ(DequantOffset(word), -1);
    EXPECT_TRUE(DequantFlag(word));
    EXPECT_EQ(DequantOffset(uint64_t{0x100} << 37), -256);
    EXPECT_EQ(DequantOffset(uint64_t{0x0FF} << 37), 255);
    EXPECT_EQ(TruncateToFp19(static_cast<double>(F(0x3FFFFFFF))),
              static_cast<double>(F(0x3FFFE000)));
    EXPECT_EQ(TruncateToFp19(static_cast<double>(F(0xBFFFFFFF))),
              static_cast<double>(F(0xBFFFE000)));
    EXPECT_EQ(TruncateToFp19(static_cast<double>(F(0x00003FFF))),
              static_cast<double>(F(0x00002000)));  // subnormal: multiples of 2^-136
    EXPECT_TRUE(std::signbit(TruncateToFp19(static_cast<double>(F(0x80001FFF)))));
    EXPECT_EQ(RoundDequantOffset(2.5), 2);
    EXPECT_EQ(RoundDequantOffset(3.5), 4);
    EXPECT_EQ(RoundDequantOffset(-2.5), -2);
    EXPECT_EQ(RoundDequantOffset(300.0), 255);
    EXPECT_EQ(RoundDequantOffset(-1000.0), -256);
}

}  // namespace
}  // namespace mc2::oracle
