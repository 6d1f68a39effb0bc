// harness/gates/gates.h — the conformance gates as deterministic lists of cases. A gate (quick,
// full, gpt3) and a seed give the same descriptors on every machine and every run: every draw
// goes through spec::SeededChoices, seeded per operator × platform × section, so filtering by
// operator or platform never changes the cases that remain (a failure seen in the full list
// reproduces in a filtered one).
//
//   quick  every generatable op × platform × dtype combination × world size (≤ 8) at the
//          generators' default small sizes; every failing spec rule violated at least once per
//          op × platform; fixed edge cases (documented tolerances such as k = 0 and commTurn > 0,
//          3-D x1, transposed x2, ranks that differ, cross-rank failures at the smallest and
//          largest world).
//   full   the same sections with larger shapes (k ≤ 4096, m ≤ 512, world ≤ 16) and more
//          cases per combination and per rule.
//   gpt3   the documents' typical workloads (spec::GenerateTypical, GPT-3 65B shapes).
#ifndef MC2_HARNESS_GATES_GATES_H_
#define MC2_HARNESS_GATES_GATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case.h"
#include "spec/generate.h"

namespace mc2::harness::gates {

enum class Gate { kQuick, kFull, kGpt3 };
std::string GateName(Gate gate);  // quick, full, gpt3
std::optional<Gate> ParseGate(std::string_view name);

// Why a case is in a gate; reports group invalid cases by the rule they break.
enum class CaseKind { kValid, kInvalid, kEdge, kTypical, kSingle };
std::string KindName(CaseKind kind);  // valid, invalid, edge, typical, single
std::optional<CaseKind> ParseKind(std::string_view name);

struct GateCase {
    Case value;
    CaseKind kind = CaseKind::kValid;
    std::string rule_id;  // invalid: the violated rule; edge: the rule it exercises, if any
    std::string note;     // edge: what it covers ("k = 0", "3-D x1", ...)
};

// How big a gate is. Public so that tests and the CLI can show and check it.
struct GateConfig {
    spec::Limits valid_limits;       // sizes of valid and edge cases
    spec::Limits invalid_limits;     // sizes of the valid cases invalid ones are bent from
    int cases_per_combination = 0;   // valid cases per dtype combination × world size
    int cases_per_rule = 0;          // invalid cases per failing rule
    int cases_per_edge = 0;          // cases per edge selector
    int typical_cases = 0;           // GenerateTypical draws per op × platform
    int valid_draws = 0;             // GenerateValid draws that discover the combinations
    double default_timeout_s = 60;   // per-case wall clock the CLI uses unless told otherwise
};
GateConfig ConfigFor(Gate gate);

// The seed a gate uses unless told otherwise (part of the gate's contract, like the cases).
inline constexpr uint64_t kDefaultSeed = 20240601;

struct GateFilter {
    std::vector<Platform> platforms = {Platform::kAtlasA2, Platform::kAscend950};
    std::string op;  // empty = every generatable operator
};

// The gate's cases, in a fixed order (op, platform, then valid, invalid, edge). Throws
// std::runtime_error with a one-line message when a failing rule of the catalogue cannot be
// produced for an op × platform (a generator or violate() that silently lost a rule), and
// std::invalid_argument for an operator that has no generator.
std::vector<GateCase> BuildGate(Gate gate, uint64_t seed = kDefaultSeed, const GateFilter &filter = {});

// Labels the reports group by. DtypeLabel: the distinct dtypes of rank 0's tensors in
// signature order, joined by ':' ("float16", "int8:bf16"), or the family's own label
// (spec::OpFamily::gate_label); GroupLabel: op.platform.dtype.wN
// (the JUnit classname).
std::string DtypeLabel(const Case &c);
std::string GroupLabel(const Case &c);

}  // namespace mc2::harness::gates

#endif  // MC2_HARNESS_GATES_GATES_H_
