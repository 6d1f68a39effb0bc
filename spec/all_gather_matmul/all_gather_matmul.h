// spec/all_gather_matmul/all_gather_matmul.h — the aclnnAllGatherMatmul family: rule table,
// dtype and platform tables, generators.
#ifndef MC2_SPEC_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_
#define MC2_SPEC_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::all_gather_matmul {

inline constexpr const char *kOp = "all_gather_matmul";
// k range of the document's 约束说明 and of the op_api (ops.md §5.1).
inline constexpr int64_t kMinK = 256;
inline constexpr int64_t kMaxKExclusive = 65535;

OpFamily Family();

// ---- tables (dtypes.cc) ----
// The documented dtypes of x1, x2, bias, output and gatherOut: FLOAT16 or BFLOAT16, all equal.
const std::vector<aclDataType> &Dtypes(harness::Platform platform);
// Dtypes outside the table, for violations.
const std::vector<aclDataType> &ForeignDtypes();
aclDataType OtherHalf(aclDataType dtype);
// World sizes the tiling layer accepts per platform profile.
const std::vector<int> &WorldSizes(harness::Platform platform);

// ---- rules (rules.cc) ----
const std::vector<Rule> &Rules();

// ---- generators (generate.cc) ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// One rank's geometry, written into a parameter map (shared by the generator and violate()):
// x1 (m, k) contiguous, x2 (k, n) contiguous or transposed through strides (1, k), output
// (m·world, n), gather_out (m·world, k) / shape (0) / null, bias (n) when requested.
enum class GatherOut { kFull, kEmpty, kNull };
struct Geometry {
    int64_t m = 1, k = kMinK, n = 1;
    int world = 2;
    bool transposed = false;
    bool bias = false;
    GatherOut gather = GatherOut::kFull;
    aclDataType dtype = ACL_FLOAT16;
};
void WriteGeometry(ParamMap &params, const Geometry &g);
std::optional<Geometry> ReadGeometry(const ParamMap &params, int world);

}  // namespace mc2::spec::all_gather_matmul

#endif  // MC2_SPEC_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_
