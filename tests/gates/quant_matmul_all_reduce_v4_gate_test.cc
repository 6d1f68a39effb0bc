// tests/gates/quant_matmul_all_reduce_v4_gate_test.cc — layouts of QuantMatmulAllReduceV4 that the
// quick gate must judge (issue 9 item 1): MX with a 3-D x1 (seed 004: x1 2-D or 3-D; the E8M0
// x1Scale [m, ceil(k/64), 2] with m = b·s), and per-block with a transposed x2 whose x2Scale is
// the transposed grid [ceil(n/128), ceil(k/128)], not square, so a grid read the wrong way round
// differs.
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mc2::harness::gates
