// spec/common/quantised_matmul.h — what the quantised all-reduce families
// (QuantMatmulAllReduce V1-V3, WeightQuantMatmulAllReduce; QuantMatmulAllReduceV4 has the same
// shapes) share beyond the common rules: the weight-NZ short-cut of their op_api (ops.md §1.4)
// and the common-rule declarations they word alike, so that each family's rules.cc states only
// what differs (its citations, tensors and the values its violations draw).
#ifndef MC2_SPEC_COMMON_QUANTISED_MATMUL_H_
#define MC2_SPEC_COMMON_QUANTISED_MATMUL_H_

#include <string>
#include <vector>

#include "harness/case.h"
#include "spec/common/common_rules.h"
#include "spec/rule.h"

namespace mc2::spec::common {

// Whether rank r's x2 is a weight-NZ tensor as the vendor detects it: format FRACTAL_NZ and a
// 4-D storage (ops.md §1.4).
bool NzWeight(const harness::Case &c, int r);

// The case with every FRACTAL_NZ x2 described as ND, through the family's per-rank editor
// (null: spec::EditEachRank); the case itself when no rank has one.
harness::Case NdWeights(const harness::Case &valid, const EachRankEditor &edit = nullptr);

// The op_api stops its shape checks after x1's rank for an NZ x2 (ops.md §1.4): the rules
// `skipped` are not broken by an NZ rank (the family repeats them as <prefix>.nz.shapes), and
// every rule outside <prefix>.nz.* violates from the valid case with its x2 in ND (NdWeights).
void ApplyNzShortCut(std::vector<Rule> &t, const std::string &prefix, const std::vector<std::string> &skipped,
                     const EachRankEditor &edit = nullptr);

// The common-rule declarations of a quantised all-reduce family with the words and drawn values
// those families share (null reduceOp, the "sum" reduceOp's bad values, streamMode's, commTurn
// both ways, x1 contiguity, storage, null group, world sizes, unknown group, peer failed, the
// AllReduceKey mismatch). Citations, tensor lists, peer breakages and the mismatch violation
// are the family's: it fills them in and overrides any word it says otherwise.
CommonRules QuantisedMatmulDefaults(FamilyTraits family);

// Whether rank r's comm scales (both present) may hold other values than some other rank's. The
// documents require them to be the same on every card (每张卡输入保持一致: aclnnQuantMatmulAllReduce
// V3.md and V4.md, 约束说明; ops.md §2.4). The harness fills a quantisation scale by logical index
// alike on every rank (harness/fill: no rank in its seed), so only explicit values (a
// descriptor's v(...)) that differ, a view that may read one element for another
// (ViewAliases) laid out unlike the other rank's, or a scale one rank passes and another does
// not (null), can make them differ. A sufficient test: equal values through different aliasing
// views also count as "may differ".
bool CommScalesMayDiffer(const harness::Case &c, int r);

// "<prefix>.xrank.comm_scales" (documented, cross-rank): comm scales that may differ between
// ranks leave the behaviour undefined (the documents say nothing of what a library does then), so
// any answer is admitted and no output is judged. `with_comm_scales` turns a valid case into a
// valid one whose ranks all pass both comm scales (nullopt when it cannot); the violation then
// gives one rank other than 0 a stride-0 view of comm_quant_scale_1 (every element reads one).
void AddCommScalesAgree(std::vector<Rule> &t, const std::string &prefix, const std::vector<std::string> &ops,
                        std::string citation, RuleViolator with_comm_scales, const EachRankEditor &edit);

}  // namespace mc2::spec::common

#endif  // MC2_SPEC_COMMON_QUANTISED_MATMUL_H_
