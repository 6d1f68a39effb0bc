// fuzz/codec_fuzzer.cc — impl/'s bit-manipulation codecs against the oracle's codebook codecs
// (independence rule 2) on inputs libFuzzer chooses. tests/codecs does the exhaustive sweep of
// known-interesting points; this finds the points nobody thought of.
//
// Input layout (fuzz/README.md):
//   byte 0      mode: bit 0 steers every float32's exponent into 2^-30..2^20, where the 8- and
//               4-bit formats have their boundaries (uniform bit patterns rarely land there);
//               bit 1 also reads the input as 8-byte TransQuantParamV2 words
//   bytes 1..   little-endian 4-byte chunks. Each chunk is a float32 bit pattern encoded into
//               every format in both saturation modes, and (masked to the code width) a code
//               decoded by every format. Every byte pair is also read as packed INT4 nibbles.
// Agreement: equal codes; or both NaN codes; or anything in range for a NaN input into FP4
// (no NaN there: OCP MX leaves it implementation-defined). Decoded values: equal with equal
// sign, or both NaN. A disagreement prints one explanatory line and aborts.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/codecs.h"
#include "oracle/codecs/codebook.h"
#include "oracle/codecs/packing.h"

namespace {

namespace ic = mc2::impl::codec;
namespace oc = mc2::oracle;

// impl/'s entry points for one oracle format; codes travel as uint32_t.
struct Pair {
    const oc::Format *format;
    float (*decode)(uint32_t code);
    uint32_t (*encode)(float x, ic::Saturation sat);
};

const Pair kPairs[] = {
    {&oc::kFloat16, [](uint32_t c) { return ic::HalfToFloat(static_cast<uint16_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToHalf(x, s); }},
    {&oc::kBf16, [](uint32_t c) { return ic::Bf16ToFloat(static_cast<uint16_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToBf16(x, s); }},
    {&oc::kFloat8E4m3fn, [](uint32_t c) { return ic::E4m3ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE4m3(x, s); }},
    {&oc::kFloat8E5m2, [](uint32_t c) { return ic::E5m2ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE5m2(x, s); }},
    {&oc::kHifloat8, [](uint32_t c) { return ic::Hif8ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToHif8(x, s); }},
    {&oc::kFloat4E2m1, [](uint32_t c) { return ic::E2m1ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE2m1(x, s); }},
    {&oc::kFloat4E1m2, [](uint32_t c) { return ic::E1m2ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE1m2(x, s); }},
    {&oc::kFloat8E8m0, [](uint32_t c) { return ic::E8m0ToFloat(static_cast<uint8_t>(c)); },
     [](float x, ic::Saturation s) -> uint32_t { return ic::FloatToE8m0(x, s); }},
};

constexpr uint8_t kSteerExponent = 0x01;
constexpr uint8_t kDequantWords = 0x02;

[[noreturn]] void Disagree(const char *what) {
    std::fprintf(stderr, "codec_fuzzer: impl and oracle disagree: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

bool SameValue(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) {
        return std::isnan(a) && std::isnan(b);
    }
    return a == b && std::signbit(a) == std::signbit(b);
}

void CheckEncode(const Pair &p, float x) {
    const oc::Format &f = *p.format;
    for (const ic::Saturation sat : {ic::Saturation::kNone, ic::Saturation::kFinite}) {
        const auto osat = sat == ic::Saturation::kNone ? oc::Saturation::kNone : oc::Saturation::kFinite;
        const uint32_t got = p.encode(x, sat);
        const uint32_t want = oc::Encode(f, x, osat);
        if (got == want) {
            continue;
        }
        const bool in_range = got < oc::CodeCount(f);
        if (in_range && std::isnan(x) && f.layout == oc::Layout::kNoSpecial) {
            continue;
        }
        if (in_range && oc::IsNanCode(f, got) && oc::IsNanCode(f, want)) {
            continue;
        }
        char text[200];
        std::snprintf(text, sizeof text, "encode %.*s %s of float32 0x%08X (%.9g): impl 0x%X, oracle 0x%X",
                      static_cast<int>(f.name.size()), f.name.data(),
                      sat == ic::Saturation::kNone ? "kNone" : "kFinite", std::bit_cast<uint32_t>(x),
                      static_cast<double>(x), got, want);
        Disagree(text);
    }
}

void CheckDecode(const Pair &p, uint32_t bits) {
    const oc::Format &f = *p.format;
    const uint32_t code = bits & (oc::CodeCount(f) - 1);
    const double got = static_cast<double>(p.decode(code));
    const double want = oc::Decode(f, code);
    if (!SameValue(got, want)) {
        char text[200];
        std::snprintf(text, sizeof text, "decode %.*s of code 0x%X: impl %a, oracle %a",
                      static_cast<int>(f.name.size()), f.name.data(), code, got, want);
        Disagree(text);
    }
}

void CheckNibbles(const uint8_t packed[2]) {
    for (int64_t i = 0; i < 4; ++i) {
        const auto u = static_cast<size_t>(i);
        if (ic::UnpackInt4(packed, i) != oc::UnpackInt4(packed, u) ||
            ic::UnpackNibble(packed, i) != oc::UnpackNibble(packed, u)) {
            char text[120];
            std::snprintf(text, sizeof text, "INT4 nibble %d of bytes 0x%02X 0x%02X: impl %d/0x%X, oracle %d/0x%X",
                          static_cast<int>(i), packed[0], packed[1], ic::UnpackInt4(packed, i),
                          ic::UnpackNibble(packed, i), oc::UnpackInt4(packed, u), oc::UnpackNibble(packed, u));
            Disagree(text);
        }
    }
}

// A NaN scale whose payload lies only in the 13 bits the fp19 truncation drops becomes Inf in
// one reading and stays NaN in another; TransQuantParamV2 takes finite scales only (ops.md §3),
// so such words carry no contract.
bool ScaleHasContract(uint32_t bits) {
    const bool nan = (bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0;
    return !nan || (bits & 0x007FE000u) != 0;
}

void CheckDequantWord(uint64_t word) {
    // Reading an arbitrary word.
    if (ScaleHasContract(static_cast<uint32_t>(word))) {
        const double got = static_cast<double>(ic::DequantScaleValue(word));
        const double want = oc::DequantScale(word);
        if (!SameValue(got, want) || ic::DequantScaleOffset(word) != oc::DequantOffset(word)) {
            char text[160];
            std::snprintf(text, sizeof text, "dequant word 0x%016llX: impl scale %a offset %d, oracle %a offset %d",
                          static_cast<unsigned long long>(word), got, ic::DequantScaleOffset(word), want,
                          oc::DequantOffset(word));
            Disagree(text);
        }
    }
    // Packing: the word's halves as fp32 scale and offset, within the documented domain
    // (finite values); bit 0 of the offset decides whether an offset is given at all.
    const float scale = std::bit_cast<float>(static_cast<uint32_t>(word));
    const float offset = std::bit_cast<float>(static_cast<uint32_t>(word >> 32));
    if (!std::isfinite(scale) || !std::isfinite(offset)) {
        return;
    }
    const bool has_offset = (word >> 32) & 1;
    const uint64_t packed = ic::PackDequantScale(scale, has_offset, offset);
    const double want_scale = oc::TruncateToFp19(static_cast<double>(scale));
    const int want_offset = has_offset ? oc::RoundDequantOffset(static_cast<double>(offset)) : 0;
    const bool layout_ok = oc::DequantFlag(packed) && (packed >> 47) == 0 && ((packed >> 32) & 0x1F) == 0;
    if (!layout_ok || !SameValue(oc::DequantScale(packed), want_scale) || oc::DequantOffset(packed) != want_offset) {
        char text[200];
        std::snprintf(text, sizeof text,
                      "PackDequantScale(%a, %s, %a) = 0x%016llX; oracle wants scale %a offset %d, flag bit 46",
                      static_cast<double>(scale), has_offset ? "true" : "false", static_cast<double>(offset),
                      static_cast<unsigned long long>(packed), want_scale, want_offset);
        Disagree(text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const uint8_t mode = data[0];
    const uint8_t *body = data + 1;
    const size_t n = size - 1;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        uint32_t bits;
        std::memcpy(&bits, body + i, sizeof bits);
        for (const Pair &p : kPairs) {
            CheckDecode(p, bits);
        }
        if (mode & kSteerExponent) {
            // Exponent field 97..147 (2^-30..2^20), chosen by the exponent byte modulo 51.
            const uint32_t exponent = 97 + ((bits >> 23) & 0xFF) % 51;
            bits = (bits & 0x807FFFFFu) | (exponent << 23);
        }
        const float x = std::bit_cast<float>(bits);
        for (const Pair &p : kPairs) {
            CheckEncode(p, x);
        }
    }
    for (size_t i = 0; i + 2 <= n; i += 2) {
        CheckNibbles(body + i);
    }
    if (mode & kDequantWords) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            uint64_t word;
            std::memcpy(&word, body + i, sizeof word);
            CheckDequantWord(word);
        }
    }
    return 0;
}
