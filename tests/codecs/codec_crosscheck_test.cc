// tests/codecs/codec_crosscheck_test.cc — independence rule 2 at work: impl/'s bit-trick
// codecs against the oracle's codebook codecs. Every code of every format is decoded by both.
// Encoding is compared in both saturation modes on every float32 within 4 ulps of every
// decision boundary (each representable value, each midpoint, the overflow threshold), on all
// 2^16 fp16 and bf16 values, and on millions of random float32 patterns. INT4 nibbles and
// TransQuantParamV2 words are compared too. NaN results are compared by class, zero by sign.
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/codecs.h"
#include "oracle/codecs/codebook.h"
#include "oracle/codecs/packing.h"
#include "tests/common/sanitized_build.h"

namespace mc2 {
namespace {

namespace ic = impl::codec;
using oracle::Format;

// One format as impl/ exposes it, next to its oracle descriptor.
struct ImplCodec {
    const Format *format;
    float (*decode)(uint32_t code);
    uint32_t (*encode)(float x, ic::Saturation sat);
};

const std::vector<ImplCodec> &Codecs() {
    static const std::vector<ImplCodec> codecs = {
        {&oracle::kFloat16, [](uint32_t c) { return ic::HalfToFloat(static_cast<uint16_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToHalf(x, s); }},
        {&oracle::kBf16, [](uint32_t c) { return ic::Bf16ToFloat(static_cast<uint16_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToBf16(x, s); }},
        {&oracle::kFloat8E4m3fn,
         [](uint32_t c) { return ic::E4m3ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE4m3(x, s); }},
        {&oracle::kFloat8E5m2, [](uint32_t c) { return ic::E5m2ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE5m2(x, s); }},
        {&oracle::kHifloat8, [](uint32_t c) { return ic::Hif8ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToHif8(x, s); }},
        {&oracle::kFloat4E2m1, [](uint32_t c) { return ic::E2m1ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE2m1(x, s); }},
        {&oracle::kFloat4E1m2, [](uint32_t c) { return ic::E1m2ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE1m2(x, s); }},
        {&oracle::kFloat8E8m0, [](uint32_t c) { return ic::E8m0ToFloat(static_cast<uint8_t>(c)); },
         [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE8m0(x, s); }},
    };
    return codecs;
}

constexpr ic::Saturation kImplModes[] = {ic::Saturation::kNone, ic::Saturation::kFinite};

oracle::Saturation OracleMode(ic::Saturation s) {
    return s == ic::Saturation::kNone ? oracle::Saturation::kNone : oracle::Saturation::kFinite;
}

const char *ModeName(ic::Saturation s) { return s == ic::Saturation::kNone ? "kNone" : "kFinite"; }

uint32_t Bits(float x) { return std::bit_cast<uint32_t>(x); }

// Counts the mismatches of one (format, mode) and reports the first few in full.
class Mismatches {
  public:
    explicit Mismatches(std::string what) : what_(std::move(what)) {}
    ~Mismatches() {
        if (count_ > 0) {
            ADD_FAILURE() << what_ << ": " << count_ << " mismatches of " << checked_
                          << " inputs (at most " << kShown << " shown above)";
        }
    }
    void Checked() { ++checked_; }
    void Add(const std::string &message) {
        if (count_++ < kShown) {
            ADD_FAILURE() << what_ << ": " << message;
        }
    }
    uint64_t checked() const { return checked_; }

  private:
    static constexpr int kShown = 10;
    std::string what_;
    uint64_t count_ = 0;
    uint64_t checked_ = 0;
};

std::string Hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
    return buf;
}

// Compares the encoding of x by both codecs: equal codes, or two NaN codes; a NaN input into a
// format without NaN (FP4) may give any code (OCP MX: implementation-defined).
void CompareEncode(const ImplCodec &c, ic::Saturation mode, float x, Mismatches &m) {
    const Format &f = *c.format;
    m.Checked();
    const uint32_t got = c.encode(x, mode);
    const uint32_t want = oracle::Encode(f, x, OracleMode(mode));
    if (got == want) {
        return;
    }
    const bool no_nan_class = f.layout == oracle::Layout::kNoSpecial;
    if (std::isnan(x) && no_nan_class && got < oracle::CodeCount(f)) {
        return;
    }
    if (got < oracle::CodeCount(f) && oracle::IsNanCode(f, got) && oracle::IsNanCode(f, want)) {
        return;
    }
    char value[64];
    std::snprintf(value, sizeof value, "%.9g", static_cast<double>(x));
    m.Add(std::string(f.name) + " " + ModeName(mode) + " input " + Hex(Bits(x)) + " (" + value +
          "): impl " + Hex(got) + ", oracle " + Hex(want));
}

// Runs CompareEncode over `inputs` for one codec in both modes; returns the inputs checked.
uint64_t CompareAll(const ImplCodec &c, const std::vector<float> &inputs, const char *set) {
    uint64_t n = 0;
    for (ic::Saturation mode : kImplModes) {
        Mismatches m(std::string(set) + " " + std::string(c.format->name) + " " + ModeName(mode));
        for (float x : inputs) {
            CompareEncode(c, mode, x, m);
        }
        n += m.checked();
    }
    return n;
}

TEST(CodecCrosscheck, DecodeEveryCode) {
    for (const ImplCodec &c : Codecs()) {
        const Format &f = *c.format;
        Mismatches m(std::string("decode ") + std::string(f.name));
        for (uint32_t code = 0; code < oracle::CodeCount(f); ++code) {
            m.Checked();
            const double got = static_cast<double>(c.decode(code));
            const double want = oracle::Decode(f, code);
            const bool same_sign = std::signbit(got) == std::signbit(want);
            const bool same = std::isnan(want) ? std::isnan(got) : got == want && same_sign;
            if (!same) {
                char text[96];
                std::snprintf(text, sizeof text, " (impl %a, oracle %a)", got, want);
                m.Add(std::string(f.name) + " code " + Hex(code) + ": impl " +
                      Hex(Bits(static_cast<float>(got))) + ", oracle " +
                      Hex(Bits(static_cast<float>(want))) + text);
            }
        }
    }
}

// Every float32 within 4 ulps of each decision boundary of the format, both signs: the
// representable values (the floor rule's boundaries; also where underflow and the subnormal
// edges sit), the midpoints between neighbours, the overflow threshold, and float32's own
// edges (±0, smallest subnormal, smallest normal, max, Inf, NaNs).
std::vector<float> BoundaryInputs(const Format &f) {
    std::vector<double> points;
    const auto values = oracle::SortedMagnitudes(f);
    for (size_t i = 0; i < values.size(); ++i) {
        points.push_back(values[i]);
        if (i + 1 < values.size()) {
            points.push_back((values[i] + values[i + 1]) / 2.0);
        }
    }
    points.push_back(oracle::OverflowThreshold(f));
    points.push_back(2.0 * oracle::OverflowThreshold(f));
    for (float edge : {0.0f, FLT_TRUE_MIN, FLT_MIN, FLT_MAX}) {
        points.push_back(static_cast<double>(edge));
    }
    std::vector<float> inputs;
    for (double p : points) {
        if (static_cast<double>(static_cast<float>(p)) != p) {
            continue;  // not a float32 (E8M0's 2^128): its neighbours are covered by FLT_MAX
        }
        for (float sign : {1.0f, -1.0f}) {
            const float centre = sign * static_cast<float>(p);
            float below = centre;
            float above = centre;
            inputs.push_back(centre);
            for (int k = 0; k < 4; ++k) {
                below = std::nextafter(below, -INFINITY);
                above = std::nextafter(above, INFINITY);
                inputs.push_back(below);
                inputs.push_back(above);
            }
        }
    }
    for (uint32_t special : {0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00000u, 0x7F800001u,
                             0xFF800001u, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FA00000u}) {
        inputs.push_back(std::bit_cast<float>(special));
    }
    return inputs;
}

TEST(CodecCrosscheck, EncodeAroundEveryBoundary) {
    uint64_t total = 0;
    for (const ImplCodec &c : Codecs()) {
        total += CompareAll(c, BoundaryInputs(*c.format), "boundary");
    }
    RecordProperty("inputs", std::to_string(total));
    std::printf("boundary neighbourhoods: %llu encodes compared\n",
                static_cast<unsigned long long>(total));
}

// All 2^16 fp16 and bf16 values (as float32) re-encoded into every format.
TEST(CodecCrosscheck, EncodeAll16BitValues) {
    std::vector<float> inputs;
    for (const Format *f : {&oracle::kFloat16, &oracle::kBf16}) {
        for (uint32_t code = 0; code < 0x10000; ++code) {
            const double v = oracle::Decode(*f, code);
            // A NaN code becomes a quiet NaN with the code's sign (NaN payloads are not kept).
            const uint32_t nan_bits = code >= 0x8000 ? 0xFFC00000u : 0x7FC00000u;
            inputs.push_back(std::isnan(v) ? std::bit_cast<float>(nan_bits)
                                           : static_cast<float>(v));
        }
    }
    uint64_t total = 0;
    for (const ImplCodec &c : Codecs()) {
        total += CompareAll(c, inputs, "16-bit");
    }
    std::printf("fp16/bf16 values: %llu encodes compared\n",
                static_cast<unsigned long long>(total));
}

// Random float32 bit patterns with a fixed seed: half uniform over all 2^32 patterns (every
// sign/exponent class, NaN and subnormals included), half with the exponent drawn from the
// binades where the 8- and 4-bit formats live (2^-30..2^20), where the uniform half is sparse.
TEST(CodecCrosscheck, EncodeRandomFloat32) {
    // A tenth under sanitizers (sanitized_build.h): the encoders are the same code either way.
    constexpr auto kPerHalf = static_cast<size_t>(tests::ScaledForSanitizers(1'500'000, 150'000));
    std::mt19937_64 rng(0x6D63326F7261636CULL);  // "mc2oracl"
    std::vector<float> inputs;
    inputs.reserve(2 * kPerHalf);
    for (size_t i = 0; i < kPerHalf; ++i) {
        inputs.push_back(std::bit_cast<float>(static_cast<uint32_t>(rng())));
    }
    std::uniform_int_distribution<uint32_t> exponent(127 - 30, 127 + 20);
    for (size_t i = 0; i < kPerHalf; ++i) {
        const auto r = static_cast<uint32_t>(rng());
        const uint32_t sign_and_mantissa = r & 0x807FFFFFu;
        inputs.push_back(std::bit_cast<float>(sign_and_mantissa | (exponent(rng) << 23)));
    }
    uint64_t total = 0;
    for (const ImplCodec &c : Codecs()) {
        total += CompareAll(c, inputs, "random");
    }
    std::printf("random float32: %llu encodes compared\n", static_cast<unsigned long long>(total));
}

TEST(CodecCrosscheck, Int4AndNibbles) {
    Mismatches m("int4/nibble");
    for (uint32_t byte = 0; byte < 256; ++byte) {
        const uint8_t packed[2] = {static_cast<uint8_t>(byte), static_cast<uint8_t>(255 - byte)};
        for (int64_t i = 0; i < 4; ++i) {
            m.Checked();
            const int got = ic::UnpackInt4(packed, i);
            const int want = oracle::UnpackInt4(packed, static_cast<size_t>(i));
            const uint32_t got_n = ic::UnpackNibble(packed, i);
            const uint32_t want_n = oracle::UnpackNibble(packed, static_cast<size_t>(i));
            if (got != want || got_n != want_n) {
                m.Add("bytes " + Hex(packed[0]) + " " + Hex(packed[1]) + " index " +
                      std::to_string(i) + ": impl " + std::to_string(got) + "/" + Hex(got_n) +
                      ", oracle " + std::to_string(want) + "/" + Hex(want_n));
            }
        }
    }
    // Packing writes one nibble and leaves the others alone.
    for (int v = -8; v <= 7; ++v) {
        for (int64_t i = 0; i < 4; ++i) {
            uint8_t packed[2] = {0xA5, 0x3C};
            const uint8_t before[2] = {0xA5, 0x3C};
            ic::PackInt4(packed, i, static_cast<int8_t>(v));
            m.Checked();
            bool ok = oracle::UnpackInt4(packed, static_cast<size_t>(i)) == v;
            for (size_t j = 0; j < 4; ++j) {
                if (j != static_cast<size_t>(i)) {
                    ok = ok && oracle::UnpackNibble(packed, j) == oracle::UnpackNibble(before, j);
                }
            }
            uint8_t nibbles[2] = {0xA5, 0x3C};
            ic::PackNibble(nibbles, i, static_cast<uint8_t>(v & 0xF));
            ok = ok && oracle::UnpackNibble(nibbles, static_cast<size_t>(i)) ==
                           static_cast<uint32_t>(v & 0xF);
            if (!ok) {
                m.Add("PackInt4/PackNibble value " + std::to_string(v) + " index " +
                      std::to_string(i) + ": bytes " + Hex(packed[0]) + " " + Hex(packed[1]));
            }
        }
    }
}

// The scale a NaN word keeps depends on where its payload sits (a mask can turn it into Inf);
// TransQuantParamV2 requires finite scales (ops.md §3), so such words are compared by class
// only when the payload survives the truncation.
bool ScaleComparable(uint32_t bits) {
    const bool nan = (bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0;
    return !nan || (bits & 0x007FE000u) != 0;
}

bool SameScale(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) {
        return std::isnan(a) && std::isnan(b);
    }
    return a == b && std::signbit(a) == std::signbit(b);
}

TEST(CodecCrosscheck, DequantScaleWords) {
    std::mt19937_64 rng(20240917);
    Mismatches m("dequant scale");
    std::vector<float> scales;
    for (int i = 0; i < 200'000; ++i) {
        scales.push_back(std::bit_cast<float>(static_cast<uint32_t>(rng())));
    }
    for (uint32_t bits : {0x00000000u, 0x80000000u, 0x3F800000u, 0x3F801FFFu, 0x3F802000u,
                          0x00001FFFu, 0x00002000u, 0x007FFFFFu, 0x7F7FFFFFu, 0x7F800000u,
                          0xFF800000u, 0x7FC00000u}) {
        scales.push_back(std::bit_cast<float>(bits));
    }
    std::uniform_real_distribution<float> offsets(-300.0f, 300.0f);
    for (size_t i = 0; i < scales.size(); ++i) {
        const float scale = scales[i];
        if (!ScaleComparable(Bits(scale))) {
            continue;
        }
        // Every third word without offset; ties (x.5) and the clamp edges on purpose.
        const bool has_offset = i % 3 != 0;
        float offset = offsets(rng);
        if (i % 7 == 0) {
            offset = std::round(offset) + 0.5f;
        }
        const uint64_t word = ic::PackDequantScale(scale, has_offset, offset);
        m.Checked();
        const double want_scale = oracle::TruncateToFp19(static_cast<double>(scale));
        const int want_offset =
            has_offset ? oracle::RoundDequantOffset(static_cast<double>(offset)) : 0;
        // Bits 32..36 and 47..63 are zero; bit 46 is set.
        const bool layout_ok =
            oracle::DequantFlag(word) && (word >> 47) == 0 && ((word >> 32) & 0x1F) == 0;
        const bool ok = layout_ok && SameScale(oracle::DequantScale(word), want_scale) &&
                        oracle::DequantOffset(word) == want_offset &&
                        SameScale(static_cast<double>(ic::DequantScaleValue(word)), want_scale) &&
                        ic::DequantScaleOffset(word) == want_offset;
        if (!ok) {
            char text[160];
            const double shown_offset = has_offset ? static_cast<double>(offset) : 0.0;
            std::snprintf(text, sizeof text, "scale %a offset %.9g: word ",
                          static_cast<double>(scale), shown_offset);
            m.Add(std::string("input ") + Hex(Bits(scale)) + " " + text + Hex(word) +
                  ", impl value " + Hex(Bits(ic::DequantScaleValue(word))) + " offset " +
                  std::to_string(ic::DequantScaleOffset(word)) + ", oracle value " +
                  Hex(Bits(static_cast<float>(want_scale))) + " offset " +
                  std::to_string(want_offset));
        }
    }
    // Arbitrary words (not necessarily produced by the packer) read back by both.
    for (int i = 0; i < 200'000; ++i) {
        const uint64_t word = rng();
        if (!ScaleComparable(static_cast<uint32_t>(word))) {
            continue;
        }
        m.Checked();
        const double got = static_cast<double>(ic::DequantScaleValue(word));
        const double want = oracle::DequantScale(word);
        if (!SameScale(got, want) || ic::DequantScaleOffset(word) != oracle::DequantOffset(word)) {
            m.Add("word " + Hex(word) + ": impl " + Hex(Bits(static_cast<float>(got))) + "/" +
                  std::to_string(ic::DequantScaleOffset(word)) + ", oracle " +
                  Hex(Bits(static_cast<float>(want))) + "/" +
                  std::to_string(oracle::DequantOffset(word)));
        }
    }
}

}  // namespace
}  // namespace mc2
