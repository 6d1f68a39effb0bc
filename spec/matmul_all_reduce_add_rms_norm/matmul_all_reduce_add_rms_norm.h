// spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h — the
// aclnn[Inplace][Quant|WeightQuant]MatmulAllReduceAddRmsNorm family (six APIs): rule table,
// generators. The three variants share the op_api (null, ArnCheckShape, the empty short-cut,
// streamMode) and the AddRmsNorm tiling; they differ in the embedded matmul's dtypes and scale
// parameters (ops.md §6.1: plain as MatmulAllReduce, quant as QuantMatmulAllReduce §2.3,
// weight-quant as WeightQuantMatmulAllReduce §2.2). The harness bindings register Family().
#ifndef MC2_SPEC_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
#define MC2_SPEC_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::matmul_all_reduce_add_rms_norm {

inline constexpr const char *kArn = "matmul_all_reduce_add_rms_norm";
inline constexpr const char *kInplace = "inplace_matmul_all_reduce_add_rms_norm";
inline constexpr const char *kQuant = "quant_matmul_all_reduce_add_rms_norm";
inline constexpr const char *kInplaceQuant = "inplace_quant_matmul_all_reduce_add_rms_norm";
inline constexpr const char *kWeightQuant = "weight_quant_matmul_all_reduce_add_rms_norm";
inline constexpr const char *kInplaceWeightQuant = "inplace_weight_quant_matmul_all_reduce_add_rms_norm";

// Which matmul the API embeds, and whether it writes y into residual.
enum class Variant { kPlain, kQuant, kWeightQuant };
Variant VariantOf(std::string_view op);
bool IsInPlace(std::string_view op);

OpFamily Family();
const std::vector<Rule> &Rules();

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// The shape of a quant dequantScale or a weight-quant antiquantScale / antiquantOffset: (1) per
// tensor, (n) or (1, n) per channel, (ceil(k / G), n) per group (weight-quant, G > 0).
enum class ScaleForm { kTensor, kChannel, kRowChannel, kGroup };

// One rank's geometry: residual, y, normOut (b, s, n); x1 (b, s, k) or (b·s, k); x2 (k, n)
// contiguous or transposed through strides (1, k); bias (n) when requested; gamma (n). `dtype`
// is residual's (and gamma's, y's, normOut's). Plain: every tensor of `dtype`. Quant: x1, x2
// INT8, bias INT32, dequantScale of `dequant` (UINT64/INT64 codes `codes` for fp16, BF16 for
// bf16) shaped by `form`. Weight-quant: x1, bias, the scales of `dtype`, x2 of `weight` (INT8,
// or INT4 packed two to a byte along its contiguous dim, which must then be even),
// antiquantScale (and antiquantOffset when `offset`) shaped by `form` with `group_size`. y
// exists only for the out-of-place APIs (the in-place ones write residual).
struct Geometry {
    int64_t b = 1, s = 1, k = 1, n = 1;
    bool x1_3d = false;
    bool transposed = false;
    bool bias = false;
    aclDataType dtype = ACL_FLOAT16;
    aclDataType weight = ACL_INT8;  // weight-quant x2
    ScaleForm form = ScaleForm::kTensor;
    aclDataType dequant = ACL_UINT64;
    std::vector<int64_t> codes;
    bool offset = false;
    int64_t group_size = 0;
};
void WriteGeometry(ParamMap &params, const Geometry &g, std::string_view op);
std::optional<Geometry> ReadGeometry(const ParamMap &params);
// Whether x2's contiguous dim (n, or k when x2 is transposed) is odd: an INT4 x2 cannot be
// packed then (ops.md §2.2 tiling, `arn.tiling.wq_int4_even`).
bool Int4InnerOdd(const Geometry &g);

}  // namespace mc2::spec::matmul_all_reduce_add_rms_norm

#endif  // MC2_SPEC_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
