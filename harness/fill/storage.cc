// harness/fill/storage.cc — strided storage encode/decode (storage.h).
#include "harness/fill/storage.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "harness/fill/element.h"
#include "oracle/internal/nz_layout.h"
#include "oracle/internal/parallel.h"

namespace mc2::harness {
namespace {

// Sets all `capacity` codes of `bytes` (BytesFor(bits, capacity) long) to `code`: the same bytes
// as StoreCode at every index, but StoreCode writes only the first element (the first two of
// 4-bit codes, one byte) and memcpy doubles it. The per-element loop was the largest single
// cost of the fuzzers' per-case fill (fuzz/README.md "Throughput"); it is kept for widths
// that do not fill whole bytes.
void FillAllCodes(std::vector<uint8_t> &bytes, int bits, int64_t capacity, uint64_t code) {
    if (capacity <= 0) return;
    if (bits != 4 && bits % 8 != 0) {
        for (int64_t i = 0; i < capacity; ++i) StoreCode(bytes.data(), bits, i, code);
        return;
    }
    const int64_t seeded = bits == 4 ? std::min<int64_t>(capacity, 2) : 1;
    for (int64_t i = 0; i < seeded; ++i) StoreCode(bytes.data(), bits, i, code);
    const size_t unit = bits == 4 ? 1 : static_cast<size_t>(bits / 8);
    const size_t whole = bits == 4 ? static_cast<size_t>(capacity / 2) : static_cast<size_t>(capacity) * unit;
    for (size_t filled = unit; filled < whole;) {
        const size_t n = std::min(filled, whole - filled);
        std::memcpy(bytes.data() + filled, bytes.data(), n);
        filled += n;
    }
    if (bits == 4 && capacity % 2 == 1) StoreCode(bytes.data(), bits, capacity - 1, code);
}

// Elements per thread below which the element codecs below run on the caller's thread alone.
constexpr int64_t kMinCodecsPerThread = int64_t{1} << 15;

// Whether view element e lives at storage element offset + e for every e: row-major strides
// over the shape (a dim of size 1 may have any stride), not an NZ weight, and the whole view
// inside `capacity` elements. The big inputs are such views; for them the codecs below skip
// ViewIndices (a vector of 8 bytes per element) and split the elements over the cores: each
// element's code is a function of its value alone, so the bytes are the same.
bool ContiguousViewIn(const TensorSpec &t, int64_t capacity) {
    const int64_t n = t.NumElements();
    if (n <= 0 || t.offset < 0 || t.offset > capacity - n || HoldsNzWeight(t)) return false;
    const std::vector<int64_t> strides = t.Strides();
    if (strides.size() != t.shape.size()) return false;
    int64_t expect = 1;  // never past n: the dims multiply to n
    for (size_t d = t.shape.size(); d-- > 0;) {
        if (t.shape[d] != 1 && strides[d] != expect) return false;
        expect *= t.shape[d];
    }
    return true;
}

}  // namespace

int64_t StorageCapacity(const TensorSpec &t) {
    return std::max(t.StorageShapeElements(), t.StorageElementsNeeded());
}

size_t StorageBytes(const TensorSpec &t) { return BytesFor(StorageBits(t.dtype), StorageCapacity(t)); }

bool HoldsNzWeight(const TensorSpec &t) {
    if (t.format != ACL_FORMAT_FRACTAL_NZ || t.offset != 0) return false;
    const oracle::internal::NzGeometry g = oracle::internal::NzGeometry::Of(t.shape, t.dtype);
    return g.valid && t.StorageShape() == g.StorageShape();
}

uint64_t GapCode(const TensorSpec &t) { return HoldsNzWeight(t) ? 0 : CanaryFor(t.dtype); }

bool ContiguousView(const TensorSpec &t) { return ContiguousViewIn(t, StorageCapacity(t)); }

std::vector<uint8_t> GapStorage(const TensorSpec &t) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint8_t> bytes(BytesFor(bits, capacity), 0);
    FillAllCodes(bytes, bits, capacity, GapCode(t));
    return bytes;
}

std::vector<int64_t> ViewIndices(const TensorSpec &t) {
    const int64_t n = t.NumElements();
    std::vector<int64_t> out;
    if (n <= 0) return out;
    out.reserve(static_cast<size_t>(n));
    if (HoldsNzWeight(t)) {
        const oracle::internal::NzGeometry g = oracle::internal::NzGeometry::Of(t.shape, t.dtype);
        for (int64_t b = 0; b < g.batch; ++b) {
            for (int64_t h = 0; h < g.rows; ++h) {
                for (int64_t w = 0; w < g.cols; ++w) out.push_back(g.Offset(b, h, w));
            }
        }
        return out;
    }
    const std::vector<int64_t> strides = t.Strides();
    const int64_t capacity = StorageCapacity(t);
    const size_t rank = t.shape.size();
    std::vector<int64_t> idx(rank, 0);
    for (int64_t e = 0; e < n; ++e) {
        // Checked: strides and the offset may be anything a fuzzer writes (INT64_MIN included);
        // an address that overflows is outside the storage like any other.
        int64_t at = t.offset;
        bool overflow = false;
        for (size_t d = 0; d < rank && !overflow; ++d) {
            int64_t step = 0;
            overflow = __builtin_mul_overflow(idx[d], d < strides.size() ? strides[d] : 0, &step) ||
                       __builtin_add_overflow(at, step, &at);
        }
        out.push_back(!overflow && at >= 0 && at < capacity ? at : -1);
        for (size_t d = rank; d-- > 0;) {  // row-major increment
            if (++idx[d] < t.shape[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}

std::vector<uint8_t> EncodeStorage(const TensorSpec &t, std::span<const double> logical) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint8_t> bytes = GapStorage(t);
    // (Whole-byte codes only: two threads must not write halves of one byte.)
    if (bits % 8 == 0 && ContiguousViewIn(t, capacity)) {
        const int64_t n = std::min(t.NumElements(), static_cast<int64_t>(logical.size()));
        oracle::internal::ParallelFor(n, kMinCodecsPerThread, [&](int64_t begin, int64_t end) {
            for (int64_t e = begin; e < end; ++e)
                StoreCode(bytes.data(), bits, t.offset + e, EncodeElement(t.dtype, logical[static_cast<size_t>(e)]));
        });
        return bytes;
    }
    const std::vector<int64_t> where = ViewIndices(t);
    for (size_t e = 0; e < where.size() && e < logical.size(); ++e) {
        if (where[e] >= 0) StoreCode(bytes.data(), bits, where[e], EncodeElement(t.dtype, logical[e]));
    }
    return bytes;
}

std::vector<uint8_t> EncodeExplicit(const TensorSpec &t) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint8_t> bytes(BytesFor(bits, capacity), 0);
    const uint64_t canary = GapCode(t);
    FillAllCodes(bytes, bits, capacity, canary);
    const std::vector<int64_t> where = ViewIndices(t);
    // Two's complement: the low `bits` bits of the value are its code (StoreCode keeps those).
    for (size_t e = 0; e < where.size() && e < t.values.size(); ++e) {
        if (where[e] >= 0) StoreCode(bytes.data(), bits, where[e], static_cast<uint64_t>(t.values[e]));
    }
    return bytes;
}

std::vector<uint8_t> PoisonStorage(const TensorSpec &t) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint8_t> bytes(BytesFor(bits, capacity), 0);
    FillAllCodes(bytes, bits, capacity, PoisonFor(t.dtype).code);
    return bytes;
}

std::vector<uint64_t> ViewCodes(const TensorSpec &t, std::span<const uint8_t> bytes) {
    const int bits = StorageBits(t.dtype);
    // Elements the bytes hold (4-bit codes: two a byte), without overflowing.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const size_t held = bits == 4 ? (bytes.size() > kMax / 2 ? kMax : bytes.size() * 2)
                                  : bytes.size() / static_cast<size_t>(bits / 8);
    const auto available =
        static_cast<int64_t>(std::min<size_t>(held, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
    if (ContiguousViewIn(t, StorageCapacity(t))) {
        // Element e at offset + e: the same codes without a vector of indices (the judgement
        // asks for every output's codes at least once; fuzz/README.md "Throughput").
        const int64_t n = t.NumElements();
        std::vector<uint64_t> codes(static_cast<size_t>(n), 0);
        for (int64_t e = 0; e < n && t.offset + e < available; ++e) {
            codes[static_cast<size_t>(e)] = LoadCode(bytes.data(), bits, t.offset + e);
        }
        return codes;
    }
    const std::vector<int64_t> where = ViewIndices(t);
    std::vector<uint64_t> codes(where.size(), 0);
    for (size_t e = 0; e < where.size(); ++e) {
        if (where[e] >= 0 && where[e] < available) codes[e] = LoadCode(bytes.data(), bits, where[e]);
    }
    return codes;
}

std::vector<uint64_t> StorageCodes(const TensorSpec &t, std::span<const uint8_t> bytes) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint64_t> codes;
    if (capacity <= 0 || BytesFor(bits, capacity) > bytes.size()) return codes;
    codes.reserve(static_cast<size_t>(capacity));
    for (int64_t i = 0; i < capacity; ++i) codes.push_back(LoadCode(bytes.data(), bits, i));
    return codes;
}

oracle::Matrix DecodeStorage(const TensorSpec &t, std::span<const uint8_t> bytes) {
    oracle::Matrix m;
    const int64_t n = std::max<int64_t>(t.NumElements(), 0);
    m.cols = t.shape.empty() ? 1 : t.shape.back();
    // Rows are the product of the leading dims, not n / cols: an x1 of shape (m, 0) still has
    // m rows (k = 0 is a documented, accepted case).
    // Saturating: with a zero-sized last dim the leading dims may multiply past int64.
    m.rows = 1;
    for (size_t i = 0; i + 1 < t.shape.size(); ++i) {
        if (__builtin_mul_overflow(m.rows, std::max<int64_t>(t.shape[i], 0), &m.rows)) {
            m.rows = std::numeric_limits<int64_t>::max();
        }
    }
    if (m.cols != 0 && m.rows != n / m.cols) m.rows = n / m.cols;  // defensive: keep rows·cols == n
    const int bits = StorageBits(t.dtype);
    if (ContiguousViewIn(t, StorageCapacity(t)) && BytesFor(bits, t.offset + n) <= bytes.size()) {
        m.v.resize(static_cast<size_t>(n));
        oracle::internal::ParallelFor(n, kMinCodecsPerThread, [&](int64_t begin, int64_t end) {
            for (int64_t e = begin; e < end; ++e)
                m.v[static_cast<size_t>(e)] = DecodeElement(t.dtype, LoadCode(bytes.data(), bits, t.offset + e));
        });
        return m;
    }
    const std::vector<uint64_t> codes = ViewCodes(t, bytes);
    m.v.reserve(codes.size());
    for (uint64_t code : codes) m.v.push_back(DecodeElement(t.dtype, code));
    return m;
}

}  // namespace mc2::harness
