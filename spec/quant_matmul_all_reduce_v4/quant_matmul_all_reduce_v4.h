// spec/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h — aclnnQuantMatmulAllReduceV4
// (seed 004): int8 (formulas 1–3), FP8/HiF8 with fp32 or UINT64 scales (5, 6), per-block (7),
// MXFP8/MXFP4 with E8M0 scales (4) and the FP8 pertile communication (8) on Atlas A2 and Ascend
// 950: rule table, dtype and platform tables, the scenario classification, generators.
// harness/ops/quant_matmul_all_reduce_v4.cc registers Family().
#ifndef MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_
#define MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::quant_matmul_all_reduce_v4 {

inline constexpr const char *kV4 = "quant_matmul_all_reduce_v4";

OpFamily Family();

// ---- the scenario of a call (ops.md §2.5 "Scenario classification", seed 004 formulas) ----
enum class Scenario {
    kInt8,       // formulas 1-3: int8 × int8, x2Scale UINT64/INT64/BF16/FLOAT32, int32 bias
    kFp8,        // formula 6: FP8/HiF8, fp32 x1Scale (m) and fp32 x2Scale (1)/(n)/(1, n)
    kFp8Uint64,  // formula 5: FP8/HiF8, no x1Scale, UINT64/INT64 x2Scale (1)/(n)/(1, n)
    kPerBlock,   // formula 7: FP8/HiF8, fp32 128×128 scale grids, no bias
    kMx,         // formula 4: MXFP8 / MXFP4, E8M0 scales per 32 elements of k, x2 transposed
    kNone,       // no documented scenario (refused by the tiling layer)
};
const char *ScenarioName(Scenario s);
bool IsFp8(aclDataType d);       // FLOAT8_E4M3FN, FLOAT8_E5M2, HIFLOAT8
bool IsLowFloat(aclDataType d);  // IsFp8 or FLOAT4_E2M1 / FLOAT4_E1M2
bool IsFp4(aclDataType d);
// The tiling layer's classification from the four dtypes and the scales' ranks.
Scenario Classify(aclDataType x1, aclDataType x2, std::optional<aclDataType> x1_scale, aclDataType x2_scale,
                  size_t x1_scale_rank, size_t x2_scale_rank);

// ---- tables (dtypes.cc) ----
const std::vector<aclDataType> &InputDtypes();    // x1, x2 (op_api list, seed 004)
const std::vector<aclDataType> &X2ScaleDtypes();  // uint64, int64, bf16, fp32, e8m0
const std::vector<aclDataType> &X1ScaleDtypes();  // fp32, e8m0
const std::vector<aclDataType> &ForeignDtypes();  // in no list, for violations
const std::vector<int> &WorldSizes(harness::Platform platform);
inline constexpr int64_t kUint16Max = 65535;
inline constexpr int64_t kBlock = 128;   // per-block grid (formula 7)
inline constexpr int64_t kMxGroup = 32;  // MX: one E8M0 scale per 32 elements of k
// groupSize = K | N << 16 | M << 32 (seed 004 "groupSize"): per-block (128, 128, 128); MX
// (1, 1, 32) as documented, (0, 0, 32) as the newer tiling code also accepts.
inline constexpr int64_t kGroupSizePerBlock = 128 + (int64_t{128} << 16) + (int64_t{128} << 32);
inline constexpr int64_t kGroupSizeMx = 32 + (int64_t{1} << 16) + (int64_t{1} << 32);
inline constexpr int64_t kGroupSizeMxY = 32;

// ---- rules (rules.cc) ----
const std::vector<Rule> &Rules();

// ---- generators (generate.cc) ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);
std::optional<harness::Case> GenerateTypical(std::string_view op, harness::Platform platform, Choices &choices);

// x2Scale's shape outside per-block / MX: (1) per tensor, (n) or (1, n) per channel.
enum class ScaleShape { kTensor, kChannel, kRowChannel };

// One rank's arguments as a geometry (shared by the generator and violate()).
struct Geometry {
    Scenario scenario = Scenario::kInt8;
    std::vector<int64_t> lead;  // (m) or (b, s)
    int64_t k = 1;
    int64_t n = 1;
    bool transposed = false;
    bool nz = false;  // int8 x2 in FRACTAL_NZ (Atlas A2's example)
    bool bias = false;
    bool x3 = false;
    bool x1_scale = false;  // int8: the pertoken scale; kFp8 / per-block / MX: always present
    bool comm_scales = false;
    aclDataType x1 = ACL_INT8;
    aclDataType x2 = ACL_INT8;
    aclDataType x2_scale = ACL_UINT64;
    aclDataType output = ACL_FLOAT16;
    ScaleShape scale_shape = ScaleShape::kTensor;
    std::vector<int64_t> codes;  // UINT64/INT64 x2Scale codes (TransQuantParamV2 layout)
    int64_t group_size = 0;
    int64_t comm_quant_mode = 0;
};
int64_t M(const std::vector<int64_t> &lead);
int64_t CeilDiv(int64_t a, int64_t b);
// The documented scale shapes (seed 004 x1ScaleOptional / x2ScaleOptional).
std::vector<int64_t> PerBlockX1ScaleShape(const std::vector<int64_t> &x1_shape);
std::vector<int64_t> PerBlockX2ScaleShape(int64_t k, int64_t n, bool transposed);
std::vector<int64_t> MxScaleShape(int64_t rows, int64_t k);  // [rows, ceil(k/64), 2]
std::vector<int64_t> NzStorageShape(int64_t k, int64_t n);
void WriteGeometry(ParamMap &params, const Geometry &g);
std::optional<Geometry> ReadGeometry(const ParamMap &params);
int64_t PackScaleCode(float scale, bool keep_low_bits);
// Draws one of the seed's dtype rows for g.scenario (and what the row fixes: bias, x1Scale,
// transposition, groupSize); ToScenario moves a geometry to scenario `s` with such a row.
void DrawRow(Geometry &g, Choices &ch);
void ToScenario(Geometry &g, Scenario s, Choices &ch);
void FixScaleValues(ParamMap &params);

// ---- the gates' extra cases (generate.cc) ----
// One dtype row × comm path × output dtype that the gates run at the Ascend 950 world sizes above
// their cap (16 and 64: seed 004 supports 1…64 ranks there) at tiny shapes.
struct WideVariant {
    const char *name;
    Scenario scenario;
    aclDataType x1;  // x2 too (seed 004's rows pair equal dtypes)
    aclDataType x2_scale;
    bool x1_scale;     // int8's optional pertoken scale (the other scenarios fix it)
    bool comm_scales;  // int8 low-bit communication (formula 1)
    int64_t comm_quant_mode;
    aclDataType output;
};
const std::vector<WideVariant> &WideVariants();
// The worlds above limits.max_world that the wide cases use (16 and 64 on Ascend 950, each once).
std::vector<int> WideWorlds(harness::Platform platform, const Limits &limits);
// The gates' extra cases (OpFamily::gate_extras): valid, one per WideVariants() entry and
// WideWorlds() world, m·k·n tiny, and the commQuantMode = 1 rows GenerateValid does not draw
// (per-block, MXFP8, UINT64) at worlds 2 and 8; invalid, commQuantMode = 1 on every row that
// refuses it (qmar4.tiling.comm_quant_mode).
std::vector<GateExtra> GenerateGateExtras(std::string_view op, harness::Platform platform, Choices &choices,
                                          const Limits &limits);

}  // namespace mc2::spec::quant_matmul_all_reduce_v4

#endif  // MC2_SPEC_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_
