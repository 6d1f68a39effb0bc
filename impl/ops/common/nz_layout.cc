// impl/ops/common/nz_layout.cc — FRACTAL_NZ geometry of the implementation (nz_layout.h).
#include "ops/common/nz_layout.h"

namespace mc2::impl::ops {
namespace {

bool Mul(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

}  // namespace

bool NzPlan::Make(const std::vector<int64_t> &logicalShape, int elementBytes) {
    if (logicalShape.size() < 2 || (elementBytes != 1 && elementBytes != 2)) return false;
    c0 = kNzRowBytes / elementBytes;
    batchDims.assign(logicalShape.begin(), logicalShape.end() - 2);
    batch = 1;
    for (int64_t d : logicalShape) {
        if (d < 0) return false;
    }
    for (int64_t d : batchDims) {
        if (!Mul(batch, d, &batch)) return false;
    }
    h = logicalShape[logicalShape.size() - 2];
    w = logicalShape.back();
    h1 = h / kNzH0 + (h % kNzH0 != 0 ? 1 : 0);  // no h + 15: h may be near INT64_MAX
    w1 = w / c0 + (w % c0 != 0 ? 1 : 0);
    int64_t n = 0;
    return Mul(w1, h1, &n) && Mul(n, kNzH0 * c0, &n) && Mul(n, batch, &n);
}

std::vector<int64_t> NzPlan::StorageShape() const {
    std::vector<int64_t> s = batchDims;
    s.push_back(w1);
    s.push_back(h1);
    s.push_back(kNzH0);
    s.push_back(c0);
    return s;
}

bool NzPlan::At(int64_t s, int64_t *b, int64_t *row, int64_t *col) const {
    // Peel the mixed-radix digits (b, W1, H1, H0, C0) from the least significant end.
    const int64_t inCol = s % c0;
    s /= c0;
    const int64_t inRow = s % kNzH0;
    s /= kNzH0;
    const int64_t rowFractal = s % h1;
    s /= h1;
    const int64_t colFractal = s % w1;
    *b = s / w1;
    *row = rowFractal * kNzH0 + inRow;
    *col = colFractal * c0 + inCol;
    return *row < h && *col < w;
}

}  // namespace mc2::impl::ops
