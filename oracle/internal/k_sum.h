// oracle/internal/k_sum.h — the k-sum of a matrix product, a (m×k) @ b (k×n) [+ bias (n)], per
// output element: an enclosure [lo, hi] of its real value V = Σ_t a[i,t]·b[t,j] + bias[j], a
// best estimate of V, and an upper bound of S = Σ_t |a[i,t]·b[t,j]| + |bias[j]|. Two modes share
// one read interface: fast (two OpenBLAS dgemm calls, values and absolute values, with dgemm's
// own rounding error bounded) and exact (a long accumulator per element, for the self-check).
// Every fp16/bf16 operator oracle with a k-sum uses it (MatmulAllReduce per rank,
// AllGatherMatmul on the gathered x1); what the accumulator of an implementation may add on top
// is internal/accumulator.h.
#ifndef MC2_ORACLE_INTERNAL_K_SUM_H_
#define MC2_ORACLE_INTERNAL_K_SUM_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "oracle/internal/exact_sum.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/memory.h"
#include "oracle/reference.h"

namespace mc2::oracle::internal {

// One element's k-sum.
struct KSumElement {
    double lo;      // lo ≤ V
    double hi;      // V ≤ hi
    double approx;  // near V (the nearest double in exact mode)
    double abs_up;  // S ≤ abs_up
};

// The k-sums of every element of one product. Products of fp16/bf16 (and fp32) values must be
// exact in binary64 — true for every input format the fp16/bf16 operators take.
class KSums {
  public:
    // Fast mode. Every product of two fp16/bf16 values is exact in binary64 (≤ 22 significant
    // bits, exponents within [2^-266, 2^33]), so dgemm's only errors are its additions: each
    // c_ij is a tree of at most k additions (FMA chains in the micro-kernel, block partials
    // added into C, which beta = 0 zeroes; alpha = 1 is exact), giving
    // |c̃ − c| ≤ γ_{k+1}(2^-53)·Σ|products| (one spare addition of margin). No partial sum can
    // underflow (all are multiples of 2^-266) or overflow (≤ k·2^256). The |.| product gives
    // S̃ ≥ (1 − γ)·S, so S ≤ S̃/(1 − γ_{k+1}) ≤ S̃·(1 + γ_{2k+2}). Elements with a non-finite
    // input get meaningless values (callers route them to internal/special_values.h).
    // `bias` (n values) may be null; it must outlive the KSums.
    static KSums Fast(const Matrix &a, const Matrix &b, const std::vector<double> *bias);
    // The same with storage the caller provides (each may be null: then allocated here). c and
    // cabs (m·n doubles each) receive the two dgemm results and must outlive the KSums — an
    // element may be overwritten once the caller has read it (At / LoadRow), e.g. by the
    // bounds written in place. abs_a (m·k) and abs_b (k·n) are scratch for |a| and |b|, free
    // again when Fast returns.
    struct Storage {
        double *c = nullptr;
        double *cabs = nullptr;
        double *abs_a = nullptr;
        double *abs_b = nullptr;
    };
    static KSums Fast(const Matrix &a, const Matrix &b, const std::vector<double> *bias, const Storage &storage);

    // Exact mode: V and S summed exactly per element (m·n·k exact additions; slow). Elements
    // with skip[e] != 0 (non-finite inputs, which the accumulator cannot take) are left at 0;
    // `skip` may be null.
    static KSums Exact(const Matrix &a, const Matrix &b, const std::vector<double> *bias,
                       const std::vector<char> *skip);
    // An exact-mode KSums to be filled element by element with SetExact (when the caller needs
    // the exact accumulators themselves, e.g. to sum them across ranks).
    static KSums ExactUnfilled(int64_t m, int64_t n, int64_t k, bool has_bias);
    void SetExact(size_t e, const ExactSum &value, const ExactSum &magnitude);

    int64_t rows() const { return rows_; }
    int64_t cols() const { return cols_; }
    int64_t k() const { return k_; }
    bool has_bias() const { return has_bias_; }

    // Element (i, j), e = i·cols + j.
    [[gnu::always_inline]] KSumElement At(size_t e, int64_t j) const {
        if (exact_) return KSumElement{lo_[e], hi_[e], approx_[e], abs_up_[e]};
        if (bias_ == nullptr) return FastElement<false>(constants(), c_view_[e], cabs_view_[e]);
        return FastElement<false>(constants(), c_view_[e], cabs_view_[e], bias_[j]);
    }

    // Whether elements e … e + len − 1 of one row (first column j) form an ordinary block for
    // the limit L (a power of two ≤ 2^124): fast mode, k > 0, and every element with
    // 2^-800 ≤ Σ|products| (dgemm's) ≤ L, |value| ≤ L and |bias| ≤ L. Then LoadRow<true>
    // gives the same bits as LoadRow<false>, every KSumElement is finite with
    // 2^-900 ≤ abs_up ≤ 2.01·L and |lo|, |hi| ≤ 2.01·L (dgemm's g ≤ 2^-10 and inflation
    // ≤ 1 + 2^-10 are checked here too), and the callers' later steps may drop their tests
    // for zeros, underflow, NaN and overflow (oracle/matmul_all_reduce.cc).
    [[gnu::always_inline]] bool Ordinary(size_t e, int64_t j, int64_t len, double limit) const {
        if (exact_ || k_ <= 0 || !(g_ <= 0x1p-10) || !(inflate_ <= 1.0 + 0x1p-10)) return false;
        const double *__restrict c = c_view_ + e;
        const double *__restrict cabs = cabs_view_ + e;
        bool ok = true;
        for (int64_t l = 0; l < len; ++l)
            ok &= (cabs[l] >= 0x1p-800) & (cabs[l] <= limit) & (std::fabs(c[l]) <= limit);
        if (bias_ != nullptr)
            for (int64_t l = 0; l < len; ++l) ok &= std::fabs(bias_[j + l]) <= limit;
        return ok;
    }

    // Elements e … e + len − 1 of one row, whose first column is j, into four arrays: the same
    // values as At, in loops without a branch on the mode (so they vectorise). kOrdinary: the
    // block is Ordinary (same values, fewer tests).
    template <bool kOrdinary = false>
    [[gnu::always_inline]] void LoadRow(size_t e, int64_t j, int64_t len, double *__restrict lo,
                                        double *__restrict hi, double *__restrict approx,
                                        double *__restrict abs_up) const {
        if (!kOrdinary && exact_) {
            for (int64_t l = 0; l < len; ++l) {
                lo[l] = lo_[e + l];
                hi[l] = hi_[e + l];
                approx[l] = approx_[e + l];
                abs_up[l] = abs_up_[e + l];
            }
            return;
        }
        // (Copies: the stores below cannot alias them.)
        const FastConstants f = constants();
        const double *__restrict c = c_view_ + e;
        const double *__restrict cabs = cabs_view_ + e;
        if (bias_ == nullptr) {
            for (int64_t l = 0; l < len; ++l) {
                const KSumElement v = FastElement<kOrdinary>(f, c[l], cabs[l]);
                lo[l] = v.lo, hi[l] = v.hi, approx[l] = v.approx, abs_up[l] = v.abs_up;
            }
        } else {
            const double *__restrict bias = bias_ + j;
            for (int64_t l = 0; l < len; ++l) {
                const KSumElement v = FastElement<kOrdinary>(f, c[l], cabs[l], bias[l]);
                lo[l] = v.lo, hi[l] = v.hi, approx[l] = v.approx, abs_up[l] = v.abs_up;
            }
        }
    }

  private:
    int64_t rows_ = 0, cols_ = 0, k_ = 0;
    bool has_bias_ = false;
    bool exact_ = false;
    // Fast mode: the two dgemm results (uninitialised storage: dgemm with beta = 0 writes every
    // element, so no memset), dgemm's bound and the bias.
    DoubleBuffer c_, cabs_;  // owned storage, when the caller gave none
    double *c_view_ = nullptr, *cabs_view_ = nullptr;
    double g_ = 0.0, inflate_ = 1.0;
    const double *bias_ = nullptr;
    // Fast mode's element from dgemm's c and Σ|.| (and the bias).
    struct FastConstants {
        bool k_positive;
        double g, inflate;
    };
    [[gnu::always_inline]] FastConstants constants() const { return FastConstants{k_ > 0, g_, inflate_}; }
    // kOrdinary (an Ordinary block): k > 0, cabs ≥ 2^-800 and g ≥ 2^-53, so no product
    // underflows or is zero, and every operand is finite, so no sum is NaN.
    template <bool kOrdinary>
    [[gnu::always_inline]] static KSumElement FastElement(const FastConstants &f, double c, double cabs) {
        if constexpr (kOrdinary) {
            const double s_up = MulUpNormal(cabs, f.inflate);
            const double half = MulUpNormal(f.g, s_up);
            return KSumElement{AddDownNotNan(c, -half) + 0.0, AddUpNotNan(c, half) + 0.0, c + 0.0, s_up + 0.0};
        }
        const double s_up = f.k_positive ? MulUp(cabs, f.inflate) : 0.0;
        const double half = MulUp(f.g, s_up);
        // The bias-free case of the one below: adding an exact 0 rounds nowhere (x + 0 only
        // turns −0 into +0, as the directed additions do).
        return KSumElement{AddDown(c, -half) + 0.0, AddUp(c, half) + 0.0, c + 0.0, s_up + 0.0};
    }
    template <bool kOrdinary>
    [[gnu::always_inline]] static KSumElement FastElement(const FastConstants &f, double c, double cabs,
                                                          double bias) {
        if constexpr (kOrdinary) {
            const double s_up = MulUpNormal(cabs, f.inflate);
            const double half = MulUpNormal(f.g, s_up);
            return KSumElement{AddDownNotNan(AddDownNotNan(c, -half), bias), AddUpNotNan(AddUpNotNan(c, half), bias),
                               c + bias, AddUpNotNan(s_up, std::fabs(bias))};
        }
        const double s_up = f.k_positive ? MulUp(cabs, f.inflate) : 0.0;
        const double half = MulUp(f.g, s_up);
        return KSumElement{AddDown(AddDown(c, -half), bias), AddUp(AddUp(c, half), bias), c + bias,
                           AddUp(s_up, std::fabs(bias))};
    }

    // Exact mode: the enclosures themselves.
    std::vector<double> lo_, hi_, approx_, abs_up_;
};

// Adds a[i,·]·b[·,j] (+ bias[j]) exactly to `value` and the magnitudes to `magnitude` (both
// cleared first). Every input must be finite.
void AccumulateExact(const Matrix &a, const Matrix &b, const std::vector<double> *bias, int64_t i,
                     int64_t j, ExactSum &value, ExactSum &magnitude);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_K_SUM_H_
