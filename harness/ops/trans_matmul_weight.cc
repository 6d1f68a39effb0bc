// harness/ops/trans_matmul_weight.cc — binding of aclnnTransMatmulWeight: its only tensor,
// mmWeightRef, is both input and output (OutputDecl::in_place): filled as data (every bit
// pattern), converted in place from ND to FRACTAL_NZ, and judged bit for bit on every element
// of its storage, padding and untouched tail included (whole_storage; oracle/trans_matmul_weight.h).
// Each rank converts its own weight: nothing is communicated.
#include <stdexcept>
#include <string>
#include <vector>

#include "aclnnop/aclnn_trans_matmul_weight.h"
#include "harness/fill/storage.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/trans_matmul_weight.h"
#include "spec/trans_matmul_weight/trans_matmul_weight.h"

namespace mc2::harness {
namespace {

// No contraction: the weight is moved, not computed with (FillCodes ignores this).
ContractionSpec Contraction(const Case &, int) { return ContractionSpec{}; }

Role RoleOf(const std::string &) { return Role::kData; }

ExactCodes Exact(const Case &, const std::vector<RankRawInputs> &inputs, const std::string &output, int rank) {
    if (output != spec::trans_matmul_weight::kWeight) throw std::invalid_argument("no exact output " + output);
    const RankRawInputs &in = inputs.at(static_cast<size_t>(rank));
    auto w = in.find(output);
    if (w == in.end()) throw std::invalid_argument("no " + output + " tensor");
    const TensorSpec &spec = w->second.spec;
    const std::vector<uint64_t> after = oracle::TransMatmulWeightStorage(
        ViewCodes(spec, w->second.bytes), spec.shape, spec.dtype, StorageCodes(spec, w->second.bytes));
    ExactCodes e;
    e.Reserve(after.size());
    for (uint64_t code : after) e.Add(code);
    return e;
}

OpBinding Make() {
    OpBinding b;
    b.op = spec::trans_matmul_weight::kOp;
    b.api = AclnnApi<decltype(&aclnnTransMatmulWeightGetWorkspaceSize)>("aclnnTransMatmulWeight",
                                                                        {spec::trans_matmul_weight::kWeight});
    b.outputs = {{spec::trans_matmul_weight::kWeight, OutputKind::kExact, /*replicated=*/false, /*in_place=*/true,
                  /*whole_storage=*/true}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.exact = Exact;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(Make, spec::trans_matmul_weight::Family);

}  // namespace mc2::harness
