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

std::optional<Case> EditEach(const FamilyTraits &f, const Case &valid,
                             const std::function<bool(int, ParamMap &)> &edit) {
    return f.edit_each_rank ? f.edit_each_rank(valid, edit) : EditEachRank(valid, edit);
}

void AddNullTensors(std::vector<Rule> &t, const CommonRules &c) {
    for (const std::string &name : c.null_tensors->names) {
        AddRule(
            t, c.family.prefix + ".null." + name, {.ops = c.family.ops, .stage = Stage::kNull}, kNullptr,
            name + " must not be a null pointer" + c.null_tensors->note + ".", c.null_tensors->citation,
            [name](const Case &k, int r) { return k.Tensor(r, name) == nullptr; },
            [name](const Case &valid, Choices &) { return SetOnEveryRank(valid, name, harness::Null{}); });
    }
}

void AddNullReduceOp(std::vector<Rule> &t, const CommonRules &c) {
    AddRule(
        t, Id(c, "null.reduce_op"), {.ops = c.family.ops, .stage = Stage::kNull}, kNullptr, c.null_reduce_op->text,
        c.null_reduce_op->citation,
        [](const Case &k, int r) { return std::holds_alternative<harness::Null>(k.Get(r, "reduce_op")); },
        [](const Case &valid, Choices &) { return SetOnEveryRank(valid, "reduce_op", harness::Null{}); });
}

void AddReduceOp(std::vector<Rule> &t, const CommonRules &c) {
    AddRule(
        t, Id(c, "attr.reduce_op"), {.ops = c.family.ops, .stage = Stage::kAttr}, kInvalid, c.reduce_op->words.text,
        c.reduce_op->words.citation,
        [](const Case &k, int r) {
            const harness::Value &v = k.Get(r, "reduce_op");
            if (std::holds_alternative<harness::Null>(v)) return false;  // <prefix>.null.reduce_op
            const auto *s = std::get_if<std::string>(&v);
            return !s || *s != "sum";
        },
        [bad = c.reduce_op->bad](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "reduce_op", ch.Pick(bad));
        });
}

void AddStreamMode(std::vector<Rule> &t, const CommonRules &c) {
    AddRule(
        t, Id(c, "attr.stream_mode"), {.ops = c.family.ops, .stage = Stage::kAttr}, kInvalid,
        c.stream_mode->words.text, c.stream_mode->words.citation,
        [](const Case &k, int r) { return IntOr(k, r, "stream_mode", 0) != 1; },
        [bad = c.stream_mode->bad](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "stream_mode", ch.Pick(bad));
        });
}

void AddCommTurnNegative(std::vector<Rule> &t, const CommonRules &c) {
    // The documents allow 0 only and the vendor's tiling refuses the rest (inner error); a
    // library that splits the communication by commTurn refuses a negative count (161002).
    AddRule(
        t, Id(c, "attr.comm_turn_negative"), {.ops = c.family.ops, .stage = Stage::kAttr},
        Code{Outcome::kStatus, 161002, {}, true}, c.comm_turn_negative->text, c.comm_turn_negative->citation,
        [](const Case &k, int r) { return IntOr(k, r, "comm_turn", 0) < 0; },
        [](const Case &valid, Choices &ch) { return SetOnEveryRank(valid, "comm_turn", -ch.Int(1, 16)); });
}

void AddX1Contiguous(std::vector<Rule> &t, const CommonRules &c) {
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "shape.x1_contiguous"), {.ops = f.ops, .stage = Stage::kShape}, kInvalid, c.x1_contiguous->text,
        c.x1_contiguous->citation,
        [](const Case &k, int r) {
            const harness::TensorSpec *x1 = k.Tensor(r, "x1");
            return x1 && !Dense(*x1);
        },
        [f](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 8);
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
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "shape.storage"), {.ops = f.ops, .stage = Stage::kShape}, kInvalid, c.storage->words.text,
        c.storage->words.citation,
        [tensors = c.storage->tensors](const Case &k, int r) {
            for (const std::string &name : tensors) {
                const harness::TensorSpec *x = k.Tensor(r, name);
                if (x && x->NumElements() > 0 && StorageElements(*x) < x->StorageElementsNeeded()) return true;
            }
            return false;
        },
        [f, bent = c.storage->bent](const Case &valid, Choices &ch) {
            const std::string name = ch.Pick(bent);
            return EditEach(f, valid, [&](int, ParamMap &p) {
                harness::TensorSpec *x = TensorIn(p, name);
                if (!x) return false;
                const int64_t needed = x->StorageElementsNeeded();
                if (needed < 1) return false;
                x->storage_shape = {needed - 1};  // one element short
                return true;
            });
        });
}

void AddGroupNull(std::vector<Rule> &t, const CommonRules &c) {
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "inner.group_null"), {.ops = f.ops, .stage = Stage::kInnerNull, .layer = Layer::kTiling}, kNullptr,
        c.group_null->text, c.group_null->citation,
        [f](const Case &k, int r) {
            return !ShortCut(f, k, r) && std::holds_alternative<harness::Null>(k.Get(r, "group"));
        },
        [f](const Case &valid, Choices &) { return SetOnEveryRank(Reach(f, valid), "group", harness::Null{}); });
}

void AddWorldSize(std::vector<Rule> &t, const CommonRules &c, const WorldSize &w, Platform platform, const char *id) {
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, id), {.ops = f.ops, .platforms = {platform}, .stage = Stage::kTiling, .layer = Layer::kTiling},
        kInner, w.words.text, w.words.citation,
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
    AddRule(
        t, Id(c, "tiling.comm_turn_positive"), {.ops = c.family.ops, .stage = Stage::kTiling, .layer = Layer::kTiling},
        Code{Outcome::kSuccess, 0, {}, true}, c.comm_turn_positive->words.text, c.comm_turn_positive->words.citation,
        [](const Case &k, int r) { return IntOr(k, r, "comm_turn", 0) > 0; },
        [max = c.comm_turn_positive->max](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "comm_turn", ch.Int(1, max));
        });
}

void AddUnknownGroup(std::vector<Rule> &t, const CommonRules &c) {
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "runtime.unknown_group"), {.ops = f.ops, .stage = Stage::kRuntime, .layer = Layer::kRuntime},
        c.unknown_group->code, c.unknown_group->words.text, c.unknown_group->words.citation,
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
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "xrank.peer_failed"), CrossRank(f), Code{Outcome::kRuntimeError, 0, {}, false},
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
    const FamilyTraits f = c.family;
    AddRule(
        t, Id(c, "xrank.mismatch"), CrossRank(f), Code{Outcome::kRuntimeError, 0, {}, false},
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
                AddWorldSize(t, c, *c.world_size_a2, Platform::kAtlasA2, "tiling.world_size_a2");
                break;
            case Which::kWorldSize950:
                AddWorldSize(t, c, *c.world_size_950, Platform::kAscend950, "tiling.world_size_950");
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

}  // namespace mc2::spec::common
