// tests/spec/rule_table_dump.cc — a family's rule table as text (rule_table_dump.h).
#include "tests/spec/rule_table_dump.h"

#include <cstdio>

#include "spec/case_edit.h"
#include "spec/expectation.h"

namespace mc2::spec::testing {
namespace {

using harness::Platform;

const char *LayerText(Layer layer) {
    switch (layer) {
        case Layer::kOpApi: return "op_api";
        case Layer::kTiling: return "tiling";
        case Layer::kRuntime: return "runtime";
    }
    return "?";
}

std::string AnswerText(const Answer &a) {
    std::string s = std::string(OutcomeName(a.outcome)) + ":" + std::to_string(a.status);
    for (int32_t code : a.also_accepted) s += "|" + std::to_string(code);
    if (a.inner_error_accepted) s += "+inner";
    if (a.writes_nothing) s += "+nothing";
    return s + " [" + a.rule_id + " " + LevelName(a.level) + "]";
}

std::string ExpectationText(const Expectation &e) {
    std::string s;
    for (const Answer *a : e.All()) s += (s.empty() ? "" : " || ") + AnswerText(*a);
    return s;
}

void DumpRule(const Rule &r, std::string &out) {
    out += "rule " + r.id + "\n  ops:";
    for (const auto &op : r.ops) out += " " + op;
    out += "\n  platforms:";
    for (Platform p : r.platforms) out += " " + harness::PlatformName(p);
    out += std::string("\n  stage ") + StageName(r.stage) + ", layer " + LayerText(r.layer) + ", scope " +
           (r.scope == Scope::kRank ? "rank" : "cross-rank") + ", level " + LevelName(r.level) + "\n";
    out += "  expected: " + r.ExpectedText() + (r.writes_nothing ? " (writes nothing)" : "") + "\n";
    out += "  text: " + r.text + "\n  citation: " + r.citation + "\n";
}

void DumpCase(const harness::Case &c, std::string &out) {
    out += "    " + c.ToString() + "\n";
    for (int r = 0; r < c.world; ++r) {
        out += "      rank " + std::to_string(r) + " strict " + ExpectationText(Expect(c, r)) + "\n";
        out += "      rank " + std::to_string(r) + " vendor " + ExpectationText(Expect(c, r, Profile::kVendor)) + "\n";
    }
}

}  // namespace

std::string DumpRuleTable(const OpFamily &family, uint64_t seeds) {
    std::string out = "family " + family.name + "\n";
    for (const Rule &r : *family.rules) DumpRule(r, out);
    for (const auto &op : family.ops) {
        for (Platform platform : {Platform::kAtlasA2, Platform::kAscend950}) {
            const auto rules = RulesFor(op, platform);
            for (uint64_t seed = 1; seed <= seeds; ++seed) {
                SeededChoices gen(seed);
                const harness::Case valid = GenerateValid(op, platform, gen);
                out += "valid " + op + " " + harness::PlatformName(platform) + " seed " + std::to_string(seed) + "\n";
                DumpCase(valid, out);
                for (const Rule *rule : rules) {
                    // Seeded by the rule's id, not its place: a rule added to a table changes no
                    // other rule's violations.
                    SeededChoices ch(seed ^ std::stoull(Digest(rule->id), nullptr, 16));
                    const auto bad = rule->Violate(valid, ch);
                    out += "  violate " + rule->id + (bad ? "\n" : ": none\n");
                    if (bad) DumpCase(*bad, out);
                }
            }
        }
    }
    return out;
}

std::string Digest(const std::string &text) {
    uint64_t h = 14695981039346656037ULL;
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace mc2::spec::testing
