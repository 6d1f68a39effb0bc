// spec/matmul_all_reduce/matmul_all_reduce.h — the aclnnMatmulAllReduce / V2 family: rule table,
// dtype and platform tables, generators. registry.cc registers Family().
#ifndef MC2_SPEC_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_
#define MC2_SPEC_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::matmul_all_reduce {

inline constexpr const char *kV1 = "matmul_all_reduce";
inline constexpr const char *kV2 = "matmul_all_reduce_v2";

OpFamily Family();

// ---- tables (dtypes.cc) ----
// One row of the documented dtype combinations (x1, x2, bias, x3, output): the parameter tables
// list FLOAT16/BFLOAT16 for each and the constraints require them all equal.
struct DtypeRow {
    aclDataType x1, x2, bias, x3, output;
};
const std::vector<DtypeRow> &DtypeTable(harness::Platform platform);
// The distinct dtypes a column of the table allows.
std::vector<aclDataType> Allowed(harness::Platform platform, aclDataType DtypeRow::*column);
// Dtypes outside every column, for violations.
const std::vector<aclDataType> &ForeignDtypes();
// The other half-precision dtype (fp16 <-> bf16), for equality violations.
aclDataType OtherHalf(aclDataType dtype);
// World sizes the tiling layer accepts per platform profile.
const std::vector<int> &WorldSizes(harness::Platform platform);

// ---- rules (rules.cc) ----
const std::vector<Rule> &Rules();

// ---- generators (generate.cc) ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);
std::optional<harness::Case> GenerateTypical(std::string_view op, harness::Platform platform, Choices &choices);

// One rank's geometry, written into a parameter map (shared by the generator and violate()):
// x1 = lead + [k] (contiguous), x2 = (k, n) contiguous or transposed through strides (1, k),
// output = lead + [n], bias (n) and x3 = output shape when requested, all of dtype `dtype`.
struct Geometry {
    std::vector<int64_t> lead;  // (m) or (b, s)
    int64_t k = 1;
    int64_t n = 1;
    bool transposed = false;
    bool bias = false;
    bool x3 = false;
    aclDataType dtype = ACL_FLOAT16;
};
// Writes g into params (x3 only when `with_x3_param`, i.e. for V2).
void WriteGeometry(ParamMap &params, const Geometry &g, bool with_x3_param);
// Reads one rank's geometry back from a valid case's parameters (nullopt if x1/x2 are missing).
std::optional<Geometry> ReadGeometry(const ParamMap &params);

}  // namespace mc2::spec::matmul_all_reduce

#endif  // MC2_SPEC_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_
