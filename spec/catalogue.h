// spec/catalogue.h — the registry of operator families: each family (spec/<op>/) contributes its
// rule table (in check order) and its generators; the evaluation engine (expectation.cc) and the
// generic generators (generate.cc) look operators up here. Families are registered by their
// operator's binding file (harness/ops/registry.h: MC2_REGISTER_OPERATOR); see
// docs/adding-an-operator.md.
#ifndef MC2_SPEC_CATALOGUE_H_
#define MC2_SPEC_CATALOGUE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case.h"
#include "spec/choices.h"
#include "spec/expectation.h"
#include "spec/generate.h"
#include "spec/rule.h"

namespace mc2::spec {

// A case a family adds to the gates (OpFamily::gate_extras): valid when rule_id is empty, else a
// violation of that rule.
struct GateExtra {
    harness::Case value;
    std::string rule_id;
};

struct OpFamily {
    std::string name;              // e.g. "matmul_all_reduce"
    std::vector<std::string> ops;  // operator ids it covers (harness signatures)
    const std::vector<Rule> *rules = nullptr;  // check order
    harness::Case (*generate_valid)(std::string_view op, harness::Platform, Choices &, const Limits &) = nullptr;
    std::optional<harness::Case> (*generate_typical)(std::string_view op, harness::Platform, Choices &) = nullptr;
    // Where the sources disagree and what the catalogue decided (one Markdown line each).
    std::vector<std::string> decisions;
    // Gate sizing (harness/gates): the platforms the gates draw this family's cases for (empty =
    // every platform) and the valid cases per (dtype combination, world) bucket (0 = the gate's
    // own count). A family with many dtype combinations keeps the quick gate within its budget
    // with these; property tests and fuzzers are not affected.
    std::vector<harness::Platform> gate_platforms;
    int gate_valid_per_combination = 0;
    // Invalid cases per rule and operator (0 = the gate's own count): a family whose operators
    // share most rules sees each shared rule violated once per operator, so at least twice.
    int gate_cases_per_rule = 0;
    // Whether the gates violate `rule` on `op` (null = on every op it applies to): a family of many
    // APIs sharing most rules spreads each shared rule over some of them, every rule still
    // violated at least twice in the family (MatmulAllReduceAddRmsNorm: two of its six APIs).
    bool (*gate_rule_on)(std::string_view op, const Rule &rule) = nullptr;
    // The dtype label of a case (gate buckets of valid cases with the world size, report rows);
    // null = the set of its tensors' dtypes. A family whose dtype sets are many
    // (QuantMatmulAllReduceV4: scales, bias, x3 per scenario) labels by what its conformance
    // claim is about instead.
    std::string (*gate_label)(const harness::Case &) = nullptr;
    // Cases the gates add after the drawn ones (null = none), from their own seed section so the
    // drawn cases stay as they are: QuantMatmulAllReduceV4 runs every scenario at the world sizes
    // above the gate's cap (16 and 64 on Ascend 950) at tiny shapes, and violates its
    // commQuantMode rule on every row that refuses 1.
    std::vector<GateExtra> (*gate_extras)(std::string_view op, harness::Platform, Choices &, const Limits &) = nullptr;
    // A descriptor the caller cannot pass as declared to this family's API (null = none): ATB's
    // tensors are contiguous from their data pointer, so a caller gives an ATB operation the
    // elements of a view and scatters an output back into it, which an output view that aliases
    // itself cannot hold. The suite's runner then makes no call (harness/run/run_case.cc), and the
    // spec admits that like a descriptor aclCreateTensor refuses (RunnerCannotPass).
    bool (*caller_cannot_pass)(const harness::TensorSpec &t, std::string_view name) = nullptr;
};

// Registers a family (static initialisation only; a second registration of the same name is
// ignored, as every operator of a family registers it).
void RegisterFamily(OpFamily family);
// Every registered family, sorted by name (deterministic whatever the link order).
const std::vector<OpFamily> &AllFamilies();
const OpFamily *FindFamily(std::string_view op);

// The rules that apply to `op` on `platform`, in check order (a table built once; empty for an
// unknown operator).
const std::vector<const Rule *> &RulesFor(std::string_view op, harness::Platform platform);
// Looks a rule up by id across all families.
const Rule *FindRule(std::string_view id);

// The expectation from rank `rank`'s own arguments only (per-rank rules; no cross-rank rule).
// Cross-rank rules call it for the other ranks.
Expectation OwnExpectation(const harness::Case &c, int rank);

}  // namespace mc2::spec

#endif  // MC2_SPEC_CATALOGUE_H_
