// spec/common/quantised_matmul.cc — the quantised all-reduce families' shared pieces
// (quantised_matmul.h).
#include "spec/common/quantised_matmul.h"

#include <algorithm>
#include <utility>

#include "spec/case_edit.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::common {

using harness::Case;

bool NzWeight(const Case &c, int r) {
    const harness::TensorSpec *x2 = c.Tensor(r, "x2");
    return x2 && x2->format == ACL_FORMAT_FRACTAL_NZ && x2->StorageShape().size() == 4;
}

Case NdWeights(const Case &valid, const EachRankEditor &edit) {
    const auto to_nd = [](int, ParamMap &p) {
        harness::TensorSpec *x2 = TensorIn(p, "x2");
        if (!x2 || x2->format != ACL_FORMAT_FRACTAL_NZ) return false;
        x2->format = ACL_FORMAT_ND;
        x2->storage_shape.clear();
        x2->strides.clear();
        return true;
    };
    const std::optional<Case> c = edit ? edit(valid, to_nd) : EditEachRank(valid, to_nd);
    return c ? *c : valid;
}

void ApplyNzShortCut(std::vector<Rule> &t, const std::string &prefix, const std::vector<std::string> &skipped,
                     const EachRankEditor &edit) {
    const std::string nz_rules = prefix + ".nz.";
    for (Rule &rule : t) {
        if (std::find(skipped.begin(), skipped.end(), rule.id) != skipped.end()) {
            rule.violated = [f = rule.violated](const Case &c, int r) { return !NzWeight(c, r) && f(c, r); };
        }
        if (rule.id.rfind(nz_rules, 0) != 0) {
            rule.violate = [f = rule.violate, edit](const Case &valid, Choices &ch) {
                return f(NdWeights(valid, edit), ch);
            };
        }
    }
}

CommonRules QuantisedMatmulDefaults(FamilyTraits family) {
    CommonRules c;
    c.family = std::move(family);
    c.null_reduce_op = Words{
        "reduceOp must not be a null pointer. The vendor dereferences it (undefined behaviour); this suite requires a "
        "clean 161001 before anything else is checked.",
        ""};
    c.reduce_op = ReduceOpSum{{}, {"max", "min", "prod", "SUM", "sumX", ""}};
    c.stream_mode = StreamMode{{}, {0, 2, -1}};
    c.comm_turn_negative = Words{
        "commTurn must not be negative. The documents allow only 0 and the vendor's tiling refuses other values "
        "(inner error); this suite's implementation refuses a negative count as an invalid attribute (161002). "
        "Either answer conforms.",
        ""};
    c.x1_contiguous = X1Contiguous{{"x1 must be contiguous (strides of size-1 dims are ignored); the table marks "
                                    "non-contiguous x1 unsupported without an op_api check, this suite requires "
                                    "161002.",
                                    ""}};
    c.storage = Storage{{"Every present tensor's storage must cover the elements its view reaches; the vendor does "
                         "not check (out-of-bounds access), this suite requires 161002.",
                         "shared/spec-notes/ops.md §1.3; harness/case.h StorageElementsNeeded"},
                        {},
                        {"x1", "x2", "output"}};
    c.group_null = Words{
        "group must not be a null pointer: checked by the generated inner layer (after every op_api check), which "
        "returns 161001.",
        ""};
    c.world_size_a2 = WorldSize{{"Atlas A2: the world size must be 1, 2, 4 or 8.", ""}, {3, 5, 6, 7}};
    c.world_size_950 = WorldSize{{"Ascend 950: the world size must be 1, 2, 4, 8, 16, 32 or 64.", ""}, {3, 5, 6, 7}};
    c.comm_turn_positive = CommTurnPositive{
        {"commTurn > 0: the documents support only 0 (the vendor's tiling refuses other values); this suite's "
         "implementation splits the communication into commTurn pieces. Success expected, a tiling refusal "
         "tolerated.",
         ""},
        4};
    c.unknown_group = UnknownGroup{
        {"group must name a live communicator (HcclGetCommName). The vendor does not check it in GetWorkspaceSize "
         "and fails at execution; an implementation may refuse it early with 161002.",
         ""},
        Code{Outcome::kRuntimeError, 0, {161002}, false},
        {"no_such_group", "test_group", ""}};
    c.peer_failed = PeerFailed{
        {"When another rank's call fails, a rank whose own arguments pass cannot complete the all-reduce: it must "
         "fail with a runtime error within bounded time, never hang.",
         "shared/DESIGN.md (ABI fidelity: no rank hangs); shared/spec-notes/ops.md §1.2 item 4"},
        {}};
    c.mismatch = Mismatch{{}, &AllReduceKey, nullptr};
    return c;
}

namespace {

constexpr const char *kCommScales[] = {"comm_quant_scale_1", "comm_quant_scale_2"};

// Two ranks' views of one comm scale may read different values (CommScalesMayDiffer).
bool MayReadDifferently(const harness::TensorSpec &a, const harness::TensorSpec &b) {
    if (a.values != b.values) return true;
    if (!ViewAliases(a) && !ViewAliases(b)) return false;  // each reads every logical element's own value
    return a.shape != b.shape || a.Strides() != b.Strides();
}

}  // namespace

bool CommScalesMayDiffer(const harness::Case &c, int r) {
    for (const char *name : kCommScales) {
        const harness::TensorSpec *mine = c.Tensor(r, name);
        for (int q = 0; q < c.world; ++q) {
            if (q == r) continue;
            const harness::TensorSpec *theirs = c.Tensor(q, name);
            // A scale passed on one rank and not on another differs too: the ranks then choose
            // different communication (session 20's campaign: rank 0 without both scales, its
            // peers with them; the built-in library fails every rank's all-reduce handshake).
            if ((mine == nullptr) != (theirs == nullptr)) return true;
            if (mine != nullptr && theirs != nullptr && MayReadDifferently(*mine, *theirs)) return true;
        }
    }
    return false;
}

void AddCommScalesAgree(std::vector<Rule> &t, const std::string &prefix, const std::vector<std::string> &ops,
                        std::string citation, RuleViolator with_comm_scales, const EachRankEditor &edit) {
    AddRule(
        t, prefix + ".xrank.comm_scales",
        {.ops = ops, .stage = Stage::kCrossRank, .layer = Layer::kRuntime, .scope = Scope::kCrossRank},
        Code{Outcome::kUndefined, 0, {}, false},
        "Both comm scales must be passed on every rank or on none, with the same values. The documents do not say what a library does "
        "when they differ (the built-in one fails every rank at run time), so any answer is admitted and no output "
        "is judged.",
        std::move(citation), &CommScalesMayDiffer,
        [with_comm_scales, edit](const harness::Case &valid, Choices &ch) -> std::optional<harness::Case> {
            if (valid.world < 2) return std::nullopt;
            const std::optional<harness::Case> base = with_comm_scales(valid, ch);
            if (!base) return std::nullopt;
            const int victim = static_cast<int>(ch.Int(1, valid.world - 1));
            const auto alias = [victim](int r, ParamMap &p) {
                harness::TensorSpec *s = r == victim ? TensorIn(p, kCommScales[0]) : nullptr;
                if (s == nullptr || s->NumElements() < 2) return false;
                s->strides.assign(s->shape.size(), 0);
                s->storage_shape = {1};
                return true;
            };
            return edit ? edit(*base, alias) : EditEachRank(*base, alias);
        });
}

}  // namespace mc2::spec::common
