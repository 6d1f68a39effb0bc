// tests/codecs/impl_codecs_test.cc — impl/kernels/codecs against the documented facts:
// every test vector of shared/spec-notes/formats.md §11, the E8M0 table of §8, the HiF8 code
// table of §6.3 (values parsed from the table's own "a p q" text), the packing rules of §7/§9
// and aclnnTransQuantParamV2 words computed by hand. Generic properties close the gaps between
// vectors: every finite code round-trips, and at every midpoint between adjacent values the
// documented tie rule holds with the neighbouring floats on either side going the obvious way.
#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/codecs.h"

namespace mc2::impl::codec {
namespace {

float F(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint32_t B(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

constexpr Saturation kNone = Saturation::kNone;
constexpr Saturation kFinite = Saturation::kFinite;

// ---------------------------------------------------------------------------------------------
// §11 vectors

struct Vec {
    uint32_t in;        // float32 bits
    uint32_t none;      // expected code, Saturation::kNone
    uint32_t finite;    // expected code, Saturation::kFinite
};

TEST(ImplCodecs, Float16Vectors) {
    const Vec vectors[] = {
        {0x3F800000, 0x3C00, 0x3C00}, {0xC0200000, 0xC100, 0xC100},
        {0x477FE000, 0x7BFF, 0x7BFF}, {0x477FEFFF, 0x7BFF, 0x7BFF},
        {0x477FF000, 0x7C00, 0x7BFF},  // 65520 ties to even = Inf; finite mode clamps
        {0x33800000, 0x0001, 0x0001}, {0x33000000, 0x0000, 0x0000},
        {0x33000001, 0x0001, 0x0001}, {0x3F801000, 0x3C00, 0x3C00},
        {0x3F803000, 0x3C02, 0x3C02}, {0x3DCCCCCD, 0x2E66, 0x2E66},
        {0x387FE000, 0x0400, 0x0400}, {0x80000000, 0x8000, 0x8000},
        {0x7F800000, 0x7C00, 0x7BFF}, {0xFF800000, 0xFC00, 0xFBFF},
        {0xC77FF000, 0xFC00, 0xFBFF},
        {0x7FC00000, 0x7E00, 0x7E00}, {0xFFC00000, 0xFE00, 0xFE00},
        {0x7F800001, 0x7E00, 0x7E00},
    };
    for (const Vec &v : vectors) {
        EXPECT_EQ(FloatToHalf(F(v.in), kNone), v.none) << std::hex << v.in;
        EXPECT_EQ(FloatToHalf(F(v.in), kFinite), v.finite) << std::hex << v.in;
    }
    EXPECT_EQ(FloatToHalf(1.0f), 0x3C00);  // the default mode is kNone
    EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);
    EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));
    EXPECT_EQ(HalfToFloat(0x0400), std::ldexp(1.0f, -14));
    EXPECT_EQ(B(HalfToFloat(0x8000)), 0x80000000u);
    EXPECT_EQ(HalfToFloat(0xFC00), -INFINITY);
    EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
    EXPECT_TRUE(std::isnan(HalfToFloat(0x7C01)));
    EXPECT_TRUE(std::signbit(HalfToFloat(0xFE00)));
}

TEST(ImplCodecs, Bf16Vectors) {
    const Vec vectors[] = {
        {0x3F808000, 0x3F80, 0x3F80}, {0x3F818000, 0x3F82, 0x3F82},
        {0x3F808001, 0x3F81, 0x3F81}, {0x40490FDB, 0x4049, 0x4049},
        {0x7F7F7FFF, 0x7F7F, 0x7F7F}, {0x7F7F8000, 0x7F80, 0x7F7F},
        {0xFF7F8000, 0xFF80, 0xFF7F}, {0x00008000, 0x0000, 0x0000},
        {0x00018000, 0x0002, 0x0002}, {0x80000000, 0x8000, 0x8000},
        {0x7F800000, 0x7F80, 0x7F7F}, {0xFF800000, 0xFF80, 0xFF7F},
        {0x7FC00000, 0x7FC0, 0x7FC0}, {0xFFC00000, 0xFFC0, 0xFFC0},
        {0x7F800001, 0x7FC0, 0x7FC0}, {0xFF800001, 0xFFC0, 0xFFC0},
        {0x7FFFFFFF, 0x7FC0, 0x7FC0},  // would wrap to -0 without the NaN test first
    };
    for (const Vec &v : vectors) {
        EXPECT_EQ(FloatToBf16(F(v.in), kNone), v.none) << std::hex << v.in;
        EXPECT_EQ(FloatToBf16(F(v.in), kFinite), v.finite) << std::hex << v.in;
    }
    EXPECT_EQ(B(Bf16ToFloat(0x3F80)), 0x3F800000u);
    EXPECT_EQ(B(Bf16ToFloat(0x0001)), 0x00010000u);
}

TEST(ImplCodecs, E4m3fnVectors) {
    const Vec vectors[] = {
        {0x3F800000, 0x38, 0x38}, {0x3F880000, 0x38, 0x38}, {0x3F980000, 0x3A, 0x3A},
        {0x43E00000, 0x7E, 0x7E}, {0x43E80000, 0x7E, 0x7E},  // 464 ties down to 448
        {0x43E80001, 0x7F, 0x7E}, {0x43F00000, 0x7F, 0x7E}, {0xC3F00000, 0xFF, 0xFE},
        {0x3B000000, 0x01, 0x01}, {0x3A800000, 0x00, 0x00}, {0x3A800001, 0x01, 0x01},
        {0x3AC00000, 0x01, 0x01}, {0xBF800000, 0xB8, 0xB8}, {0x80000000, 0x80, 0x80},
        {0x7F800000, 0x7F, 0x7E}, {0xFF800000, 0xFF, 0xFE},  // OCP SAT clamps ±Inf
        {0x7FC00000, 0x7F, 0x7F}, {0xFFC00000, 0xFF, 0xFF},
    };
    for (const Vec &v : vectors) {
        EXPECT_EQ(FloatToE4m3(F(v.in), kNone), v.none) << std::hex << v.in;
        EXPECT_EQ(FloatToE4m3(F(v.in), kFinite), v.finite) << std::hex << v.in;
    }
    EXPECT_EQ(E4m3ToFloat(0x7E), 448.0f);
    EXPECT_EQ(E4m3ToFloat(0x08), std::ldexp(1.0f, -6));
    EXPECT_EQ(E4m3ToFloat(0x01), std::ldexp(1.0f, -9));
    EXPECT_TRUE(std::isnan(E4m3ToFloat(0x7F)));
    EXPECT_TRUE(std::isnan(E4m3ToFloat(0xFF)));
    EXPECT_EQ(E4m3ToFloat(0x78), 256.0f);  // exponent 1111 is finite in the FN format
}

TEST(ImplCodecs, E5m2Vectors) {
    const Vec vectors[] = {
        {0x3F900000, 0x3C, 0x3C}, {0x3FB00000, 0x3E, 0x3E}, {0x47600000, 0x7B, 0x7B},
        {0x476FFFFF, 0x7B, 0x7B}, {0x47700000, 0x7C, 0x7B}, {0xC7700000, 0xFC, 0xFB},
        {0x37800000, 0x01, 0x01}, {0x37000000, 0x00, 0x00}, {0x37000001, 0x01, 0x01},
        {0xC0400000, 0xC2, 0xC2}, {0x7F800000, 0x7C, 0x7B}, {0xFF800000, 0xFC, 0xFB},
        {0x7FC00000, 0x7E, 0x7E}, {0xFFC00000, 0xFE, 0xFE},
    };
    for (const Vec &v : vectors) {
        EXPECT_EQ(FloatToE5m2(F(v.in), kNone), v.none) << std::hex << v.in;
        EXPECT_EQ(FloatToE5m2(F(v.in), kFinite), v.finite) << std::hex << v.in;
    }
    EXPECT_EQ(E5m2ToFloat(0x7B), 57344.0f);
    EXPECT_EQ(E5m2ToFloat(0x7C), INFINITY);
    EXPECT_EQ(E5m2ToFloat(0xFC), -INFINITY);
    for (uint8_t nan : {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}) {
        EXPECT_TRUE(std::isnan(E5m2ToFloat(nan))) << int{nan};
    }
}

TEST(ImplCodecs, Fp4E2m1Vectors) {
    const std::pair<float, uint8_t> vectors[] = {
        {0.0f, 0x0},  {-0.0f, 0x8}, {0.25f, 0x0},   {0.26f, 0x1},  {0.75f, 0x2},
        {1.25f, 0x2}, {1.75f, 0x4}, {2.5f, 0x4},    {3.5f, 0x6},   {5.0f, 0x6},
        {5.01f, 0x7}, {7.0f, 0x7},  {100.0f, 0x7},  {INFINITY, 0x7}, {-3.0f, 0xD},
        {-0.25f, 0x8}, {-INFINITY, 0xF},
    };
    for (const auto &[in, code] : vectors) {
        EXPECT_EQ(FloatToE2m1(in, kNone), code) << in;
        EXPECT_EQ(FloatToE2m1(in, kFinite), code) << in;  // no Inf: both modes clamp
    }
    // NaN: the documented choice follows ml_dtypes (+NaN -> 0x8, -NaN -> 0x0).
    EXPECT_EQ(FloatToE2m1(F(0x7FC00000)), 0x8);
    EXPECT_EQ(FloatToE2m1(F(0xFFC00000)), 0x0);
    const float values[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
    for (int c = 0; c < 16; ++c) {
        const float expect = (c & 8) ? -values[c & 7] : values[c & 7];
        EXPECT_EQ(B(E2m1ToFloat(static_cast<uint8_t>(c))), B(expect)) << c;
        // The high nibble is ignored.
        EXPECT_EQ(B(E2m1ToFloat(static_cast<uint8_t>(c | 0xA0))), B(expect)) << c;
    }
}

TEST(ImplCodecs, Fp4E1m2Vectors) {
    for (int c = 0; c < 16; ++c) {
        const float magnitude = static_cast<float>(c & 7) * 0.25f;  // 0, .25, ..., 1.75
        const float expect = (c & 8) ? -magnitude : magnitude;
        EXPECT_EQ(B(E1m2ToFloat(static_cast<uint8_t>(c))), B(expect)) << c;
    }
    // Ties go to the even code; overflow and Inf clamp to 1.75.
    const std::pair<float, uint8_t> vectors[] = {
        {0.125f, 0x0}, {0.375f, 0x2}, {0.625f, 0x2}, {0.875f, 0x4}, {1.125f, 0x4},
        {1.375f, 0x6}, {1.8f, 0x7},   {1.875f, 0x7}, {2.0f, 0x7},   {INFINITY, 0x7},
        {-1.0f, 0xC},  {-INFINITY, 0xF}, {0.1f, 0x0}, {0.13f, 0x1},
    };
    for (const auto &[in, code] : vectors) {
        EXPECT_EQ(FloatToE1m2(in, kNone), code) << in;
        EXPECT_EQ(FloatToE1m2(in, kFinite), code) << in;
    }
    EXPECT_EQ(FloatToE1m2(F(0x7FC00000)), 0x8);
    EXPECT_EQ(FloatToE1m2(F(0xFFC00000)), 0x0);
}

TEST(ImplCodecs, E8m0TableSection8) {
    // kNone = the en_dtypes column (truncation) but below 2^-127, where every positive subnormal
    // is 0x00 (OCP MX scale rule, formats.md §8); kFinite = the project's clamp decision.
    const Vec vectors[] = {
        {0x3F800000, 0x7F, 0x7F},  // 1.0
        {0x3FC00000, 0x7F, 0x7F},  // 1.5 truncates
        {0x3FBFFFFF, 0x7F, 0x7F},  // 1.4999999
        {0x3F400000, 0x7E, 0x7E},  // 0.75
        {0x7F400000, 0xFE, 0xFE},  // 1.5 * 2^127
        {0x7F7FFFFF, 0xFE, 0xFE},  // float max
        {0x00400000, 0x00, 0x00},  // 2^-127
        {0x00400001, 0x00, 0x00},
        {0x007FFFFF, 0x00, 0x00},  // largest fp32 subnormal
        {0x00800000, 0x01, 0x01},  // 2^-126
        {0x00200000, 0x00, 0x00},  // 2^-128: the OCP MX rule clamps floor(log2) at -127
        {0x003FFFFF, 0x00, 0x00},
        {0x00000001, 0x00, 0x00},  // smallest subnormal: exponent field 0
        {0x00000000, 0xFF, 0x00},  // zero
        {0x80000000, 0xFF, 0x00},  // -0
        {0xBF800000, 0xFF, 0x00},  // -1
        {0x7F800000, 0xFF, 0xFE},  // +Inf
        {0xFF800000, 0xFF, 0x00},  // -Inf is negative
        {0x7FC00000, 0xFF, 0xFF},  // NaN
        {0xFFC00000, 0xFF, 0xFF},
    };
    for (const Vec &v : vectors) {
        EXPECT_EQ(FloatToE8m0(F(v.in), kNone), v.none) << std::hex << v.in;
        EXPECT_EQ(FloatToE8m0(F(v.in), kFinite), v.finite) << std::hex << v.in;
    }
    EXPECT_EQ(B(E8m0ToFloat(0x00)), 0x00400000u);  // a subnormal, not flushed
    EXPECT_EQ(E8m0ToFloat(0x7F), 1.0f);
    EXPECT_EQ(B(E8m0ToFloat(0xFE)), 0x7F000000u);
    EXPECT_TRUE(std::isnan(E8m0ToFloat(0xFF)));
    for (int c = 0; c < 255; ++c) {
        EXPECT_EQ(E8m0ToFloat(static_cast<uint8_t>(c)), std::ldexp(1.0f, c - 127)) << c;
    }
}

struct Hif8Vec {
    uint32_t in;
    uint8_t code;
    float decoded;
};

TEST(ImplCodecs, Hif8VectorsSection11) {
    const float inf = INFINITY;
    const Hif8Vec vectors[] = {
        {0x3F800000, 0x08, 1.0f},
        {0x3F880000, 0x09, 1.125f},
        {0x3F8C0000, 0x09, 1.125f},
        {0x3FF80000, 0x10, 2.0f},
        {0x41780000, 0x40, 16.0f},
        {0x418C0000, 0x40, 16.0f},
        {0x41900000, 0x41, 20.0f},
        {0x43900000, 0x60, 256.0f},
        {0x46E00000, 0x6E, 32768.0f},
        {0x46F00000, 0x6E, 32768.0f},
        {0x471FFFFF, 0x6E, 32768.0f},
        {0x47200000, 0x6F, inf},
        {0x47400000, 0x6F, inf},
        {0x38000000, 0x7E, std::ldexp(1.0f, -15)},
        {0x38400000, 0x7F, std::ldexp(1.5f, -15)},
        {0x37C00000, 0x7E, std::ldexp(1.0f, -15)},
        {0x37A00000, 0x07, std::ldexp(1.0f, -16)},
        {0x34800000, 0x01, std::ldexp(1.0f, -22)},
        {0x34000000, 0x01, std::ldexp(1.0f, -22)},
        {0x33FFFFFF, 0x00, 0.0f},
        {0x35400000, 0x03, std::ldexp(1.0f, -20)},
        {0x3DCCCCCD, 0x52, 0.09375f},
        {0x3EAAAAAB, 0x33, 0.34375f},
        {0x40490FDB, 0x15, 3.25f},
        {0xC0490FDB, 0x95, -3.25f},
        {0xB3FFFFFF, 0x00, 0.0f},
        {0xB4000000, 0x81, -std::ldexp(1.0f, -22)},
        {0x80000000, 0x00, 0.0f},
        {0x7F800000, 0x6F, inf},
        {0xFF800000, 0xEF, -inf},
    };
    for (const Hif8Vec &v : vectors) {
        EXPECT_EQ(FloatToHif8(F(v.in), kNone), v.code) << std::hex << v.in;
        EXPECT_EQ(B(Hif8ToFloat(v.code)), B(v.decoded)) << std::hex << v.in;
    }
    EXPECT_EQ(FloatToHif8(F(0x7FC00000)), 0x80);
    EXPECT_EQ(FloatToHif8(F(0xFFC00000)), 0x80);
    EXPECT_EQ(FloatToHif8(F(0x7F800001)), 0x80);
    EXPECT_TRUE(std::isnan(Hif8ToFloat(0x80)));
    // Saturating mode: [40960, inf] -> ±0x6E; everything else as in kNone.
    EXPECT_EQ(FloatToHif8(F(0x47200000), kFinite), 0x6E);
    EXPECT_EQ(FloatToHif8(F(0x47400000), kFinite), 0x6E);
    EXPECT_EQ(FloatToHif8(F(0x7F800000), kFinite), 0x6E);
    EXPECT_EQ(FloatToHif8(F(0xFF800000), kFinite), 0xEE);
    EXPECT_EQ(FloatToHif8(F(0xC7200000), kNone), 0xEF);
    EXPECT_EQ(FloatToHif8(F(0xC7200000), kFinite), 0xEE);
    EXPECT_EQ(FloatToHif8(F(0x471FFFFF), kFinite), 0x6E);
    EXPECT_EQ(FloatToHif8(F(0x7FC00000), kFinite), 0x80);
    EXPECT_EQ(FloatToHif8(F(0xB3FFFFFF), kFinite), 0x00);
    for (const Hif8Vec &v : vectors) {
        if (std::isfinite(v.decoded) && std::fabs(F(v.in)) < 40960.0f) {
            EXPECT_EQ(FloatToHif8(F(v.in), kFinite), v.code) << std::hex << v.in;
        }
    }
}

// §6.3, copied as text: row base code, then the eight entries "a p q" = a * 2^q.
const char *const kHif8Table[16][8] = {
    {"0", "1p-22", "1p-21", "1p-20", "1p-19", "1p-18", "1p-17", "1p-16"},
    {"1p0", "1.125p0", "1.25p0", "1.375p0", "1.5p0", "1.625p0", "1.75p0", "1.875p0"},
    {"1p1", "1.125p1", "1.25p1", "1.375p1", "1.5p1", "1.625p1", "1.75p1", "1.875p1"},
    {"1p-1", "1.125p-1", "1.25p-1", "1.375p-1", "1.5p-1", "1.625p-1", "1.75p-1", "1.875p-1"},
    {"1p2", "1.125p2", "1.25p2", "1.375p2", "1.5p2", "1.625p2", "1.75p2", "1.875p2"},
    {"1p3", "1.125p3", "1.25p3", "1.375p3", "1.5p3", "1.625p3", "1.75p3", "1.875p3"},
    {"1p-2", "1.125p-2", "1.25p-2", "1.375p-2", "1.5p-2", "1.625p-2", "1.75p-2", "1.875p-2"},
    {"1p-3", "1.125p-3", "1.25p-3", "1.375p-3", "1.5p-3", "1.625p-3", "1.75p-3", "1.875p-3"},
    {"1p4", "1.25p4", "1.5p4", "1.75p4", "1p5", "1.25p5", "1.5p5", "1.75p5"},
    {"1p6", "1.25p6", "1.5p6", "1.75p6", "1p7", "1.25p7", "1.5p7", "1.75p7"},
    {"1p-4", "1.25p-4", "1.5p-4", "1.75p-4", "1p-5", "1.25p-5", "1.5p-5", "1.75p-5"},
    {"1p-6", "1.25p-6", "1.5p-6", "1.75p-6", "1p-7", "1.25p-7", "1.5p-7", "1.75p-7"},
    {"1p8", "1.5p8", "1p9", "1.5p9", "1p10", "1.5p10", "1p11", "1.5p11"},
    {"1p12", "1.5p12", "1p13", "1.5p13", "1p14", "1.5p14", "1p15", "+Inf"},
    {"1p-8", "1.5p-8", "1p-9", "1.5p-9", "1p-10", "1.5p-10", "1p-11", "1.5p-11"},
    {"1p-12", "1.5p-12", "1p-13", "1.5p-13", "1p-14", "1.5p-14", "1p-15", "1.5p-15"},
};

double ParseTableEntry(const std::string &text) {
    if (text == "+Inf") {
        return std::numeric_limits<double>::infinity();
    }
    const size_t p = text.find('p');
    if (p == std::string::npos) {
        return std::strtod(text.c_str(), nullptr);
    }
    const double a = std::strtod(text.substr(0, p).c_str(), nullptr);
    const int q = std::atoi(text.substr(p + 1).c_str());
    return std::ldexp(a, q);
}

TEST(ImplCodecs, Hif8CompleteCodeTableSection63) {
    std::vector<double> positive_finite;
    for (int code = 0; code < 128; ++code) {
        const double value = ParseTableEntry(kHif8Table[code / 8][code % 8]);
        EXPECT_EQ(static_cast<double>(Hif8ToFloat(static_cast<uint8_t>(code))), value)
            << "code 0x" << std::hex << code;
        if (code == 0) {
            EXPECT_TRUE(std::isnan(Hif8ToFloat(0x80)));
        } else {
            EXPECT_EQ(static_cast<double>(Hif8ToFloat(static_cast<uint8_t>(code | 0x80))), -value)
                << "code 0x" << std::hex << (code | 0x80);
        }
        if (code != 0 && std::isfinite(value)) {
            positive_finite.push_back(value);
        }
    }
    std::sort(positive_finite.begin(), positive_finite.end());
    EXPECT_EQ(positive_finite.size(), 126u);
    EXPECT_EQ(std::adjacent_find(positive_finite.begin(), positive_finite.end()),
              positive_finite.end());
}

// ---------------------------------------------------------------------------------------------
// Generic properties over every code of every format.

struct Format {
    const char *name;
    int codes;                                   // 1 << bits
    std::function<float(uint32_t)> decode;
    std::function<uint32_t(float, Saturation)> encode;
    enum Tie { kEven, kAway, kDown } tie;        // RNE, TA, truncation (E8M0)
    bool has_negative_zero;
};

std::vector<Format> AllFormats() {
    return {
        {"float16", 1 << 16, [](uint32_t c) { return HalfToFloat(static_cast<uint16_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToHalf(f, s); }, Format::kEven, true},
        {"bfloat16", 1 << 16, [](uint32_t c) { return Bf16ToFloat(static_cast<uint16_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToBf16(f, s); }, Format::kEven, true},
        {"e4m3fn", 256, [](uint32_t c) { return E4m3ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToE4m3(f, s); }, Format::kEven, true},
        {"e5m2", 256, [](uint32_t c) { return E5m2ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToE5m2(f, s); }, Format::kEven, true},
        {"hifloat8", 256, [](uint32_t c) { return Hif8ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToHif8(f, s); }, Format::kAway, false},
        {"e2m1", 16, [](uint32_t c) { return E2m1ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToE2m1(f, s); }, Format::kEven, true},
        {"e1m2", 16, [](uint32_t c) { return E1m2ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToE1m2(f, s); }, Format::kEven, true},
        {"e8m0", 256, [](uint32_t c) { return E8m0ToFloat(static_cast<uint8_t>(c)); },
         [](float f, Saturation s) -> uint32_t { return FloatToE8m0(f, s); }, Format::kDown, false},
    };
}

TEST(ImplCodecs, EveryFiniteCodeRoundTrips) {
    for (const Format &fmt : AllFormats()) {
        int finite = 0;
        for (int c = 0; c < fmt.codes; ++c) {
            const auto code = static_cast<uint32_t>(c);
            const float v = fmt.decode(code);
            if (!std::isfinite(v)) {
                continue;
            }
            ++finite;
            for (Saturation sat : {kNone, kFinite}) {
                const uint32_t back = fmt.encode(v, sat);
                EXPECT_EQ(back, code) << fmt.name << " code 0x" << std::hex << c;
                EXPECT_EQ(B(fmt.decode(back)), B(v)) << fmt.name << " code 0x" << std::hex << c;
            }
        }
        EXPECT_GT(finite, 0) << fmt.name;
    }
}

// At each midpoint between adjacent non-negative values the format's tie rule decides, and the
// floats just below/above go down/up. Checks rounding everywhere, not only at the vectors.
TEST(ImplCodecs, MidpointsFollowTheTieRule) {
    for (const Format &fmt : AllFormats()) {
        std::vector<std::pair<float, uint32_t>> values;  // non-negative finite, by value
        for (int c = 0; c < fmt.codes; ++c) {
            const float v = fmt.decode(static_cast<uint32_t>(c));
            if (std::isfinite(v) && !std::signbit(v)) {
                values.emplace_back(v, static_cast<uint32_t>(c));
            }
        }
        std::sort(values.begin(), values.end());
        for (size_t i = 0; i + 1 < values.size(); ++i) {
            const auto [lo, lo_code] = values[i];
            const auto [hi, hi_code] = values[i + 1];
            const double mid_exact = (static_cast<double>(lo) + static_cast<double>(hi)) / 2;
            const auto mid = static_cast<float>(mid_exact);
            ASSERT_EQ(static_cast<double>(mid), mid_exact) << fmt.name;
            uint32_t tie = 0;
            switch (fmt.tie) {
                case Format::kEven: tie = (lo_code & 1u) == 0 ? lo_code : hi_code; break;
                case Format::kAway: tie = hi_code; break;
                case Format::kDown: tie = lo_code; break;
            }
            for (Saturation sat : {kNone, kFinite}) {
                EXPECT_EQ(fmt.encode(mid, sat), tie) << fmt.name << " mid " << mid;
                EXPECT_EQ(fmt.encode(std::nextafter(mid, 0.0f), sat), lo_code)
                    << fmt.name << " below " << mid;
                // Truncation keeps the lower code up to the next value.
                const uint32_t above = fmt.tie == Format::kDown ? lo_code : hi_code;
                EXPECT_EQ(fmt.encode(std::nextafter(mid, INFINITY), sat), above)
                    << fmt.name << " above " << mid;
                EXPECT_EQ(fmt.encode(std::nextafter(hi, 0.0f), sat),
                          fmt.tie == Format::kDown ? lo_code : hi_code)
                    << fmt.name << " below " << hi;
                if (fmt.has_negative_zero || lo != 0.0f) {
                    // Negation mirrors the code (sign bit), except the unsigned formats.
                    const uint32_t sign_bit = static_cast<uint32_t>(fmt.codes) >> 1;
                    if (fmt.tie != Format::kDown) {
                        EXPECT_EQ(fmt.encode(-mid, sat), tie | sign_bit) << fmt.name << " -" << mid;
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Packing (§7, §9)

TEST(ImplCodecs, Int4PackingLowNibbleFirst) {
    uint8_t buf[8] = {};
    for (int i = 0; i < 16; ++i) {
        PackInt4(buf, i, static_cast<int8_t>(i - 8));  // -8 .. 7
    }
    // Element 0 (-8 = 0x8) in the low nibble, element 1 (-7 = 0x9) in the high nibble.
    EXPECT_EQ(buf[0], 0x98);
    EXPECT_EQ(buf[3], 0xFE);  // -2, -1
    EXPECT_EQ(buf[4], 0x10);  // 0, 1
    EXPECT_EQ(buf[7], 0x76);  // 6, 7
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(UnpackInt4(buf, i), i - 8) << i;
    }
    // Writing one element leaves its neighbour alone.
    PackInt4(buf, 0, 7);
    EXPECT_EQ(buf[0], 0x97);
    PackInt4(buf, 1, -1);
    EXPECT_EQ(buf[0], 0xF7);
    EXPECT_EQ(UnpackInt4(buf, 1), -1);
    // An int32 carrier (little endian) holds element i at bits 4i..4i+3.
    const int8_t vals[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    uint8_t word_bytes[4] = {};
    for (int i = 0; i < 8; ++i) {
        PackInt4(word_bytes, i, vals[i]);
    }
    const uint32_t word = uint32_t{word_bytes[0]} | uint32_t{word_bytes[1]} << 8 |
                          uint32_t{word_bytes[2]} << 16 | uint32_t{word_bytes[3]} << 24;
    EXPECT_EQ(word, 0x87A5C3E1u);
}

TEST(ImplCodecs, NibblePacking) {
    uint8_t buf[2] = {0xFF, 0x00};
    PackNibble(buf, 0, 0x3);
    PackNibble(buf, 3, 0xA);
    PackNibble(buf, 2, 0x15);  // only the low nibble is stored
    EXPECT_EQ(buf[0], 0xF3);
    EXPECT_EQ(buf[1], 0xA5);
    EXPECT_EQ(UnpackNibble(buf, 0), 0x3);
    EXPECT_EQ(UnpackNibble(buf, 1), 0xF);
    EXPECT_EQ(UnpackNibble(buf, 2), 0x5);
    EXPECT_EQ(UnpackNibble(buf, 3), 0xA);
    // FP4 codes travel through the nibble packer unchanged.
    EXPECT_EQ(E2m1ToFloat(UnpackNibble(buf, 3)), -1.0f);
}

// ---------------------------------------------------------------------------------------------
// aclnnTransQuantParamV2: (bits(scale) & 0xFFFFE000) | 1<<46 | (int9(offset) & 0x1FF) << 37

TEST(ImplCodecs, TransQuantParamV2Packing) {
    EXPECT_EQ(PackDequantScale(1.0f, false, 0.0f), 0x000040003F800000u);
    EXPECT_EQ(PackDequantScale(1.0f, true, 0.0f), 0x000040003F800000u);
    EXPECT_EQ(PackDequantScale(1.0f, true, -1.0f), 0x00007FE03F800000u);  // bits 37..45 = 0x1FF
    EXPECT_EQ(PackDequantScale(1.0f, true, 2.5f), 0x000040403F800000u);   // half-even -> 2
    EXPECT_EQ(PackDequantScale(-0.5f, false, 0.0f), 0x00004000BF000000u);
    EXPECT_EQ(PackDequantScale(1.0f, true, -1000.0f), 0x000060003F800000u);  // clamp -256
    EXPECT_EQ(PackDequantScale(1.0f, true, 1000.0f), 0x00005FE03F800000u);   // clamp 255
    // The scale keeps sign, exponent and the top 10 mantissa bits (fp19 truncation).
    EXPECT_EQ(PackDequantScale(F(0x3F801FFF), false, 0.0f), 0x000040003F800000u);
    EXPECT_EQ(PackDequantScale(F(0x3F803FFF), false, 0.0f), 0x000040003F802000u);
    EXPECT_EQ(DequantScaleValue(PackDequantScale(F(0x3F803FFF), false, 0.0f)), F(0x3F802000));
    EXPECT_EQ(DequantScaleValue(0x000040003F800000u), 1.0f);

    const std::pair<float, int32_t> offsets[] = {
        {0.0f, 0},      {0.5f, 0},       {1.5f, 2},      {2.5f, 2},       {3.5f, 4},
        {-0.5f, 0},     {-1.5f, -2},     {-2.5f, -2},    {2.4f, 2},       {2.6f, 3},
        {-1.0f, -1},    {255.0f, 255},   {255.5f, 255},  {256.0f, 255},   {-256.0f, -256},
        {-256.5f, -256}, {-257.0f, -256}, {1e30f, 255},  {-INFINITY, -256}, {INFINITY, 255},
        {F(0x7FC00000), 0},  // NaN: documented as 0 (the API forbids NaN offsets)
    };
    for (const auto &[offset, expect] : offsets) {
        const uint64_t word = PackDequantScale(0.25f, true, offset);
        EXPECT_EQ(DequantScaleOffset(word), expect) << offset;
        EXPECT_EQ(word & 0xFFFFFFFFu, uint64_t{B(0.25f)}) << offset;
        EXPECT_EQ((word >> 46) & 1u, 1u);
        EXPECT_EQ(word >> 47, 0u) << offset;
        EXPECT_EQ((word >> 32) & 0x1Fu, 0u) << offset;
        EXPECT_EQ((word >> 37) & 0x1FFu, static_cast<uint64_t>(static_cast<uint32_t>(expect) & 0x1FFu));
    }
    EXPECT_EQ(DequantScaleOffset(PackDequantScale(1.0f, false, 7.0f)), 0);  // no offset given
}

}  // namespace
}  // namespace mc2::impl::codec
