// spec/generate.cc — the operator-independent part of the generators (generate.h): dispatch to
// the family's valid-case generator, and invalid cases as valid case + one rule's violate().
#include "spec/generate.h"

#include <stdexcept>

#include "spec/catalogue.h"

namespace mc2::spec {

std::vector<std::string> GeneratableOps() {
    std::vector<std::string> out;
    for (const auto &f : AllFamilies()) out.insert(out.end(), f.ops.begin(), f.ops.end());
    return out;
}

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits) {
    const OpFamily *f = FindFamily(op);
    if (!f || !f->generate_valid) throw std::invalid_argument("no generator for operator '" + std::string(op) + "'");
    harness::Case c = f->generate_valid(op, platform, choices, limits);
    c.Normalize();
    return c;
}

InvalidCase GenerateInvalid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits) {
    std::vector<const Rule *> failing;
    for (const Rule *r : RulesFor(op, platform)) {
        if (!r->IsNote()) failing.push_back(r);
    }
    if (failing.empty()) throw std::invalid_argument("no failing rules for operator '" + std::string(op) + "'");
    // A rule may not be able to bend a particular valid case (e.g. a cross-rank rule with one
    // rank); draw again, and fall back to the first rule (a null pointer), which always applies.
    for (int attempt = 0; attempt < 16; ++attempt) {
        harness::Case valid = GenerateValid(op, platform, choices, limits);
        const Rule *rule = choices.Pick(failing);
        if (auto bad = rule->Violate(valid, choices)) return {std::move(*bad), rule->id};
    }
    harness::Case valid = GenerateValid(op, platform, choices, limits);
    auto bad = failing.front()->Violate(valid, choices);
    if (!bad) throw std::logic_error("rule " + failing.front()->id + " cannot violate a valid case");
    return {std::move(*bad), failing.front()->id};
}

std::vector<const Rule *> Tolerances(std::string_view op, harness::Platform platform) {
    std::vector<const Rule *> notes;
    for (const Rule *r : RulesFor(op, platform)) {
        // A tolerance that only admits an early refusal (a2av.param.rank_size_devices) has no
        // case of its own (spec/all_to_all_vv2/rules.cc says why).
        if (r->IsNote() && !r->may_refuse_early) notes.push_back(r);
    }
    return notes;
}

std::optional<harness::Case> BendByTolerance(std::string_view op, harness::Platform platform,
                                             const harness::Case &valid, Choices &choices) {
    const std::vector<const Rule *> notes = Tolerances(op, platform);
    if (notes.empty()) return std::nullopt;
    return choices.Pick(notes)->Violate(valid, choices);
}

std::optional<harness::Case> GenerateTypical(std::string_view op, harness::Platform platform, Choices &choices) {
    const OpFamily *f = FindFamily(op);
    if (!f || !f->generate_typical) return std::nullopt;
    auto c = f->generate_typical(op, platform, choices);
    if (c) c->Normalize();
    return c;
}

}  // namespace mc2::spec
