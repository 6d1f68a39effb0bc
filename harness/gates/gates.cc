// harness/gates/gates.cc — the gate builders (gates.h).
#include "harness/gates/gates.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "harness/dtype_names.h"
#include "harness/signatures.h"
#include "spec/catalogue.h"
#include "harness/enum_names.h"
#include "spec/choices.h"

namespace mc2::harness::gates {
namespace {

constexpr EnumNames<Gate, 3> kGateNames{{{
    {Gate::kQuick, "quick"},
    {Gate::kFull, "full"},
    {Gate::kGpt3, "gpt3"},
}}};

constexpr EnumNames<CaseKind, 5> kKindNames{{{
    {CaseKind::kValid, "valid"},
    {CaseKind::kInvalid, "invalid"},
    {CaseKind::kEdge, "edge"},
    {CaseKind::kTypical, "typical"},
    {CaseKind::kSingle, "single"},
}}};

// A stable 64-bit mix (FNV-1a, then splitmix64's finaliser): std::hash may differ between
// standard libraries, and the seed of every section is part of the gate's contract.
uint64_t SectionSeed(uint64_t seed, std::string_view op, Platform platform, std::string_view section) {
    uint64_t h = 1469598103934665603ull ^ seed;
    auto mix = [&h](std::string_view s) {
        for (unsigned char ch : s) {
            h ^= ch;
            h *= 1099511628211ull;
        }
        h ^= 0xff;
        h *= 1099511628211ull;
    };
    mix(op);
    mix(PlatformName(platform));
    mix(section);
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

std::string Where(std::string_view op, Platform platform) {
    return std::string(op) + " on " + PlatformName(platform);
}

// Valid cases: draw until every (dtype, world) combination the generator produced has
// `per_combination` cases. The combinations are discovered, not listed, so a new dtype row or
// world size in a spec table enters the gate without touching this file; valid_draws is far
// above the coupon-collector expectation for the tables' sizes.
void AddValid(std::vector<GateCase> &out, std::string_view op, Platform platform, const GateConfig &cfg,
              uint64_t seed) {
    spec::SeededChoices ch(SectionSeed(seed, op, platform, "valid"));
    std::map<std::pair<int, std::string>, std::vector<Case>> buckets;  // (world, dtype) -> cases
    const spec::OpFamily *family = spec::FindFamily(op);
    const int per_bucket = family != nullptr && family->gate_valid_per_combination > 0
                               ? std::min(family->gate_valid_per_combination, cfg.cases_per_combination)
                               : cfg.cases_per_combination;
    for (int draw = 0; draw < cfg.valid_draws; ++draw) {
        Case c = spec::GenerateValid(op, platform, ch, cfg.valid_limits);
        auto &bucket = buckets[{c.world, DtypeLabel(c)}];
        if (static_cast<int>(bucket.size()) < per_bucket) bucket.push_back(std::move(c));
    }
    // One case of every (world, dtype) bucket in turn, so a prefix of the gate reaches every world
    // size (a fault that needs two ranks shows in the first cases, not after all world-1 ones).
    for (size_t i = 0;; ++i) {
        bool any = false;
        for (auto &[key, cases] : buckets) {
            if (i >= cases.size()) continue;
            out.push_back({std::move(cases[i]), CaseKind::kValid, "", ""});
            any = true;
        }
        if (!any) break;
    }
}

// The family's own additions (OpFamily::gate_extras), after its drawn cases of each kind.
void AddExtras(std::vector<GateCase> &out, std::string_view op, Platform platform, const GateConfig &cfg,
               uint64_t seed, bool valid) {
    const spec::OpFamily *family = spec::FindFamily(op);
    if (family == nullptr || family->gate_extras == nullptr) return;
    spec::SeededChoices ch(SectionSeed(seed, op, platform, "extras"));
    for (spec::GateExtra &e : family->gate_extras(op, platform, ch, cfg.valid_limits)) {
        if (e.rule_id.empty() != valid) continue;
        out.push_back({std::move(e.value), valid ? CaseKind::kValid : CaseKind::kInvalid, e.rule_id, ""});
    }
}

// Invalid cases: GenerateInvalid until every failing rule of the catalogue that applies to this
// op × platform (and that its family gates on this op, OpFamily::gate_rule_on) has been produced
// `per_rule` times. A rule that never comes out is a hole in the conformance claim, so it stops
// the gate instead of being skipped.
void AddInvalid(std::vector<GateCase> &out, std::string_view op, Platform platform, const GateConfig &cfg,
                uint64_t seed) {
    const spec::OpFamily *family = spec::FindFamily(op);
    std::vector<std::string> ids;
    for (const spec::Rule *r : spec::RulesFor(op, platform)) {
        if (r->IsNote()) continue;
        if (family != nullptr && family->gate_rule_on != nullptr && !family->gate_rule_on(op, *r)) continue;
        ids.push_back(r->id);
    }
    if (ids.empty()) return;
    const int per_rule = family != nullptr && family->gate_cases_per_rule > 0
                             ? std::min(family->gate_cases_per_rule, cfg.cases_per_rule)
                             : cfg.cases_per_rule;
    std::map<std::string, std::vector<Case>> hits;
    size_t complete = 0;
    spec::SeededChoices ch(SectionSeed(seed, op, platform, "invalid"));
    const int max_draws = 400 * static_cast<int>(ids.size()) * per_rule;
    for (int draw = 0; draw < max_draws && complete < ids.size(); ++draw) {
        spec::InvalidCase bad = spec::GenerateInvalid(op, platform, ch, cfg.invalid_limits);
        auto &list = hits[bad.rule_id];
        if (static_cast<int>(list.size()) >= per_rule) continue;
        list.push_back(std::move(bad.value));
        if (static_cast<int>(list.size()) == per_rule &&
            std::find(ids.begin(), ids.end(), bad.rule_id) != ids.end()) {
            ++complete;
        }
    }
    for (const std::string &id : ids) {
        auto it = hits.find(id);
        if (it == hits.end() || static_cast<int>(it->second.size()) < per_rule) {
            throw std::runtime_error("gate: rule " + id + " of " + Where(op, platform) +
                                     " was not produced by spec::GenerateInvalid in " + std::to_string(max_draws) +
                                     " draws (its violate() never succeeds?)");
        }
        for (Case &c : it->second) out.push_back({std::move(c), CaseKind::kInvalid, id, ""});
    }
}

// Draws valid cases until `count` satisfy `pick` (after `bend`, when given); returns fewer when
// the generator does not produce such cases within the draw budget.
std::vector<Case> DrawWhere(std::string_view op, Platform platform, spec::Choices &ch, const spec::Limits &limits,
                            int count, const std::function<bool(const Case &)> &pick,
                            const std::function<std::optional<Case>(const Case &)> &bend = nullptr) {
    std::vector<Case> found;
    for (int draw = 0; draw < 4000 && static_cast<int>(found.size()) < count; ++draw) {
        Case c = spec::GenerateValid(op, platform, ch, limits);
        if (!pick(c)) continue;
        if (!bend) {
            found.push_back(std::move(c));
        } else if (auto bent = bend(c)) {
            found.push_back(std::move(*bent));
        }
    }
    return found;
}

bool HasParam(std::string_view op, const char *name) {
    const OpSignature *sig = FindSignature(op);
    return sig != nullptr && sig->Find(name) != nullptr;
}

// Edge cases: the documented tolerances (note rules such as k = 0 and commTurn > 0), layouts
// the generators produce only now and then, and cross-rank failures at the smallest and the
// largest world the gate allows.
void AddEdges(std::vector<GateCase> &out, std::string_view op, Platform platform, const GateConfig &cfg,
              uint64_t seed) {
    spec::SeededChoices ch(SectionSeed(seed, op, platform, "edge"));
    const spec::Limits &limits = cfg.valid_limits;
    const int n = cfg.cases_per_edge;
    auto add = [&](std::vector<Case> cases, const std::string &rule, const std::string &note, bool required) {
        if (required && static_cast<int>(cases.size()) < n) {
            throw std::runtime_error("gate: edge case '" + note + "' of " + Where(op, platform) +
                                     " could not be generated");
        }
        for (Case &c : cases) out.push_back({std::move(c), CaseKind::kEdge, rule, note});
    };
    const auto any = [](const Case &) { return true; };

    for (const spec::Rule *r : spec::Tolerances(op, platform)) {
        auto bend = [&](const Case &c) { return r->Violate(c, ch); };
        add(DrawWhere(op, platform, ch, limits, n, any, bend), r->id, "documented tolerance", true);
    }
    // Layout selectors for the matmul families (operators without x1/x2 skip them).
    if (HasParam(op, "x1")) {
        add(DrawWhere(op, platform, ch, limits, n,
                      [](const Case &c) {
                          const TensorSpec *x1 = c.Tensor(0, "x1");
                          return x1 != nullptr && x1->shape.size() == 3;
                      }),
            "", "3-D x1", false);  // not every operator has one (AllGatherMatmul's x1 is 2-D only)
    }
    if (HasParam(op, "x2")) {
        add(DrawWhere(op, platform, ch, limits, n,
                      [](const Case &c) {
                          const TensorSpec *x2 = c.Tensor(0, "x2");
                          return x2 != nullptr && !x2->strides.empty();  // normalised: non-contiguous
                      }),
            "", "transposed x2", true);
    }
    add(DrawWhere(op, platform, ch, limits, n, [](const Case &c) { return c.world > 1 && !c.overrides.empty(); }),
        "", "ranks pass different shapes", false);
    add(DrawWhere(op, platform, ch, limits, n, [](const Case &c) { return c.world >= 4 && c.schedule != 0; }), "",
        "rank schedule with a straggler", false);

    // Cross-rank failures: one rank refuses, the others must fail in bounded time.
    int smallest = 0, largest = 0;
    {
        spec::SeededChoices probe(SectionSeed(seed, op, platform, "worlds"));
        std::set<int> worlds;
        for (int i = 0; i < 400; ++i) worlds.insert(spec::GenerateValid(op, platform, probe, limits).world);
        worlds.erase(1);
        if (!worlds.empty()) {
            smallest = *worlds.begin();
            largest = *worlds.rbegin();
        }
    }
    for (const spec::Rule *r : spec::RulesFor(op, platform)) {
        if (r->IsNote() || r->stage != spec::Stage::kCrossRank || smallest == 0) continue;
        for (int world : std::set<int>{smallest, largest}) {
            auto bend = [&](const Case &c) { return r->Violate(c, ch); };
            // One case per rule and world: a peer failure costs the peers' HCCL timeout.
            auto found = DrawWhere(op, platform, ch, limits, 1, [world](const Case &c) { return c.world == world; }, bend);
            if (found.empty()) {
                throw std::runtime_error("gate: cross-rank rule " + r->id + " of " + Where(op, platform) +
                                         " could not bend a world-" + std::to_string(world) + " case");
            }
            // The case's own world: a rule may need more ranks than drawn (a2av.xrank.domain_contested
            // grows a world of 2 to 3).
            const int bent_world = found.front().world;
            out.push_back({std::move(found.front()), CaseKind::kEdge, r->id,
                           "cross-rank failure at world " + std::to_string(bent_world)});
        }
    }
}

void AddTypical(std::vector<GateCase> &out, std::string_view op, Platform platform, const GateConfig &cfg,
                uint64_t seed) {
    spec::SeededChoices ch(SectionSeed(seed, op, platform, "typical"));
    for (int i = 0; i < cfg.typical_cases; ++i) {
        std::optional<Case> c = spec::GenerateTypical(op, platform, ch);
        if (!c) return;  // the operator documents no typical workload
        out.push_back({std::move(*c), CaseKind::kTypical, "", ""});
    }
}

}  // namespace

std::string GateName(Gate gate) { return std::string(kGateNames.Name(gate)); }
std::optional<Gate> ParseGate(std::string_view name) { return kGateNames.Parse(name); }
std::string KindName(CaseKind kind) { return std::string(kKindNames.Name(kind)); }
std::optional<CaseKind> ParseKind(std::string_view name) { return kKindNames.Parse(name); }

GateConfig ConfigFor(Gate gate) {
    GateConfig cfg;
    switch (gate) {
        case Gate::kQuick:
            // Sized so the whole gate runs in about three minutes with --jobs 2 on 2 busy cores
            // (measured: see README.md). Most cases take 0.1 s; a cross-rank peer failure takes
            // HCCL_EXEC_TIMEOUT (5 s), which is why those edges are drawn once only.
            cfg.valid_limits = spec::Limits{};  // m ≤ 64, k ≤ 256, n ≤ 128, world ≤ 8
            cfg.invalid_limits = spec::Limits{32, 64, 32, 8};
            cfg.cases_per_combination = 8;
            cfg.cases_per_rule = 2;
            cfg.cases_per_edge = 2;
            cfg.valid_draws = 600;
            cfg.default_timeout_s = 60;
            break;
        case Gate::kFull:
            cfg.valid_limits = spec::Limits{512, 4096, 256, 16};
            cfg.invalid_limits = spec::Limits{64, 256, 128, 16};
            cfg.cases_per_combination = 10;
            cfg.cases_per_rule = 3;
            cfg.cases_per_edge = 3;
            cfg.valid_draws = 1200;
            cfg.default_timeout_s = 300;
            break;
        case Gate::kGpt3:
            cfg.typical_cases = 6;
            cfg.default_timeout_s = 3600;
            break;
    }
    return cfg;
}

std::vector<GateCase> BuildGate(Gate gate, uint64_t seed, const GateFilter &filter) {
    const GateConfig cfg = ConfigFor(gate);
    std::vector<std::string> ops = spec::GeneratableOps();
    if (!filter.op.empty()) {
        if (std::find(ops.begin(), ops.end(), filter.op) == ops.end()) {
            throw std::invalid_argument("no generator for operator '" + filter.op + "'");
        }
        ops = {filter.op};
    }
    // One list per (operator, platform), each in its own order (valid, invalid, edges), then
    // interleaved one case at a time: any prefix of the gate (--limit N, the sanitizer slices)
    // reaches every operator and platform, valid cases first. The descriptors do not depend on
    // the order (every section draws from its own seed).
    std::vector<std::vector<GateCase>> lists;
    for (const std::string &op : ops) {
        for (Platform platform : {Platform::kAtlasA2, Platform::kAscend950}) {
            lists.emplace_back();
            std::vector<GateCase> &out = lists.back();
            if (std::find(filter.platforms.begin(), filter.platforms.end(), platform) == filter.platforms.end()) {
                continue;
            }
            if (const spec::OpFamily *family = spec::FindFamily(op);
                family != nullptr && !family->gate_platforms.empty() &&
                std::find(family->gate_platforms.begin(), family->gate_platforms.end(), platform) ==
                    family->gate_platforms.end()) {
                continue;
            }
            if (gate == Gate::kGpt3) {
                AddTypical(out, op, platform, cfg, seed);
                continue;
            }
            AddValid(out, op, platform, cfg, seed);
            AddExtras(out, op, platform, cfg, seed, true);
            AddInvalid(out, op, platform, cfg, seed);
            AddExtras(out, op, platform, cfg, seed, false);
            AddEdges(out, op, platform, cfg, seed);
        }
    }
    std::vector<GateCase> out;
    for (size_t i = 0;; ++i) {
        bool any = false;
        for (std::vector<GateCase> &list : lists) {
            if (i >= list.size()) continue;
            out.push_back(std::move(list[i]));
            any = true;
        }
        if (!any) break;
    }
    return out;
}

std::string DtypeLabel(const Case &c) {
    if (const spec::OpFamily *family = spec::FindFamily(c.op); family != nullptr && family->gate_label != nullptr) {
        return family->gate_label(c);
    }
    std::vector<std::string> names;
    const OpSignature *sig = FindSignature(c.op);
    if (sig != nullptr) {
        for (const ParamDecl &p : sig->params) {
            if (p.kind != ParamKind::kTensor) continue;
            if (const TensorSpec *t = c.Tensor(0, p.name)) {
                std::string name = DtypeName(t->dtype);
                if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
            }
        }
    }
    std::string label;
    for (const std::string &name : names) label += (label.empty() ? "" : ":") + name;
    return label.empty() ? "none" : label;
}

std::string GroupLabel(const Case &c) {
    return c.op + "." + PlatformName(c.platform) + "." + DtypeLabel(c) + ".w" + std::to_string(c.world);
}

}  // namespace mc2::harness::gates
