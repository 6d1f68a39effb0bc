// oracle/internal/reduce_cast.cc — see reduce_cast.h (the reduction bound is derived there).
#include "oracle/internal/reduce_cast.h"

#include <algorithm>
#include <cmath>

#include "oracle/internal/memory.h"
#include "oracle/internal/parallel.h"

namespace mc2::oracle::internal {

RankReduction::RankReduction(int64_t world, const DtypeMath &t, const Contract &c)
    : world_(world), t_(t), c_(c) {
    double u = 0.0;
    switch (c.reduction) {
        case ReductionPrecision::kOutputOrWider:
            u = t.unit_roundoff;
            red_max_ = t.max_finite;
            red_min_normal_ = t.min_normal;
            break;
        case ReductionPrecision::kFp32OrWider: {
            const DtypeMath &f = MathOf(ACL_FLOAT);
            u = f.unit_roundoff;
            red_max_ = f.max_finite;
            red_min_normal_ = f.min_normal;
            break;
        }
        case ReductionPrecision::kExact: break;
    }
    g_ = GammaUp(world - 1, u);
    flush_widening_ = Up(static_cast<double>(world - 1) * red_min_normal_);
}

Bounds ShapedBounds(int64_t rows, int64_t cols, aclDataType dtype) {
    Bounds b;
    b.rows = rows;
    b.cols = cols;
    b.dtype = dtype;
    const size_t size = static_cast<size_t>(rows * cols);
    // Nothing is written here (BoundValues): each element's first touch is its first write, in
    // whatever pass computes it. The four allocations still happen on the ParallelFor threads
    // as when this zeroed them: malloc then serves them from those threads' arenas, whose
    // freed blocks the next call gets back already mapped; from the calling thread's arena they
    // cost ~1000 more page faults per call at 1024² (measured: 1700 instead of 700 per call).
    BoundValues *const vectors[] = {&b.lo, &b.hi, &b.exact, &b.scale};
    ParallelFor(4, size >= (size_t{1} << 18) ? 1 : 4, [&](int64_t begin, int64_t end) {
        for (int64_t v = begin; v < end; ++v) ResizeAdvised(*vectors[v], size);
    });
    return b;
}

}  // namespace mc2::oracle::internal
