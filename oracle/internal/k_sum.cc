// oracle/internal/k_sum.cc — see k_sum.h (the dgemm error bound is derived there).
#include "oracle/internal/k_sum.h"

#include <cblas.h>

#include <cmath>

#include "oracle/internal/memory.h"
#include "oracle/internal/parallel.h"

namespace mc2::oracle::internal {
namespace {

// u of binary64, for dgemm's own error.
constexpr double kU64 = 0x1p-53;


}  // namespace

KSums KSums::Fast(const Matrix &a, const Matrix &b, const std::vector<double> *bias) {
    return Fast(a, b, bias, Storage{});
}

KSums KSums::Fast(const Matrix &a, const Matrix &b, const std::vector<double> *bias, const Storage &storage) {
    KSums s;
    s.rows_ = a.rows;
    s.cols_ = b.cols;
    s.k_ = a.cols;
    s.has_bias_ = bias != nullptr;
    s.bias_ = bias != nullptr ? bias->data() : nullptr;
    const size_t size = static_cast<size_t>(s.rows_ * s.cols_);
    if (storage.c == nullptr) s.c_ = AllocateDoubles(size);
    if (storage.cabs == nullptr) s.cabs_ = AllocateDoubles(size);
    s.c_view_ = storage.c != nullptr ? storage.c : s.c_.get();
    s.cabs_view_ = storage.cabs != nullptr ? storage.cabs : s.cabs_.get();
    if (s.k_ > 0 && size > 0) {
        DoubleBuffer a1, a2;
        if (storage.abs_a == nullptr) a1 = AllocateDoubles(a.v.size());
        if (storage.abs_b == nullptr) a2 = AllocateDoubles(b.v.size());
        double *const abs_a = storage.abs_a != nullptr ? storage.abs_a : a1.get();
        double *const abs_b = storage.abs_b != nullptr ? storage.abs_b : a2.get();
        auto absolute = [](const std::vector<double> &from, double *to) {
            ParallelFor(static_cast<int64_t>(from.size()), int64_t{1} << 16, [&](int64_t begin, int64_t end) {
                for (int64_t q = begin; q < end; ++q) to[q] = std::fabs(from[static_cast<size_t>(q)]);
            });
        };
        absolute(a.v, abs_a);
        absolute(b.v, abs_b);
        const auto m = static_cast<blasint>(s.rows_), n = static_cast<blasint>(s.cols_),
                   k = static_cast<blasint>(s.k_);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a.v.data(), k, b.v.data(), n,
                    0.0, s.c_view_, n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, abs_a, k, abs_b, n, 0.0,
                    s.cabs_view_, n);
    } else {
        for (size_t e = 0; e < size; ++e) s.c_view_[e] = s.cabs_view_[e] = 0.0;
    }
    s.g_ = GammaUp(s.k_ + 1, kU64);
    s.inflate_ = Up(1.0 + GammaUp(2 * s.k_ + 2, kU64));
    return s;
}

KSums KSums::ExactUnfilled(int64_t m, int64_t n, int64_t k, bool has_bias) {
    KSums s;
    s.rows_ = m;
    s.cols_ = n;
    s.k_ = k;
    s.has_bias_ = has_bias;
    s.exact_ = true;
    const size_t size = static_cast<size_t>(m * n);
    s.lo_.assign(size, 0.0);
    s.hi_.assign(size, 0.0);
    s.approx_.assign(size, 0.0);
    s.abs_up_.assign(size, 0.0);
    return s;
}

void KSums::SetExact(size_t e, const ExactSum &value, const ExactSum &magnitude) {
    const ExactSum::Result v = value.Get();
    lo_[e] = v.lo;
    hi_[e] = v.hi;
    approx_[e] = v.value;
    abs_up_[e] = magnitude.Get().hi;
}

KSums KSums::Exact(const Matrix &a, const Matrix &b, const std::vector<double> *bias,
                   const std::vector<char> *skip) {
    KSums s = ExactUnfilled(a.rows, b.cols, a.cols, bias != nullptr);
    ExactSum value, magnitude;
    for (int64_t i = 0; i < a.rows; ++i)
        for (int64_t j = 0; j < b.cols; ++j) {
            const size_t e = static_cast<size_t>(i * b.cols + j);
            if (skip != nullptr && (*skip)[e]) continue;
            AccumulateExact(a, b, bias, i, j, value, magnitude);
            s.SetExact(e, value, magnitude);
        }
    return s;
}

void AccumulateExact(const Matrix &a, const Matrix &b, const std::vector<double> *bias, int64_t i,
                     int64_t j, ExactSum &value, ExactSum &magnitude) {
    value.Clear();
    magnitude.Clear();
    for (int64_t q = 0; q < a.cols; ++q) {
        const double x = a.at(i, q), y = b.at(q, j);
        value.AddProduct(x, y);
        magnitude.AddProduct(std::fabs(x), std::fabs(y));
    }
    if (bias != nullptr) {
        const double bj = (*bias)[static_cast<size_t>(j)];
        value.Add(bj);
        magnitude.Add(std::fabs(bj));
    }
}

}  // namespace mc2::oracle::internal
