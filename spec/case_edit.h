// spec/case_edit.h — editing helpers the rule tables and generators share: a case as one
// parameter map per rank (the effective values), written back into common values plus
// per-rank overrides; small shape arithmetic that saturates instead of overflowing, because
// fuzzers hand the predicates absurd shapes.
#ifndef MC2_SPEC_CASE_EDIT_H_
#define MC2_SPEC_CASE_EDIT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/case.h"
#include "spec/expectation.h"

namespace mc2::spec {

using ParamMap = harness::ParamMap;

// The values each rank passes (index = rank), every signature parameter present.
std::vector<ParamMap> EffectiveParams(const harness::Case &c);
// Writes per-rank values back (per_rank.size() becomes the world size): rank 0's values become
// the common ones, other ranks get overrides where they differ; the case is normalised.
void AssignPerRank(harness::Case &c, const std::vector<ParamMap> &per_rank);
// Changes the world size; new ranks copy the values of rank (r mod old world).
void ResizeWorld(harness::Case &c, int world);
// Applies `edit(rank, params)` to every rank's effective values and writes them back; nullopt
// when `edit` reports (returns false) that it changed no rank: the shape a rule's violate()
// needs.
std::optional<harness::Case> EditEachRank(const harness::Case &valid,
                                          const std::function<bool(int rank, ParamMap &)> &edit);
// `valid` with parameter `name` set to `v` on every rank (as a violate() answer).
std::optional<harness::Case> SetOnEveryRank(const harness::Case &valid, const std::string &name, harness::Value v);

harness::TensorSpec *TensorIn(ParamMap &params, const std::string &name);
const harness::TensorSpec *TensorIn(const ParamMap &params, const std::string &name);

// Product of dims[begin, end), saturating at INT64_MAX; 0 when a dim is 0, -1 when one is negative.
int64_t DimProduct(const std::vector<int64_t> &dims, size_t begin, size_t end);
// Elements the storage holds (product of StorageShape()), saturating.
int64_t StorageElements(const harness::TensorSpec &t);

const char *OutcomeName(Outcome outcome);

}  // namespace mc2::spec

#endif  // MC2_SPEC_CASE_EDIT_H_
