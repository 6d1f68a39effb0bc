// oracle/matmul_all_reduce.cc — acceptance intervals for MatmulAllReduce (fp16/bf16).
//
// Per element (i, j) and rank r the pipeline of the contract (oracle/contract.h) is
//   V_r = Σ_t x1_r[i,t]·x2_r[t,j] + bias_r[j]        (n = k [+1] exact terms, real value)
//   A_r = V_r ± γ_{n−1}(u_acc)·S_r (+ underflow term) (accumulator, any order; S_r = Σ|terms|)
//   Y_r = A_r, or round_T(A_r)                       (partial rounded before communication)
//   Z_r = Y_r [+ x3, maybe rounded to fp32, maybe rounded to T]
//   out = round_T(reduce_r Z_r)                       (any tree, in T or wider)
// and each step maps an interval of possible values to the interval of possible results. The
// rounding steps are monotone, so endpoints map to endpoints; "may be rounded" is the union of
// the rounded and unrounded intervals. Interval arithmetic is outward (internal/interval.h).
// The reusable steps live in internal/: k_sum (V_r, S_r), accumulator (A_r), reduce_cast (the
// reduction and the final cast), special_values (NaN/Inf inputs); this file is the chain.
#include "oracle/matmul_all_reduce.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "oracle/internal/accumulator.h"
#include "oracle/internal/exact_sum.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/k_sum.h"
#include "oracle/internal/parallel.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/special_values.h"
#include "oracle/matmul_all_reduce_pass.h"

namespace mc2::oracle {

// (Declared in matmul_all_reduce_pass.h; the NaN/Inf path, not instantiated per dtype.)
void matmul_all_reduce_pass::SpecialElement(const std::vector<MatmulAllReduceRank> &ranks, Dims d, int64_t i,
                                            int64_t j, const DtypeMath &t, Bounds &b) {
    internal::SpecialTerms terms;
    for (const auto &rk : ranks) {
        for (int64_t q = 0; q < rk.X1().cols; ++q) terms.Add(rk.X1().at(i, q) * rk.X2().at(q, j));
        if (rk.bias) terms.Add((*rk.bias)[static_cast<size_t>(j)]);
        if (rk.x3) terms.Add(rk.x3->at(i, j));
    }
    internal::StoreSpecial(terms, t, static_cast<size_t>(i * d.n + j), b);
}

namespace {

using namespace matmul_all_reduce_pass;  // NOLINT(google-build-using-namespace): this oracle's own pass

// Elements per thread below which the O(m·n) pass is not split.
constexpr int64_t kMinElementsPerThread = 1 << 14;

[[noreturn]] void Bad(const std::string &what) {
    throw std::invalid_argument("MatmulAllReduceBounds: " + what);
}

Dims Validate(const std::vector<MatmulAllReduceRank> &ranks) {
    if (ranks.empty()) Bad("no ranks");
    // m and n are common to every rank (the all-reduce adds [m, n] blocks); k, bias and x3 are
    // each rank's own: nothing in the documents ties one rank's contraction to another's.
    const Dims d{ranks[0].X1().rows, ranks[0].X2().cols};
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        const std::string at = " (rank " + std::to_string(r) + ")";
        const int64_t k = rk.X1().cols;
        if (rk.X1().rows != d.m || rk.X2().cols != d.n) Bad("output shapes [m, n] differ between ranks" + at);
        if (rk.X2().rows != k) Bad("x1 and x2 do not chain over k" + at);
        if (d.m < 0 || k < 0 || d.n < 0) Bad("negative dimension" + at);
        if (static_cast<int64_t>(rk.X1().v.size()) != d.m * k || static_cast<int64_t>(rk.X2().v.size()) != k * d.n)
            Bad("matrix storage does not match its shape" + at);
        if (rk.bias && static_cast<int64_t>(rk.bias->size()) != d.n) Bad("bias is not [n]" + at);
        if (rk.x3 && (rk.x3->rows != d.m || rk.x3->cols != d.n ||
                      static_cast<int64_t>(rk.x3->v.size()) != d.m * d.n))
            Bad("x3 is not [m, n]" + at);
    }
    return d;
}

const std::vector<double> *BiasOf(const MatmulAllReduceRank &rk) { return rk.bias ? &*rk.bias : nullptr; }

bool AnyNonFinite(const std::vector<double> &v) {
    bool any = false;
    for (const double x : v) any |= !std::isfinite(x);
    return any;
}

// Elements reached by a NaN or Inf input on some rank; they follow IEEE class rules instead
// of the interval pipeline. Empty (no m·n flags to write) when every input is finite.
std::vector<char> SpecialElements(const std::vector<MatmulAllReduceRank> &ranks, Dims d) {
    bool any = false;
    for (const auto &rk : ranks)
        any = any || AnyNonFinite(rk.X1().v) || AnyNonFinite(rk.X2().v) || (rk.bias && AnyNonFinite(*rk.bias)) ||
              (rk.x3 && AnyNonFinite(rk.x3->v));
    if (!any) return {};
    std::vector<char> special(static_cast<size_t>(d.m * d.n), 0);
    for (const auto &rk : ranks) {
        internal::MarkNonFinite(rk.X1(), rk.X2(), BiasOf(rk), special);
        if (rk.x3)
            for (size_t e = 0; e < special.size(); ++e)
                if (!std::isfinite(rk.x3->v[e])) special[e] = 1;
    }
    return special;
}

// The pass over rows [row_begin, row_end), for the output dtype.
void AssembleRows(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    switch (p.t.dtype) {
        case ACL_FLOAT16: return AssembleRowsFp16(p, row_begin, row_end);
        case ACL_BF16: return AssembleRowsBf16(p, row_begin, row_end);
        default: return AssembleRowsFp32(p, row_begin, row_end);  // MathOf admits nothing else
    }
}

// One pass over the elements, split over the cores by rows.
// b: ShapedBounds; its values may be the k-sums' storage (each element is read before written).
Bounds Assemble(const std::vector<MatmulAllReduceRank> &ranks, Dims d, aclDataType out, const Contract &c,
                const std::vector<KSums> &sums, const std::vector<char> &special, Bounds b) {
    const DtypeMath &t = internal::MathOf(out);
    std::vector<AccumulatorBound> acc;
    for (const KSums &s : sums) acc.emplace_back(s, c);
    const internal::RankReduction reduction(static_cast<int64_t>(ranks.size()), t, c);
    const Pipeline pipeline{ranks, d, t, c, sums, acc, reduction, special, b};
    const int64_t rows_per_thread = d.n > 0 ? std::max<int64_t>(1, kMinElementsPerThread / d.n) : d.m;
    internal::ParallelFor(d.m, rows_per_thread,
                          [&](int64_t row_begin, int64_t row_end) { AssembleRows(pipeline, row_begin, row_end); });
    return b;
}

// One rank's step of the folded pass over rows [row_begin, row_end), for the output dtype.
void FoldRows(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    switch (s.p.t.dtype) {
        case ACL_FLOAT16: return FoldRowsFp16(s, row_begin, row_end);
        case ACL_BF16: return FoldRowsBf16(s, row_begin, row_end);
        default: return FoldRowsFp32(s, row_begin, row_end);
    }
}

// Fast mode with every rank's dgemm results folded in as they are produced (FoldState), under
// each of `contracts` (one fold state and one set of bounds each; the dgemm once per rank).
std::vector<Bounds> AssembleFolded(const std::vector<MatmulAllReduceRank> &ranks, Dims d, aclDataType out,
                                   std::span<const Contract> contracts, const std::vector<char> &special) {
    const DtypeMath &t = internal::MathOf(out);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<Bounds> bounds;
    std::vector<FoldState> states;
    std::vector<internal::RankReduction> reductions;
    bounds.reserve(contracts.size());  // (the states point into the bounds' vectors)
    for (const Contract &c : contracts) {
        Bounds &b = bounds.emplace_back(internal::ShapedBounds(d.m, d.n, out));
        states.push_back(FoldState{b.lo.data(), b.hi.data(), b.exact.data(), b.scale.data(),
                                   internal::AllocateDoubles(size), internal::AllocateDoubles(size),
                                   internal::AllocateDoubles(size), internal::AllocateDoubles(size),
                                   std::unique_ptr<uint8_t[]>(new uint8_t[size])});  // written by rank 0's step
        reductions.emplace_back(static_cast<int64_t>(ranks.size()), t, c);
    }
    // Every rank's dgemm results and its |x1|, |x2|, in turn.
    size_t abs_a_size = 0, abs_b_size = 0;
    for (const auto &rk : ranks) {
        abs_a_size = std::max(abs_a_size, rk.X1().v.size());
        abs_b_size = std::max(abs_b_size, rk.X2().v.size());
    }
    const internal::DoubleBuffer cbuf = internal::AllocateDoubles(size), cabs = internal::AllocateDoubles(size),
                                 abs_a = internal::AllocateDoubles(abs_a_size),
                                 abs_b = internal::AllocateDoubles(abs_b_size);
    const int64_t rows_per_thread = d.n > 0 ? std::max<int64_t>(1, kMinElementsPerThread / d.n) : d.m;
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        KSums::Storage storage;
        storage.c = cbuf.get(), storage.cabs = cabs.get(), storage.abs_a = abs_a.get(), storage.abs_b = abs_b.get();
        std::vector<KSums> sums;
        sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk), storage));
        for (size_t q = 0; q < contracts.size(); ++q) {
            const Contract &c = contracts[q];
            const std::vector<AccumulatorBound> acc{AccumulatorBound(sums[0], c)};
            const Pipeline pipeline{ranks, d, t, c, sums, acc, reductions[q], special, bounds[q]};
            const FoldStep step{pipeline, r, states[q]};
            internal::ParallelFor(d.m, rows_per_thread,
                                  [&](int64_t row_begin, int64_t row_end) { FoldRows(step, row_begin, row_end); });
        }
    }
    return bounds;
}

// From this world size on, the folded pass keeps fewer m×n buffers (6 beside the bounds, and a
// byte) than one with every rank's two dgemm results (2·(world − 1)).
constexpr size_t kFoldFromWorld = 5;

}  // namespace

Bounds MatmulAllReduceBounds(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                             const Contract &contract) {
    return std::move(MatmulAllReduceBoundsForContracts(ranks, out, std::span<const Contract>(&contract, 1))[0]);
}

std::vector<Bounds> MatmulAllReduceBoundsForContracts(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                                      std::span<const Contract> contracts) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);  // rejects an unsupported dtype before any work
    if (contracts.empty()) return {};
    const std::vector<char> special = SpecialElements(ranks, d);
    if (ranks.size() >= kFoldFromWorld) return AssembleFolded(ranks, d, out, contracts, special);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<KSums> sums;
    sums.reserve(ranks.size());
    std::vector<Bounds> result;
    if (contracts.size() > 1) {
        // The k-sums are read once per contract: their own storage.
        for (const auto &rk : ranks) sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk)));
        for (const Contract &c : contracts)
            result.push_back(Assemble(ranks, d, out, c, sums, special, internal::ShapedBounds(d.m, d.n, out)));
        return result;
    }
    // One contract: the bounds' four m×n vectors double as the k-sums' storage, so that fewer
    // fresh m×n buffers are touched per call: rank 0's dgemm results go into exact and scale
    // (the pass reads each element before writing it), and every rank's |x1| and |x2| copies
    // into lo and hi while they are big enough (they are free again once that rank's dgemm
    // returns).
    Bounds b = internal::ShapedBounds(d.m, d.n, out);
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        KSums::Storage storage;
        if (r == 0) storage.c = b.exact.data(), storage.cabs = b.scale.data();
        if (rk.X1().v.size() <= size) storage.abs_a = b.lo.data();
        if (rk.X2().v.size() <= size) storage.abs_b = b.hi.data();
        sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk), storage));
    }
    result.push_back(Assemble(ranks, d, out, contracts[0], sums, special, std::move(b)));
    return result;
}

Bounds MatmulAllReduceBoundsExact(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);
    const std::vector<char> special = SpecialElements(ranks, d);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<KSums> sums;
    sums.reserve(ranks.size());
    for (const auto &rk : ranks) sums.push_back(KSums::ExactUnfilled(d.m, d.n, rk.X1().cols, rk.bias.has_value()));
    std::vector<double> exact(size, 0.0);
    internal::ExactSum value, magnitude, total;
    for (int64_t i = 0; i < d.m; ++i)
        for (int64_t j = 0; j < d.n; ++j) {
            const size_t e = static_cast<size_t>(i * d.n + j);
            if (!special.empty() && special[e]) continue;
            total.Clear();
            for (size_t r = 0; r < ranks.size(); ++r) {
                const auto &rk = ranks[r];
                internal::AccumulateExact(rk.X1(), rk.X2(), BiasOf(rk), i, j, value, magnitude);
                sums[r].SetExact(e, value, magnitude);
                total.AddSum(value);
                if (rk.x3) total.Add(rk.x3->at(i, j));
            }
            exact[e] = total.Get().value;
        }
    Bounds b = Assemble(ranks, d, out, contract, sums, special, internal::ShapedBounds(d.m, d.n, out));
    for (size_t e = 0; e < size; ++e)
        if (special.empty() || !special[e]) b.exact[e] = exact[e];
    return b;
}

}  // namespace mc2::oracle
