// oracle/weight_quant_matmul_all_reduce.cc — acceptance intervals for WeightQuantMatmulAllReduce.
//
// The antiquant step is a fixed, element-wise function of the inputs once its rounding is
// fixed, so each admitted reading turns a rank into a MatmulAllReduce rank with an exactly known
// weight: the intervals of that reading are MatmulAllReduce's (same contract, same derivation),
// and a conforming implementation, which follows one reading, lands in the union. The exact
// value reported for error statistics is the documented reading's (fp16: kInT, bf16:
// kFp32ThenT). Roundings are the oracle's own (internal/rounding.h), nothing from impl/.
#include "oracle/weight_quant_matmul_all_reduce.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "oracle/internal/rounding.h"
#include "oracle/matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

[[noreturn]] void Bad(const std::string &what) {
    throw std::invalid_argument("WeightQuantMatmulAllReduceBounds: " + what);
}

// The scale (or offset) entry serving weight element (t, j).
double Entry(const Matrix &s, int64_t group_size, int64_t t, int64_t j) {
    if (group_size > 0) return s.at(t / group_size, j);
    if (s.v.size() == 1) return s.v[0];
    return s.v[static_cast<size_t>(j)];
}

void CheckParams(const WeightQuantMatmulAllReduceRank &r, size_t index) {
    const std::string at = " (rank " + std::to_string(index) + ")";
    const int64_t k = r.x2.rows, n = r.x2.cols;
    if (static_cast<int64_t>(r.x2.v.size()) != k * n) Bad("x2 storage does not match its shape" + at);
    auto check = [&](const Matrix &s, const char *name) {
        if (static_cast<int64_t>(s.v.size()) != s.rows * s.cols) Bad(std::string(name) + " storage mismatch" + at);
        if (k == 0) return;  // nothing is dequantised
        if (r.group_size > 0) {
            if (s.rows != (k - 1) / r.group_size + 1 || s.cols != n) Bad(std::string(name) + " is not per group" + at);
        } else if (s.v.size() != 1 && static_cast<int64_t>(s.v.size()) != n) {
            Bad(std::string(name) + " is neither per tensor nor per channel" + at);
        }
    };
    check(r.scale, "scale");
    if (r.offset) {
        check(*r.offset, "offset");
        // With k == 0 neither is read, and the documents do not check their shapes then
        // (spec wqmar.empty.k_zero): a scale of (0) beside an offset of (n) is a valid call.
        if (k != 0 && (r.offset->rows != r.scale.rows || r.offset->cols != r.scale.cols)) {
            Bad("offset and scale differ" + at);
        }
    }
}

const char *ReadingName(Antiquant reading) {
    switch (reading) {
        case Antiquant::kInT: return "antiquant add and mul rounded to T";
        case Antiquant::kFp32ThenT: return "antiquant in fp32, weight rounded to T";
        case Antiquant::kFp32Kept: return "antiquant in fp32, weight kept in fp32";
    }
    return "?";
}

// Runs `bounds` (fast or exact MatmulAllReduce) once per admitted reading and joins the results;
// each reading's own interval is kept in Bounds::readings.
template <typename BoundsFn>
Bounds Union(const std::vector<WeightQuantMatmulAllReduceRank> &ranks, aclDataType out, const Contract &contract,
             BoundsFn bounds) {
    if (out != ACL_FLOAT16 && out != ACL_BF16) Bad("output dtype must be FLOAT16 or BFLOAT16");
    for (size_t r = 0; r < ranks.size(); ++r) CheckParams(ranks[r], r);
    const std::vector<Antiquant> readings = AdmittedReadings(out);
    Bounds joined;
    std::vector<Bounds::Reading> readings_seen;
    bool first = true;
    for (const Antiquant reading : readings) {
        std::vector<MatmulAllReduceRank> plain;
        plain.reserve(ranks.size());
        Contract c = contract;
        for (const auto &rk : ranks) plain.push_back({rk.x1, DequantisedWeight(rk, out, reading), rk.bias, rk.x3});
        if (reading == Antiquant::kFp32Kept) {
            // An fp32 weight times a T activation is not exact in fp32: each product is rounded
            // too. Higham (3.4) bounds a length-k dot product with rounded products by
            // γ_k(u)·S, and a bias adds one more rounding: γ_{k+1}(u). The MatmulAllReduce bound
            // is γ_{n−1}(u_acc) over n = k + 1 terms once every rank has a bias (a zero one
            // changes no value), and γ_k(2u) ≥ γ_{k+1}(u) for k ≥ 1: doubling u_acc covers it.
            c.acc_unit_roundoff = 2 * contract.acc_unit_roundoff;
            for (auto &p : plain) {
                if (!p.bias) p.bias = std::vector<double>(static_cast<size_t>(p.x2.cols), 0.0);
            }
        }
        Bounds b = bounds(plain, out, c);
        readings_seen.push_back({ReadingName(reading), std::vector<double>(b.lo.begin(), b.lo.end()),
                                 std::vector<double>(b.hi.begin(), b.hi.end())});
        if (first) {
            joined = std::move(b);  // the documented reading comes first: its exact value stays
            first = false;
            continue;
        }
        for (size_t e = 0; e < joined.lo.size(); ++e) {
            joined.lo[e] = std::min(joined.lo[e], b.lo[e]);
            joined.hi[e] = std::max(joined.hi[e], b.hi[e]);
            joined.scale[e] = std::max(joined.scale[e], b.scale[e]);
        }
    }
    if (readings_seen.size() > 1) joined.readings = std::move(readings_seen);
    return joined;
}

}  // namespace

std::vector<Antiquant> AdmittedReadings(aclDataType t) {
    if (t == ACL_FLOAT16) return {Antiquant::kInT, Antiquant::kFp32ThenT, Antiquant::kFp32Kept};
    return {Antiquant::kFp32ThenT, Antiquant::kFp32Kept};
}

Matrix DequantisedWeight(const WeightQuantMatmulAllReduceRank &r, aclDataType t, Antiquant reading) {
    const internal::DtypeMath &math = internal::MathOf(t);
    Matrix w{r.x2.rows, r.x2.cols, std::vector<double>(r.x2.v.size())};
    for (int64_t q = 0; q < w.rows; ++q) {
        for (int64_t j = 0; j < w.cols; ++j) {
            const double x = r.x2.at(q, j);
            const double s = Entry(r.scale, r.group_size, q, j);
            const double o = r.offset ? Entry(*r.offset, r.group_size, q, j) : 0.0;
            // a·s is exact in double (significands of at most 24 and 11 bits), and so is x + o
            // (x an integer of at most 8 bits) while o lies within 2^±40 of x, as every generated
            // offset does; each rounding below is then the single rounding of the exact operation.
            double v = 0;
            if (reading == Antiquant::kInT) {
                const double a = r.offset ? internal::RoundNearestEven(math, x + o) : x;
                v = internal::RoundNearestEven(math, a * s);
            } else {
                const double a = r.offset ? internal::RoundFp32(x + o) : x;
                v = internal::RoundFp32(a * s);
                if (reading == Antiquant::kFp32ThenT) v = internal::RoundNearestEven(math, v);
            }
            w.v[static_cast<size_t>(q * w.cols + j)] = v;
        }
    }
    return w;
}

Bounds WeightQuantMatmulAllReduceBounds(const std::vector<WeightQuantMatmulAllReduceRank> &ranks, aclDataType out,
                                        const Contract &contract) {
    return Union(ranks, out, contract, [](const std::vector<MatmulAllReduceRank> &p, aclDataType t, const Contract &c) {
        return MatmulAllReduceBounds(p, t, c);
    });
}

Bounds WeightQuantMatmulAllReduceBoundsExact(const std::vector<WeightQuantMatmulAllReduceRank> &ranks,
                                             aclDataType out, const Contract &contract) {
    return Union(ranks, out, contract, [](const std::vector<MatmulAllReduceRank> &p, aclDataType t, const Contract &c) {
        return MatmulAllReduceBoundsExact(p, t, c);
    });
}

}  // namespace mc2::oracle
