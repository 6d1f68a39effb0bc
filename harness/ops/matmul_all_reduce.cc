// harness/ops/matmul_all_reduce.cc — bindings of aclnnMatmulAllReduce and aclnnMatmulAllReduceV2
// (output = allreduce_sum_r(x1_r @ x2_r + bias_r [+ x3_r])): the signatures (from the C types of
// the first phases), the fill roles, the oracle inputs (oracle/matmul_all_reduce.h), and the
// registration that joins them with the spec family (spec/matmul_all_reduce/).
#include <stdexcept>
#include <utility>
#include <vector>

#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/matmul_all_reduce.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"

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
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = (c.Tensor(rank, "bias") ? 1 : 0) + (c.Tensor(rank, "x3") ? 1 : 0);
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "x3") return Role::kAddend;
    return Role::kOther;
}

// The oracle's inputs, reading the decoded x1 and x2 in place (`inputs` outlives the call).
std::vector<oracle::MatmulAllReduceRank> Ranks(const std::vector<RankInputs> &inputs) {
    std::vector<oracle::MatmulAllReduceRank> ranks;
    for (const RankInputs &in : inputs) {
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        if (x1 == in.end() || x2 == in.end()) throw std::invalid_argument("x1 or x2 missing");
        oracle::MatmulAllReduceRank r;
        r.x1_view = &x1->second;  // read in place: `inputs` outlives the call
        r.x2_view = &x2->second;
        if (auto b = in.find("bias"); b != in.end()) r.bias = b->second.v;
        if (auto x3 = in.find("x3"); x3 != in.end()) r.x3 = x3->second;
        ranks.push_back(std::move(r));
    }
    return ranks;
}

aclDataType OutputDtype(const Case &c, const std::string &output) {
    const TensorSpec *out = c.Tensor(0, output);
    if (out == nullptr) throw std::invalid_argument("no output tensor");
    return out->dtype;
}

// Every rank receives the same all-reduced output: `rank` does not matter.
oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int /*rank*/,
                      const oracle::Contract &contract) {
    return oracle::MatmulAllReduceBounds(Ranks(inputs), OutputDtype(c, output), contract);
}

// Both contracts' bounds with each rank's dgemm once (oracle::MatmulAllReduceBoundsForContracts).
std::pair<oracle::Bounds, oracle::Bounds> BoundsPair(const Case &c, const std::vector<RankInputs> &inputs,
                                                     const std::string &output, int /*rank*/,
                                                     const oracle::Contract &first, const oracle::Contract &second) {
    const oracle::Contract contracts[] = {first, second};
    std::vector<oracle::Bounds> b =
        oracle::MatmulAllReduceBoundsForContracts(Ranks(inputs), OutputDtype(c, output), contracts);
    return {std::move(b[0]), std::move(b[1])};
}

OpBinding Common(std::string op, ApiBinding api) {
    OpBinding b;
    b.op = std::move(op);
    b.api = std::move(api);
    b.outputs = {{"output", OutputKind::kInterval, /*replicated=*/true}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    b.bounds_pair = BoundsPair;
    return b;
}

OpBinding V1() {
    return Common("matmul_all_reduce",
                  AclnnApi<decltype(&aclnnMatmulAllReduceGetWorkspaceSize)>(
                      "aclnnMatmulAllReduce",
                      {"x1", "x2", "bias", "group", "reduce_op", "comm_turn", "stream_mode", "output"}));
}

OpBinding V2() {
    return Common("matmul_all_reduce_v2",
                  AclnnApi<decltype(&aclnnMatmulAllReduceV2GetWorkspaceSize)>(
                      "aclnnMatmulAllReduceV2",
                      {"x1", "x2", "bias", "x3", "group", "reduce_op", "comm_turn", "stream_mode", "output"}));
}

}  // namespace

MC2_REGISTER_OPERATOR(V1, spec::matmul_all_reduce::Family);
MC2_REGISTER_OPERATOR(V2, spec::matmul_all_reduce::Family);

}  // namespace mc2::harness
