// tests/harness/fill_digest_test.cc — pins what the fill produces for a given seed: a case is
// reproducible from its descriptor, so a faster fill (threads, direct fp16/bf16 codecs,
// contiguous-view shortcuts) must produce the same values and the same storage bytes as the
// per-element codebook path did. The digests below were computed by the single-threaded
// codebook path (a14d338, before the fill was parallelised) and must never be regenerated from a
// changed fill; a new distribution or dtype gets a new digest line instead.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/fill/fill.h"
#include "harness/fill/storage.h"

namespace mc2::harness {
namespace {

struct Digest {
    uint64_t h = 0xCBF29CE484222325ull;
    void Add(uint64_t x) {
        for (int b = 0; b < 8; ++b) {
            h ^= (x >> (8 * b)) & 0xFF;
            h *= 0x100000001B3ull;
        }
    }
};

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape, std::vector<int64_t> strides = {},
                  int64_t offset = 0) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.strides = std::move(strides);
    t.offset = offset;
    return t;
}

// Values, storage bytes and decoded view of one filled tensor, into d.
void AddFill(Digest &d, const TensorSpec &t, Role role, const ContractionSpec &c, Dist dist, int rank) {
    const std::vector<double> v = FillValues(t, role, c, dist, 20261205, rank, "x1");
    for (double x : v) d.Add(std::bit_cast<uint64_t>(x));
    const std::vector<uint8_t> bytes = EncodeStorage(t, v);
    // The fused fill (no doubles in between) gives the same bytes.
    EXPECT_EQ(FillStorage(t, role, c, dist, 20261205, rank, "x1"), bytes) << DistName(dist) << " rank " << rank;
    d.Add(bytes.size());
    for (uint8_t b : bytes) d.Add(b);
    const oracle::Matrix m = DecodeStorage(t, bytes);
    d.Add(static_cast<uint64_t>(m.rows));
    d.Add(static_cast<uint64_t>(m.cols));
    for (double x : m.v) d.Add(std::bit_cast<uint64_t>(x));
}

std::string Hex(uint64_t h) {
    char s[17];
    std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(h));
    return s;
}

// Big enough for the threaded paths (tens of thousands of elements per tensor), every
// distribution, the roles that feed the contraction, contiguous and strided views.
std::string FillDigest(aclDataType dtype) {
    Digest d;
    constexpr Dist kDists[] = {Dist::kNormal, Dist::kUniform, Dist::kCancel,
                               Dist::kTies,   Dist::kExtreme, Dist::kExact};
    for (Dist dist : kDists) {
        const ContractionSpec c{ACL_FLOAT16, dtype, dtype, 320, 2, 1};
        for (int rank = 0; rank < 2; ++rank) {
            AddFill(d, Tensor(dtype, {256, 320}), Role::kLhs, c, dist, rank);
            AddFill(d, Tensor(dtype, {320, 200}), Role::kRhs, c, dist, rank);
            AddFill(d, Tensor(dtype, {200}), Role::kAddend, c, dist, rank);
        }
    }
    // Views that are not contiguous: an offset, a transposed x2, padded rows.
    const ContractionSpec c{ACL_BF16, dtype, dtype, 300, 1, 0};
    AddFill(d, Tensor(dtype, {300, 260}, {1, 300}, 0), Role::kRhs, c, Dist::kNormal, 0);
    AddFill(d, Tensor(dtype, {250, 300}, {304, 1}, 7), Role::kLhs, c, Dist::kUniform, 0);
    AddFill(d, Tensor(dtype, {250, 300}, {}, 5), Role::kLhs, c, Dist::kNormal, 1);
    return Hex(d.h);
}

// (The normal distribution goes through std::log/cos/sqrt: a libm that rounds them differently
// gives other data for the same seed, and these digests then fail on that machine alone.)
TEST(FillDigest, Float16IsUnchanged) { EXPECT_EQ(FillDigest(ACL_FLOAT16), "dae3d82e44162463"); }
TEST(FillDigest, Bf16IsUnchanged) { EXPECT_EQ(FillDigest(ACL_BF16), "0556cde8b10fc923"); }
TEST(FillDigest, Float32IsUnchanged) { EXPECT_EQ(FillDigest(ACL_FLOAT), "3abb14ec4ea12581"); }

}  // namespace
}  // namespace mc2::harness
