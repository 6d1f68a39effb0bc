// tests/codecs/codec_coverage_test.cc — every codec of oracle/codecs is exercised by an operator
// path: the quick gate's valid QuantMatmulAllReduceV4 cases (seed 004 formulas 4-7 on Ascend 950)
// hold a tensor of each format, so the fill encodes it, the oracle decodes it and the
// implementation reads it (oracle/codecs/README.md "Which operator paths exercise each codec").
// FLOAT4_E1M2 is the exception the spec decides: seed 004 and the newer op_api refuse it
// (ops.md §8.1), so it appears only in invalid cases (filled, then refused with 161002).
#include <map>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "harness/gates/gates.h"
#include "oracle/codecs/codebook.h"

namespace mc2 {
namespace {

TEST(CodecCoverage, QuickGateV4CasesCarryEveryFormat) {
    harness::gates::GateFilter filter;
    filter.op = "quant_matmul_all_reduce_v4";
    std::map<int, std::set<std::string>> tensors_by_dtype;  // valid cases: acl dtype -> tensor names
    std::set<int> invalid_dtypes;
    for (const harness::gates::GateCase &g :
         harness::gates::BuildGate(harness::gates::Gate::kQuick, harness::gates::kDefaultSeed, filter)) {
        const bool valid = g.kind == harness::gates::CaseKind::kValid;
        for (const auto &[name, value] : g.value.params) {
            if (const auto *t = std::get_if<harness::TensorSpec>(&value)) {
                if (valid) tensors_by_dtype[static_cast<int>(t->dtype)].insert(name);
                if (g.kind == harness::gates::CaseKind::kInvalid) invalid_dtypes.insert(static_cast<int>(t->dtype));
            }
        }
    }
    for (const oracle::Format &f : oracle::AllFormats()) {
        if (f.acl_dtype == ACL_FLOAT4_E1M2) {
            EXPECT_EQ(tensors_by_dtype.count(f.acl_dtype), 0u) << "FLOAT4_E1M2 is refused (ops.md §8.1)";
            EXPECT_TRUE(invalid_dtypes.count(f.acl_dtype) > 0) << "no invalid V4 case carries FLOAT4_E1M2";
            continue;
        }
        EXPECT_TRUE(tensors_by_dtype.count(f.acl_dtype) > 0)
            << f.name << ": no valid V4 case of the quick gate carries it, so no operator path exercises the codec";
    }
    // The MX scales and both FP4 element formats, by name (the formats only MX carries).
    EXPECT_TRUE(tensors_by_dtype[ACL_FLOAT8_E8M0].count("x1_scale") > 0);
    EXPECT_TRUE(tensors_by_dtype[ACL_FLOAT8_E8M0].count("x2_scale") > 0);
    EXPECT_TRUE(tensors_by_dtype[ACL_FLOAT4_E2M1].count("x1") > 0);
    EXPECT_TRUE(tensors_by_dtype[ACL_FLOAT4_E2M1].count("x2") > 0);
}

}  // namespace
}  // namespace mc2
