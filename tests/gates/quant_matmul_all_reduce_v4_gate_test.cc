// tests/gates/quant_matmul_all_reduce_v4_gate_test.cc — layouts of QuantMatmulAllReduceV4 that the
// quick gate must judge (issue 9 item 1): MX with a 3-D x1 (seed 004: x1 2-D or 3-D; the E8M0
// x1Scale [m, ceil(k/64), 2] with m = b·s), and per-block with a transposed x2 whose x2Scale is
// the transposed grid [ceil(n/128), ceil(k/128)], not square, so a grid read the wrong way round
// differs; and every scenario × comm path the documents admit on Ascend 950 at worlds 16 and 64
// (seed 004: 1…64 ranks), the commQuantMode = 1 rows beyond formula 8's at worlds 2 and 8 too, and
// commQuantMode = 1 refused on every row the documents refuse it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/dtype_names.h"
#include "harness/gates/gates.h"

namespace mc2::harness::gates {
namespace {

constexpr int64_t kPerBlockGroupSize = 128 + (int64_t{128} << 16) + (int64_t{128} << 32);

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

const std::vector<GateCase> &V4Quick() {
    static const std::vector<GateCase> cases = [] {
        GateFilter f;
        f.op = "quant_matmul_all_reduce_v4";
        f.platforms = {Platform::kAscend950};
        return BuildGate(Gate::kQuick, kDefaultSeed, f);
    }();
    return cases;
}

bool Judged(const GateCase &g) { return g.kind == CaseKind::kValid || g.kind == CaseKind::kEdge; }

TEST(QuantMatmulAllReduceV4Gate, MxWithThreeDimensionalX1) {
    int found = 0;
    for (const GateCase &g : V4Quick()) {
        const TensorSpec *x1 = g.value.Tensor(0, "x1");
        const TensorSpec *s1 = g.value.Tensor(0, "x1_scale");
        if (!Judged(g) || x1 == nullptr || s1 == nullptr || s1->dtype != ACL_FLOAT8_E8M0 || x1->shape.size() != 3) {
            continue;
        }
        const int64_t m = x1->shape[0] * x1->shape[1], k = x1->shape[2];
        EXPECT_EQ(s1->shape, (std::vector<int64_t>{m, CeilDiv(k, 64), 2})) << g.value.ToString();
        ++found;
    }
    EXPECT_GE(found, 1) << "no MX case with a 3-D x1 in the quick gate";
}

TEST(QuantMatmulAllReduceV4Gate, PerBlockWithTransposedX2AndItsTransposedGrid) {
    int found = 0;
    for (const GateCase &g : V4Quick()) {
        const TensorSpec *x2 = g.value.Tensor(0, "x2");
        const TensorSpec *s2 = g.value.Tensor(0, "x2_scale");
        const auto gs = g.value.params.find("group_size");
        if (!Judged(g) || x2 == nullptr || s2 == nullptr || gs == g.value.params.end() ||
            std::get<int64_t>(gs->second) != kPerBlockGroupSize || x2->shape.size() != 2 ||
            x2->strides != std::vector<int64_t>{1, x2->shape[0]}) {
            continue;
        }
        const int64_t k = x2->shape[0], n = x2->shape[1];
        if (s2->shape != std::vector<int64_t>{CeilDiv(n, 128), CeilDiv(k, 128)}) continue;
        if (CeilDiv(n, 128) != CeilDiv(k, 128)) ++found;  // not square: the grid's orientation shows
    }
    EXPECT_GE(found, 1) << "no per-block case with a transposed x2 and a non-square transposed scale grid";
}

// A valid case's dtype row and comm path: x1/x2Scale dtypes, int8's pertoken x1Scale, per-block,
// the int8 comm scales, commQuantMode = 1.
std::string Row(const Case &c) {
    const TensorSpec *x1 = c.Tensor(0, "x1");
    const TensorSpec *s2 = c.Tensor(0, "x2_scale");
    if (x1 == nullptr || s2 == nullptr) return "?";
    std::string key = DtypeName(x1->dtype) + "/" + DtypeName(s2->dtype);
    if (x1->dtype == ACL_INT8 && c.Tensor(0, "x1_scale") != nullptr) key += "+pertoken";
    const auto gs = c.params.find("group_size");
    if (gs != c.params.end() && std::get<int64_t>(gs->second) == kPerBlockGroupSize) key += "/per-block";
    if (c.Tensor(0, "comm_quant_scale_1") != nullptr) key += "+comm_int8";
    const auto mode = c.params.find("comm_quant_mode");
    if (mode != c.params.end() && std::get<int64_t>(mode->second) == 1) key += "+pertile";
    return key;
}

// Seed 004's Ascend 950 rows (int8: UINT64/INT64, fp32 + pertoken, bf16 with and without; FP8 /
// HiF8 with fp32 scales (formula 6) or UINT64 (5); per-block (7); MXFP4 / MXFP8 (4)) with the
// comm paths the documents admit: int8 comm scales (formula 1) and commQuantMode = 1 where x1 and
// x2 are FLOAT8_E4M3FN / FLOAT8_E5M2 (参数说明 commQuantMode).
const std::vector<std::string> kWideRows = {
    "int8/uint64",
    "int8/int64",
    "int8/float+pertoken",
    "int8/bf16+pertoken",
    "int8/bf16",
    "int8/uint64+comm_int8",
    "int8/float+pertoken+comm_int8",
    "int8/bf16+comm_int8",
    "float8_e4m3fn/float",
    "float8_e5m2/float",
    "hifloat8/float",
    "float8_e4m3fn/float+pertile",
    "float8_e5m2/float+pertile",
    "float8_e4m3fn/uint64",
    "float8_e5m2/int64",
    "hifloat8/uint64",
    "float8_e4m3fn/uint64+pertile",
    "float8_e5m2/uint64+pertile",
    "float8_e4m3fn/float/per-block",
    "float8_e5m2/float/per-block",
    "hifloat8/float/per-block",
    "float8_e4m3fn/float/per-block+pertile",
    "float8_e5m2/float/per-block+pertile",
    "float4_e2m1/float8_e8m0",
    "float8_e4m3fn/float8_e8m0",
    "float8_e5m2/float8_e8m0",
    "float8_e4m3fn/float8_e8m0+pertile",
    "float8_e5m2/float8_e8m0+pertile",
};

std::map<int, std::set<std::string>> RowsPerWorld() {
    std::map<int, std::set<std::string>> rows;
    for (const GateCase &g : V4Quick()) {
        if (g.kind == CaseKind::kValid) rows[g.value.world].insert(Row(g.value));
    }
    return rows;
}

TEST(QuantMatmulAllReduceV4Gate, EveryRowAndCommPathAtWorlds16And64) {
    auto rows = RowsPerWorld();
    for (int world : {16, 64}) {
        for (const std::string &row : kWideRows) {
            EXPECT_TRUE(rows[world].count(row)) << row << " has no valid world-" << world << " case in the quick gate";
        }
    }
}

TEST(QuantMatmulAllReduceV4Gate, PertileBeyondFormula8AtWorlds2And8) {
    auto rows = RowsPerWorld();
    for (int world : {2, 8}) {
        for (const char *row : {"float8_e4m3fn/uint64+pertile", "float8_e5m2/uint64+pertile",
                                "float8_e4m3fn/float/per-block+pertile", "float8_e5m2/float/per-block+pertile",
                                "float8_e4m3fn/float8_e8m0+pertile", "float8_e5m2/float8_e8m0+pertile"}) {
            EXPECT_TRUE(rows[world].count(row)) << row << " has no valid world-" << world << " case in the quick gate";
        }
    }
}

// commQuantMode = 1 where the documents refuse it (x1 / x2 not FLOAT8_E4M3FN / FLOAT8_E5M2): the
// quick gate violates qmar4.tiling.comm_quant_mode on every such row of Ascend 950.
TEST(QuantMatmulAllReduceV4Gate, CommQuantModeOneRefusedOnEveryOtherRow) {
    std::set<std::string> refused;
    for (const GateCase &g : V4Quick()) {
        if (g.kind == CaseKind::kInvalid && g.rule_id == "qmar4.tiling.comm_quant_mode") refused.insert(Row(g.value));
    }
    for (const char *row : {"int8/uint64+pertile", "int8/int64+pertile", "int8/float+pertoken+pertile",
                            "int8/bf16+pertoken+pertile", "int8/bf16+pertile", "hifloat8/float+pertile",
                            "hifloat8/uint64+pertile", "hifloat8/float/per-block+pertile",
                            "float4_e2m1/float8_e8m0+pertile"}) {
        EXPECT_TRUE(refused.count(row)) << row << ": no quick case violates qmar4.tiling.comm_quant_mode with it";
    }
}

}  // namespace
}  // namespace mc2::harness::gates
