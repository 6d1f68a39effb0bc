// spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h — the
// aclnnMatmulAllReduceAddRmsNorm / aclnnInplaceMatmulAllReduceAddRmsNorm family: rule table,
// generators. The dtype rows and world sizes are MatmulAllReduce's (the documents embed its
// matmul + all-reduce, ops.md §6.1). The harness binding registers Family().
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

OpFamily Family();
const std::vector<Rule> &Rules();

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// One rank's geometry: residual, y, normOut (b, s, n); x1 (b, s, k) or (b·s, k); x2 (k, n)
// contiguous or transposed through strides (1, k); bias (n) when requested; gamma (n); every
// tensor of `dtype`. y exists only for the out-of-place API (the in-place one writes residual).
struct Geometry {
    int64_t b = 1, s = 1, k = 1, n = 1;
    bool x1_3d = false;
    bool transposed = false;
    bool bias = false;
    aclDataType dtype = ACL_FLOAT16;
};
void WriteGeometry(ParamMap &params, const Geometry &g, bool in_place);
std::optional<Geometry> ReadGeometry(const ParamMap &params);

}  // namespace mc2::spec::matmul_all_reduce_add_rms_norm

#endif  // MC2_SPEC_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
