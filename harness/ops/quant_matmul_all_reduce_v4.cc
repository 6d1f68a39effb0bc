// harness/ops/quant_matmul_all_reduce_v4.cc — binding of aclnnQuantMatmulAllReduceV4 (seed 004):
// output = allreduce_r(dequant(x1_r, x2_r) [+ bias_r] + x3_r) in every scenario of the spec
// (spec/quant_matmul_all_reduce_v4/); the int8 low-bit communication (comm scales) judged as V3's
// on both platforms (Ascend 950's ReduceScatter transport does the same arithmetic), and
// commQuantMode = 1 by the oracle's pertile FP8 model (x1's dtype is the exchange format).
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce_v4.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/quant_matmul_all_reduce_v4.h"
#include "spec/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"

namespace mc2::harness {
namespace {

namespace v4 = spec::quant_matmul_all_reduce_v4;

v4::Scenario ScenarioOf(const Case &c, int rank) {
    const TensorSpec *x1 = c.Tensor(rank, "x1");
    const TensorSpec *x2 = c.Tensor(rank, "x2");
    const TensorSpec *s2 = c.Tensor(rank, "x2_scale");
    const TensorSpec *s1 = c.Tensor(rank, "x1_scale");
    if (!x1 || !x2 || !s2) return v4::Scenario::kNone;
    return v4::Classify(x1->dtype, x2->dtype, s1 ? std::optional<aclDataType>(s1->dtype) : std::nullopt, s2->dtype,
                        s1 ? s1->shape.size() : 0, s2->shape.size());
}

// The typical |x2Scale · x1Scale| of rank 0 per output column (the int8 comm scales' fill is
// sized from it), as QuantMatmulAllReduce's binding.
std::vector<double> PostScale(const Case &c) {
    std::vector<double> s = {0.8};
    if (const TensorSpec *d = c.Tensor(0, "x2_scale"); d != nullptr && !d->values.empty()) {
        s.clear();
        for (int64_t code : d->values) {
            const double v =
                std::fabs(static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(code) & 0xFFFFE000u)));
            s.push_back(std::isfinite(v) && v > 0 ? v : 1.0);
        }
    }
    if (c.Tensor(0, "x1_scale") != nullptr) {
        for (double &v : s) v *= 0.8;
    }
    return s;
}

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = c.world;
    if (const TensorSpec *out = c.Tensor(rank, "output")) s.out_dtype = out->dtype;
    if (const TensorSpec *x1 = c.Tensor(rank, "x1")) {
        s.lhs_dtype = x1->dtype;
        s.k = x1->shape.empty() ? 1 : x1->shape.back();
    }
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = (c.Tensor(rank, "bias") ? 1 : 0) + (c.Tensor(rank, "x3") ? 1 : 0);
    if (const TensorSpec *x1 = c.Tensor(0, "x1")) s.shared_k = x1->shape.empty() ? 1 : x1->shape.back();
    s.post_scale = PostScale(c);
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "comm_quant_scale_1") return Role::kQuantScaleIn;
    if (name == "comm_quant_scale_2") return Role::kQuantScaleOut;
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "x3") return Role::kAddend;
    return Role::kOther;
}

oracle::V4Scenario OracleScenario(v4::Scenario s) {
    switch (s) {
        case v4::Scenario::kInt8:
            return oracle::V4Scenario::kInt8;
        case v4::Scenario::kFp8:
            return oracle::V4Scenario::kFp8;
        case v4::Scenario::kFp8Uint64:
            return oracle::V4Scenario::kFp8Uint64;
        case v4::Scenario::kPerBlock:
            return oracle::V4Scenario::kPerBlock;
        case v4::Scenario::kMx:
            return oracle::V4Scenario::kMx;
        default:
            throw std::invalid_argument("no documented scenario");
    }
}

oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int /*rank*/,
                      const oracle::Contract &contract) {
    const TensorSpec *out = c.Tensor(0, output);
    const TensorSpec *x1_0 = c.Tensor(0, "x1");
    if (out == nullptr || x1_0 == nullptr || out->shape.empty()) throw std::invalid_argument("no output tensor");
    const bool pertile = std::get_if<int64_t>(&c.Get(0, "comm_quant_mode")) != nullptr &&
                         std::get<int64_t>(c.Get(0, "comm_quant_mode")) == 1;
    std::vector<oracle::QuantMatmulAllReduceV4Rank> ranks;
    for (size_t r = 0; r < inputs.size(); ++r) {
        const RankInputs &in = inputs[r];
        const int rank = static_cast<int>(r);
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        auto s2 = in.find("x2_scale");
        const TensorSpec *s2_spec = c.Tensor(rank, "x2_scale");
        const TensorSpec *x1_spec = c.Tensor(rank, "x1");
        const TensorSpec *x2_spec = c.Tensor(rank, "x2");
        if (x1 == in.end() || x2 == in.end() || s2 == in.end() || !s2_spec || !x1_spec || !x2_spec) {
            throw std::invalid_argument("x1, x2 or x2Scale missing");
        }
        oracle::QuantMatmulAllReduceV4Rank rk;
        rk.scenario = OracleScenario(ScenarioOf(c, rank));
        rk.x1 = x1->second;
        rk.x2 = x2->second;
        rk.x2_scale = s2->second.v;
        rk.x2_scale_dtype = s2_spec->dtype;
        rk.rows_per_batch = x1_spec->shape.size() == 3 ? x1_spec->shape[1] : rk.x1.rows;
        rk.x2_scale_transposed = x2_spec->shape.size() == 2 && !x2_spec->strides.empty() &&
                                 x2_spec->strides != ContiguousStrides(x2_spec->shape);
        if (auto b = in.find("bias"); b != in.end()) rk.bias = b->second.v;
        if (auto p = in.find("x1_scale"); p != in.end()) rk.x1_scale = p->second.v;
        if (auto x3 = in.find("x3"); x3 != in.end()) rk.x3 = x3->second;
        if (auto q1 = in.find("comm_quant_scale_1"); q1 != in.end()) rk.comm_scale1 = q1->second.v;
        if (auto q2 = in.find("comm_quant_scale_2"); q2 != in.end()) rk.comm_scale2 = q2->second.v;
        if (pertile) rk.pertile = x1_spec->dtype;
        ranks.push_back(std::move(rk));
    }
    return oracle::QuantMatmulAllReduceV4Bounds(ranks, out->dtype, contract);
}

OpBinding Make() {
    OpBinding b;
    b.op = v4::kV4;
    b.api = AclnnApi<decltype(&aclnnQuantMatmulAllReduceV4GetWorkspaceSize)>(
        "aclnnQuantMatmulAllReduceV4",
        {"x1", "x2", "bias", "x3", "x1_scale", "x2_scale", "comm_quant_scale_1", "comm_quant_scale_2", "group",
         "reduce_op", "comm_turn", "stream_mode", "group_size", "comm_quant_mode", "output"});
    // An output the oracle leaves mostly unbounded (non-finite inputs) is MISTRUSTED rather than
    // PASSED.
    OutputDecl output{"output", OutputKind::kInterval, /*replicated=*/true};
    output.mistrust_unbounded_share = 0.5;
    b.outputs = {output};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(Make, spec::quant_matmul_all_reduce_v4::Family);

}  // namespace mc2::harness
