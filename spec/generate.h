// spec/generate.h — case generators shared by the property tests, the fuzzers and the CLI:
// valid cases per operator and platform (covering every dtype combination of the tables) and
// invalid cases (a valid case plus one rule's violate()). Everything is drawn through Choices,
// so RapidCheck can shrink a failure and libFuzzer can drive the decisions from its input.
#ifndef MC2_SPEC_GENERATE_H_
#define MC2_SPEC_GENERATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case.h"
#include "spec/choices.h"

namespace mc2::spec {

struct Rule;  // spec/rule.h

// Caps on generated sizes. The defaults keep a case cheap on 2 cores; the gates and property
// tests pass their own.
struct Limits {
    int64_t max_m = 64;    // m for 2-D x1, b*s for 3-D x1
    int64_t max_k = 256;
    int64_t max_n = 128;
    int max_world = 8;     // further capped by the platform profile's world sizes
};

// Operators that have a spec catalogue and generators, in registration order.
std::vector<std::string> GeneratableOps();

// A valid case (every rank's call expected to succeed). `op` must be one of GeneratableOps().
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices,
                            const Limits &limits = {});

struct InvalidCase {
    harness::Case value;
    std::string rule_id;  // the rule whose violate() made it
};
// A valid case with one applicable failing rule's violate() applied.
InvalidCase GenerateInvalid(std::string_view op, harness::Platform platform, Choices &choices,
                            const Limits &limits = {});

// The operator's documented tolerances on `platform`: its note rules (successes the documents
// name, e.g. k == 0, commTurn > 0) that have a case of their own to draw — not a tolerance that
// only admits an early refusal (Rule::may_refuse_early).
std::vector<const Rule *> Tolerances(std::string_view op, harness::Platform platform);

// `valid` bent by one of the operator's documented tolerances (a note rule's violate(): k == 0,
// commTurn > 0, …), which the documents say must still succeed (within the note's admitted
// answers); nullopt when the operator has none or the drawn one cannot bend this case. The gates
// draw each tolerance as an edge case; the api fuzzer bends a share of its valid cases with this.
std::optional<harness::Case> BendByTolerance(std::string_view op, harness::Platform platform,
                                             const harness::Case &valid, Choices &choices);

// A case of the documents' typical workloads (e.g. the GPT-3 65B shapes of seed 000), for the
// long gates; nullopt when the operator documents none.
std::optional<harness::Case> GenerateTypical(std::string_view op, harness::Platform platform, Choices &choices);

}  // namespace mc2::spec

#endif  // MC2_SPEC_GENERATE_H_
