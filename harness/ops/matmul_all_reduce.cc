// harness/ops/matmul_all_reduce.cc — bindings of aclnnMatmulAllReduce and aclnnMatmulAllReduceV2
// (output = allreduce_sum_r(x1_r @ x2_r + bias_r [+ x3_r])): the argument lists in signature
// order and the oracle inputs (oracle/matmul_all_reduce.h).
#include <stdexcept>

#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "harness/ops/binding.h"
#include "oracle/matmul_all_reduce.h"

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

aclnnStatus PrepareV1(void *fn, const CallArgs &a, uint64_t *workspace_size, aclOpExecutor **executor) {
    return reinterpret_cast<decltype(&aclnnMatmulAllReduceGetWorkspaceSize)>(fn)(
        a.T("x1"), a.T("x2"), a.T("bias"), a.S("group"), a.S("reduce_op"), a.I("comm_turn"), a.I("stream_mode"),
        a.T("output"), workspace_size, executor);
}

aclnnStatus PrepareV2(void *fn, const CallArgs &a, uint64_t *workspace_size, aclOpExecutor **executor) {
    return reinterpret_cast<decltype(&aclnnMatmulAllReduceV2GetWorkspaceSize)>(fn)(
        a.T("x1"), a.T("x2"), a.T("bias"), a.T("x3"), a.S("group"), a.S("reduce_op"), a.I("comm_turn"),
        a.I("stream_mode"), a.T("output"), workspace_size, executor);
}

oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output,
                      const oracle::Contract &contract) {
    const TensorSpec *out = c.Tensor(0, output);
    if (out == nullptr) throw std::invalid_argument("no output tensor");
    std::vector<oracle::MatmulAllReduceRank> ranks;
    for (const RankInputs &in : inputs) {
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        if (x1 == in.end() || x2 == in.end()) throw std::invalid_argument("x1 or x2 missing");
        oracle::MatmulAllReduceRank r;
        r.x1 = x1->second;
        r.x2 = x2->second;
        if (auto b = in.find("bias"); b != in.end()) r.bias = b->second.v;
        if (auto x3 = in.find("x3"); x3 != in.end()) r.x3 = x3->second;
        ranks.push_back(std::move(r));
    }
    return oracle::MatmulAllReduceBounds(ranks, out->dtype, contract);
}

}  // namespace

const OpBinding &MatmulAllReduceBinding() {
    static const OpBinding b{"matmul_all_reduce", "aclnnMatmulAllReduce", {"output"}, Contraction, RoleOf, PrepareV1,
                             Bounds};
    return b;
}

const OpBinding &MatmulAllReduceV2Binding() {
    static const OpBinding b{"matmul_all_reduce_v2", "aclnnMatmulAllReduceV2", {"output"}, Contraction, RoleOf,
                             PrepareV2, Bounds};
    return b;
}

}  // namespace mc2::harness
