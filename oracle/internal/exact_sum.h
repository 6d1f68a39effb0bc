// oracle/internal/exact_sum.h — an exact accumulator for sums of doubles (a Kulisch-style long
// fixed-point register), used by the oracle's self-check mode. Every finite double is an
// integer multiple of 2^-1074 below 2^1024, so a signed fixed-point number with its least
// significant bit at 2^-1074 and 64 bits of headroom above 2^1024 holds any sum of up to 2^63
// doubles exactly. Products of fp16/bf16 (and fp32) values are exact doubles, so a dot product
// of such values is summed with no error at all, in any order.
#ifndef MC2_ORACLE_INTERNAL_EXACT_SUM_H_
#define MC2_ORACLE_INTERNAL_EXACT_SUM_H_

#include <array>
#include <cstdint>

namespace mc2::oracle::internal {

class ExactSum {
  public:
    // Adds a finite double exactly (non-finite values are the caller's business).
    void Add(double x);
    // Adds a·b exactly when the product does not underflow: the product is split into
    // p = fl(a·b) and the residual fma(a, b, −p), both added.
    void AddProduct(double a, double b);
    // Adds another accumulator's exact value.
    void AddSum(const ExactSum &other);
    void Clear();

    // The sum as a double near the exact value (within one ulp) and an enclosure of the exact
    // value: lo ≤ sum ≤ hi, lo == hi == value when the sum is exactly a double.
    struct Result {
        double value;
        double lo;
        double hi;
        bool exact;
    };
    Result Get() const;

  private:
    // 32-bit digits in signed 64-bit limbs (carry-save): limb i weighs 2^(32·i − 1074). An Add
    // touches at most three limbs, each by less than 2^32, so 2^30 additions cannot overflow a
    // limb; the carries are propagated after that many (Normalize).
    static constexpr int kLimbs = 68;  // 68·32 = 2176 ≥ 1074 + 1024 + 64 bits
    void Normalize(std::array<int64_t, kLimbs> &limbs) const;
    std::array<int64_t, kLimbs> limbs_{};
    int64_t pending_ = 0;
};

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_EXACT_SUM_H_
