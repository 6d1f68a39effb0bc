// spec/common/common_rules.cc — the emitters of the common rules (common_rules.h).
#include "spec/common/common_rules.h"

#include <algorithm>
#include <stdexcept>

#include "spec/case_edit.h"
#include "spec/catalogue.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::common {
namespace {

using harness::Case;
using harness::Platform;

// Whether the family's short-cut exempts rank r from the rules after it.
bool ShortCut(const FamilyTraits &f, const Case &c, int r) { return f.short_cut && f.short_cut(c, r); }

Case Reach(const FamilyTraits &f, const Case &valid) { return f.reach ? f.reach(valid) : valid; }

std::string Id(const CommonRules &c, const char *rest) { return c.family.prefix + "." + rest; }

// A family's placement of rule `w`, or null where the rule stands at its usual place.
const Placement *PlacementOf(const CommonRules &c, Which w) {
    const auto it = c.placements.find(w);
    return it == c.placements.end() ? nullptr : &it->second;
}

// Where the family checks rule `w` after its short-cut, a short-cut rank is exempt (Rule::short_cut).
RuleOptions Placed(const CommonRules &c, Which w, RuleOptions usual) {
    const Placement *p = PlacementOf(c, w);
    if (p && p->stage) usual.stage = *p->stage;
    if (p && p->after_short_cut && c.family.short_cut) usual.short_cut = c.family.short_cut;
    return usual;
}

Code CodeOf(const CommonRules &c, Which w, const Code &usual) {
    const Placement *p = PlacementOf(c, w);
    return p && p->code ? *p->code : usual;
}

std::optional<Case> EditEach(const FamilyTraits &f, const Case &valid,
                             const std::function<bool(int, ParamMap &)> &edit) {
    return f.edit_each_rank ? f.edit_each_rank(valid, edit) : EditEachRank(valid, edit);
}

void AddNullTensor(std::vector<Rule> &t, const CommonRules &c, const std::string &name,
                   const std::vector<std::string> &ops, const Words &words) {
    constexpr Which kW = Which::kNullTensors;
    AddRule(
        t, c.family.prefix + ".null." + name, Placed(c, kW, {.ops = ops, .stage = Stage::kNull}),
        CodeOf(c, kW, kNullptr), words.text, words.citation,
        [name](const Case &k, int r) { return k.Tensor(r, name) == nullptr; },
        [name](const Case &valid, Choices &) { return SetOnEveryRank(valid, name, harness::Null{}); });
}

void AddNullTensors(std::vector<Rule> &t, const CommonRules &c) {
    const NullTensors &n = *c.null_tensors;
    for (const std::string &name : n.names) {
        AddNullTensor(t, c, name, c.family.ops, {name + " must not be a null pointer" + n.note + ".", n.citation});
    }
    for (const VariantNullTensor &v : n.variants) AddNullTensor(t, c, v.name, v.ops, v.words);
}

void AddNullReduceOp(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kNullReduceOp;
    AddRule(
        t, Id(c, "null.reduce_op"), Placed(c, kW, {.ops = c.family.ops, .stage = Stage::kNull}),
        CodeOf(c, kW, kNullptr), c.null_reduce_op->text, c.null_reduce_op->citation,
        [](const Case &k, int r) { return std::holds_alternative<harness::Null>(k.Get(r, "reduce_op")); },
        [](const Case &valid, Choices &) { return SetOnEveryRank(valid, "reduce_op", harness::Null{}); });
}

bool StartsWithSum(const std::string &s) { return s.size() >= 3 && s.compare(0, 3, "sum") == 0; }

void AddReduceOp(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kReduceOp;
    const RuleOptions options = Placed(c, kW, {.ops = c.family.ops, .stage = Stage::kAttr});
    const Code code = CodeOf(c, kW, kInvalid);
    const bool prefix = c.reduce_op->prefix.has_value();
    AddRule(
        t, Id(c, "attr.reduce_op"), options, code, c.reduce_op->words.text, c.reduce_op->words.citation,
        [prefix](const Case &k, int r) {
            const harness::Value &v = k.Get(r, "reduce_op");
            if (std::holds_alternative<harness::Null>(v)) return false;  // <prefix>.null.reduce_op
            const auto *s = std::get_if<std::string>(&v);
            if (!s) return true;
            return prefix ? !StartsWithSum(*s) : *s != "sum";  // "sumX": <prefix>.attr.reduce_op_prefix
        },
        [bad = c.reduce_op->bad](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "reduce_op", ch.Pick(bad));
        });
    if (!prefix) return;
    const ReduceOpPrefix &p = *c.reduce_op->prefix;
    AddRule(
        t, Id(c, "attr.reduce_op_prefix"), options, code, p.words.text, p.words.citation,
        [](const Case &k, int r) {
            const auto *s = std::get_if<std::string>(&k.Get(r, "reduce_op"));
            return s && StartsWithSum(*s) && *s != "sum";
        },
        [bad = p.bad](const Case &valid, Choices &ch) { return SetOnEveryRank(valid, "reduce_op", ch.Pick(bad)); });
}

void AddStreamMode(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kStreamMode;
    AddRule(
        t, Id(c, "attr.stream_mode"), Placed(c, kW, {.ops = c.family.ops, .stage = Stage::kAttr}),
        CodeOf(c, kW, kInvalid), c.stream_mode->words.text, c.stream_mode->words.citation,
        [](const Case &k, int r) { return IntOr(k, r, "stream_mode", 0) != 1; },
        [bad = c.stream_mode->bad](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "stream_mode", ch.Pick(bad));
        });
}

void AddCommTurnNegative(std::vector<Rule> &t, const CommonRules &c) {
    // The documents allow 0 only and the vendor's tiling refuses the rest (inner error); a
    // library that splits the communication by commTurn refuses a negative count (161002).
    constexpr Which kW = Which::kCommTurnNegative;
    AddRule(
        t, Id(c, "attr.comm_turn_negative"), Placed(c, kW, {.ops = c.family.ops, .stage = Stage::kAttr}),
        CodeOf(c, kW, Code{Outcome::kStatus, 161002, {}, true}), c.comm_turn_negative->text,
        c.comm_turn_negative->citation, [](const Case &k, int r) { return IntOr(k, r, "comm_turn", 0) < 0; },
        [](const Case &valid, Choices &ch) { return SetOnEveryRank(valid, "comm_turn", -ch.Int(1, 16)); });
}

void AddX1Contiguous(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kX1Contiguous;
    const FamilyTraits f = c.family;
    const X1Contiguous &x = *c.x1_contiguous;
    AddRule(
        t, Id(c, "shape.x1_contiguous"), Placed(c, kW, {.ops = f.ops, .stage = Stage::kShape}), CodeOf(c, kW, kInvalid),
        x.words.text, x.words.citation,
        [](const Case &k, int r) {
            const harness::TensorSpec *x1 = k.Tensor(r, "x1");
            return x1 && !Dense(*x1);
        },
        [f, multiple = x.pad_multiple](const Case &valid, Choices &ch) {
            const int64_t pad = multiple * ch.Int(1, 8 / multiple);
            return EditEach(f, valid, [&](int, ParamMap &p) {
                harness::TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->NumElements() == 0 || x1->shape.size() < 2) return false;
                // Pad the stride of the outermost dim of size >= 2 (size-1 dims' strides do not count).
                std::vector<int64_t> s = harness::ContiguousStrides(x1->shape);
                for (size_t i = 0; i + 1 < x1->shape.size(); ++i) {
                    if (x1->shape[i] >= 2) {
                        s[i] += pad;
                        x1->strides = s;
                        return true;
                    }
                }
                return false;
            });
        });
}

void AddStorage(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kStorage;
    const FamilyTraits f = c.family;
    const Storage &s = *c.storage;
    AddRule(
        t, Id(c, "shape.storage"), Placed(c, kW, {.ops = f.ops, .stage = Stage::kShape}), CodeOf(c, kW, kInvalid),
        s.words.text, s.words.citation,
        [tensors = s.tensors](const Case &k, int r) {
            for (const std::string &name : tensors) {
                const harness::TensorSpec *x = k.Tensor(r, name);
                if (x && x->NumElements() > 0 && StorageElements(*x) < x->StorageElementsNeeded()) return true;
            }
            return false;
        },
        [f, bent = s.bent, short_by = s.short_by, min_left = s.min_left](const Case &valid, Choices &ch) {
            const std::string name = ch.Pick(bent);
            return EditEach(f, valid, [&](int, ParamMap &p) {
                harness::TensorSpec *x = TensorIn(p, name);
                if (!x) return false;
                const int64_t needed = x->StorageElementsNeeded();
                if (needed - short_by < min_left) return false;
                x->storage_shape = {needed - short_by};
                return true;
            });
        });
}

void AddGroupNull(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kGroupNull;
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "inner.group_null"), Placed(c, kW, {.ops = f.ops, .stage = Stage::kInnerNull, .layer = Layer::kTiling}),
        CodeOf(c, kW, kNullptr), c.group_null->text, c.group_null->citation,
        [f](const Case &k, int r) {
            return !ShortCut(f, k, r) && std::holds_alternative<harness::Null>(k.Get(r, "group"));
        },
        [f](const Case &valid, Choices &) { return SetOnEveryRank(Reach(f, valid), "group", harness::Null{}); });
}

void AddWorldSize(std::vector<Rule> &t, const CommonRules &c, Which which, const WorldSize &w, Platform platform,
                  const char *id) {
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, id),
        Placed(c, which, {.ops = f.ops, .platforms = {platform}, .stage = Stage::kTiling, .layer = Layer::kTiling}),
        CodeOf(c, which, kInner), w.words.text, w.words.citation,
        [f, platform](const Case &k, int r) {
            if (ShortCut(f, k, r)) return false;
            const std::vector<int> &ok = f.world_sizes(platform);
            return std::find(ok.begin(), ok.end(), k.world) == ok.end();
        },
        [f, bad = w.bad](const Case &valid, Choices &ch) -> std::optional<Case> {
            const Case reached = Reach(f, valid);
            const int world = static_cast<int>(ch.Pick(bad));
            if (f.resize_world) return f.resize_world(reached, world);
            Case out = reached;
            ResizeWorld(out, world);
            return out;
        });
}

void AddCommTurnPositive(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kCommTurnPositive;
    AddRule(
        t, Id(c, "tiling.comm_turn_positive"),
        Placed(c, kW, {.ops = c.family.ops, .stage = Stage::kTiling, .layer = Layer::kTiling}),
        CodeOf(c, kW, Code{Outcome::kSuccess, 0, {}, true}), c.comm_turn_positive->words.text,
        c.comm_turn_positive->words.citation,
        [](const Case &k, int r) { return IntOr(k, r, "comm_turn", 0) > 0; },
        [max = c.comm_turn_positive->max](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "comm_turn", ch.Int(1, max));
        });
}

void AddUnknownGroup(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kUnknownGroup;
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "runtime.unknown_group"),
        Placed(c, kW, {.ops = f.ops, .stage = Stage::kRuntime, .layer = Layer::kRuntime}),
        CodeOf(c, kW, c.unknown_group->code), c.unknown_group->words.text, c.unknown_group->words.citation,
        [f](const Case &k, int r) {
            return !ShortCut(f, k, r) && std::holds_alternative<std::string>(k.Get(r, "group"));
        },
        [f, names = c.unknown_group->names](const Case &valid, Choices &ch) {
            return SetOnEveryRank(Reach(f, valid), "group", ch.Pick(names));
        });
    // Where an implementation looks the name up is not documented: its 161002 is admitted beside
    // whatever earlier or later rule the case breaks (expectation.h).
    t.back().may_refuse_early = true;
}

const RuleOptions CrossRank(const FamilyTraits &f) {
    return {.ops = f.ops, .stage = Stage::kCrossRank, .layer = Layer::kRuntime, .scope = Scope::kCrossRank};
}

void AddPeerFailed(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kPeerFailed;
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "xrank.peer_failed"), Placed(c, kW, CrossRank(f)),
        CodeOf(c, kW, Code{Outcome::kRuntimeError, 0, {}, false}),
        c.peer_failed->words.text, c.peer_failed->words.citation,
        [f](const Case &k, int r) {
            if (ShortCut(f, k, r)) return false;
            for (int q = 0; q < k.world; ++q) {
                if (q == r) continue;
                // A failed peer, or one taking the short-cut, never joins the collective.
                if (OwnExpectation(k, q).outcome != Outcome::kSuccess || ShortCut(f, k, q)) return true;
            }
            return false;
        },
        [f, breaks = c.peer_failed->breaks](const Case &valid, Choices &ch) -> std::optional<Case> {
            Case out = Reach(f, valid);
            if (out.world < 2) return std::nullopt;
            const int r = static_cast<int>(ch.Int(0, out.world - 1));
            const auto &[name, value] = ch.Pick(breaks);
            out.SetForRank(r, name, value);
            return out;
        });
}

void AddMismatch(std::vector<Rule> &t, const CommonRules &c) {
    constexpr Which kW = Which::kMismatch;
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "xrank.mismatch"), Placed(c, kW, CrossRank(f)),
        CodeOf(c, kW, Code{Outcome::kRuntimeError, 0, {}, false}),
        c.mismatch->words.text, c.mismatch->words.citation,
        [f, key = c.mismatch->key](const Case &k, int r) {
            if (ShortCut(f, k, r)) return false;
            const std::vector<int64_t> mine = key(k, r);
            for (int q = 0; q < k.world; ++q) {
                if (q != r && key(k, q) != mine) return true;
            }
            return false;
        },
        c.mismatch->violate);
}

// Whether `c` declares rule `w`.
bool Declared(const CommonRules &c, Which w) {
    switch (w) {
        case Which::kNullTensors: return c.null_tensors.has_value();
        case Which::kNullReduceOp: return c.null_reduce_op.has_value();
        case Which::kReduceOp: return c.reduce_op.has_value();
        case Which::kStreamMode: return c.stream_mode.has_value();
        case Which::kCommTurnNegative: return c.comm_turn_negative.has_value();
        case Which::kX1Contiguous: return c.x1_contiguous.has_value();
        case Which::kStorage: return c.storage.has_value();
        case Which::kGroupNull: return c.group_null.has_value();
        case Which::kWorldSizeA2: return c.world_size_a2.has_value();
        case Which::kWorldSize950: return c.world_size_950.has_value();
        case Which::kCommTurnPositive: return c.comm_turn_positive.has_value();
        case Which::kUnknownGroup: return c.unknown_group.has_value();
        case Which::kPeerFailed: return c.peer_failed.has_value();
        case Which::kMismatch: return c.mismatch.has_value();
    }
    return false;
}

}  // namespace

void Add(std::vector<Rule> &t, const CommonRules &c, std::initializer_list<Which> which) {
    for (Which w : which) {
        if (!Declared(c, w)) {
            throw std::logic_error(c.family.prefix + ": common rule " + std::to_string(static_cast<int>(w)) +
                                   " (spec::common::Which) is added but not declared");
        }
        switch (w) {
            case Which::kNullTensors: AddNullTensors(t, c); break;
            case Which::kNullReduceOp: AddNullReduceOp(t, c); break;
            case Which::kReduceOp: AddReduceOp(t, c); break;
            case Which::kStreamMode: AddStreamMode(t, c); break;
            case Which::kCommTurnNegative: AddCommTurnNegative(t, c); break;
            case Which::kX1Contiguous: AddX1Contiguous(t, c); break;
            case Which::kStorage: AddStorage(t, c); break;
            case Which::kGroupNull: AddGroupNull(t, c); break;
            case Which::kWorldSizeA2:
                AddWorldSize(t, c, w, *c.world_size_a2, Platform::kAtlasA2, "tiling.world_size_a2");
                break;
            case Which::kWorldSize950:
                AddWorldSize(t, c, w, *c.world_size_950, Platform::kAscend950, "tiling.world_size_950");
                break;
            case Which::kCommTurnPositive: AddCommTurnPositive(t, c); break;
            case Which::kUnknownGroup: AddUnknownGroup(t, c); break;
            case Which::kPeerFailed: AddPeerFailed(t, c); break;
            case Which::kMismatch: AddMismatch(t, c); break;
        }
    }
}

std::vector<int64_t> AllReduceKey(const Case &c, int rank) {
    const harness::TensorSpec *out = c.Tensor(rank, "output");
    if (!out) return {};
    const bool scalar = out->shape.empty();
    return {scalar ? 1 : DimProduct(out->shape, 0, out->shape.size() - 1), scalar ? 1 : out->shape.back(), out->dtype,
            IntOr(c, rank, "comm_turn", 0)};
}

std::optional<Case> BumpCommTurn(const Case &valid, int victim, int64_t delta, const EachRankEditor &edit) {
    const auto bump = [&](int r, ParamMap &p) {
        if (r != victim) return false;
        const auto *turn = std::get_if<int64_t>(&p["comm_turn"]);
        p["comm_turn"] = (turn ? *turn : 0) + delta;
        return true;
    };
    return edit ? edit(valid, bump) : EditEachRank(valid, bump);
}

std::optional<Case> BendOneRank(const Case &valid, Choices &ch, int modes, const RankBender &bend,
                                const EachRankEditor &edit) {
    if (valid.world < 2) return std::nullopt;
    const int victim = static_cast<int>(ch.Int(0, valid.world - 1));
    const int mode = static_cast<int>(ch.Int(0, modes - 1));
    const int64_t delta = ch.Int(1, 8);
    if (mode == modes - 1) return BumpCommTurn(valid, victim, delta, edit);
    return bend(valid, victim, mode, delta);
}

}  // namespace mc2::spec::common
