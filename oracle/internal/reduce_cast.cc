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
}

Interval RankReduction::ReduceAndCastRanks(std::span<const Interval> z) const {
    bool nan = false, any_neg_inf = false, any_pos_inf = false;
    double slo = 0.0, shi = 0.0, alo = 0.0, ahi = 0.0, pos = 0.0, neg = 0.0;
    for (const Interval &iv : z) {
        nan = nan || iv.nan;
        any_neg_inf = any_neg_inf || iv.lo == -kInf;
        any_pos_inf = any_pos_inf || iv.hi == kInf;
        slo = AddDown(slo, iv.lo);
        shi = AddUp(shi, iv.hi);
        alo = AddUp(alo, std::fabs(iv.lo));
        ahi = AddUp(ahi, std::fabs(iv.hi));
        pos = AddUp(pos, std::max(iv.hi, 0.0));
        neg = AddDown(neg, std::min(iv.lo, 0.0));
    }
    if (world_ >= 2 && any_neg_inf && any_pos_inf) nan = true;
    Interval f{slo, shi, nan};
    if (world_ >= 2 && g_ > 0.0) {
        if (std::isfinite(slo)) f.lo = AddDown(slo, -MulUp(g_, alo));
        if (std::isfinite(shi)) f.hi = AddUp(shi, MulUp(g_, ahi));
        // Flushed subnormal partial sums lose < min_normal each (R − 1 additions).
        if (c_.subnormal_flush_allowed) f = Widen(f, Up(static_cast<double>(world_ - 1) * red_min_normal_));
    }
    bool pos_overflow = false, neg_overflow = false;
    if (world_ >= 2 && c_.reduction != ReductionPrecision::kExact) {
        pos_overflow = AddUp(pos, MulUp(g_, ahi)) > red_max_;
        neg_overflow = AddDown(neg, -MulUp(g_, alo)) < -red_max_;
    }
    f = CastToOutput(f, t_, c_);
    if (pos_overflow) f.hi = kInf;
    if (neg_overflow) f.lo = -kInf;
    if (pos_overflow && neg_overflow) f.nan = true;
    return f;
}

Bounds ShapedBounds(int64_t rows, int64_t cols, aclDataType dtype) {
    Bounds b;
    b.rows = rows;
    b.cols = cols;
    b.dtype = dtype;
    const size_t size = static_cast<size_t>(rows * cols);
    // Four vectors of zeros: written by the cores together when big (first-touch page faults
    // and the zeroing are most of their cost).
    std::vector<double> *const vectors[] = {&b.lo, &b.hi, &b.exact, &b.scale};
    ParallelFor(4, size >= (size_t{1} << 18) ? 1 : 4, [&](int64_t begin, int64_t end) {
        for (int64_t v = begin; v < end; ++v) ResizeAdvised(*vectors[v], size);
    });
    return b;
}

}  // namespace mc2::oracle::internal
