// spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h — the aclnnQuantMatmulAllReduce (V1),
// V2 (pertoken) and V3 (commQuantScale1/2) family on int8 × int8: rule table, dtype and
// platform tables, generators. harness/ops/quant_matmul_all_reduce.cc registers Family().
#ifndef MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::quant_matmul_all_reduce {

inline constexpr const char *kV1 = "quant_matmul_all_reduce";
inline constexpr const char *kV2 = "quant_matmul_all_reduce_v2";
inline constexpr const char *kV3 = "quant_matmul_all_reduce_v3";

OpFamily Family();

// ---- tables (dtypes.cc) ----
// One documented combination (ops.md §1.5 rows 3, 6, 9, 10): x1 = x2 = int8, bias int32, x3 =
// output dtype; `pertoken` says whether the row has a pertoken scale (required, optional or
// forbidden: the row of fp32 dequant needs it, the uint64/int64 rows forbid it, bf16 allows it).
enum class Pertoken { kNever, kOptional, kAlways };
struct DtypeRow {
    aclDataType dequant;
    aclDataType output;
    Pertoken pertoken;
};
// The rows an API can use (V1 has no pertoken parameter: rows that need one are left out).
std::vector<DtypeRow> DtypeTable(std::string_view op);
const std::vector<aclDataType> &DequantDtypes();  // uint64, int64, bf16, fp32 (op_api list)
const std::vector<aclDataType> &OutputDtypes();   // fp16, bf16
// Dtypes outside every list, for violations.
const std::vector<aclDataType> &ForeignDtypes();
const std::vector<int> &WorldSizes(harness::Platform platform);
inline constexpr int64_t kUint16Max = 65535;  // tiling: k and x2's last dim (ops.md §2.3)

// ---- rules (rules.cc) ----
const std::vector<Rule> &Rules();

// ---- generators (generate.cc) ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);
std::optional<harness::Case> GenerateTypical(std::string_view op, harness::Platform platform, Choices &choices);

// The dequant scale's shape: (1) per tensor, (n) or (1, n) per channel.
enum class ScaleShape { kTensor, kChannel, kRowChannel };

// One rank's geometry (shared by the generator and violate()).
struct Geometry {
    std::vector<int64_t> lead;  // (m) or (b, s)
    int64_t k = 1;
    int64_t n = 1;
    bool transposed = false;
    bool bias = false;
    bool x3 = false;
    bool pertoken = false;
    bool comm_scales = false;  // V3 commQuantScale1/2, both (n)
    aclDataType dequant = ACL_UINT64;
    aclDataType output = ACL_FLOAT16;
    ScaleShape scale_shape = ScaleShape::kTensor;
    // uint64/int64 dequant: the packed codes (TransQuantParamV2 layout, ops.md §3), one per
    // scale element; WriteGeometry cycles them when the element count changes.
    std::vector<int64_t> codes;
    // x2 in FRACTAL_NZ (ops.md §1.4, §1.5 rows 13-16): format fractal_nz, storage
    // NzStorageShape(k, n), no strides (the storage places the elements). `transposed` is false.
    bool nz = false;
};
// The FRACTAL_NZ storage of a (k, n) INT8 weight: (ceil(n / 32), ceil(k / 16), 16, 32).
std::vector<int64_t> NzStorageShape(int64_t k, int64_t n);
void WriteGeometry(ParamMap &params, const Geometry &g, std::string_view op);
std::optional<Geometry> ReadGeometry(const ParamMap &params);
// A packed uint64 dequant code for an fp32 scale: bits(scale) in the low 32 bits with bit 46
// set (TransQuantParamV2's flag). `keep_low_bits` keeps the 13 mantissa bits the fixpipe
// ignores (a caller that packed the scale by hand), so a library that does not truncate shows.
int64_t PackScaleCode(float scale, bool keep_low_bits);
// Rewrites explicit values after an edit: integer dequant scales get one code per element
// (cycled), other dtypes none (the descriptor only admits v(...) on integer dtypes).
void FixDequantValues(ParamMap &params);

}  // namespace mc2::spec::quant_matmul_all_reduce

#endif  // MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_
