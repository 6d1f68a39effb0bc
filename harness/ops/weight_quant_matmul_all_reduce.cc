// harness/ops/weight_quant_matmul_all_reduce.cc — binding of aclnnWeightQuantMatmulAllReduce
// (output = allreduce_sum_r(x1_r @ ((x2_r + antiquantOffset_r) · antiquantScale_r) + bias_r + x3_r)):
// the signature (from the C type of the first phase), the fill roles, the oracle inputs
// (oracle/weight_quant_matmul_all_reduce.h), and the registration that joins them with the spec
// family (spec/weight_quant_matmul_all_reduce/).
#include <stdexcept>

#include "aclnnop/aclnn_weight_quant_matmul_all_reduce.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/weight_quant_matmul_all_reduce.h"
#include "spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"

namespace mc2::harness {
namespace {

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = c.world;
    if (const TensorSpec *out = c.Tensor(rank, "output")) s.out_dtype = out->dtype;
    if (const TensorSpec *x1 = c.Tensor(rank, "x1")) {
        s.lhs_dtype = x1->dtype;
        s.k = x1->shape.empty() ? 1 : x1->shape.back();
    }
    // The integer weights are filled as integers; the scales (kOther) keep the products typical.
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = (c.Tensor(rank, "bias") ? 1 : 0) + (c.Tensor(rank, "x3") ? 1 : 0);
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "x3") return Role::kAddend;
    return Role::kOther;  // antiquant_scale, antiquant_offset
}

// Every rank receives the same all-reduced output: `rank` does not matter.
oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int /*rank*/,
                      const oracle::Contract &contract) {
    const TensorSpec *out = c.Tensor(0, output);
    if (out == nullptr) throw std::invalid_argument("no output tensor");
    std::vector<oracle::WeightQuantMatmulAllReduceRank> ranks;
    for (size_t r = 0; r < inputs.size(); ++r) {
        const RankInputs &in = inputs[r];
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        auto scale = in.find("antiquant_scale");
        if (x1 == in.end() || x2 == in.end() || scale == in.end()) {
            throw std::invalid_argument("x1, x2 or antiquant_scale missing");
        }
        oracle::WeightQuantMatmulAllReduceRank rk;
        rk.x1 = x1->second;
        rk.x2 = x2->second;
        rk.scale = scale->second;
        if (auto o = in.find("antiquant_offset"); o != in.end()) rk.offset = o->second;
        if (auto b = in.find("bias"); b != in.end()) rk.bias = b->second.v;
        if (auto x3 = in.find("x3"); x3 != in.end()) rk.x3 = x3->second;
        const Value &g = c.Get(static_cast<int>(r), "antiquant_group_size");
        rk.group_size = std::holds_alternative<int64_t>(g) ? std::get<int64_t>(g) : 0;
        ranks.push_back(std::move(rk));
    }
    return oracle::WeightQuantMatmulAllReduceBounds(ranks, out->dtype, contract);
}

OpBinding Make() {
    OpBinding b;
    b.op = spec::weight_quant_matmul_all_reduce::kOp;
    b.api = AclnnApi<decltype(&aclnnWeightQuantMatmulAllReduceGetWorkspaceSize)>(
        "aclnnWeightQuantMatmulAllReduce",
        {"x1", "x2", "bias", "antiquant_scale", "antiquant_offset", "x3", "group", "reduce_op", "comm_turn",
         "stream_mode", "antiquant_group_size", "output"});
    b.outputs = {{"output", OutputKind::kInterval, /*replicated=*/true}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(Make, spec::weight_quant_matmul_all_reduce::Family);

}  // namespace mc2::harness
