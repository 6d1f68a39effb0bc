// harness/ops/quant_matmul_all_reduce.cc — bindings of aclnnQuantMatmulAllReduce (V1), V2
// (pertoken) and V3 (comm scales): output = allreduce_r(dequant(x1_r @ x2_r + bias_r) + x3_r),
// through V3's int8 low-bit communication when both comm scales are given (judged bit-exactly).
// The signatures (from the C types of the first phases), the fill roles, the oracle inputs
// (oracle/quant_matmul_all_reduce.h) and the registration with the spec family
// (spec/quant_matmul_all_reduce/).
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v2.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v3.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/quant_matmul_all_reduce.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::harness {
namespace {

// The typical |dequant · pertoken| of rank 0 per output column (the comm scales' fill is sized
// from it): the fp19 scale of explicit UINT64/INT64 codes (ops.md §3; one code: every column),
// else E|N(0, 1)| ≈ 0.8 for each filled scale (the fill's typical values).
std::vector<double> PostScale(const Case &c) {
    std::vector<double> s = {0.8};
    if (const TensorSpec *d = c.Tensor(0, "dequant_scale"); d != nullptr && !d->values.empty()) {
        s.clear();
        for (int64_t code : d->values) {
            const double v =
                std::fabs(static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(code) & 0xFFFFE000u)));
            s.push_back(std::isfinite(v) && v > 0 ? v : 1.0);
        }
    }
    if (c.Tensor(0, "pertoken_scale") != nullptr) {
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
    // The comm scales must be identical on every rank: they are sized from rank 0's k.
    if (const TensorSpec *x1 = c.Tensor(0, "x1")) s.shared_k = x1->shape.empty() ? 1 : x1->shape.back();
    s.post_scale = PostScale(c);
    return s;
}

// The dequant and pertoken scales are kOther: typical values of their dtype (uint64/int64 codes
// come from the descriptor's v(...), written by the generator). The comm scales are the int8
// exchange's scales, identical on every rank as the documents require (harness/fill/fill.h).
Role RoleOf(const std::string &name) {
    if (name == "comm_quant_scale_1") return Role::kQuantScaleIn;
    if (name == "comm_quant_scale_2") return Role::kQuantScaleOut;
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "x3") return Role::kAddend;
    return Role::kOther;
}

oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int /*rank*/,
                      const oracle::Contract &contract) {
    const TensorSpec *out = c.Tensor(0, output);
    if (out == nullptr) throw std::invalid_argument("no output tensor");
    std::vector<oracle::QuantMatmulAllReduceRank> ranks;
    for (size_t r = 0; r < inputs.size(); ++r) {
        const RankInputs &in = inputs[r];
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        auto scale = in.find("dequant_scale");
        const TensorSpec *scale_spec = c.Tensor(static_cast<int>(r), "dequant_scale");
        if (x1 == in.end() || x2 == in.end() || scale == in.end() || scale_spec == nullptr) {
            throw std::invalid_argument("x1, x2 or dequant_scale missing");
        }
        oracle::QuantMatmulAllReduceRank rk;
        rk.x1 = x1->second;
        rk.x2 = x2->second;
        rk.dequant = scale->second.v;
        rk.dequant_dtype = scale_spec->dtype;
        if (auto b = in.find("bias"); b != in.end()) rk.bias = b->second.v;
        if (auto p = in.find("pertoken_scale"); p != in.end()) rk.pertoken = p->second.v;
        if (auto x3 = in.find("x3"); x3 != in.end()) rk.x3 = x3->second;
        if (auto s1 = in.find("comm_quant_scale_1"); s1 != in.end()) rk.comm_scale1 = s1->second.v;
        if (auto s2 = in.find("comm_quant_scale_2"); s2 != in.end()) rk.comm_scale2 = s2->second.v;
        ranks.push_back(std::move(rk));
    }
    return oracle::QuantMatmulAllReduceBounds(ranks, out->dtype, contract);
}

OpBinding Common(std::string op, ApiBinding api) {
    OpBinding b;
    b.op = std::move(op);
    b.api = std::move(api);
    b.outputs = {{"output", OutputKind::kInterval, /*replicated=*/true}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

OpBinding V1() {
    return Common(spec::quant_matmul_all_reduce::kV1,
                  AclnnApi<decltype(&aclnnQuantMatmulAllReduceGetWorkspaceSize)>(
                      "aclnnQuantMatmulAllReduce", {"x1", "x2", "bias", "x3", "dequant_scale", "group", "reduce_op",
                                                    "comm_turn", "stream_mode", "output"}));
}

OpBinding V2() {
    return Common(spec::quant_matmul_all_reduce::kV2,
                  AclnnApi<decltype(&aclnnQuantMatmulAllReduceV2GetWorkspaceSize)>(
                      "aclnnQuantMatmulAllReduceV2", {"x1", "x2", "bias", "x3", "dequant_scale", "pertoken_scale",
                                                      "group", "reduce_op", "comm_turn", "stream_mode", "output"}));
}

OpBinding V3() {
    return Common(spec::quant_matmul_all_reduce::kV3,
                  AclnnApi<decltype(&aclnnQuantMatmulAllReduceV3GetWorkspaceSize)>(
                      "aclnnQuantMatmulAllReduceV3",
                      {"x1", "x2", "bias", "x3", "dequant_scale", "pertoken_scale", "comm_quant_scale_1",
                       "comm_quant_scale_2", "group", "reduce_op", "comm_turn", "stream_mode", "output"}));
}

}  // namespace

MC2_REGISTER_OPERATOR(V1, spec::quant_matmul_all_reduce::Family);
MC2_REGISTER_OPERATOR(V2, spec::quant_matmul_all_reduce::Family);
MC2_REGISTER_OPERATOR(V3, spec::quant_matmul_all_reduce::Family);

}  // namespace mc2::harness
