// tests/harness/case_test.cc — descriptors: canonical printing, parsing back to the same Case
// (examples and a RapidCheck round-trip property over generated cases), and one-line errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "harness/case.h"
#include "harness/signatures.h"

namespace mc2::harness {
namespace {

Case Parsed(const std::string &text) {
    auto r = ParseCase(text);
    EXPECT_TRUE(r.value) << r.error << "\n  in: " << text;
    return r.value.value_or(Case{});
}

TEST(CaseDescriptor, ParsesAndPrintsCanonically) {
    const std::string text =
        "matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[32,64] x2=float16[64,128]s(1,64) "
        "bias=float16[128] x3=- group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[32,128] "
        "seed=7 dist=normal sched=3 x1@1=float16[16,64]";
    Case c = Parsed(text);
    EXPECT_EQ(c.world, 2);
    ASSERT_NE(c.Tensor(0, "x2"), nullptr);
    EXPECT_EQ(c.Tensor(0, "x2")->Strides(), (std::vector<int64_t>{1, 64}));
    EXPECT_EQ(c.Tensor(0, "x2")->StorageShape(), (std::vector<int64_t>{128, 64}));  // transposed storage
    EXPECT_EQ(c.Tensor(1, "x1")->shape, (std::vector<int64_t>{16, 64}));           // override
    EXPECT_EQ(c.Tensor(0, "x1")->shape, (std::vector<int64_t>{32, 64}));
    EXPECT_EQ(c.Tensor(0, "x3"), nullptr);
    EXPECT_TRUE(std::holds_alternative<CommName>(c.Get(0, "group")));
    EXPECT_EQ(std::get<std::string>(c.Get(1, "reduce_op")), "sum");
    EXPECT_EQ(c.ToString(), text);  // already canonical
    EXPECT_EQ(Parsed(c.ToString()), c);
}

TEST(CaseDescriptor, NormalisesRedundantDetail) {
    // Explicit contiguous strides, derived storage shape and an override equal to the common
    // value are all dropped from the canonical form.
    Case c = Parsed("matmul_all_reduce world=2 x1=float16[4,8]s(8,1)st(4,8) x2=float16[8,2] x1@1=float16[4,8]");
    EXPECT_TRUE(c.overrides.empty());
    EXPECT_TRUE(std::get<TensorSpec>(c.params.at("x1")).strides.empty());
    EXPECT_TRUE(std::get<TensorSpec>(c.params.at("x1")).storage_shape.empty());
    EXPECT_EQ(c.ToString().find("s("), std::string::npos);
    // Absent parameters are null and print as such.
    EXPECT_NE(c.ToString().find(" bias=- "), std::string::npos);
    EXPECT_NE(c.ToString().find(" group=null "), std::string::npos);
    // An absent number is 0 (numbers have no null); found by fuzz/descriptor_fuzzer.
    Case w = Parsed("matmul_all_reduce world=2");
    EXPECT_NE(w.ToString().find(" comm_turn=0 "), std::string::npos);
    EXPECT_EQ(Parsed(w.ToString()), w);
}

TEST(CaseDescriptor, KeepsOddValuesAFuzzerMakes) {
    const std::string text =
        "matmul_all_reduce platform=ascend_950 world=64 x1=dt99[-1,0,7]s(-3,0,9223372036854775807)o(5)f(fmt77) "
        "x2=float8_e4m3fn[]f(fractal_nz)st(1,2,3,4) bias=- group=\"a\\x20b\\\"\\\\\\x01\" reduce_op=null "
        "comm_turn=-9223372036854775808 stream_mode=1 output=- seed=18446744073709551615 dist=extreme sched=0";
    Case c = Parsed(text);
    EXPECT_EQ(std::get<std::string>(c.params.at("group")), std::string("a b\"\\\x01"));
    EXPECT_EQ(c.Tensor(0, "x1")->dtype, static_cast<aclDataType>(99));
    EXPECT_EQ(c.ToString(), text);
}

// Negative dtype and format integers print as dt-<n> / fmt-<n> and parse back (the api_fuzzer
// draws formats from -8 on; session 16's round-trip test found "fmt-2" unparseable).
TEST(CaseDescriptor, NegativeDtypeAndFormatIntegersRoundTrip) {
    const std::string text =
        "matmul_all_reduce platform=atlas_a2 world=1 x1=dt-5[2,2]f(fmt-2) x2=- bias=- group=comm reduce_op=\"sum\" "
        "comm_turn=0 stream_mode=1 output=- seed=1 dist=normal sched=0";
    Case c = Parsed(text);
    EXPECT_EQ(static_cast<int>(c.Tensor(0, "x1")->dtype), -5);
    EXPECT_EQ(static_cast<int>(c.Tensor(0, "x1")->format), -2);
    EXPECT_EQ(c.ToString(), text);
}

TEST(CaseDescriptor, ExplicitIntegerValuesRoundTripExactly) {
    // v(...) carries a tensor's contents (counts, displacements) into the descriptor; int64
    // extremes must survive, since no double is involved.
    const std::string text =
        "matmul_all_reduce platform=atlas_a2 world=1 x1=int64[2,2]v(-9223372036854775808,9223372036854775807,0,-1) "
        "x2=- bias=- group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=- seed=1 dist=normal sched=0";
    Case c = Parsed(text);
    ASSERT_NE(c.Tensor(0, "x1"), nullptr);
    EXPECT_EQ(c.Tensor(0, "x1")->values,
              (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1}));
    EXPECT_EQ(c.ToString(), text);
}

TEST(CaseDescriptor, RejectsBadInputWithOneLineReason) {
    const char *bad[] = {
        "",
        "no_such_op world=2",
        "matmul_all_reduce world=0",
        "matmul_all_reduce world=65",
        "matmul_all_reduce platform=atlas_b9",
        "matmul_all_reduce x1=float16[3,4",
        "matmul_all_reduce x1=float17[3,4]",
        "matmul_all_reduce x1=float16[3,4]s(1)",
        "matmul_all_reduce x1=float16[3,4]q(1)",
        "matmul_all_reduce comm_turn=zero",
        "matmul_all_reduce group=sum",
        "matmul_all_reduce group=\"unterminated",
        "matmul_all_reduce nonsense=1",
        "matmul_all_reduce world=2 x1@2=float16[1,1]",
        "matmul_all_reduce seed=-1",
        "matmul_all_reduce justaword",
        "\"\r\"",                                   // found by descriptor_fuzzer: a CR in the quoted token
        "matmul_all_reduce x1=float16\"\n\"",      // a newline inside a quoted token
        "matmul_all_reduce x1=float16[2]v(1,2)",  // explicit values are for integer dtypes only
        "matmul_all_reduce x1=int64[3]v(1,2)",    // one value per element
        "matmul_all_reduce x1=int64[2]v()",
    };
    for (const char *text : bad) {
        auto r = ParseCase(text);
        EXPECT_FALSE(r.value) << text;
        EXPECT_FALSE(r.error.empty()) << text;
        EXPECT_EQ(r.error.find_first_of("\n\r"), std::string::npos) << text;
    }
}

TEST(TensorSpecGeometry, HugeStridesSaturateInsteadOfOverflowing) {
    // Found by fuzz/descriptor_fuzzer under UBSan: |INT64_MIN| is not representable.
    TensorSpec t;
    t.shape = {2, 2};
    t.strides = {std::numeric_limits<int64_t>::min(), 1};
    EXPECT_EQ(t.StorageElementsNeeded(), std::numeric_limits<int64_t>::max());
    t.strides = {3, 1};
    EXPECT_EQ(t.StorageElementsNeeded(), 1 + 3 + 1);
    // A dim of one never steps its stride, so even INT64_MIN there reaches nothing.
    t.shape = {1, 2};
    t.strides = {std::numeric_limits<int64_t>::min(), 1};
    EXPECT_EQ(t.StorageElementsNeeded(), 2);
}

TEST(TensorSpecGeometry, ReachesBeforeStorageOnlyWhenSomeElementIndexIsNegative) {
    TensorSpec t;
    t.shape = {2, 3};
    EXPECT_FALSE(t.ReachesBeforeStorage());
    t.offset = -1;
    EXPECT_TRUE(t.ReachesBeforeStorage());
    t.offset = 0;
    t.strides = {-3, 1};  // row 1 starts at -3
    EXPECT_TRUE(t.ReachesBeforeStorage());
    t.offset = 3;  // the offset covers the step back exactly
    EXPECT_FALSE(t.ReachesBeforeStorage());
    t.offset = 2;
    EXPECT_TRUE(t.ReachesBeforeStorage());
    t.strides = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()};
    t.offset = std::numeric_limits<int64_t>::max();  // no overflow: the sum goes below -2^63
    EXPECT_TRUE(t.ReachesBeforeStorage());
    t.shape = {0, 3};  // an empty view reaches nothing
    t.offset = 0;
    EXPECT_FALSE(t.ReachesBeforeStorage());
    // Explicit values are the view's contents whatever the storage.
    TensorSpec counts;
    counts.dtype = ACL_INT64;
    counts.shape = {2};
    counts.strides = {-1};
    EXPECT_TRUE(counts.ContentsUndefined());
    counts.values = {4, 5};
    EXPECT_TRUE(counts.ReachesBeforeStorage());
    EXPECT_FALSE(counts.ContentsUndefined());
}

// The geometry answers without building stride vectors (ForEachStride in case.cc); these are
// their definitions, written over Strides() and in exact 128-bit sums, for the property below.
int64_t SpanByDefinition(const TensorSpec &t) {
    if (t.NumElements() == 0) return 0;
    const std::vector<int64_t> s = t.Strides();
    const __int128 max = std::numeric_limits<int64_t>::max();
    __int128 span = 1;
    for (size_t i = 0; i < t.shape.size() && i < s.size(); ++i) {
        const __int128 step = s[i] < 0 ? -static_cast<__int128>(s[i]) : static_cast<__int128>(s[i]);
        span += (t.shape[i] - 1) * step;  // each term < 2^127 / 2; stop before a second one
        if (span > max) return std::numeric_limits<int64_t>::max();
    }
    span += std::max<int64_t>(t.offset, 0);
    return span > max ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(span);
}

bool ReachesBeforeByDefinition(const TensorSpec &t) {
    if (t.offset < 0) return true;
    if (t.NumElements() == 0) return false;
    const std::vector<int64_t> s = t.Strides();
    __int128 lowest = t.offset;
    for (size_t i = 0; i < t.shape.size() && i < s.size(); ++i) {
        if (s[i] < 0) lowest += static_cast<__int128>(t.shape[i] - 1) * s[i];
        if (lowest < 0) return true;
    }
    return false;
}

// case.h: the declared storage shape, else the view's shape when contiguous, else the dims in
// decreasing-stride order when the strides are that order's contiguous ones at offset 0, else
// one flat span.
std::vector<int64_t> StorageShapeByDefinition(const TensorSpec &t) {
    if (!t.storage_shape.empty()) return t.storage_shape;
    if (t.shape.empty() || t.strides.empty() || t.strides == ContiguousStrides(t.shape)) return t.shape;
    if (t.strides.size() == t.shape.size() && t.offset == 0) {
        std::vector<size_t> order(t.shape.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t.strides[a] > t.strides[b]; });
        std::vector<int64_t> dims, strides;
        for (size_t i : order) {
            dims.push_back(t.shape[i]);
            strides.push_back(t.strides[i]);
        }
        if (strides == ContiguousStrides(dims)) return dims;
    }
    return {SpanByDefinition(t)};
}

rc::Gen<int64_t> GeometryValue() {
    return rc::gen::oneOf(rc::gen::inRange<int64_t>(-4, 40),
                          rc::gen::element(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                                           int64_t{1} << 31, int64_t{1} << 62, -(int64_t{1} << 62)));
}

RC_GTEST_PROP(TensorSpecGeometry, AnswersWithoutVectorsMatchTheirDefinitions, ()) {
    TensorSpec t;
    const int rank = *rc::gen::inRange(0, 7);
    for (int i = 0; i < rank; ++i) t.shape.push_back(*rc::gen::oneOf(rc::gen::inRange<int64_t>(0, 6), GeometryValue()));
    const int kind = *rc::gen::inRange(0, 5);
    if (kind == 1) t.strides = ContiguousStrides(t.shape);  // explicit but contiguous
    if (kind == 4) {  // a permuted contiguous layout (a transposed matrix), often at offset 0
        std::vector<size_t> perm(t.shape.size());
        for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
        for (size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[*rc::gen::inRange<size_t>(0, i)]);
        std::vector<int64_t> permuted;
        for (size_t i : perm) permuted.push_back(t.shape[i]);
        const std::vector<int64_t> contiguous = ContiguousStrides(permuted);
        t.strides.assign(t.shape.size(), 0);
        for (size_t k = 0; k < perm.size(); ++k) t.strides[perm[k]] = contiguous[k];
    }
    if (kind == 2 || kind == 3) {
        const int n = kind == 2 ? rank : *rc::gen::inRange(1, 7);  // also lists of another length
        for (int i = 0; i < n; ++i) t.strides.push_back(*GeometryValue());
    }
    t.offset = *rc::gen::oneOf(rc::gen::just<int64_t>(0), rc::gen::inRange<int64_t>(-2, 50), GeometryValue());
    if (*rc::gen::inRange(0, 4) == 0) t.storage_shape = {*rc::gen::inRange<int64_t>(1, 100)};
    RC_ASSERT(t.IsContiguous() == (t.strides.empty() || t.strides == ContiguousStrides(t.shape)));
    RC_ASSERT(t.StorageElementsNeeded() == SpanByDefinition(t));
    RC_ASSERT(t.ReachesBeforeStorage() == ReachesBeforeByDefinition(t));
    std::vector<int64_t> scratch;
    const std::vector<int64_t> storage = t.StorageShape();
    RC_ASSERT(storage == StorageShapeByDefinition(t));
    RC_ASSERT(t.StorageShapeIn(scratch) == storage);
    __int128 product = 1;  // exact, then saturated: dims ≤ 2^63, and it stops past 2^63
    for (int64_t d : storage) {
        if (product <= std::numeric_limits<int64_t>::max()) product *= std::max<int64_t>(d, 0);
    }
    if (std::any_of(storage.begin(), storage.end(), [](int64_t d) { return d <= 0; })) product = 0;
    product = std::min<__int128>(product, std::numeric_limits<int64_t>::max());
    RC_ASSERT(t.StorageShapeElements() == product);
}

// ---- round trip over generated cases --------------------------------------------------------

rc::Gen<TensorSpec> GenTensor() {
    return rc::gen::exec([] {
        TensorSpec t;
        t.dtype = static_cast<aclDataType>(*rc::gen::inRange(-1, 45));
        const int rank = *rc::gen::inRange(0, 5);
        for (int i = 0; i < rank; ++i) t.shape.push_back(*rc::gen::inRange<int64_t>(-2, 300));
        if (*rc::gen::arbitrary<bool>()) {
            for (int i = 0; i < rank; ++i) t.strides.push_back(*rc::gen::inRange<int64_t>(-5, 5000));
        }
        t.offset = *rc::gen::inRange<int64_t>(0, 3);
        t.format = static_cast<aclFormat>(*rc::gen::element(-1, 2, 29, 50, 88));
        if (*rc::gen::inRange(0, 4) == 0) t.storage_shape = {*rc::gen::inRange<int64_t>(1, 100)};
        if (*rc::gen::inRange(0, 4) == 0 && t.NumElements() > 0 && t.NumElements() <= 16) {
            // Explicit contents (integer dtypes only): every int64, the extremes included.
            t.dtype = *rc::gen::element(ACL_INT8, ACL_INT32, ACL_INT64, ACL_UINT64);
            t.values = *rc::gen::container<std::vector<int64_t>>(static_cast<size_t>(t.NumElements()),
                                                                  rc::gen::arbitrary<int64_t>());
        }
        return t;
    });
}

rc::Gen<Value> GenValue(ParamKind kind) {
    switch (kind) {
        case ParamKind::kTensor:
            return rc::gen::oneOf(rc::gen::just(Value{Null{}}), rc::gen::map(GenTensor(), [](TensorSpec t) {
                                      return Value{std::move(t)};
                                  }));
        case ParamKind::kInt:
            return rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t v) { return Value{v}; });
        case ParamKind::kDouble:
            return rc::gen::map(rc::gen::arbitrary<double>(), [](double v) { return Value{v}; });
        case ParamKind::kString:
            return rc::gen::oneOf(rc::gen::just(Value{Null{}}), rc::gen::just(Value{CommName{}}),
                                  rc::gen::map(rc::gen::arbitrary<std::string>(), [](std::string s) {
                                      return Value{std::move(s)};
                                  }));
        case ParamKind::kComm:
            return rc::gen::element(Value{Null{}}, Value{CommName{}});
    }
    return rc::gen::just(Value{Null{}});
}

RC_GTEST_PROP(CaseDescriptorProperty, ParseOfToStringIsIdentity, ()) {
    const auto &sigs = AllSignatures();
    const OpSignature &sig = sigs[*rc::gen::inRange<size_t>(0, sigs.size())];
    Case c;
    c.op = sig.op;
    c.platform = *rc::gen::element(Platform::kAtlasA2, Platform::kAscend950);
    c.world = *rc::gen::inRange(1, 65);
    c.seed = *rc::gen::arbitrary<uint64_t>();
    c.schedule = *rc::gen::arbitrary<uint64_t>();
    c.dist = *rc::gen::element(Dist::kNormal, Dist::kUniform, Dist::kCancel, Dist::kTies, Dist::kExtreme, Dist::kExact);
    for (const auto &p : sig.params) {
        c.params[p.name] = *GenValue(p.kind);
        if (*rc::gen::inRange(0, 6) == 0) c.SetForRank(*rc::gen::inRange(0, c.world), p.name, *GenValue(p.kind));
    }
    c.Normalize();
    const std::string text = c.ToString();
    auto parsed = ParseCase(text);
    RC_ASSERT(parsed.value.has_value());
    // NaN doubles compare unequal; compare through the canonical text, then structurally.
    RC_ASSERT(parsed.value->ToString() == text);
    bool has_nan = text.find("=nan") != std::string::npos;
    if (!has_nan) RC_ASSERT(*parsed.value == c);
}

// Numbers have no null in the ABI: a null one (a fuzzer's edit) is the 0 the call passes, and
// prints as 0 — a reproducer line must parse back (the printer once wrote round_mode=null).
TEST(CaseDescriptor, NullNumberNormalisesToZero) {
    auto parsed = ParseCase("trans_quant_param_v3 platform=atlas_a2 world=2 scale=float[4] offset=- out=uint64[4] "
                            "round_mode=1 seed=1 dist=normal sched=0");
    ASSERT_TRUE(parsed.value.has_value()) << parsed.error;
    Case c = *parsed.value;
    c.Set("round_mode", Null{});
    c.SetForRank(1, "round_mode", Null{});
    c.Normalize();
    EXPECT_EQ(c.Get(0, "round_mode"), Value(int64_t{0}));
    EXPECT_EQ(c.Get(1, "round_mode"), Value(int64_t{0}));
    const std::string text = c.ToString();
    EXPECT_EQ(text.find("null"), std::string::npos) << text;
    auto again = ParseCase(text);
    ASSERT_TRUE(again.value.has_value()) << again.error << " in " << text;
    EXPECT_EQ(*again.value, c);
}

}  // namespace
}  // namespace mc2::harness

// ParamMap's comparator orders names as std::string does (bytewise, unsigned: a descriptor
// prints its parameters in map order, so another order would change every descriptor), and
// finds by string_view. Checked against std::string::compare over names that share prefixes,
// differ in length, and carry bytes above 0x7F and NUL.
TEST(ParamNameLess, OrdersAsStdStringAndFindsByView) {
    const mc2::harness::ParamNameLess less;
    std::vector<std::string> names = {"", "a", "x1", "x1@", "x2", "x", "comm_quant_scale_1", "comm_quant_scale_2",
                                      "comm_quant_scale", std::string("a\0b", 3), std::string("a\0", 2), "\x80",
                                      "\xff", "\x7f", "A", "group", "gamma"};
    for (const std::string &a : names) {
        for (const std::string &b : names) {
            EXPECT_EQ(less(a, b), a.compare(b) < 0) << "'" << a << "' < '" << b << "'";
        }
    }
    mc2::harness::ParamMap m;
    for (const std::string &n : names) m[n] = int64_t{static_cast<int64_t>(n.size())};
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string> iterated;
    for (const auto &[k, v] : m) iterated.push_back(k);
    EXPECT_EQ(iterated, sorted);
    const std::string_view probe = "comm_quant_scale_1";
    ASSERT_NE(m.find(probe), m.end());
    EXPECT_EQ(std::get<int64_t>(m.find(probe)->second), 18);
    EXPECT_EQ(m.find(std::string_view("comm_quant_scale_3")), m.end());
}
