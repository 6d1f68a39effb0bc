// harness/signatures.cc — the signature table (see signatures.h).
#include "harness/signatures.h"

namespace mc2::harness {
namespace {

constexpr ParamKind T = ParamKind::kTensor;
constexpr ParamKind I = ParamKind::kInt;
constexpr ParamKind D = ParamKind::kDouble;
constexpr ParamKind S = ParamKind::kString;

std::vector<OpSignature> Build() {
    return {
        {"matmul_all_reduce", "aclnnMatmulAllReduce",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"group", S}, {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I},
          {"output", T}}},
        {"matmul_all_reduce_v2", "aclnnMatmulAllReduceV2",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"x3", T}, {"group", S}, {"reduce_op", S}, {"comm_turn", I},
          {"stream_mode", I}, {"output", T}}},
        {"weight_quant_matmul_all_reduce", "aclnnWeightQuantMatmulAllReduce",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"antiquant_scale", T}, {"antiquant_offset", T}, {"x3", T},
          {"group", S}, {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I}, {"antiquant_group_size", I},
          {"output", T}}},
        {"quant_matmul_all_reduce", "aclnnQuantMatmulAllReduce",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"x3", T}, {"dequant_scale", T}, {"group", S}, {"reduce_op", S},
          {"comm_turn", I}, {"stream_mode", I}, {"output", T}}},
        {"quant_matmul_all_reduce_v2", "aclnnQuantMatmulAllReduceV2",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"x3", T}, {"dequant_scale", T}, {"pertoken_scale", T},
          {"group", S}, {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I}, {"output", T}}},
        {"quant_matmul_all_reduce_v3", "aclnnQuantMatmulAllReduceV3",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"x3", T}, {"dequant_scale", T}, {"pertoken_scale", T},
          {"comm_quant_scale_1", T}, {"comm_quant_scale_2", T}, {"group", S}, {"reduce_op", S},
          {"comm_turn", I}, {"stream_mode", I}, {"output", T}}},
        {"quant_matmul_all_reduce_v4", "aclnnQuantMatmulAllReduceV4",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"x3", T}, {"x1_scale", T}, {"x2_scale", T},
          {"comm_quant_scale_1", T}, {"comm_quant_scale_2", T}, {"group", S}, {"reduce_op", S},
          {"comm_turn", I}, {"stream_mode", I}, {"group_size", I}, {"comm_quant_mode", I}, {"output", T}}},
        {"all_gather_matmul", "aclnnAllGatherMatmul",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"group", S}, {"gather_index", I}, {"comm_turn", I},
          {"stream_mode", I}, {"output", T}, {"gather_out", T}}},
        {"matmul_all_reduce_add_rms_norm", "aclnnMatmulAllReduceAddRmsNorm",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"residual", T}, {"gamma", T}, {"epsilon", D}, {"group", S},
          {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I}, {"y", T}, {"norm_out", T}}},
        {"quant_matmul_all_reduce_add_rms_norm", "aclnnQuantMatmulAllReduceAddRmsNorm",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"dequant_scale", T}, {"residual", T}, {"gamma", T},
          {"epsilon", D}, {"group", S}, {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I}, {"y", T},
          {"norm_out", T}}},
        {"weight_quant_matmul_all_reduce_add_rms_norm", "aclnnWeightQuantMatmulAllReduceAddRmsNorm",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"antiquant_scale", T}, {"antiquant_offset", T}, {"residual", T},
          {"gamma", T}, {"epsilon", D}, {"group", S}, {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I},
          {"antiquant_group_size", I}, {"y", T}, {"norm_out", T}}},
        {"inplace_matmul_all_reduce_add_rms_norm", "aclnnInplaceMatmulAllReduceAddRmsNorm",
         {{"x1", T}, {"x2", T}, {"bias", T}, {"residual", T}, {"gamma", T}, {"epsilon", D}, {"group", S},
          {"reduce_op", S}, {"comm_turn", I}, {"stream_mode", I}, {"norm_out", T}}},
    };
}

}  // namespace

const std::vector<OpSignature> &AllSignatures() {
    static const std::vector<OpSignature> table = Build();
    return table;
}

const OpSignature *FindSignature(std::string_view op) {
    for (const auto &sig : AllSignatures()) {
        if (sig.op == op) return &sig;
    }
    return nullptr;
}

const ParamDecl *OpSignature::Find(std::string_view name) const {
    for (const auto &p : params) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

}  // namespace mc2::harness
