// harness/ops/all_gather_matmul.cc — binding of aclnnAllGatherMatmul (gatherOut = every rank's
// x1 stacked in rank order; output_r = gatherOut @ x2_r + bias_r): the signature (from the C
// type of the first phase), how each output is judged (output: intervals of rank r's own x2 and
// bias; gather_out: bit-exact), the fill roles, the oracle inputs
// (oracle/all_gather_matmul.h), and the registration with the spec family.
#include <stdexcept>
#include <string>
#include <vector>

#include "aclnnop/aclnn_all_gather_matmul.h"
#include "harness/fill/storage.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/all_gather_matmul.h"
#include "spec/all_gather_matmul/all_gather_matmul.h"

namespace mc2::harness {
namespace {

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = 1;  // nothing is summed over ranks: an output element is one rank's k-sum
    if (const TensorSpec *out = c.Tensor(rank, "output")) s.out_dtype = out->dtype;
    if (const TensorSpec *x1 = c.Tensor(rank, "x1")) {
        s.lhs_dtype = x1->dtype;
        s.k = x1->shape.size() >= 2 ? x1->shape[1] : 1;
    }
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = c.Tensor(rank, "bias") ? 1 : 0;
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias") return Role::kAddend;
    return Role::kOther;
}

oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int rank,
                      const oracle::Contract &contract) {
    const TensorSpec *out = c.Tensor(rank, output);
    if (out == nullptr) throw std::invalid_argument("no " + output + " tensor");
    std::vector<oracle::AllGatherMatmulRank> ranks;
    for (const RankInputs &in : inputs) {
        auto x1 = in.find("x1");
        auto x2 = in.find("x2");
        if (x1 == in.end() || x2 == in.end()) throw std::invalid_argument("x1 or x2 missing");
        oracle::AllGatherMatmulRank r;
        r.x1 = x1->second;
        r.x2 = x2->second;
        if (auto b = in.find("bias"); b != in.end()) {
            // The operator adds the bias's first n values (a longer bias is accepted).
            const auto n = static_cast<size_t>(r.x2.cols);
            if (b->second.v.size() < n) throw std::invalid_argument("bias shorter than n");
            r.bias = std::vector<double>(b->second.v.begin(), b->second.v.begin() + static_cast<std::ptrdiff_t>(n));
        }
        ranks.push_back(std::move(r));
    }
    return oracle::AllGatherMatmulOutputBounds(ranks, rank, out->dtype, contract);
}

ExactCodes Exact(const Case &c, const std::vector<RankRawInputs> &inputs, const std::string &output, int rank) {
    const TensorSpec *out = c.Tensor(rank, output);
    if (out == nullptr || output != "gather_out") throw std::invalid_argument("no exact output " + output);
    if (out->NumElements() == 0) return ExactCodes{};  // an empty gatherOut: no gather output
    std::vector<std::vector<uint64_t>> x1_codes;
    for (const RankRawInputs &in : inputs) {
        auto x1 = in.find("x1");
        if (x1 == in.end()) throw std::invalid_argument("x1 missing");
        x1_codes.push_back(ViewCodes(x1->second.spec, x1->second.bytes));
    }
    const std::vector<uint64_t> codes = oracle::AllGatherMatmulGatherCodes(x1_codes);
    if (static_cast<int64_t>(codes.size()) != out->NumElements()) {
        throw std::invalid_argument("gather_out has " + std::to_string(out->NumElements()) +
                                    " elements, the gathered x1 " + std::to_string(codes.size()));
    }
    ExactCodes e;
    e.Reserve(codes.size());
    for (uint64_t code : codes) e.Add(code);
    return e;
}

OpBinding Make() {
    OpBinding b;
    b.op = spec::all_gather_matmul::kOp;
    b.api = AclnnApi<decltype(&aclnnAllGatherMatmulGetWorkspaceSize)>(
        "aclnnAllGatherMatmul",
        {"x1", "x2", "bias", "group", "gather_index", "comm_turn", "stream_mode", "output", "gather_out"});
    b.outputs = {{"output", OutputKind::kInterval, /*replicated=*/false},
                 // Each rank may pass its gatherOut full, empty or null (no gather output), so the
                 // oracle is asked per rank; its bit-exact answer is the same stacked x1 on all.
                 {"gather_out", OutputKind::kExact, /*replicated=*/false}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    b.exact = Exact;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(Make, spec::all_gather_matmul::Family);

}  // namespace mc2::harness
