// tests/spec/common_rules_test.cc — the common-rule builder (spec/common/common_rules.h) on its
// own: it emits the declared rules under the family's prefix with the builder's stage and code,
// honours a family's short-cut, and refuses a rule the family did not declare.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "spec/case_edit.h"
#include "spec/catalogue.h"
#include "spec/common/common_rules.h"
#include "spec/common/quantised_matmul.h"
#include "spec/generate.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::common {
namespace {

using harness::Platform;

CommonRules Declaration() {
    CommonRules c;
    c.family = {.prefix = "test", .ops = {"matmul_all_reduce"}};
    c.stream_mode = StreamMode{{"streamMode must be 1.", "a citation"}, {0, 7}};
    c.group_null = Words{"group must not be null.", "a citation"};
    return c;
}

harness::Case Valid() {
    SeededChoices ch(1);
    return GenerateValid("matmul_all_reduce", Platform::kAtlasA2, ch);
}

TEST(CommonRules, EmitsTheDeclaredRulesInTheGivenOrder) {
    std::vector<Rule> t;
    Add(t, Declaration(), {Which::kGroupNull, Which::kStreamMode});
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].id, "test.inner.group_null");
    EXPECT_EQ(t[0].stage, Stage::kInnerNull);
    EXPECT_EQ(t[0].status, 161001);
    EXPECT_EQ(t[1].id, "test.attr.stream_mode");
    EXPECT_EQ(t[1].stage, Stage::kAttr);
    EXPECT_EQ(t[1].status, 161002);
    EXPECT_EQ(t[1].text, "streamMode must be 1.");

    const harness::Case valid = Valid();
    EXPECT_FALSE(t[1].Violated(valid, 0));
    SeededChoices ch(2);
    const auto bad = t[1].Violate(valid, ch);
    ASSERT_TRUE(bad.has_value());
    for (int r = 0; r < bad->world; ++r) {
        EXPECT_TRUE(t[1].Violated(*bad, r));
        const int64_t mode = std::get<int64_t>(bad->Get(r, "stream_mode"));
        EXPECT_TRUE(mode == 0 || mode == 7) << mode;  // drawn from the declared values
    }
}

TEST(CommonRules, AShortCutRankIsExempt) {
    CommonRules c = Declaration();
    c.family.short_cut = [](const harness::Case &, int rank) { return rank == 0; };
    std::vector<Rule> t;
    Add(t, c, {Which::kGroupNull});
    SeededChoices ch(3);
    const auto bad = t[0].Violate(Valid(), ch);
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(t[0].Violated(*bad, 0));
    if (bad->world > 1) EXPECT_TRUE(t[0].Violated(*bad, 1));
}

// ReduceOpSum::prefix (QuantMatmulAllReduceV4's strncmp): "sumX" leaves attr.reduce_op to the
// prefix rule added right after it; without the option "sumX" breaks attr.reduce_op.
TEST(CommonRules, AReduceOpPrefixSplitsTheSumCheck) {
    CommonRules c = Declaration();
    c.reduce_op = ReduceOpSum{{"reduceOp must be \"sum\".", "a citation"}, {"max"}};
    std::vector<Rule> exact;
    Add(exact, c, {Which::kReduceOp});
    c.reduce_op->prefix = ReduceOpPrefix{{"no longer \"sum\".", "a citation"}, {"sumX", "summary"}};
    std::vector<Rule> t;
    Add(t, c, {Which::kReduceOp});
    ASSERT_EQ(exact.size(), 1u);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[1].id, "test.attr.reduce_op_prefix");
    EXPECT_EQ(t[1].stage, Stage::kAttr);
    EXPECT_EQ(t[1].status, 161002);

    harness::Case k = Valid();
    for (const auto &[value, exact_broken, broken, prefix_broken] :
         std::vector<std::tuple<std::string, bool, bool, bool>>{
             {"sum", false, false, false}, {"sumX", true, false, true}, {"max", true, true, false}, {"su", true, true, false}}) {
        k.Set("reduce_op", value);
        EXPECT_EQ(exact[0].Violated(k, 0), exact_broken) << value;
        EXPECT_EQ(t[0].Violated(k, 0), broken) << value;
        EXPECT_EQ(t[1].Violated(k, 0), prefix_broken) << value;
    }
    for (uint64_t seed = 0; seed < 8; ++seed) {
        SeededChoices ch(seed);
        const auto bad = t[1].Violate(Valid(), ch);
        ASSERT_TRUE(bad.has_value());
        EXPECT_TRUE(t[1].Violated(*bad, 0));
        EXPECT_FALSE(t[0].Violated(*bad, 0));
    }
}

// X1Contiguous::pad_multiple: the padded stride moves by a multiple of it, up to 8.
TEST(CommonRules, X1PaddingKeepsTheDeclaredMultiple) {
    for (const int64_t multiple : {int64_t{1}, int64_t{2}}) {
        CommonRules c = Declaration();
        c.x1_contiguous = X1Contiguous({"x1 must be contiguous.", "a citation"}, multiple);
        std::vector<Rule> t;
        Add(t, c, {Which::kX1Contiguous});
        std::set<int64_t> pads;
        for (uint64_t seed = 0; seed < 40; ++seed) {
            SeededChoices ch(seed);
            const harness::Case valid = Valid();
            const auto bad = t[0].Violate(valid, ch);
            ASSERT_TRUE(bad.has_value());
            EXPECT_TRUE(t[0].Violated(*bad, 0));
            const harness::TensorSpec *before = valid.Tensor(0, "x1");
            const harness::TensorSpec *after = bad->Tensor(0, "x1");
            ASSERT_TRUE(before && after && !after->strides.empty());
            const std::vector<int64_t> dense = harness::ContiguousStrides(before->shape);
            for (size_t i = 0; i < dense.size(); ++i) {
                if (after->strides[i] != dense[i]) pads.insert(after->strides[i] - dense[i]);
            }
        }
        ASSERT_FALSE(pads.empty());
        for (int64_t pad : pads) {
            EXPECT_EQ(pad % multiple, 0) << pad;
            EXPECT_GE(pad, multiple);
            EXPECT_LE(pad, 8);
        }
        EXPECT_GT(pads.size(), 1u) << "the pad is drawn";
    }
}

// Storage::short_by and min_left: the bent tensor's storage is exactly short_by elements short,
// and a tensor that would keep fewer than min_left is not bent.
TEST(CommonRules, StorageShrinksByTheDeclaredCount) {
    for (const auto &[short_by, min_left] : std::vector<std::pair<int64_t, int64_t>>{{1, 0}, {2, 1}}) {
        CommonRules c = Declaration();
        c.storage = Storage{{"storage covers the view.", "a citation"}, {"x1"}, {"x1"}, short_by, min_left};
        std::vector<Rule> t;
        Add(t, c, {Which::kStorage});
        SeededChoices ch(5);
        const harness::Case valid = Valid();
        const auto bad = t[0].Violate(valid, ch);
        ASSERT_TRUE(bad.has_value());
        const harness::TensorSpec *x1 = bad->Tensor(0, "x1");
        ASSERT_NE(x1, nullptr);
        EXPECT_EQ(StorageElements(*x1), x1->StorageElementsNeeded() - short_by);
        EXPECT_TRUE(t[0].Violated(*bad, 0));

        // An x1 of short_by + min_left elements is bent; one element fewer, and it is not.
        for (const int64_t n : {short_by + min_left, short_by + min_left - 1}) {
            harness::Case edge = valid;
            harness::TensorSpec x = *valid.Tensor(0, "x1");
            x.shape = {1, n};
            x.strides.clear();
            x.storage_shape.clear();
            edge.Set("x1", x);
            SeededChoices again(5);
            EXPECT_EQ(t[0].Violate(edge, again).has_value(), n == short_by + min_left) << short_by << " " << n;
        }
    }
}

// Placement (MatmulAllReduceAddRmsNorm): a rule moved to another stage, with another answer, or
// checked after the short-cut (a short-cut rank does not break it); elsewhere it stays put.
TEST(CommonRules, APlacementMovesOneRule) {
    CommonRules c = Declaration();
    c.family.short_cut = [](const harness::Case &, int rank) { return rank == 0; };
    std::vector<Rule> usual;
    Add(usual, c, {Which::kStreamMode, Which::kGroupNull});
    c.placements = {{Which::kStreamMode, {.stage = Stage::kEmpty, .after_short_cut = true}},
                    {Which::kGroupNull, {.stage = Stage::kTiling, .code = Code{Outcome::kStatus, 161001, {}, true}}}};
    std::vector<Rule> t;
    Add(t, c, {Which::kStreamMode, Which::kGroupNull});
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(usual[0].stage, Stage::kAttr);
    EXPECT_EQ(t[0].stage, Stage::kEmpty);
    EXPECT_EQ(t[0].status, 161002);  // no code given: the usual answer
    EXPECT_EQ(t[1].stage, Stage::kTiling);
    EXPECT_EQ(t[1].layer, Layer::kTiling);
    EXPECT_EQ(t[1].status, 161001);
    EXPECT_FALSE(usual[1].inner_error_accepted);
    EXPECT_TRUE(t[1].inner_error_accepted);

    harness::Case k = Valid();
    ResizeWorld(k, 2);
    k.Set("stream_mode", int64_t{0});
    EXPECT_TRUE(usual[0].Violated(k, 0));  // streamMode is checked before the short-cut there
    EXPECT_FALSE(t[0].Violated(k, 0));     // and after it here
    EXPECT_TRUE(t[0].Violated(k, 1));
}

// NullTensors::variants: a tensor only some APIs have gets its null rule on those APIs only,
// after the common names, with its own words.
TEST(CommonRules, AVariantNullTensorAppliesToItsApis) {
    CommonRules c = Declaration();
    c.null_tensors = NullTensors{.names = {"x1"},
                                 .note = "",
                                 .citation = "a citation",
                                 .variants = {{"dequant_scale", {"quant_op"}, {"dequantScale not null.", "its own"}}}};
    c.family.ops = {"plain_op", "quant_op"};
    std::vector<Rule> t;
    Add(t, c, {Which::kNullTensors});
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].id, "test.null.x1");
    EXPECT_EQ(t[0].ops, (std::vector<std::string>{"plain_op", "quant_op"}));
    EXPECT_EQ(t[1].id, "test.null.dequant_scale");
    EXPECT_EQ(t[1].ops, std::vector<std::string>{"quant_op"});
    EXPECT_EQ(t[1].text, "dequantScale not null.");
    EXPECT_EQ(t[1].citation, "its own");
    EXPECT_EQ(t[1].status, 161001);
    harness::Case k = Valid();
    k.Set("dequant_scale", harness::Null{});
    EXPECT_TRUE(t[1].Violated(k, 0));
    k.Set("dequant_scale", *k.Tensor(0, "x1"));
    EXPECT_FALSE(t[1].Violated(k, 0));
}

// The quantised families' NZ short-cut (quantised_matmul.h): a skipped rule is not broken by an
// NZ rank, every rule outside <prefix>.nz.* violates from the case with its x2 in ND.
TEST(QuantisedMatmul, TheNzShortCutSkipsAndStartsFromNd) {
    harness::Case nz = Valid();
    harness::TensorSpec x2 = *nz.Tensor(0, "x2");
    x2.format = ACL_FORMAT_FRACTAL_NZ;
    x2.storage_shape = {1, 1, 16, 32};
    nz.Set("x2", x2);
    EXPECT_TRUE(NzWeight(nz, 0));
    EXPECT_FALSE(NzWeight(Valid(), 0));
    const harness::Case nd = NdWeights(nz);
    EXPECT_FALSE(NzWeight(nd, 0));
    EXPECT_EQ(nd.Tensor(0, "x2")->format, ACL_FORMAT_ND);
    EXPECT_TRUE(nd.Tensor(0, "x2")->storage_shape.empty());

    std::vector<Rule> t;
    const auto always = [](const harness::Case &, int) { return true; };
    const auto echo = [](const harness::Case &valid, Choices &) { return std::optional<harness::Case>(valid); };
    for (const char *id : {"p.shape.k", "p.nz.shapes", "p.tiling.other"}) {
        AddRule(t, id, {.ops = {"matmul_all_reduce"}}, kInvalid, "text", "citation", always, echo);
    }
    ApplyNzShortCut(t, "p", {"p.shape.k"});
    EXPECT_FALSE(t[0].Violated(nz, 0));  // skipped by an NZ x2
    EXPECT_TRUE(t[0].Violated(nd, 0));
    EXPECT_TRUE(t[2].Violated(nz, 0));   // not skipped
    SeededChoices ch(1);
    EXPECT_FALSE(NzWeight(*t[0].Violate(nz, ch), 0));  // starts from ND
    EXPECT_FALSE(NzWeight(*t[2].Violate(nz, ch), 0));
    EXPECT_TRUE(NzWeight(*t[1].Violate(nz, ch), 0));   // the NZ rules keep their NZ x2
}

// QuantisedMatmulDefaults declares every common rule but the family's null tensors, with the
// shared words; the family adds what is its own.
TEST(QuantisedMatmul, DefaultsDeclareTheSharedRules) {
    CommonRules c = QuantisedMatmulDefaults({.prefix = "q", .ops = {"matmul_all_reduce"}});
    std::vector<Rule> t;
    EXPECT_THROW(Add(t, c, {Which::kNullTensors}), std::logic_error);
    EXPECT_NO_THROW(Add(t, c,
                        {Which::kNullReduceOp, Which::kReduceOp, Which::kStreamMode, Which::kCommTurnNegative,
                         Which::kX1Contiguous, Which::kStorage, Which::kGroupNull, Which::kCommTurnPositive,
                         Which::kUnknownGroup, Which::kPeerFailed}));
    ASSERT_EQ(t.size(), 10u);
    EXPECT_EQ(t[6].id, "q.inner.group_null");
    EXPECT_FALSE(t[6].text.empty());
    EXPECT_EQ(c.reduce_op->bad, (std::vector<std::string>{"max", "min", "prod", "SUM", "sumX", ""}));
    EXPECT_EQ(c.mismatch->key(Valid(), 0), AllReduceKey(Valid(), 0));
    EXPECT_EQ(c.mismatch->violate, nullptr);  // the family's: its geometry bends one rank
}

// BendOneRank: the last of the drawn ways raises one rank's commTurn, the others are the family's
// bend, handed the drawn victim, way and delta; no rank to disagree with at world 1.
TEST(CommonRules, BendOneRankDrawsAVictimAndAWay) {
    harness::Case valid = Valid();
    ResizeWorld(valid, 2);
    std::set<int> modes;
    for (uint64_t seed = 0; seed < 30; ++seed) {
        SeededChoices ch(seed);
        int bent_mode = -1;
        const auto bad = BendOneRank(valid, ch, 3, [&](const harness::Case &c, int victim, int mode, int64_t delta) {
            EXPECT_TRUE(victim == 0 || victim == 1);
            EXPECT_TRUE(delta >= 1 && delta <= 8);
            bent_mode = mode;
            return std::optional<harness::Case>(c);
        });
        ASSERT_TRUE(bad.has_value());
        if (bent_mode < 0) {  // the commTurn way: exactly one rank's commTurn moved
            EXPECT_NE(IntOr(*bad, 0, "comm_turn", 0), IntOr(*bad, 1, "comm_turn", 0));
            modes.insert(2);
        } else {
            EXPECT_LT(bent_mode, 2);
            modes.insert(bent_mode);
        }
    }
    EXPECT_EQ(modes, (std::set<int>{0, 1, 2}));
    harness::Case lone = Valid();
    ResizeWorld(lone, 1);
    SeededChoices ch(0);
    EXPECT_FALSE(BendOneRank(lone, ch, 3, nullptr).has_value());
}

TEST(CommonRules, AnUndeclaredRuleIsABuildError) {
    std::vector<Rule> t;
    EXPECT_THROW(Add(t, Declaration(), {Which::kUnknownGroup}), std::logic_error);
}

}  // namespace
}  // namespace mc2::spec::common

namespace mc2::spec::common {
namespace {

// The AddRmsNorm weight-quant variants embed WeightQuantMatmulAllReduce and meet its scale
// layout demand again (the api_fuzzer campaign of 2026-12-06: a float16[25]s(32) per-channel
// scale refused with 161002 where the AddRmsNorm table expected success). Both tables ask
// spec/common/antiquant_layout.h, so they judge every scale layout alike.
// Dense() on dims whose product leaves int64 (the api_fuzzer, session 15: a wild x2 of
// [64, -2^63 + 1] reached mar.shape.x2_strides, whose predicate multiplied the dims past int64;
// UBSan in the sanitize build): no stride can equal such a product, so a dim other than 1 before
// it is not dense; a large product that fits still is.
TEST(TensorLayout, DenseSurvivesDimsWhoseProductOverflows) {
    constexpr int64_t kHuge = int64_t{1} << 62;
    EXPECT_FALSE(Dense({64, -9223372036854775807}, {1, 64}));
    EXPECT_FALSE(Dense({4, kHuge, 2}, {0, 2, 1}));
    EXPECT_FALSE(Dense({4, kHuge, 2}, {INT64_MIN, 2, 1}));
    EXPECT_TRUE(Dense({1, kHuge, 2}, {5, 2, 1})) << "a leading 1 has any stride";
    EXPECT_TRUE(Dense({2, kHuge / 2, 2}, {kHuge, 2, 1}));
    EXPECT_FALSE(Dense({2, kHuge / 2, 2}, {kHuge, 2, 2}));
}

// SpanOverflows: the byte past a view's last element does not fit 64 unsigned bits.
TEST(TensorLayout, SpanOverflowsWhenTheLastByteLiesBeyond64Bits) {
    auto tensor = [](aclDataType dtype, std::vector<int64_t> shape, std::vector<int64_t> strides, int64_t offset = 0) {
        harness::TensorSpec t;
        t.dtype = dtype;
        t.shape = std::move(shape);
        t.strides = std::move(strides);
        t.offset = offset;
        return t;
    };
    constexpr int64_t k62 = int64_t{1} << 62;
    // The api_fuzzer campaign's output: 31 * 2^62 elements in, far past 2^64.
    EXPECT_TRUE(SpanOverflows(tensor(ACL_FLOAT16, {32, 4}, {k62, int64_t{1} << 40})));
    // Counted in bits (4-bit types have no whole byte per element): 2^59 + 1 one-byte elements
    // are 2^62 + 8 bits and fit; 3 * 2^59 + 1 two-byte elements are past 2^64 bits.
    constexpr int64_t k59 = int64_t{1} << 59;
    EXPECT_FALSE(SpanOverflows(tensor(ACL_INT8, {2}, {k59})));
    EXPECT_TRUE(SpanOverflows(tensor(ACL_FLOAT16, {4}, {k59})));
    // The offset counts.
    EXPECT_FALSE(SpanOverflows(tensor(ACL_INT8, {2}, {k59}, k59)));
    EXPECT_TRUE(SpanOverflows(tensor(ACL_INT8, {2}, {k59}, k62)));
    // A contiguous view too large to count.
    EXPECT_TRUE(SpanOverflows(tensor(ACL_FLOAT, {int64_t{1} << 40, int64_t{1} << 30}, {})));
    EXPECT_FALSE(SpanOverflows(tensor(ACL_FLOAT, {int64_t{1} << 20, int64_t{1} << 20}, {})));
    // Not this predicate's business: empty views, negative strides or offsets.
    EXPECT_FALSE(SpanOverflows(tensor(ACL_FLOAT16, {0, 4}, {k62, k62})));
    EXPECT_FALSE(SpanOverflows(tensor(ACL_FLOAT16, {32, 4}, {-k62, 1})));
    EXPECT_FALSE(SpanOverflows(tensor(ACL_FLOAT16, {32, 4}, {k62, 1}, -1)));
}

// ViewAliases: a dim of size 1 does not step, so its stride (negative included) does not matter.
TEST(TensorLayout, ViewAliasesIgnoresTheStrideOfADimOfSizeOne) {
    harness::TensorSpec t;
    t.dtype = ACL_INT32;
    t.shape = {1, 3};
    t.strides = {-905104282815547489, 0};
    EXPECT_TRUE(ViewAliases(t)) << "three elements at one address";
    t.strides = {-905104282815547489, 1};
    EXPECT_FALSE(ViewAliases(t));
    t.shape = {2, 3};
    t.strides = {-3, 0};
    EXPECT_FALSE(ViewAliases(t)) << "a negative stride that steps is other rules' business";
}

TEST(AntiquantLayout, WeightQuantAndItsAddRmsNormVariantJudgeAScaleAlike) {
    const std::string wq =
        "weight_quant_matmul_all_reduce platform=atlas_a2 world=1 x1=float16[8,64] x2=int8[64,32] bias=- "
        "antiquant_offset=- x3=- group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 antiquant_group_size=0 "
        "output=float16[8,32] ";
    const std::string arn =
        "weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[16,64] x2=int8[64,32] "
        "bias=- antiquant_offset=- residual=float16[2,8,32] gamma=float16[32] epsilon=1e-06 group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 antiquant_group_size=0 y=float16[2,8,32] "
        "norm_out=float16[2,8,32] ";
    const Rule *wq_rule = FindRule("wqmar.shape.scale_strides");
    const Rule *arn_rule = FindRule("arn.shape.wq_scale_strides");
    ASSERT_NE(wq_rule, nullptr);
    ASSERT_NE(arn_rule, nullptr);
    EXPECT_EQ(arn_rule->level, Level::kHardening);
    // (scale descriptor, broken?) — padded 1-D and (1, n) scales are; dense ones and the size-1
    // dims' strides (which address nothing) are not.
    const std::pair<const char *, bool> layouts[] = {
        {"float16[32]", false},       {"float16[32]s(1)", false},     {"float16[32]s(2)", true},
        {"float16[32]s(5)", true},    {"float16[1,32]", false},       {"float16[1,32]s(7,1)", false},
        {"float16[1,32]s(64,2)", true}, {"float16[1]s(9)", false},
    };
    for (const auto &[scale, broken] : layouts) {
        const auto w = harness::ParseCase(wq + "antiquant_scale=" + scale);
        const auto a = harness::ParseCase(arn + "antiquant_scale=" + scale);
        ASSERT_TRUE(w.value) << w.error;
        ASSERT_TRUE(a.value) << a.error;
        EXPECT_EQ(wq_rule->Violated(*w.value, 0), broken) << scale;
        EXPECT_EQ(arn_rule->Violated(*a.value, 0), broken) << scale;
    }
    // The campaign's shape: the ARN rule decides (161002 under the strict profile), where the
    // table used to expect success.
    const auto found = harness::ParseCase(
        "weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[4,64] x2=int8[64,25] "
        "bias=- antiquant_scale=float16[25]s(32) antiquant_offset=- residual=float16[1,4,25] gamma=float16[25] "
        "epsilon=1e-06 group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 antiquant_group_size=0 "
        "y=float16[1,4,25] norm_out=float16[1,4,25]");
    ASSERT_TRUE(found.value) << found.error;
    const Expectation e = Expect(*found.value, 0);
    EXPECT_EQ(e.rule_id, "arn.shape.wq_scale_strides");
    EXPECT_EQ(e.status, 161002);
    EXPECT_EQ(Expect(*found.value, 0, Profile::kVendor).outcome, Outcome::kUndefined);
}

}  // namespace
}  // namespace mc2::spec::common
