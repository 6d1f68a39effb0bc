// harness/fill/element.cc — element codecs and format facts (element.h).
#include "harness/fill/element.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "harness/dtype_names.h"
#include "harness/fill/half.h"
#include "oracle/codecs/codebook.h"

namespace mc2::harness {
namespace {

struct IntRange {
    double lo;
    double hi;
    int bits;
};

bool IntegerRange(aclDataType dtype, IntRange *r) {
    switch (dtype) {
        case ACL_INT4: *r = {-8, 7, 4}; return true;
        case ACL_INT8: *r = {-128, 127, 8}; return true;
        case ACL_UINT8: *r = {0, 255, 8}; return true;
        case ACL_INT16: *r = {-32768, 32767, 16}; return true;
        case ACL_UINT16: *r = {0, 65535, 16}; return true;
        case ACL_INT32: *r = {-2147483648.0, 2147483647.0, 32}; return true;
        case ACL_UINT32: *r = {0, 4294967295.0, 32}; return true;
        // 64-bit integers: the doubles the fillers produce stay far inside ±2^63.
        case ACL_INT64: *r = {-9223372036854775808.0, 9223372036854774784.0, 64}; return true;
        case ACL_UINT64: *r = {0, 18446744073709549568.0, 64}; return true;
        case ACL_BOOL: *r = {0, 1, 8}; return true;
        default: return false;
    }
}

const oracle::Format *Codebook(aclDataType dtype) { return oracle::FindFormatByDtype(static_cast<int>(dtype)); }

uint64_t Mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

FormatInfo ComputeInfo(aclDataType dtype) {
    FormatInfo info;
    IntRange ir{};
    if (IntegerRange(dtype, &ir)) {
        info.numeric = true;
        info.is_integer = true;
        info.max_finite = ir.hi;
        info.min_value = ir.lo;
        info.min_positive = 1;
        info.min_normal = 1;
        info.exact_int_limit = std::min(ir.hi, 9007199254740992.0);
        return info;
    }
    if (dtype == ACL_FLOAT || dtype == ACL_DOUBLE) {
        const bool f32 = dtype == ACL_FLOAT;
        info.numeric = true;
        info.max_finite = f32 ? static_cast<double>(std::numeric_limits<float>::max()) : std::numeric_limits<double>::max();
        info.min_value = -info.max_finite;
        info.min_positive =
            f32 ? static_cast<double>(std::numeric_limits<float>::denorm_min()) : std::numeric_limits<double>::denorm_min();
        info.min_normal = f32 ? static_cast<double>(std::numeric_limits<float>::min()) : std::numeric_limits<double>::min();
        info.exact_int_limit = f32 ? 16777216.0 : 9007199254740992.0;
        return info;
    }
    const oracle::Format *f = Codebook(dtype);
    if (f == nullptr) return info;
    info.numeric = true;
    auto mags = oracle::SortedMagnitudes(*f);
    info.max_finite = mags.back();
    info.min_positive = mags.front() > 0 ? mags.front() : mags[1];
    info.min_value = f->layout == oracle::Layout::kE8m0 ? info.min_positive : -info.max_finite;
    switch (f->layout) {
        case oracle::Layout::kIeee:
        case oracle::Layout::kFiniteNan:
        case oracle::Layout::kNoSpecial: info.min_normal = std::ldexp(1.0, 1 - f->bias); break;
        case oracle::Layout::kHiFloat8: info.min_normal = std::ldexp(1.0, -15); break;  // below: denormal band
        case oracle::Layout::kE8m0: info.min_normal = info.min_positive; break;
    }
    double n = 1;
    while (n < 65536 && RoundTo(dtype, n) == n) n += 1;
    info.exact_int_limit = n - 1;
    return info;
}

}  // namespace

FormatInfo Info(aclDataType dtype) {
    // A small cache: the codebook formats compute exact_int_limit by search.
    struct Slot {
        bool ready = false;
        FormatInfo info;
    };
    thread_local Slot cache[64];
    const int i = static_cast<int>(dtype);
    if (i < 0 || i >= 64) return ComputeInfo(dtype);
    if (!cache[i].ready) {
        cache[i].info = ComputeInfo(dtype);
        cache[i].ready = true;
    }
    return cache[i].info;
}

int StorageBits(aclDataType dtype) {
    const int bits = DtypeBits(dtype);
    switch (bits) {
        case 4:
        case 8:
        case 16:
        case 32:
        case 64:
        case 128: return bits;
        default: return 8;
    }
}

double RoundTo(aclDataType dtype, double x) {
    if (std::isnan(x)) return x;
    IntRange ir{};
    if (IntegerRange(dtype, &ir)) {
        const double r = std::nearbyint(x);
        return r < ir.lo ? ir.lo : (r > ir.hi ? ir.hi : r);
    }
    if (dtype == ACL_FLOAT) {
        const double m = static_cast<double>(std::numeric_limits<float>::max());
        if (x > m) return m;
        if (x < -m) return -m;
        return static_cast<double>(static_cast<float>(x));
    }
    if (dtype == ACL_DOUBLE) return x;
    if (HasHalfCodec(dtype)) return RoundHalf(dtype, x);  // the codebook's answer, faster (half.h)
    if (const oracle::Format *f = Codebook(dtype)) {
        return oracle::Decode(*f, oracle::Encode(*f, x, oracle::Saturation::kFinite));
    }
    return x;
}

uint64_t EncodeElement(aclDataType dtype, double x) {
    IntRange ir{};
    if (IntegerRange(dtype, &ir)) {
        const double r = RoundTo(dtype, x);
        const uint64_t code = ir.lo < 0 ? static_cast<uint64_t>(static_cast<int64_t>(r)) : static_cast<uint64_t>(r);
        return code & Mask(ir.bits);
    }
    if (dtype == ACL_FLOAT) return std::bit_cast<uint32_t>(static_cast<float>(RoundTo(dtype, x)));
    if (dtype == ACL_DOUBLE) return std::bit_cast<uint64_t>(x);
    if (HasHalfCodec(dtype)) return EncodeHalf(dtype, x);
    if (const oracle::Format *f = Codebook(dtype)) return oracle::Encode(*f, x, oracle::Saturation::kFinite);
    return static_cast<uint64_t>(static_cast<int64_t>(x)) & Mask(StorageBits(dtype));
}

double DecodeElement(aclDataType dtype, uint64_t code) {
    IntRange ir{};
    if (IntegerRange(dtype, &ir)) {
        code &= Mask(ir.bits);
        if (ir.lo < 0 && ir.bits < 64 && (code >> (ir.bits - 1)) != 0) {
            return static_cast<double>(static_cast<int64_t>(code) - (int64_t{1} << ir.bits));
        }
        return ir.lo < 0 ? static_cast<double>(static_cast<int64_t>(code)) : static_cast<double>(code);
    }
    if (dtype == ACL_FLOAT) return static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(code)));
    if (dtype == ACL_DOUBLE) return std::bit_cast<double>(code);
    if (HasHalfCodec(dtype)) return DecodeHalf(dtype, static_cast<uint16_t>(code & 0xFFFF));
    if (const oracle::Format *f = Codebook(dtype)) {
        return oracle::Decode(*f, static_cast<uint32_t>(code & Mask(f->bits)));
    }
    return static_cast<double>(code);
}

Poison PoisonFor(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16: return {0xFD5A, true};                // -sNaN, payload 0x15A
        case ACL_BF16: return {0xFFA5, true};                   // -sNaN, payload 0x25
        case ACL_FLOAT: return {0xFFA5A5A5, true};              // -sNaN
        case ACL_DOUBLE: return {0xFFF5A5A5A5A5A5A5, true};     // -sNaN
        case ACL_FLOAT8_E5M2: return {0xFD, true};              // -sNaN (quiet bit clear)
        case ACL_FLOAT8_E4M3FN: return {0xFF, true};            // the only NaN, negative
        case ACL_HIFLOAT8: return {0x80, true};                 // the only NaN
        case ACL_FLOAT8_E8M0: return {0xFF, true};              // the only NaN
        default: break;
    }
    const int bits = StorageBits(dtype);
    return {0xA5A5A5A5A5A5A5A5ull & Mask(bits), false};
}

uint64_t CanaryFor(aclDataType dtype) {
    if (const oracle::Format *f = Codebook(dtype)) {
        if (f->layout == oracle::Layout::kNoSpecial) return oracle::MaxFiniteCode(*f);
        return oracle::Encode(*f, std::numeric_limits<double>::quiet_NaN());
    }
    if (dtype == ACL_FLOAT) return 0x7FC00000;
    if (dtype == ACL_DOUBLE) return 0x7FF8000000000000ull;
    const FormatInfo info = Info(dtype);
    if (info.numeric) return EncodeElement(dtype, info.max_finite);
    return 0x5A5A5A5A5A5A5A5Aull & Mask(StorageBits(dtype));
}

void StoreCode(uint8_t *base, int bits, int64_t index, uint64_t code) {
    if (bits == 4) {
        uint8_t &byte = base[index / 2];
        const uint8_t nibble = static_cast<uint8_t>(code & 0xF);
        byte = (index % 2 == 0) ? static_cast<uint8_t>((byte & 0xF0) | nibble)
                                : static_cast<uint8_t>((byte & 0x0F) | (nibble << 4));
        return;
    }
    const size_t bytes = static_cast<size_t>(bits / 8);
    uint8_t *p = base + static_cast<size_t>(index) * bytes;
    for (size_t b = 0; b < bytes; ++b) p[b] = static_cast<uint8_t>(code >> (8 * (b % 8)));  // 128-bit: code twice
}

uint64_t LoadCode(const uint8_t *base, int bits, int64_t index) {
    if (bits == 4) {
        const uint8_t byte = base[index / 2];
        return (index % 2 == 0) ? (byte & 0xF) : (byte >> 4);
    }
    const size_t bytes = static_cast<size_t>(bits / 8);
    const uint8_t *p = base + static_cast<size_t>(index) * bytes;
    uint64_t code = 0;
    for (size_t b = 0; b < bytes && b < 8; ++b) code |= uint64_t{p[b]} << (8 * b);
    return code;
}

size_t BytesFor(int bits, int64_t elements) {
    if (elements <= 0 || bits <= 0) return 0;
    // Whole groups of 8 elements take exactly `bits` bytes; the rest rounds up. No product
    // can overflow silently: a count past size_t saturates.
    const auto groups = static_cast<uint64_t>(elements / 8);
    const auto rest = static_cast<uint64_t>(elements % 8);
    const auto b = static_cast<uint64_t>(bits);
    constexpr uint64_t kMax = std::numeric_limits<size_t>::max();
    if (groups > kMax / b) return std::numeric_limits<size_t>::max();
    const uint64_t whole = groups * b;
    const uint64_t tail = (rest * b + 7) / 8;  // rest < 8, bits <= 128: no overflow
    if (whole > kMax - tail) return std::numeric_limits<size_t>::max();
    return static_cast<size_t>(whole + tail);
}

}  // namespace mc2::harness
