// tests/oracle/trans_quant_param_test.cc — the TransQuantParamV2/V3 oracle against the documented
// formula (aclnnTransQuantParamV3.md 计算公式, ops.md §3): hand-derived words at every boundary
// (exponent fields 0 and 255, subnormals, ties at bit 12 with and without sticky bits, carry into
// the exponent, overflow to Inf, offsets at ±0.5, ±255.5, ±256.5), broadcasting, and sweeps where
// the test states the formula itself: truncation is `code & 0xFFFFE000` (the document's words);
// rounding is checked as a property (one of the two fp19 neighbours, the nearer, the even one
// on a tie). Also oracle/internal/uint64_scale.h, the decode the quantised matmuls use.
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/packing.h"
#include "oracle/internal/uint64_scale.h"
#include "oracle/trans_quant_param.h"

namespace mc2::oracle {
namespace {

constexpr uint64_t kFlag = uint64_t{1} << 46;

uint32_t Bits(float x) { return std::bit_cast<uint32_t>(x); }
float Float(uint32_t c) { return std::bit_cast<float>(c); }

// The documented word without offset: the scale code in bits 0..31 and bit 46.
uint64_t Word(uint32_t scale_code) { return kFlag | scale_code; }
// ... with an offset field value in [-256, 255] (9-bit two's complement at bit 37).
uint64_t Word(uint32_t scale_code, int offset) {
    return kFlag | scale_code | (static_cast<uint64_t>(offset & 0x1FF) << 37);
}

struct ScaleCase {
    uint32_t in;
    uint32_t truncated;  // roundMode 0
    uint32_t rounded;    // roundMode 1
    const char *what;
};

// Derived by hand from the formula: the low 13 bits of the code are dropped (0); or the code is
// rounded at bit 13, half to even (round bit = bit 12, sticky = bits 0..11), exponent 0 flushed to
// a signed zero and exponent 255 passed through with its low 13 bits dropped (1).
const ScaleCase kScaleCases[] = {
    {0x3F800000, 0x3F800000, 0x3F800000, "1.0 exact"},
    {0x3F800FFF, 0x3F800000, 0x3F800000, "just below the tie"},
    {0x3F801000, 0x3F800000, 0x3F800000, "tie, even kept bit: stays"},
    {0x3F801001, 0x3F800000, 0x3F802000, "tie plus a sticky bit: up"},
    {0x3F801800, 0x3F800000, 0x3F802000, "above the tie: up"},
    {0x3F801FFF, 0x3F800000, 0x3F802000, "all dropped bits set"},
    {0x3F803000, 0x3F802000, 0x3F804000, "tie, odd kept bit: up to even"},
    {0x3F802FFF, 0x3F802000, 0x3F802000, "odd kept bit, below the tie"},
    {0xBF801FFF, 0xBF800000, 0xBF802000, "negative: truncation toward zero"},
    {0xBF803000, 0xBF802000, 0xBF804000, "negative tie, odd: away from zero"},
    {0x3FFFF000, 0x3FFFE000, 0x40000000, "carry into the exponent (1.99... -> 2.0)"},
    {0x3FFFFFFF, 0x3FFFE000, 0x40000000, "carry into the exponent, sticky"},
    {0x3FFFEFFF, 0x3FFFE000, 0x3FFFE000, "largest mantissa, no carry"},
    {0x7F7FEFFF, 0x7F7FE000, 0x7F7FE000, "near max, below the tie"},
    {0x7F7FF000, 0x7F7FE000, 0x7F800000, "max fp19 tie, odd: overflows to Inf"},
    {0x7F7FFFFF, 0x7F7FE000, 0x7F800000, "fp32 max: overflows to Inf"},
    {0xFF7FFFFF, 0xFF7FE000, 0xFF800000, "-fp32 max: overflows to -Inf"},
    {0x00800000, 0x00800000, 0x00800000, "smallest normal"},
    {0x00801000, 0x00800000, 0x00800000, "smallest normal, tie even"},
    {0x00803000, 0x00802000, 0x00804000, "smallest normal, tie odd"},
    {0x00000000, 0x00000000, 0x00000000, "+0"},
    {0x80000000, 0x80000000, 0x80000000, "-0"},
    {0x00000001, 0x00000000, 0x00000000, "smallest subnormal"},
    {0x00002000, 0x00002000, 0x00000000, "subnormal on the fp19 grid: kept by 0, flushed by 1"},
    {0x00003FFF, 0x00002000, 0x00000000, "subnormal, truncated"},
    {0x007FFFFF, 0x007FE000, 0x00000000, "largest subnormal: flushed, not rounded up to a normal"},
    {0x807FFFFF, 0x807FE000, 0x80000000, "negative subnormal: -0"},
    {0x7F800000, 0x7F800000, 0x7F800000, "+Inf"},
    {0xFF800000, 0xFF800000, 0xFF800000, "-Inf"},
    {0x7F800001, 0x7F800000, 0x7F800000, "NaN with payload in the dropped bits only: reads as Inf"},
    {0x7F801000, 0x7F800000, 0x7F800000, "exponent 255 is not rounded"},
    {0x7FC00000, 0x7FC00000, 0x7FC00000, "quiet NaN"},
    {0xFFFFFFFF, 0xFFFFE000, 0xFFFFE000, "all ones"},
    {0x40490FDB, 0x40490000, 0x40490000, "pi"},
    {0x3DCCCCCD, 0x3DCCC000, 0x3DCCC000, "0.1 (remainder 0xCCD < 0x1000)"},
    {0x3EAAAAAB, 0x3EAAA000, 0x3EAAA000, "1/3 (remainder 0xAAB)"},
    {0x3F2AAAAB, 0x3F2AA000, 0x3F2AA000, "2/3"},
    {0x3F19999A, 0x3F198000, 0x3F19A000, "0.6 (remainder 0x199A > 0x1000)"},
};

TEST(TransQuantParamOracle, ScaleWordsAtEveryBoundary) {
    for (const ScaleCase &c : kScaleCases) {
        EXPECT_EQ(TransQuantParamWord(c.in, std::nullopt, 0), Word(c.truncated)) << c.what;
        EXPECT_EQ(TransQuantParamWord(c.in, std::nullopt, 1), Word(c.rounded)) << c.what;
        EXPECT_EQ(TransQuantScaleCode(c.in, 0), c.truncated) << c.what;
        EXPECT_EQ(TransQuantScaleCode(c.in, 1), c.rounded) << c.what;
    }
}

struct OffsetCase {
    float in;
    int field;  // the documented Max(Min(INT(Round(offset)), 255), -256), ties to even
};
const OffsetCase kOffsetCases[] = {
    {0.0f, 0},       {-0.0f, 0},       {0.5f, 0},        {-0.5f, 0},        {1.5f, 2},       {2.5f, 2},
    {-1.5f, -2},     {-2.5f, -2},      {0.75f, 1},       {-0.75f, -1},      {254.5f, 254},   {255.0f, 255},
    {255.5f, 255},   {256.0f, 255},    {256.5f, 255},    {1e30f, 255},      {-255.5f, -256}, {-256.0f, -256},
    {-256.5f, -256}, {-257.0f, -256},  {-1e30f, -256},   {-254.5f, -254},   {3.4e38f, 255},  {1e-40f, 0},
    {127.49999f, 127}, {-128.5f, -128},
};

TEST(TransQuantParamOracle, OffsetFieldsAtEveryBoundary) {
    for (const OffsetCase &c : kOffsetCases) {
        for (int mode : {0, 1}) {
            EXPECT_EQ(TransQuantParamWord(0x3F800000, Bits(c.in), mode), Word(0x3F800000, c.field)) << c.in;
        }
        EXPECT_EQ(TransQuantOffset(static_cast<double>(c.in)), c.field) << c.in;
        // The field reads back through the decode the quantised matmuls use.
        EXPECT_EQ(Uint64ScaleOffset(TransQuantParamWord(0x3F800000, Bits(c.in), 0)), c.field) << c.in;
    }
    EXPECT_EQ(TransQuantParamWord(0x3F800000, Bits(-1.0f), 0), uint64_t{0x00007FE03F800000}) << "field 0x1FF";
    EXPECT_EQ(TransQuantParamWord(0x3F800000, Bits(-256.0f), 0), uint64_t{0x000060003F800000}) << "field 0x100";
    EXPECT_EQ(TransQuantParamWord(0x3F800000, Bits(255.0f), 0), uint64_t{0x00005FE03F800000}) << "field 0x0FF";
    EXPECT_FALSE(TransQuantOffset(std::nan("")).has_value());
}

TEST(TransQuantParamOracle, NonFiniteInputsAreUndefined) {
    EXPECT_TRUE(TransQuantParamDefined(0x3F800000, std::nullopt));
    EXPECT_TRUE(TransQuantParamDefined(0x007FFFFF, Bits(1e30f)));
    EXPECT_FALSE(TransQuantParamDefined(0x7F800000, std::nullopt));
    EXPECT_FALSE(TransQuantParamDefined(0xFFC00000, std::nullopt));
    EXPECT_FALSE(TransQuantParamDefined(0x3F800000, Bits(INFINITY)));
    EXPECT_FALSE(TransQuantParamDefined(0x3F800000, 0x7FC00000u));
}

// Sweep: every exponent field × sign × mantissas around the dropped bits, plus random codes.
std::vector<uint32_t> SweepCodes() {
    std::vector<uint32_t> codes;
    const uint32_t mantissas[] = {0,        1,        0xFFF,    0x1000,   0x1001,   0x1FFF,   0x2000,
                                  0x2FFF,   0x3000,   0x3001,   0x7FDFFF, 0x7FE000, 0x7FEFFF, 0x7FF000,
                                  0x7FF001, 0x7FFFFF, 0x400000, 0x401000, 0x403000, 0x123456};
    for (uint32_t sign = 0; sign < 2; ++sign) {
        for (uint32_t e = 0; e < 256; ++e) {
            for (uint32_t m : mantissas) codes.push_back(sign << 31 | e << 23 | m);
        }
    }
    std::mt19937 rng(20240601);
    for (int i = 0; i < 200000; ++i) codes.push_back(static_cast<uint32_t>(rng()));
    return codes;
}

TEST(TransQuantParamOracle, TruncationIsTheDocumentedMask) {
    for (uint32_t c : SweepCodes()) {
        ASSERT_EQ(TransQuantParamWord(c, std::nullopt, 0), kFlag | (c & 0xFFFFE000u)) << std::hex << c;
    }
}

TEST(TransQuantParamOracle, TruncationAgreesWithTheCodecOracle) {
    // Two oracle spellings of fp19 truncation (frexp here, ilogb in codecs/packing.cc).
    for (uint32_t c : SweepCodes()) {
        const double x = static_cast<double>(Float(c));
        if (!std::isfinite(x)) continue;
        ASSERT_EQ(Fp19Truncate(x), TruncateToFp19(x)) << std::hex << c;
        ASSERT_EQ(std::signbit(Fp19Truncate(x)), std::signbit(x)) << std::hex << c;
    }
}

TEST(TransQuantParamOracle, RoundingIsNearestTiesToEven) {
    for (uint32_t c : SweepCodes()) {
        const uint32_t e = (c >> 23) & 0xFF;
        const uint32_t got = TransQuantScaleCode(c, 1);
        if (e == 0) {
            ASSERT_EQ(got, c & 0x80000000u) << std::hex << c;  // flushed to a signed zero
            continue;
        }
        if (e == 255) {
            ASSERT_EQ(got, c & 0xFFFFE000u) << std::hex << c;  // passed through
            continue;
        }
        // The two fp19 neighbours of |x| (the lower by the documented mask, the upper one fp19 ulp
        // above it, which may be Inf), compared in double, where every difference is exact.
        const uint32_t lo = c & 0xFFFFE000u;
        const uint32_t hi = lo + 0x2000u;
        const double x = std::fabs(static_cast<double>(Float(c)));
        const double a = std::fabs(static_cast<double>(Float(lo)));
        const double b = (hi & 0x7F800000u) == 0x7F800000u ? std::ldexp(1.0, 128) : std::fabs(static_cast<double>(Float(hi)));
        const uint32_t want = (x - a < b - x || (x - a == b - x && (lo & 0x2000u) == 0)) ? lo : hi;
        ASSERT_EQ(got, want) << std::hex << c;
        ASSERT_EQ(TransQuantParamWord(c, std::nullopt, 1), kFlag | want) << std::hex << c;
    }
}

TEST(TransQuantParamOracle, OffsetSweepMatchesTheFormula) {
    // Every multiple of 1/4 in [-300, 300] (ties at every half), and its neighbours in fp32.
    for (int q = -1200; q <= 1200; ++q) {
        const float v = static_cast<float>(q) / 4.0f;
        for (float x : {v, std::nextafter(v, -1e9f), std::nextafter(v, 1e9f)}) {
            const double r = std::nearbyint(static_cast<double>(x));  // the document's Round: half to even
            const int want = static_cast<int>(std::fmax(std::fmin(r, 255.0), -256.0));
            ASSERT_EQ(Uint64ScaleOffset(TransQuantParamWord(0x3F800000, Bits(x), 0)), want) << x;
        }
    }
}

TEST(TransQuantParamOracle, Broadcasting) {
    const std::vector<uint32_t> one = {0x3F801FFF};
    const std::vector<uint32_t> three = {0x3F800000, 0x40000000, 0x40400000};
    const std::vector<uint32_t> offsets = {Bits(1.0f), Bits(-2.0f), Bits(3.0f)};
    const std::vector<uint32_t> offset1 = {Bits(5.0f)};

    TransQuantParamOut w = TransQuantParamWords(one, {1}, &offsets, {3}, 0);  // scale (1), offset (3)
    EXPECT_EQ(w.shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(w.words, (std::vector<uint64_t>{Word(0x3F800000, 1), Word(0x3F800000, -2), Word(0x3F800000, 3)}));

    w = TransQuantParamWords(three, {3}, &offset1, {1}, 0);  // scale (3), offset (1)
    EXPECT_EQ(w.shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(w.words, (std::vector<uint64_t>{Word(0x3F800000, 5), Word(0x40000000, 5), Word(0x40400000, 5)}));

    w = TransQuantParamWords(three, {1, 3}, &offsets, {1, 3}, 1);  // (1, n) and (1, n)
    EXPECT_EQ(w.shape, (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(w.words, (std::vector<uint64_t>{Word(0x3F800000, 1), Word(0x40000000, -2), Word(0x40400000, 3)}));

    w = TransQuantParamWords(one, {1}, &offsets, {1, 3}, 1);  // scale (1), offset (1, 3): out 1-D (3)
    EXPECT_EQ(w.shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(w.words[2], Word(0x3F802000, 3));

    w = TransQuantParamWords(three, {3}, nullptr, {}, 0);  // no offset: no field
    EXPECT_EQ(w.words, (std::vector<uint64_t>{Word(0x3F800000), Word(0x40000000), Word(0x40400000)}));

    const std::vector<uint32_t> six(6, 0x3F800000);
    w = TransQuantParamWords(six, {2, 3}, nullptr, {}, 0);  // Ascend 950's (g, n)
    EXPECT_EQ(w.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(w.words.size(), 6u);

    const std::vector<uint32_t> two = {0x3F800000, 0x3F800000};
    EXPECT_THROW(TransQuantParamWords(three, {3}, &two, {2}, 0), std::invalid_argument);     // 3 vs 2
    EXPECT_THROW(TransQuantParamWords(six, {2, 3}, &offset1, {1}, 0), std::invalid_argument);  // (g, n) + offset
    EXPECT_THROW(TransQuantParamWords(one, {1, 1}, &offsets, {3}, 0), std::invalid_argument);  // (1, 1) vs 3
    EXPECT_THROW(TransQuantParamWords({}, {0}, nullptr, {}, 0), std::invalid_argument);        // empty
}

TEST(Uint64Scale, DecodeIsTheMaskedFp32) {
    // scale_eff = bitcast_f32(bits & 0xFFFFE000): the documented reading, value by value.
    EXPECT_EQ(Uint64ScaleEffective(0x000040003F801FFFull), 1.0);
    EXPECT_EQ(Uint64ScaleEffective(0x00004000BF803000ull), -1.0009765625);  // -(1 + 2^-10): bit 13 kept, 12 dropped
    EXPECT_EQ(Uint64ScaleEffective(0x0000400000002000ull), std::ldexp(1.0, -136));
    EXPECT_EQ(Uint64ScaleEffective(0x00004000007FFFFFull), std::ldexp(1023.0, -136));
    EXPECT_EQ(Uint64ScaleEffective(0x000040007F800001ull), INFINITY);  // NaN payload only in dropped bits
    EXPECT_TRUE(std::isnan(Uint64ScaleEffective(0x000040007FC00000ull)));
    EXPECT_TRUE(std::signbit(Uint64ScaleEffective(0x0000400080000000ull)));
    EXPECT_EQ(Uint64ScaleOffset(0x00007FE03F800000ull), -1);
    EXPECT_EQ(Uint64ScaleOffset(0x000060003F800000ull), -256);
    EXPECT_EQ(Uint64ScaleOffset(0x00005FE03F800000ull), 255);
    EXPECT_TRUE(Uint64ScaleFlag(0x0000400000000000ull));
    EXPECT_FALSE(Uint64ScaleFlag(0x0000BFFFFFFFFFFFull));
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100000; ++i) {
        const uint64_t word = rng();
        const float want = Float(static_cast<uint32_t>(word) & 0xFFFFE000u);
        const double got = Uint64ScaleEffective(word);
        if (std::isnan(want)) {
            ASSERT_TRUE(std::isnan(got)) << std::hex << word;
        } else {
            ASSERT_EQ(got, static_cast<double>(want)) << std::hex << word;
            ASSERT_EQ(std::signbit(got), std::signbit(want)) << std::hex << word;
        }
        ASSERT_EQ(Uint64ScaleOffset(word), static_cast<int>((word >> 37) & 0x1FF) - ((word >> 45) & 1 ? 512 : 0));
    }
}

}  // namespace
}  // namespace mc2::oracle
