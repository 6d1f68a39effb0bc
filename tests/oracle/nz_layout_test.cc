// tests/oracle/nz_layout_test.cc — the oracle's FRACTAL_NZ layout (oracle/internal/nz_layout.h)
// against answers derived by hand from the documents' description (16 × C0 tiles, C0 = 16 for
// 2-byte and 32 for 1-byte types, tiles down a column of tiles first, row-major inside a tile,
// zero padding), the documents' own size examples, sizes at every tile boundary, and the round
// trip logical → NZ → logical; and oracle/trans_matmul_weight.h (the NZ bytes, then the tail).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include "oracle/internal/nz_layout.h"
#include "oracle/trans_matmul_weight.h"

namespace mc2::oracle::internal {
namespace {

using Shape = std::vector<int64_t>;

TEST(NzLayout, Int8TwoByThreeIsOneTile) {
    // A 2×3 int8 matrix pads to one 16×32 tile (512 bytes): row 0 at bytes 0..2, row 1 at
    // bytes 32..34 (one tile row of 32 elements further), zeros everywhere else.
    const std::vector<uint64_t> logical = {1, 2, 3, 4, 5, 6};
    const std::vector<uint64_t> nz = NzFromLogical(logical, {2, 3}, ACL_INT8);
    std::vector<uint64_t> expected(512, 0);
    expected[0] = 1, expected[1] = 2, expected[2] = 3;
    expected[32] = 4, expected[33] = 5, expected[34] = 6;
    EXPECT_EQ(nz, expected);
    EXPECT_EQ(NzGeometry::Of({2, 3}, ACL_INT8).StorageShape(), (Shape{1, 1, 16, 32}));
}

TEST(NzLayout, Fp16SeventeenBySeventeenCrossesBothTileEdges) {
    // 17×17 fp16: 2 row tiles × 2 column tiles of 16×16 = 256 elements each. Tile order: the
    // column of tiles holding columns 0..15 first (rows 0..15 = tile 0, rows 16.. = tile 1),
    // then columns 16.. (tiles 2 and 3).
    const NzGeometry g = NzGeometry::Of({17, 17}, ACL_FLOAT16);
    ASSERT_TRUE(g.valid);
    EXPECT_EQ(g.StorageShape(), (Shape{2, 2, 16, 16}));
    EXPECT_EQ(g.StorageElements(), 1024);
    EXPECT_EQ(g.Offset(0, 0, 0), 0);
    EXPECT_EQ(g.Offset(0, 1, 2), 18);     // row 1 of tile 0: 16 + 2
    EXPECT_EQ(g.Offset(0, 15, 15), 255);  // last element of tile 0
    EXPECT_EQ(g.Offset(0, 16, 0), 256);   // first element of tile 1 (below tile 0)
    EXPECT_EQ(g.Offset(0, 0, 16), 512);   // first element of tile 2 (right of tile 0)
    EXPECT_EQ(g.Offset(0, 16, 16), 768);  // tile 3
}

TEST(NzLayout, Int8ThreeRowTiles) {
    // 33×40 int8: H1 = 3, W1 = 2, tiles of 16×32 = 512. (32, 33) is in column tile 1, row tile 2:
    // tile 1·3 + 2 = 5, row 0 of it, column 1 → 5·512 + 1.
    const NzGeometry g = NzGeometry::Of({33, 40}, ACL_INT8);
    EXPECT_EQ(g.StorageShape(), (Shape{2, 3, 16, 32}));
    EXPECT_EQ(g.Offset(0, 32, 33), 2561);
    EXPECT_EQ(g.Offset(0, 17, 31), 512 + 32 + 31);  // row tile 1, row 1, column 31
}

TEST(NzLayout, BatchDimsAreNotPadded) {
    // (2, 3, 5) bf16: each matrix is one 16×16 tile; the batch dim stays 2.
    const NzGeometry g = NzGeometry::Of({2, 3, 5}, ACL_BF16);
    EXPECT_EQ(g.StorageShape(), (Shape{2, 1, 1, 16, 16}));
    EXPECT_EQ(g.StorageElements(), 512);
    EXPECT_EQ(g.Offset(1, 2, 4), 256 + 2 * 16 + 4);
    EXPECT_EQ(MatmulWeightElements({3, 2, 17, 33}, ACL_INT8), 6 * 32 * 64);
}

TEST(NzLayout, DocumentSizeExamples) {
    // aclnnCalculateMatmulWeightSizeV2.md 功能说明: [510, 510] fp16/bf16 → 262144; [510, 270] int8
    // → [512, 288] = 147456. aclnnCalculateMatmulWeightSize.md: [510, 510] → 262144.
    EXPECT_EQ(MatmulWeightElements({510, 510}, ACL_FLOAT16), 262144);
    EXPECT_EQ(MatmulWeightElements({510, 510}, ACL_BF16), 262144);
    EXPECT_EQ(MatmulWeightElements({510, 270}, ACL_INT8), 147456);
}

TEST(NzLayout, SizesAtEveryBoundary) {
    // Padded extents written out by hand: to 16 for rows (every dtype) and fp16 columns, to 32
    // for int8 columns.
    struct Pad {
        int64_t d, to16, to32;
    };
    const Pad pads[] = {{1, 16, 32},  {15, 16, 32}, {16, 16, 32}, {17, 32, 32}, {31, 32, 32},
                        {32, 32, 32}, {33, 48, 64}, {63, 64, 64}, {64, 64, 64}, {65, 80, 96}};
    for (const Pad &r : pads) {
        for (const Pad &c : pads) {
            SCOPED_TRACE(testing::Message() << r.d << "x" << c.d);
            EXPECT_EQ(MatmulWeightElements({r.d, c.d}, ACL_FLOAT16), r.to16 * c.to16);
            EXPECT_EQ(MatmulWeightElements({r.d, c.d}, ACL_INT8), r.to16 * c.to32);
            const NzGeometry g = NzGeometry::Of({r.d, c.d}, ACL_INT8);
            EXPECT_EQ(g.StorageShape(), (Shape{c.to32 / 32, r.to16 / 16, 16, 32}));
        }
    }
}

TEST(NzLayout, NoLayoutForWhatTheDocumentsExclude) {
    EXPECT_FALSE(NzGeometry::Of({16}, ACL_FLOAT16).valid);       // rank 1
    EXPECT_FALSE(NzGeometry::Of({16, -1}, ACL_FLOAT16).valid);   // negative dim
    EXPECT_FALSE(NzGeometry::Of({16, 16}, ACL_FLOAT).valid);     // fp32: no documented NZ weight
    EXPECT_FALSE(NzGeometry::Of({16, 16}, ACL_INT4).valid);      // int4: no int4 + NZ (ops.md §1.5)
    EXPECT_FALSE(NzGeometry::Of({int64_t{1} << 40, int64_t{1} << 40}, ACL_INT8).valid);  // overflow
    EXPECT_EQ(MatmulWeightElements({16}, ACL_FLOAT16), -1);
    EXPECT_THROW(NzFromLogical({1}, {1}, ACL_FLOAT16), std::invalid_argument);
    EXPECT_THROW(NzFromLogical({1, 2}, {1, 3}, ACL_FLOAT16), std::invalid_argument);
}

TEST(NzLayout, RoundTripAndEveryElementPlacedOnce) {
    std::mt19937_64 rng(7);
    const int64_t dims[] = {1, 15, 16, 17, 31, 32, 33};
    for (aclDataType dtype : {ACL_FLOAT16, ACL_BF16, ACL_INT8}) {
        for (int64_t h : dims) {
            for (int64_t w : dims) {
                for (const Shape &shape : {Shape{h, w}, Shape{2, h, w}}) {
                    const NzGeometry g = NzGeometry::Of(shape, dtype);
                    std::vector<uint64_t> logical(static_cast<size_t>(g.batch * h * w));
                    for (uint64_t &v : logical) v = 1 + rng() % 255;  // never the padding's 0
                    const std::vector<uint64_t> nz = NzFromLogical(logical, shape, dtype);
                    ASSERT_EQ(static_cast<int64_t>(nz.size()), g.StorageElements());
                    EXPECT_EQ(LogicalFromNz(nz, shape, dtype), logical);
                    // Injective: as many non-padding positions as logical elements.
                    int64_t placed = 0;
                    for (uint64_t v : nz) placed += v != 0 ? 1 : 0;
                    EXPECT_EQ(placed, static_cast<int64_t>(logical.size()));
                }
            }
        }
    }
}

}  // namespace
}  // namespace mc2::oracle::internal

namespace mc2::oracle {
namespace {

TEST(TransMatmulWeightOracle, NzThenTheUntouchedTail) {
    // 2×3 int8 in a 600-byte storage: bytes 0..511 become the one 16×32 tile (rows at 0 and 32,
    // zero padding), bytes 512..599 keep what they held.
    const std::vector<uint64_t> before(600, 0xEE);
    const std::vector<uint64_t> after = TransMatmulWeightStorage({1, 2, 3, 4, 5, 6}, {2, 3}, ACL_INT8, before);
    std::vector<uint64_t> expected(600, 0);
    expected[0] = 1, expected[1] = 2, expected[2] = 3, expected[32] = 4, expected[33] = 5, expected[34] = 6;
    for (size_t i = 512; i < 600; ++i) expected[i] = 0xEE;
    EXPECT_EQ(after, expected);
}

TEST(TransMatmulWeightOracle, EmptyConvertsNothingAndShortStorageThrows) {
    const std::vector<uint64_t> before(16, 0xEE);
    EXPECT_EQ(TransMatmulWeightStorage({}, {16, 0}, ACL_FLOAT16, before), before);
    EXPECT_THROW(TransMatmulWeightStorage(std::vector<uint64_t>(6, 1), {2, 3}, ACL_INT8, before), std::invalid_argument);
    EXPECT_THROW(TransMatmulWeightStorage({1, 2}, {2}, ACL_INT8, before), std::invalid_argument);
}

}  // namespace
}  // namespace mc2::oracle
