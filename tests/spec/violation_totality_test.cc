// tests/spec/violation_totality_test.cc — every rule's violate() is total: given any case another
// rule's violate() made (not only a valid one), it returns a case or nullopt, and never reads a
// dim, a value or a tensor the case does not have. The multi-rule tests (hardening_order_test,
// multi_rule_property_test) compose violations, and a violate() that assumed a valid case's
// structure read past the end of a one-dim output there (ASan, CI's sanitize run of c5dd4fc's
// parent: a2av.shape.output_width). This test composes every ordered pair of rules of every
// family, so the sanitize build checks each violate() on every structure the others produce;
// and every rank's expectation of each composed case is evaluated too (the predicates must be
// total as well).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "spec/catalogue.h"
#include "spec/generate.h"
#include "tests/common/sanitized_build.h"

namespace mc2::spec {
namespace {

using harness::Platform;

const size_t kExpectEvery = static_cast<size_t>(tests::ScaledForSanitizers(8, 256));

// For every generatable operator and platform: a valid case from `valid_seed`, and for every
// stride-th rule that is not a note the case its violate() makes of it (choices seeded by
// `seed_of(i)`), given to visit(rules, i, violated). The two tests below compose further
// violations on those cases.
template <typename Visit>
void ForEachFirstViolation(uint64_t valid_seed, size_t stride, uint64_t (*seed_of)(size_t), Visit visit) {
    for (const auto &op : GeneratableOps()) {
        for (Platform platform : {Platform::kAtlasA2, Platform::kAscend950}) {
            const std::vector<const Rule *> rules = RulesFor(op, platform);
            SeededChoices gen(valid_seed);
            const harness::Case valid = GenerateValid(op, platform, gen);
            for (size_t i = 0; i < rules.size(); i += stride) {
                if (rules[i]->IsNote()) continue;
                SeededChoices ch_i(seed_of(i));
                const auto one = rules[i]->Violate(valid, ch_i);
                if (one) visit(rules, i, *one);
            }
        }
    }
}

TEST(ViolationTotality, EveryRuleViolatesWhatAnyOtherRuleMade) {
    size_t composed = 0;
    size_t refused = 0;
    ForEachFirstViolation(17, 1, [](size_t i) -> uint64_t { return 1000003 * (i + 1); },
                          [&](const std::vector<const Rule *> &rules, size_t i, const harness::Case &one) {
        for (size_t j = 0; j < rules.size(); ++j) {
            if (j == i || rules[j]->IsNote()) continue;
            SeededChoices ch(1000003 * (i + 1) + 7919 * (j + 1));
            const auto both = rules[j]->Violate(one, ch);
            if (!both) {
                ++refused;
                continue;
            }
            // Every rank's expectation of one composition in kExpectEvery (the walk over every
            // rule is the costly part; a different sample per pair of families).
            if (composed++ % kExpectEvery == 0) {
                for (int r = 0; r < both->world; ++r) (void)Expect(*both, r);
            }
        }
    });
    // Not vacuous: most pairs compose (a violate() refuses only what it cannot edit).
    EXPECT_GT(composed, 4 * refused);
    EXPECT_GE(composed, 1000u);
}


// Every field of every answer, one line: two expectations are the same exactly when these are.
std::string Fields(const Expectation &e) {
    std::ostringstream out;
    for (const Answer *a : e.All()) {
        out << static_cast<int>(a->outcome) << ',' << a->status << ',' << a->inner_error_accepted << ','
            << a->writes_nothing << ',' << a->rule_id << ',' << a->reason << ',' << static_cast<int>(a->level) << '[';
        for (int32_t code : a->also_accepted) out << code << ' ';
        out << "] | ";
    }
    return out.str();
}

// An ExpectationScope shares work (each rank's own walk, each rule's predicate per rank) and
// must change no answer: every rank's expectation under both profiles, with and without a scope,
// on cases breaking two rules (where the walks stop at different rules, peers' answers feed the
// cross-rank rules, and the early-refusal and next-documented-rule passes run).
// Every rule here; every 8th under sanitizers (1.7 s in the default build).
const size_t kScopeStride = static_cast<size_t>(tests::ScaledForSanitizers(1, 8));

TEST(ViolationTotality, AScopeChangesNoAnswer) {
    size_t compared = 0;
    ForEachFirstViolation(29, kScopeStride, [](size_t i) -> uint64_t { return 7919 * (i + 1); },
                          [&](const std::vector<const Rule *> &rules, size_t i, const harness::Case &one) {
        // One partner rule per rule (a different one each time), to bound the cost.
        const size_t j = (i * 7 + 3) % rules.size();
        SeededChoices ch(7919 * (i + 1) + 13);
        const auto both = j == i || rules[j]->IsNote() ? std::optional<harness::Case>(one) : rules[j]->Violate(one, ch);
        const harness::Case &c = both ? *both : one;
        std::vector<std::string> alone;
        for (int r = 0; r < c.world; ++r) {
            alone.push_back(Fields(Expect(c, r, Profile::kStrict)) + Fields(Expect(c, r, Profile::kVendor)));
        }
        const ExpectationScope scope(c);
        for (int r = 0; r < c.world; ++r) {
            // Vendor first here: the memo is filled in the other order than above.
            const std::string vendor = Fields(Expect(c, r, Profile::kVendor));
            EXPECT_EQ(Fields(Expect(c, r, Profile::kStrict)) + vendor, alone[static_cast<size_t>(r)])
                << "rank " << r << " of " << c.ToString();
            ++compared;
        }
    });
    EXPECT_GE(compared, 500u / kScopeStride);
}
}  // namespace
}  // namespace mc2::spec
