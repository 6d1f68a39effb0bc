// harness/ops/trans_quant_param.cc — bindings of aclnnTransQuantParamV2 and V3 (out = the 64-bit
// dequant-scale words of an fp32 scale and optional fp32 offset): the signatures (from the C
// types of the first phases), out judged bit for bit (oracle/trans_quant_param.h), the fill roles
// (scale: every fp32 bit pattern, so zeros, subnormals, exponent 254/255 and ties at bit 12 all
// occur; offset: typical values), and the registration with the spec family.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "aclnnop/aclnn_trans_quant_param_v2.h"
#include "aclnnop/aclnn_trans_quant_param_v3.h"
#include "harness/fill/storage.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "oracle/trans_quant_param.h"
#include "spec/trans_quant_param/trans_quant_param.h"

namespace mc2::harness {
namespace {

// Nothing is contracted; the fill asks anyway (offset is a kOther input: typical fp32 values).
ContractionSpec Contraction(const Case &, int) {
    ContractionSpec s;
    s.out_dtype = ACL_FLOAT;
    s.lhs_dtype = ACL_FLOAT;
    s.rhs_dtype = ACL_FLOAT;
    return s;
}

Role RoleOf(const std::string &name) { return name == "scale" ? Role::kData : Role::kOther; }

std::vector<uint32_t> Fp32Codes(const RawTensor &t) {
    std::vector<uint32_t> out;
    for (uint64_t code : ViewCodes(t.spec, t.bytes)) out.push_back(static_cast<uint32_t>(code));
    return out;
}

ExactCodes Exact(const Case &c, const std::vector<RankRawInputs> &inputs, const std::string &output, int rank) {
    const TensorSpec *out = c.Tensor(rank, output);
    if (out == nullptr || output != "out") throw std::invalid_argument("no exact output " + output);
    const RankRawInputs &in = inputs.at(static_cast<size_t>(rank));
    auto scale = in.find("scale");
    if (scale == in.end()) throw std::invalid_argument("scale missing");
    std::vector<uint32_t> offset_codes;
    std::vector<int64_t> offset_shape;
    const auto offset = in.find("offset");
    if (offset != in.end()) {
        offset_codes = Fp32Codes(offset->second);
        offset_shape = offset->second.spec.shape;
    }
    int64_t round_mode = 0;
    if (c.op == spec::trans_quant_param::kOpV3) {
        if (const auto *v = std::get_if<int64_t>(&c.Get(rank, "round_mode"))) round_mode = *v;
    }
    const oracle::TransQuantParamOut words =
        oracle::TransQuantParamWords(Fp32Codes(scale->second), scale->second.spec.shape,
                                     offset != in.end() ? &offset_codes : nullptr, offset_shape, round_mode);
    if (static_cast<int64_t>(words.words.size()) != out->NumElements()) {
        throw std::invalid_argument("out has " + std::to_string(out->NumElements()) + " elements, the words " +
                                    std::to_string(words.words.size()));
    }
    ExactCodes e;
    e.Reserve(words.words.size());
    for (size_t i = 0; i < words.words.size(); ++i) {
        // NaN / Inf inputs: the document requires none, so their words are not judged.
        if (words.defined[i]) {
            e.Add(words.words[i]);
        } else {
            e.AddUnconstrained();
        }
    }
    return e;
}

OpBinding Common(std::string op, ApiBinding api) {
    OpBinding b;
    b.op = std::move(op);
    b.api = std::move(api);
    b.outputs = {{"out", OutputKind::kExact, /*replicated=*/false}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.exact = Exact;
    return b;
}

OpBinding V2() {
    return Common(spec::trans_quant_param::kOpV2,
                  AclnnApi<decltype(&aclnnTransQuantParamV2GetWorkspaceSize)>("aclnnTransQuantParamV2",
                                                                             {"scale", "offset", "out"}));
}

OpBinding V3() {
    return Common(spec::trans_quant_param::kOpV3,
                  AclnnApi<decltype(&aclnnTransQuantParamV3GetWorkspaceSize)>(
                      "aclnnTransQuantParamV3", {"scale", "offset", "round_mode", "out"}));
}

}  // namespace

MC2_REGISTER_OPERATOR(V2, spec::trans_quant_param::Family);
MC2_REGISTER_OPERATOR(V3, spec::trans_quant_param::Family);

}  // namespace mc2::harness
