// tests/spec/dump_gate_expectations.cc — a test-only tool: prints every case of a gate with its
// kind, rule and each rank's expectation under both profiles (outcome, codes, rule id, level,
// alternatives). Two builds' outputs compared with diff show that a refactoring of the spec
// catalogue changed no case and no expected answer (`mc2conf run --list` prints no expectations).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/gates/gates.h"
#include "spec/catalogue.h"
#include "spec/expectation.h"

namespace {

using mc2::spec::Answer;

std::string AnswerText(const Answer &a) {
    std::string s = std::to_string(static_cast<int>(a.outcome)) + ":" + std::to_string(a.status);
    for (int32_t code : a.also_accepted) s += "|" + std::to_string(code);
    if (a.inner_error_accepted) s += "+inner";
    s += " [" + a.rule_id + " " + mc2::spec::LevelName(a.level) + "] " + a.reason;
    return s;
}

std::string ExpectationText(const mc2::spec::Expectation &e) {
    std::string s;
    for (const Answer *a : e.All()) s += (s.empty() ? "" : " || ") + AnswerText(*a);
    return s;
}

}  // namespace

// Usage: dump_gate_expectations [quick|full] (default quick, the default seed).
int main(int argc, char **argv) {
    namespace gates = mc2::harness::gates;
    const std::string name = argc > 1 ? argv[1] : "quick";
    const gates::Gate gate = name == "full" ? gates::Gate::kFull : gates::Gate::kQuick;
    for (const gates::GateCase &g : gates::BuildGate(gate)) {
        std::printf("%s %s (%s)\t%s\n", gates::KindName(g.kind).c_str(), g.rule_id.c_str(), g.note.c_str(),
                    g.value.ToString().c_str());
        for (int r = 0; r < g.value.world; ++r) {
            std::printf("  rank %d strict: %s\n", r, ExpectationText(mc2::spec::Expect(g.value, r)).c_str());
            std::printf("  rank %d vendor: %s\n", r,
                        ExpectationText(mc2::spec::Expect(g.value, r, mc2::spec::Profile::kVendor)).c_str());
        }
    }
    return EXIT_SUCCESS;
}
