// spec/rule.cc — Rule helpers (rule.h).
#include "spec/rule.h"

#include <algorithm>
#include <utility>

namespace mc2::spec {

const char *StageName(Stage stage) {
    switch (stage) {
        case Stage::kNull: return "null";
        case Stage::kDtype: return "dtype";
        case Stage::kAttr: return "attr";
        case Stage::kFormat: return "format";
        case Stage::kShape: return "shape";
        case Stage::kInnerNull: return "inner-null";
        case Stage::kEmpty: return "empty";
        case Stage::kTiling: return "tiling";
        case Stage::kRuntime: return "runtime";
        case Stage::kCrossRank: return "cross-rank";
    }
    return "?";
}

std::optional<harness::Case> Rule::Violate(const harness::Case &valid, Choices &choices) const {
    if (!violate) return std::nullopt;
    auto out = violate(valid, choices);
    if (out) out->Normalize();
    return out;
}

bool Rule::AppliesTo(const std::string &op, harness::Platform platform) const {
    return std::find(ops.begin(), ops.end(), op) != ops.end() &&
           std::find(platforms.begin(), platforms.end(), platform) != platforms.end();
}

Expectation Rule::ToExpectation() const {
    Expectation e;
    e.outcome = outcome;
    e.status = status;
    e.also_accepted = also_accepted;
    e.inner_error_accepted = inner_error_accepted;
    e.rule_id = id;
    e.reason = text;
    e.level = level;
    return e;
}

std::string Rule::ExpectedText() const {
    std::string s;
    switch (outcome) {
        case Outcome::kSuccess: s = "success"; break;
        case Outcome::kStatus: s = std::to_string(status); break;
        case Outcome::kInnerError: s = "inner (561xxx)"; break;
        case Outcome::kRuntimeError: s = "runtime error"; break;
        case Outcome::kUndefined: s = "undefined"; break;
    }
    for (int32_t code : also_accepted) s += " | " + std::to_string(code);
    if (inner_error_accepted) s += outcome == Outcome::kSuccess ? " (inner refusal tolerated)" : " | inner (561xxx)";
    if (may_refuse_early) s += " (may refuse early)";
    if (success_admitted) s += " | success";
    return s;
}

void AddRule(std::vector<Rule> &table, std::string id, const RuleOptions &options, const Code &code,
             std::string text, std::string citation, RulePredicate violated, RuleViolator violate) {
    Rule r;
    r.id = std::move(id);
    r.ops = options.ops;
    r.platforms = options.platforms;
    r.stage = options.stage;
    r.layer = options.layer;
    r.scope = options.scope;
    r.outcome = code.outcome;
    r.status = code.status;
    r.also_accepted = code.also_accepted;
    r.inner_error_accepted = code.inner_error_accepted;
    r.text = std::move(text);
    r.citation = std::move(citation);
    r.violated = std::move(violated);
    r.short_cut = options.short_cut;
    r.violate = std::move(violate);
    table.push_back(std::move(r));
}

void AssignLevels(std::vector<Rule> &rules, const std::vector<LevelEntry> &table) {
    for (Rule &r : rules) {
        for (const LevelEntry &e : table) {
            if (r.id.rfind(e.prefix, 0) != 0) continue;
            r.level = e.level;
            r.text += std::string(" Level: ") + LevelName(e.level) + " (" + e.why + ").";
            break;
        }
    }
}

}  // namespace mc2::spec
