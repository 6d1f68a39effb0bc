// spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h — the
// aclnnWeightQuantMatmulAllReduce family (A16W8 / A16W4 "pseudo-quant" MatmulAllReduce): rule
// table, dtype and platform tables, generators. The binding (harness/ops/) registers Family().
//
// x2 may be a FRACTAL_NZ weight (format FRACTAL_NZ, 4-D storage, as aclnnTransMatmulWeight
// makes it: ops.md §1.4, §1.5 rows 11-12): the op_api then skips every shape check after x1's
// rank (§2.2 step 4, §8.3); the rules wqmar.nz.* say what a later layer refuses instead.
#ifndef MC2_SPEC_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_SPEC_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::weight_quant_matmul_all_reduce {

inline constexpr const char *kOp = "weight_quant_matmul_all_reduce";
// The documents' limits on k and n (约束说明; ops.md §2.2 "Doc limits", tiling).
inline constexpr int64_t kMaxKN = 65535;

OpFamily Family();

// ---- tables (dtypes.cc) ----
// x1 (and scale, offset, bias, x3, output): FLOAT16 or BFLOAT16; x2: INT8 or INT4 (ops.md §1.5
// rows 4, 5, 7, 8).
const std::vector<aclDataType> &ActivationDtypes();
const std::vector<aclDataType> &WeightDtypes();
// The 8-bit float weights the Ascend 950 op_api accepts beside INT8/INT4 (ops.md §2.2 step 2,
// §8.1): not modelled by this suite (rule wqmar.dtype.x2_fp8_950).
const std::vector<aclDataType> &Fp8WeightDtypes();
// Dtypes no column of the table admits, for violations (no 8-bit float: see above).
const std::vector<aclDataType> &ForeignDtypes();
aclDataType OtherHalf(aclDataType dtype);
const std::vector<int> &WorldSizes(harness::Platform platform);

// ---- rules (rules.cc) ----
const std::vector<Rule> &Rules();

// ---- generators (generate.cc) ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// How antiquantScale (and antiquantOffset) is laid out (ops.md §2.2 "Scale shapes").
enum class ScaleMode {
    kTensor,     // (1), antiquantGroupSize 0
    kChannel,    // (n), antiquantGroupSize 0
    kChannel2d,  // (1, n), antiquantGroupSize 0
    kGroup,      // (ceil(k / G), n), G = antiquantGroupSize > 0
};

// One rank's geometry, written into a parameter map (shared by the generator and violate()):
// x1 = lead + [k] contiguous; x2 (k, n) of `weight` dtype, contiguous or transposed through
// strides (1, k); scale and offset (offset when `offset`) of x1's dtype in `mode`; a per-group
// scale follows x2's layout (transposed with x2: the newer op_api requires it, ops.md §2.2
// step 5); output = lead + [n]; bias (n) and x3 (output's shape) when requested.
struct Geometry {
    std::vector<int64_t> lead;  // (m) or (b, s)
    int64_t k = 64;
    int64_t n = 16;
    bool transposed = false;
    bool bias = false;
    bool x3 = false;
    bool offset = false;
    ScaleMode mode = ScaleMode::kChannel;
    int64_t group_size = 0;  // G, for kGroup
    aclDataType dtype = ACL_FLOAT16;
    aclDataType weight = ACL_INT8;
    // x2 in FRACTAL_NZ: format fractal_nz, storage NzStorageShape(k, n), no strides (the
    // storage places the elements; harness/fill/storage.h). `transposed` is then false.
    bool nz = false;
};
// The FRACTAL_NZ storage of a (k, n) one-byte weight: (ceil(n / 32), ceil(k / 16), 16, 32)
// (ops.md §1.4, formats.md; the INT8 fractal is 16 rows of 32 bytes).
std::vector<int64_t> NzStorageShape(int64_t k, int64_t n);
// Rows of a per-group scale: ceil(k / G) (the op_api's (k - 1) / G + 1).
int64_t GroupRows(int64_t k, int64_t group_size);
void WriteGeometry(ParamMap &params, const Geometry &g);
std::optional<Geometry> ReadGeometry(const ParamMap &params);

}  // namespace mc2::spec::weight_quant_matmul_all_reduce

#endif  // MC2_SPEC_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
