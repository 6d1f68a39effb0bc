// oracle/internal/nz_layout.cc — the FRACTAL_NZ addressing of the oracle side (nz_layout.h):
// logical element → tile → place inside the tile.
#include "oracle/internal/nz_layout.h"

#include <stdexcept>

namespace mc2::oracle::internal {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// a · b, false on int64 overflow.
bool Times(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

}  // namespace

int64_t NzC0(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16:
        case ACL_BF16:
            return 16;
        case ACL_INT8:
        case ACL_UINT8:
        case ACL_FLOAT8_E4M3FN:
        case ACL_HIFLOAT8:
            return 32;
        default:
            return 0;
    }
}

NzGeometry NzGeometry::Of(const std::vector<int64_t> &logical_shape, aclDataType dtype) {
    NzGeometry g;
    g.c0 = NzC0(dtype);
    if (logical_shape.size() < 2 || g.c0 == 0) return g;
    for (int64_t d : logical_shape) {
        if (d < 0) return g;
    }
    g.leading.assign(logical_shape.begin(), logical_shape.end() - 2);
    g.batch = 1;
    for (int64_t d : g.leading) {
        if (!Times(g.batch, d, &g.batch)) return g;
    }
    g.rows = logical_shape[logical_shape.size() - 2];
    g.cols = logical_shape.back();
    g.row_tiles = CeilDiv(g.rows, kNzTileRows);
    g.col_tiles = CeilDiv(g.cols, g.c0);
    int64_t matrix = 0;
    int64_t total = 0;
    if (!Times(g.col_tiles, g.row_tiles, &matrix) || !Times(matrix, kNzTileRows * g.c0, &matrix) ||
        !Times(matrix, g.batch, &total)) {
        return g;
    }
    g.valid = true;
    return g;
}

std::vector<int64_t> NzGeometry::StorageShape() const {
    std::vector<int64_t> shape = leading;
    shape.insert(shape.end(), {col_tiles, row_tiles, kNzTileRows, c0});
    return shape;
}

int64_t NzGeometry::Offset(int64_t b, int64_t h, int64_t w) const {
    const int64_t tile_size = kNzTileRows * c0;
    // The tile holding (h, w): tiles run down a column of tiles first (all H1 tiles of column
    // tile w / C0), then on to the next column of tiles.
    const int64_t tile = (w / c0) * row_tiles + h / kNzTileRows;
    // Inside the tile: row h mod 16, column w mod C0, row-major.
    const int64_t inside = (h % kNzTileRows) * c0 + w % c0;
    return b * MatrixElements() + tile * tile_size + inside;
}

int64_t MatmulWeightElements(const std::vector<int64_t> &shape, aclDataType dtype) {
    const NzGeometry g = NzGeometry::Of(shape, dtype);
    return g.valid ? g.StorageElements() : -1;
}

std::vector<uint64_t> NzFromLogical(const std::vector<uint64_t> &logical, const std::vector<int64_t> &logical_shape,
                                    aclDataType dtype, uint64_t pad) {
    const NzGeometry g = NzGeometry::Of(logical_shape, dtype);
    if (!g.valid) throw std::invalid_argument("NzFromLogical: no NZ layout for this shape and dtype");
    if (static_cast<int64_t>(logical.size()) != g.batch * g.rows * g.cols) {
        throw std::invalid_argument("NzFromLogical: logical codes do not match the shape");
    }
    std::vector<uint64_t> storage(static_cast<size_t>(g.StorageElements()), pad);
    size_t e = 0;
    for (int64_t b = 0; b < g.batch; ++b) {
        for (int64_t h = 0; h < g.rows; ++h) {
            for (int64_t w = 0; w < g.cols; ++w) storage[static_cast<size_t>(g.Offset(b, h, w))] = logical[e++];
        }
    }
    return storage;
}

std::vector<uint64_t> LogicalFromNz(const std::vector<uint64_t> &storage, const std::vector<int64_t> &logical_shape,
                                    aclDataType dtype) {
    const NzGeometry g = NzGeometry::Of(logical_shape, dtype);
    if (!g.valid) throw std::invalid_argument("LogicalFromNz: no NZ layout for this shape and dtype");
    if (static_cast<int64_t>(storage.size()) < g.StorageElements()) {
        throw std::invalid_argument("LogicalFromNz: storage smaller than the NZ layout");
    }
    std::vector<uint64_t> logical;
    logical.reserve(static_cast<size_t>(g.batch * g.rows * g.cols));
    for (int64_t b = 0; b < g.batch; ++b) {
        for (int64_t h = 0; h < g.rows; ++h) {
            for (int64_t w = 0; w < g.cols; ++w) logical.push_back(storage[static_cast<size_t>(g.Offset(b, h, w))]);
        }
    }
    return logical;
}

}  // namespace mc2::oracle::internal
