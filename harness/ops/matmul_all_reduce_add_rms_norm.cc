// harness/ops/matmul_all_reduce_add_rms_norm.cc — bindings of aclnnMatmulAllReduceAddRmsNorm
// (outputs y and normOut) and aclnnInplaceMatmulAllReduceAddRmsNorm (y written into residual,
// declared as an in-place output): signatures, fill roles, the oracle
// (oracle/matmul_all_reduce_add_rms_norm.h), and the registration with the spec family.
#include <cstdint>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>

#include "aclnnop/aclnn_inplace_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_matmul_all_reduce_add_rms_norm.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/matmul_all_reduce_add_rms_norm.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"

namespace mc2::harness {
namespace {

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = c.world;
    if (const TensorSpec *res = c.Tensor(rank, "residual")) s.out_dtype = res->dtype;
    if (const TensorSpec *x1 = c.Tensor(rank, "x1")) {
        s.lhs_dtype = x1->dtype;
        s.k = x1->shape.empty() ? 1 : x1->shape.back();
    }
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = (c.Tensor(rank, "bias") ? 1 : 0) + 1;  // bias and residual
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "residual") return Role::kAddend;
    return Role::kOther;  // gamma
}

// The all-reduced mm is the same for every rank's y and normOut: the runner asks for 2 outputs ×
// 2 contracts × world ranks, so the last answer per contract is kept (per thread), keyed by the
// descriptor, the contract and a hash of the decoded matmul inputs.
std::string MatmulKey(const Case &c, const std::vector<oracle::MatmulAllReduceRank> &ranks,
                      const oracle::Contract &k) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](double v) {
        uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 1099511628211ull;
    };
    for (const auto &r : ranks) {
        for (double v : r.x1.v) mix(v);
        for (double v : r.x2.v) mix(v);
        if (r.bias) for (double v : *r.bias) mix(v);
        mix(static_cast<double>(r.x1.rows)), mix(static_cast<double>(r.x2.cols));
    }
    std::ostringstream key;
    key.precision(17);
    key << c.ToString() << '|' << h << '|' << k.acc_unit_roundoff << '|' << k.acc_probabilistic_lambda << '|'
        << static_cast<int>(k.partial_rounded_to_output) << static_cast<int>(k.x3_sum_rounded_to_fp32)
        << static_cast<int>(k.x3_sum_rounded_to_output) << static_cast<int>(k.reduction) << k.subnormal_flush_allowed
        << k.overflow_saturation_allowed;
    return key.str();
}

const oracle::Bounds &SharedMatmulBounds(const Case &c, const std::vector<oracle::MatmulAllReduceRank> &ranks,
                                         aclDataType out, const oracle::Contract &contract) {
    struct Entry {
        std::string key;
        oracle::Bounds mm;
    };
    thread_local Entry entries[2];  // the runner's two contracts (worst case, statistical)
    thread_local int next = 0;
    const std::string key = MatmulKey(c, ranks, contract);
    for (Entry &e : entries) {
        if (e.key == key) return e.mm;
    }
    Entry &e = entries[next];
    next = 1 - next;
    e.key.clear();
    e.mm = oracle::MatmulAllReduceBounds(ranks, out, contract);
    e.key = key;
    return e.mm;
}

// y and normOut of rank `rank`: the all-reduced mm is the same everywhere, residual, gamma and
// epsilon are the rank's own (each rank adds and normalises its own residual).
oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int rank,
                      const oracle::Contract &contract) {
    const TensorSpec *res = c.Tensor(rank, "residual");
    if (res == nullptr) throw std::invalid_argument("no residual tensor");
    oracle::AddRmsNormInputs in;
    for (const RankInputs &r : inputs) {
        auto x1 = r.find("x1");
        auto x2 = r.find("x2");
        if (x1 == r.end() || x2 == r.end()) throw std::invalid_argument("x1 or x2 missing");
        oracle::MatmulAllReduceRank mm;
        mm.x1 = x1->second;
        mm.x2 = x2->second;
        if (auto b = r.find("bias"); b != r.end()) mm.bias = b->second.v;
        in.ranks.push_back(std::move(mm));
    }
    const RankInputs &own = inputs.at(static_cast<size_t>(rank));
    auto residual = own.find("residual");
    auto gamma = own.find("gamma");
    if (residual == own.end() || gamma == own.end()) throw std::invalid_argument("residual or gamma missing");
    in.residual = residual->second;
    in.gamma = gamma->second.v;
    const auto *eps = std::get_if<double>(&c.Get(rank, "epsilon"));
    if (eps == nullptr) throw std::invalid_argument("epsilon is not a number");
    in.epsilon = *eps;
    const oracle::AddRmsNormBounds b =
        oracle::AddRmsNormFromMatmulBounds(in, SharedMatmulBounds(c, in.ranks, res->dtype, contract), res->dtype, contract);
    if (output == "norm_out") return std::move(b.norm_out);
    if (output == "y" || output == "residual") return std::move(b.y);
    throw std::invalid_argument("no interval output " + output);
}

// normOut rows the oracle cannot bound (harness/compare.h): MISTRUSTED when they are most.
constexpr double kMistrustUnbounded = 0.5;

OpBinding OutOfPlace() {
    OpBinding b;
    b.op = spec::matmul_all_reduce_add_rms_norm::kArn;
    b.api = AclnnApi<decltype(&aclnnMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
        "aclnnMatmulAllReduceAddRmsNorm", {"x1", "x2", "bias", "residual", "gamma", "epsilon", "group", "reduce_op",
                                           "comm_turn", "stream_mode", "y", "norm_out"});
    b.outputs = {{"y", OutputKind::kInterval, /*replicated=*/false},
                 {"norm_out", OutputKind::kInterval, /*replicated=*/false, false, false, kMistrustUnbounded}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

OpBinding InPlace() {
    OpBinding b;
    b.op = spec::matmul_all_reduce_add_rms_norm::kInplace;
    b.api = AclnnApi<decltype(&aclnnInplaceMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
        "aclnnInplaceMatmulAllReduceAddRmsNorm", {"x1", "x2", "bias", "residual", "gamma", "epsilon", "group",
                                                  "reduce_op", "comm_turn", "stream_mode", "norm_out"});
    b.outputs = {{"residual", OutputKind::kInterval, /*replicated=*/false, /*in_place=*/true},
                 {"norm_out", OutputKind::kInterval, /*replicated=*/false, false, false, kMistrustUnbounded}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(OutOfPlace, spec::matmul_all_reduce_add_rms_norm::Family);
MC2_REGISTER_OPERATOR(InPlace, spec::matmul_all_reduce_add_rms_norm::Family);

}  // namespace mc2::harness
