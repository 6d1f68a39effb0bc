// oracle/codecs/codebook.cc — builds one codebook per format from its definition
// (formats.md §2-§8) and encodes by searching the sorted values. Nothing here takes a float's
// bits apart: decoding assembles values with std::ldexp from the code's fields, and encoding
// compares the exact input against exact values and midpoints, so its correctness does not
// depend on the shift-and-add tricks impl/ uses. (The input's top bits only pick the stretch of
// sorted values the search looks in; the comparisons that decide are the same.)
#include "oracle/codecs/codebook.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace mc2::oracle {
namespace {

constexpr std::array<Format, 8> kFormats = {kFloat16,   kBf16,       kFloat8E4m3fn, kFloat8E5m2,
                                            kHifloat8,  kFloat4E2m1, kFloat4E1m2,   kFloat8E8m0};

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

uint32_t Pow2(int n) { return uint32_t{1} << n; }

// Value of a code of the s|e|m layouts: normal 2^(e-bias)·(1 + m/2^M), subnormal
// 2^(1-bias)·(m/2^M), with the layout's special codes.
double DecodeSignExpMan(const Format &f, uint32_t code) {
    const uint32_t half = Pow2(f.bits - 1);
    const bool negative = code >= half;
    const uint32_t magnitude = code % half;
    const uint32_t e = magnitude / Pow2(f.man_bits);
    const uint32_t m = magnitude % Pow2(f.man_bits);
    const uint32_t e_all_ones = Pow2(f.exp_bits) - 1;
    const uint32_t m_all_ones = Pow2(f.man_bits) - 1;
    double v = 0.0;
    if (f.layout == Layout::kIeee && e == e_all_ones) {
        if (m != 0) {
            return kNan;
        }
        v = kInf;
    } else if (f.layout == Layout::kFiniteNan && e == e_all_ones && m == m_all_ones) {
        return kNan;
    } else if (e == 0) {
        v = std::ldexp(static_cast<double>(m), 1 - f.bias - f.man_bits);
    } else {
        v = std::ldexp(static_cast<double>(Pow2(f.man_bits) + m),
                       static_cast<int>(e) - f.bias - f.man_bits);
    }
    return negative ? -v : v;
}

// HiFloat8 (formats.md §6.1-6.3): S | dot prefix | D exponent bits (sign-magnitude, implicit
// leading 1 of the magnitude) | M mantissa bits; prefix 0000 is the denormal row.
double DecodeHifloat8(uint32_t code) {
    if (code == 0x80) {
        return kNan;  // the "-0" slot
    }
    const bool negative = code >= 0x80;
    const uint32_t c = code % 0x80;
    double v = 0.0;
    if (c == 0x6F) {
        v = kInf;  // the slot that would hold 1.5·2^15
    } else if (c == 0) {
        v = 0.0;
    } else {
        int d = 0;  // exponent field width D
        int m_bits = 0;
        if (c / 32 == 3) {  // 11
            d = 4, m_bits = 1;
        } else if (c / 32 == 2) {  // 10
            d = 3, m_bits = 2;
        } else if (c / 32 == 1) {  // 01
            d = 2, m_bits = 3;
        } else if (c / 16 == 1) {  // 001
            d = 1, m_bits = 3;
        } else if (c / 8 == 1) {  // 0001
            d = 0, m_bits = 3;
        } else {  // 0000 MMM: 2^(MMM - 23)
            d = -1;
        }
        if (d < 0) {
            v = std::ldexp(1.0, static_cast<int>(c) - 23);
        } else {
            const uint32_t payload = c % Pow2(d + m_bits);
            const uint32_t m = payload % Pow2(m_bits);
            int e = 0;
            if (d > 0) {
                const uint32_t exp_field = payload / Pow2(m_bits);  // Es then D-1 bits
                const bool exp_negative = exp_field / Pow2(d - 1) == 1;
                const int magnitude = static_cast<int>(Pow2(d - 1) + exp_field % Pow2(d - 1));
                e = exp_negative ? -magnitude : magnitude;
            }
            v = std::ldexp(static_cast<double>(Pow2(m_bits) + m), e - m_bits);
        }
    }
    return negative ? -v : v;
}

double DecodeE8m0(const Format &f, uint32_t code) {
    if (code == CodeCount(f) - 1) {
        return kNan;
    }
    return std::ldexp(1.0, static_cast<int>(code) - f.bias);
}

double DecodeFromDefinition(const Format &f, uint32_t code) {
    switch (f.layout) {
    case Layout::kIeee:
    case Layout::kFiniteNan:
    case Layout::kNoSpecial:
        return DecodeSignExpMan(f, code);
    case Layout::kHiFloat8:
        return DecodeHifloat8(code);
    case Layout::kE8m0:
        return DecodeE8m0(f, code);
    }
    return kNan;
}

struct Codebook {
    Format format;
    std::vector<double> value;  // by code
    // Non-negative finite values in increasing order, then one virtual entry: the value that
    // would follow max with an unbounded exponent (the floor rule: 2^128). Landing on it means
    // overflow.
    std::vector<double> keys;
    std::vector<uint32_t> key_code;  // code of keys[i]; for the virtual entry max_code + 1
    uint32_t max_code = 0;
    bool has_inf = false;
    uint32_t inf_code = 0;
    uint32_t sign_code = 0;  // the code of the sign alone (0 for E8M0)
    double threshold = 0.0;
    // Where the search for a non-negative double a starts and ends: with i = a's bits >>
    // kBucketShift (its exponent and top kBucketBits fraction bits), the first key ≥ a lies in
    // keys[bucket[i] .. bucket[i + 1]] (bucket[j] = the first key ≥ the smallest double of
    // bucket j), so the search compares a with a handful of keys instead of all of them — the
    // same comparisons decide, only fewer are made.
    std::vector<uint32_t> bucket;
};

constexpr int kBucketBits = 6;
constexpr int kBucketShift = 52 - kBucketBits;
constexpr uint64_t kBuckets = uint64_t{0x800} << kBucketBits;  // every non-negative double incl. +Inf

double DoubleOfBits(uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

// bucket[j] for j in [0, kBuckets) and the end bucket[kBuckets] = keys.size(), by one merge
// walk over the sorted keys.
std::vector<uint32_t> BuildBuckets(const std::vector<double> &keys) {
    std::vector<uint32_t> bucket(kBuckets + 1);
    size_t at = 0;
    for (uint64_t j = 0; j < kBuckets; ++j) {
        const double start = DoubleOfBits(j << kBucketShift);
        while (at < keys.size() && keys[at] < start) ++at;
        bucket[j] = static_cast<uint32_t>(at);
    }
    bucket[kBuckets] = static_cast<uint32_t>(keys.size());
    return bucket;
}

Codebook Build(const Format &f) {
    Codebook b;
    b.format = f;
    const uint32_t n = CodeCount(f);
    b.value.resize(n);
    for (uint32_t c = 0; c < n; ++c) {
        b.value[c] = DecodeFromDefinition(f, c);
    }
    const bool has_sign = f.layout != Layout::kE8m0;
    b.sign_code = has_sign ? n / 2 : 0;
    const uint32_t positive_codes = has_sign ? n / 2 : n;
    std::vector<std::pair<double, uint32_t>> finite;
    for (uint32_t c = 0; c < positive_codes; ++c) {
        const double v = b.value[c];
        if (std::isinf(v)) {
            b.has_inf = true;
            b.inf_code = c;
        } else if (!std::isnan(v)) {
            finite.emplace_back(v, c);
        }
    }
    std::sort(finite.begin(), finite.end());
    for (size_t i = 1; i < finite.size(); ++i) {
        if (finite[i].first == finite[i - 1].first) {
            throw std::logic_error("oracle codebook: duplicate value in " + std::string(f.name));
        }
    }
    for (const auto &[v, c] : finite) {
        b.keys.push_back(v);
        b.key_code.push_back(c);
    }
    const double max = finite.back().first;
    b.max_code = finite.back().second;
    // The successor of max with an unbounded exponent: max + 2^(ilogb(max) - M) where M is the
    // mantissa width of max's binade (HiF8: 1 bit above 2^8). E8M0: the next power of two.
    double next = 0.0;
    switch (f.layout) {
    case Layout::kE8m0:
        next = 2.0 * max;
        break;
    case Layout::kHiFloat8:
        next = max + std::ldexp(1.0, std::ilogb(max) - 1);
        break;
    default:
        next = max + std::ldexp(1.0, std::ilogb(max) - f.man_bits);
        break;
    }
    b.keys.push_back(next);
    b.key_code.push_back(b.max_code + 1);
    b.threshold = f.rounding == Rounding::kFloor ? next : (max + next) / 2.0;
    b.bucket = BuildBuckets(b.keys);
    return b;
}

const std::array<Codebook, kFormats.size()> &Books() {
    static const std::array<Codebook, kFormats.size()> books = [] {
        std::array<Codebook, kFormats.size()> out;
        for (size_t i = 0; i < kFormats.size(); ++i) {
            out[i] = Build(kFormats[i]);
        }
        return out;
    }();
    return books;
}

const Codebook &BookFor(const Format &f) {
    for (const Codebook &b : Books()) {
        if (b.format.acl_dtype == f.acl_dtype) {
            return b;
        }
    }
    throw std::invalid_argument("oracle codebook: unknown format " + std::string(f.name));
}

// Index into keys of the value x rounds to (x finite, non-negative); keys.size() - 1 is the
// virtual entry (overflow); -1 means below the smallest value under the floor rule.
ptrdiff_t Round(const Codebook &b, double a) {
    const std::vector<double> &k = b.keys;
    if (b.format.rounding == Rounding::kFloor) {
        const auto it = std::upper_bound(k.begin(), k.end(), a);
        return (it - k.begin()) - 1;
    }
    uint64_t bits;
    std::memcpy(&bits, &a, sizeof bits);
    const uint64_t j = bits >> kBucketShift;
    const auto it = std::lower_bound(k.begin() + b.bucket[j], k.begin() + b.bucket[j + 1], a);
    const ptrdiff_t hi = it - k.begin();
    if (hi == static_cast<ptrdiff_t>(k.size())) {
        return hi - 1;  // beyond the virtual entry: overflow as well
    }
    if (k[hi] == a || hi == 0) {
        return hi;
    }
    const ptrdiff_t lo = hi - 1;
    const double mid = (k[lo] + k[hi]) / 2.0;  // exact: adjacent values have <= 12 bits
    if (a < mid) {
        return lo;
    }
    if (a > mid) {
        return hi;
    }
    if (b.format.rounding == Rounding::kNearestAway) {
        return hi;
    }
    return b.key_code[lo] % 2 == 0 ? lo : hi;
}

uint32_t EncodeE8m0(const Codebook &b, double x, Saturation sat) {
    const uint32_t nan = b.format.nan_code;
    const uint32_t lowest = b.key_code.front();
    if (std::isnan(x)) {
        return nan;
    }
    // Zero and negative: no such value (no log2); saturation takes the smallest scale.
    if (x <= 0.0) {
        return sat == Saturation::kFinite ? lowest : nan;
    }
    const ptrdiff_t i = Round(b, x);  // +Inf lands on the virtual entry
    // Positive but below 2^-127 (every fp32 subnormal under 0x00400000): the OCP MX scale rule
    // clamps floor(log2 x) to the lowest exponent, -127 (formats.md §8, "clamped to [−127, 127]";
    // an fp32 subnormal's exponent field is 0, the field of code 0x00), in both modes.
    if (i < 0) {
        return lowest;
    }
    if (i == static_cast<ptrdiff_t>(b.keys.size()) - 1) {
        return sat == Saturation::kFinite ? b.max_code : nan;
    }
    return b.key_code[static_cast<size_t>(i)];
}

}  // namespace

std::span<const Format> AllFormats() { return kFormats; }

const Format *FindFormat(std::string_view name) {
    for (const Format &f : kFormats) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

const Format *FindFormatByDtype(int acl_dtype) {
    for (const Format &f : kFormats) {
        if (f.acl_dtype == acl_dtype) {
            return &f;
        }
    }
    return nullptr;
}

double Decode(const Format &f, uint32_t code) {
    const Codebook &b = BookFor(f);
    if (code >= b.value.size()) {
        throw std::out_of_range("oracle codebook: code out of range for " + std::string(f.name));
    }
    return b.value[code];
}

bool IsNanCode(const Format &f, uint32_t code) { return std::isnan(Decode(f, code)); }

uint32_t Encode(const Format &f, double x, Saturation sat) {
    const Codebook &b = BookFor(f);
    if (f.layout == Layout::kE8m0) {
        return EncodeE8m0(b, x, sat);
    }
    const bool negative = std::signbit(x);
    const uint32_t sign = negative ? b.sign_code : 0;
    if (std::isnan(x)) {
        return f.nan_keeps_sign ? (f.nan_code | sign) : f.nan_code;
    }
    const double a = std::fabs(x);
    const ptrdiff_t i = std::isinf(a) ? -1 : Round(b, a);
    const bool overflow = i < 0 || i == static_cast<ptrdiff_t>(b.keys.size()) - 1;
    uint32_t code = 0;
    if (!overflow) {
        code = b.key_code[static_cast<size_t>(i)];
    } else if (sat == Saturation::kFinite || f.layout == Layout::kNoSpecial) {
        code = b.max_code;  // FP4 has no Inf/NaN: both modes clamp
    } else if (b.has_inf) {
        code = b.inf_code;
    } else {
        return f.nan_code | sign;  // E4M3FN: overflow is NaN, sign kept
    }
    // HiF8 has a single zero (formats.md §6.2): a result of zero drops the sign.
    if (f.layout == Layout::kHiFloat8 && code == 0) {
        return 0;
    }
    return code | sign;
}

uint32_t MaxFiniteCode(const Format &f) { return BookFor(f).max_code; }

std::span<const double> SortedMagnitudes(const Format &f) {
    const Codebook &b = BookFor(f);
    return std::span<const double>(b.keys.data(), b.keys.size() - 1);
}

double OverflowThreshold(const Format &f) { return BookFor(f).threshold; }

}  // namespace mc2::oracle
