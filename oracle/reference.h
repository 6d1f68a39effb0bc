// oracle/reference.h — what the oracle answers for an operator call: for every output element,
// the closed interval [lo, hi] of real values a conforming implementation may return (after its
// final rounding to the output dtype), and the exact (infinitely precise) result used for error
// statistics. The interval already includes every freedom the numerics contract grants
// (oracle/contract.h); a result passes when each returned value lies inside its interval
// (NaN/Inf by class). Inputs reach the oracle as exactly decoded values (double holds every
// value of every input format exactly).
#ifndef MC2_ORACLE_REFERENCE_H_
#define MC2_ORACLE_REFERENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::oracle {

// Dense row-major matrix of decoded values (logical layout: strides already applied).
struct Matrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> v;  // rows * cols
    double at(int64_t i, int64_t j) const { return v[static_cast<size_t>(i * cols + j)]; }
};

struct Bounds {
    int64_t rows = 0;
    int64_t cols = 0;
    aclDataType dtype = ACL_FLOAT16;  // output dtype the bounds are expressed in
    std::vector<double> lo;      // smallest admissible returned value, per element (row-major)
    std::vector<double> hi;      // largest admissible returned value
    std::vector<double> exact;   // exact result (best estimate, error far below one output ulp)
    std::vector<double> scale;   // Σ|terms| per element: the magnitude the error bound scales with
    // Where the documents leave a step UNVERIFIED and the oracle admits several readings of it,
    // [lo, hi] above is the union over them; each reading's own interval is kept here, the
    // documented (assumed) reading first, so that the comparison can say which readings the
    // implementation's result is consistent with. Empty when there is one reading.
    struct Reading {
        std::string name;            // e.g. "fp16 Div = 1/s then Mul, fp16 Mul rounds to nearest"
        std::vector<double> lo, hi;  // per element, as lo/hi above
    };
    std::vector<Reading> readings;
};

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_REFERENCE_H_
