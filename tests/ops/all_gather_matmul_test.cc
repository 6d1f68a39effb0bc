// tests/ops/all_gather_matmul_test.cc — the implementation's own tests of aclnnAllGatherMatmul,
// through the exported ABI only, ranks as threads the way the CANN example runs them.
//
// Results: gatherOut must be every rank's x1 codes stacked in rank order, bit for bit; output
// is compared with a double-precision reference computed here, within a bound derived from
// fp32 accumulation (γ_{k+1} = (k+1)u/(1-(k+1)u), u = 2^-24, times Σ|a·b| + |bias|) plus half
// an output ulp for the final rounding. Argument errors: each check returns its code with a
// message naming the API, in the vendor's order (spec-notes/ops.md §5.1), and leaves both
// outputs' bytes untouched. (The conformance checking proper is the suite's job.)
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_all_gather_matmul.h"
#include "hccl/hccl.h"
#include "tests/common/abi_world.h"

namespace {

using mc2::testing::Contiguous;
using mc2::testing::Dense;
using mc2::testing::DevTensor;
using mc2::testing::Numel;
using mc2::testing::TakeErrors;
using mc2::testing::World;

using Shape = std::vector<int64_t>;
using Codes = std::vector<uint16_t>;

constexpr const char *kApi = "aclnnAllGatherMatmul";
constexpr uint16_t kSentinel = 0x5A5A;



// The test's own decoding of fp16 / bf16 codes (independent of impl/kernels/codecs).
double Decode(uint16_t code, aclDataType type) {
    if (type == ACL_BF16) {
        const uint32_t bits = static_cast<uint32_t>(code) << 16;
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return static_cast<double>(f);
    }
    const double sign = (code & 0x8000) ? -1.0 : 1.0;
    const int e = (code >> 10) & 31;
    const int f = code & 1023;
    if (e == 0) return sign * std::ldexp(f, -24);
    if (e == 31) return f == 0 ? sign * std::numeric_limits<double>::infinity() : std::nan("");
    return sign * std::ldexp(1024 + f, e - 25);
}

// The spacing of output values at magnitude x (for the final rounding's half ulp).
double Ulp(double x, aclDataType type) {
    const int mantBits = type == ACL_BF16 ? 7 : 10;
    const int minExp = type == ACL_BF16 ? -126 : -14;
    int e = 0;
    std::frexp(x, &e);  // x = f · 2^e, f in [0.5, 1)
    return std::ldexp(1.0, std::max(e - 1, minExp) - mantBits);
}

// Random codes of moderate magnitude (|v| in [1/8, 4)): sums over k round in fp32 and in the
// output dtype, so a wrong order or precision shows.
Codes RandomCodes(int64_t count, aclDataType type, std::mt19937 &rng) {
    std::uniform_int_distribution<int> sign(0, 1);
    Codes v;
    for (int64_t i = 0; i < count; ++i) {
        if (type == ACL_BF16) {
            std::uniform_int_distribution<int> ex(124, 128), mant(0, 127);
            v.push_back(static_cast<uint16_t>((sign(rng) << 15) | (ex(rng) << 7) | mant(rng)));
        } else {
            std::uniform_int_distribution<int> ex(12, 16), mant(0, 1023);
            v.push_back(static_cast<uint16_t>((sign(rng) << 15) | (ex(rng) << 10) | mant(rng)));
        }
    }
    return v;
}






std::unique_ptr<DevTensor> Filled(const Shape &shape, aclDataType type, uint16_t code = kSentinel) {
    return Dense(Codes(static_cast<size_t>(Numel(shape)), code), shape, type);
}

// ---- results ----------------------------------------------------------------------------------

enum class GatherOutKind { kDense, kNull, kEmpty, kStrided };

struct Options {
    uint32_t world = 2;
    aclDataType type = ACL_FLOAT16;
    int64_t m = 4, k = 256, n = 24;
    bool bias = true;
    bool transposeX2 = false;  // x2 given as a (k, n) view of an (n, k) buffer
    bool stridedX1 = false;    // x1 rows k + 8 elements apart
    bool stridedOutput = false;  // output rows n + 5 elements apart
    GatherOutKind gatherOut = GatherOutKind::kDense;
    int seed = 1;
};

// Runs the operator on every rank and checks gatherOut bit for bit and output against the
// double reference, on every rank.
void RunAndCheck(const Options &o) {
    World w(o.world);
    const int64_t m = o.m, k = o.k, n = o.n, rows = m * o.world;
    std::mt19937 rng(static_cast<uint32_t>(o.seed));
    std::vector<Codes> x1(o.world);
    for (auto &block : x1) block = RandomCodes(m * k, o.type, rng);
    const Codes x2 = RandomCodes(k * n, o.type, rng);  // (k, n) row-major
    const Codes bias = RandomCodes(n, o.type, rng);

    // The expected gatherOut, and the reference output with its bound.
    Codes wantGather;
    for (const auto &block : x1) wantGather.insert(wantGather.end(), block.begin(), block.end());
    std::vector<double> exact(static_cast<size_t>(rows * n)), bound(static_cast<size_t>(rows * n));
    const double u = std::ldexp(1.0, -24);
    const double gamma = (k + 1) * u / (1 - (k + 1) * u);
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double sum = o.bias ? Decode(bias[j], o.type) : 0.0;
            double mag = std::fabs(sum);
            for (int64_t p = 0; p < k; ++p) {
                const double prod = Decode(wantGather[i * k + p], o.type) * Decode(x2[p * n + j], o.type);
                sum += prod;  // exact enough: |error| far below the bound below
                mag += std::fabs(prod);
            }
            exact[i * n + j] = sum;
            bound[i * n + j] = gamma * mag + 0.5 * Ulp(std::fabs(sum) + gamma * mag, o.type);
        }
    }

    const int64_t x1Ld = o.stridedX1 ? k + 8 : k;
    const int64_t outLd = o.stridedOutput ? n + 5 : n;
    std::vector<Codes> outputs(o.world), gathers(o.world);
    w.Run([&](uint32_t r) {
        Codes x1Storage(static_cast<size_t>(m * x1Ld), 0x7E00);
        for (int64_t i = 0; i < m; ++i) {
            std::copy_n(x1[r].begin() + i * k, k, x1Storage.begin() + i * x1Ld);
        }
        DevTensor x1t(x1Storage, {m, k}, {x1Ld, 1}, o.type);
        std::unique_ptr<DevTensor> x2t;
        if (o.transposeX2) {
            Codes t(static_cast<size_t>(k * n));
            for (int64_t p = 0; p < k; ++p) {
                for (int64_t j = 0; j < n; ++j) t[j * k + p] = x2[p * n + j];
            }
            x2t = std::make_unique<DevTensor>(t, Shape{k, n}, Shape{1, k}, o.type);
        } else {
            x2t = Dense(x2, {k, n}, o.type);
        }
        auto biasT = o.bias ? Dense(bias, {n}, o.type) : nullptr;
        DevTensor out(Codes(static_cast<size_t>(rows * outLd), kSentinel), {rows, n}, {outLd, 1}, o.type);
        std::unique_ptr<DevTensor> gather;
        switch (o.gatherOut) {
            case GatherOutKind::kDense: gather = Filled({rows, k}, o.type); break;
            case GatherOutKind::kEmpty:
                gather = std::make_unique<DevTensor>(Codes{}, Shape{0}, Shape{1}, o.type);
                break;
            case GatherOutKind::kStrided:
                gather = std::make_unique<DevTensor>(Codes(static_cast<size_t>(rows * (k + 3)), kSentinel),
                                                     Shape{rows, k}, Shape{k + 3, 1}, o.type);
                break;
            case GatherOutKind::kNull: break;
        }
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnAllGatherMatmulGetWorkspaceSize(x1t.t, x2t->t, biasT ? biasT->t : nullptr, w.groups[r].c_str(),
                                                       0, 0, 1, out.t, gather ? gather->t : nullptr, &wsSize, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *ws = nullptr;
        ASSERT_GT(wsSize, 0u);
        ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnAllGatherMatmul(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS) << TakeErrors();
        aclrtFree(ws);
        outputs[r] = out.Read();
        if (gather) gathers[r] = gather->Read();
        EXPECT_EQ(x1t.Read(), x1Storage) << "x1 modified on rank " << r;
    });
    for (uint32_t r = 0; r < o.world; ++r) {
        SCOPED_TRACE("rank " + std::to_string(r));
        ASSERT_EQ(outputs[r].size(), static_cast<size_t>(rows * outLd));
        int bad = 0;
        for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < outLd; ++j) {
                const uint16_t got = outputs[r][i * outLd + j];
                if (j >= n) {
                    EXPECT_EQ(got, kSentinel) << "gap (" << i << ", " << j << ") written";
                    continue;
                }
                const double err = std::fabs(Decode(got, o.type) - exact[i * n + j]);
                if (!(err <= bound[i * n + j]) && ++bad <= 5) {
                    ADD_FAILURE() << "output (" << i << ", " << j << "): got " << Decode(got, o.type) << ", want "
                                  << exact[i * n + j] << " ± " << bound[i * n + j];
                }
            }
        }
        EXPECT_EQ(bad, 0);
        EXPECT_EQ(outputs[r], outputs[0]) << "ranks disagree";
        switch (o.gatherOut) {
            case GatherOutKind::kDense: EXPECT_EQ(gathers[r], wantGather); break;
            case GatherOutKind::kEmpty: EXPECT_TRUE(gathers[r].empty()); break;
            case GatherOutKind::kStrided:
                for (int64_t i = 0; i < rows; ++i) {
                    for (int64_t j = 0; j < k + 3; ++j) {
                        const uint16_t want = j < k ? wantGather[i * k + j] : kSentinel;
                        if (gathers[r][i * (k + 3) + j] != want) {
                            ADD_FAILURE() << "gatherOut (" << i << ", " << j << ")";
                            return;
                        }
                    }
                }
                break;
            case GatherOutKind::kNull: break;
        }
    }
}

class AllGatherMatmulTest : public ::testing::Test {};

TEST_F(AllGatherMatmulTest, Fp16Worlds248) {
    for (uint32_t world : {2u, 4u, 8u}) {
        SCOPED_TRACE("world " + std::to_string(world));
        Options o;
        o.world = world;
        o.seed = static_cast<int>(world);
        RunAndCheck(o);
    }
}

TEST_F(AllGatherMatmulTest, Bf16Worlds248) {
    for (uint32_t world : {2u, 4u, 8u}) {
        SCOPED_TRACE("world " + std::to_string(world));
        Options o;
        o.world = world;
        o.type = ACL_BF16;
        o.m = 3;
        o.k = 320;
        o.n = 17;
        o.seed = 10 + static_cast<int>(world);
        RunAndCheck(o);
    }
}

TEST_F(AllGatherMatmulTest, NoBiasAndManyAccumulatorChunks) {
    Options o;
    o.bias = false;
    o.m = 300;  // more rows than one accumulator chunk (256)
    o.n = 9;
    RunAndCheck(o);
}

TEST_F(AllGatherMatmulTest, TransposedX2) {
    Options o;
    o.transposeX2 = true;
    o.n = 13;
    RunAndCheck(o);
    o.type = ACL_BF16;
    o.world = 4;
    RunAndCheck(o);
}

TEST_F(AllGatherMatmulTest, NullAndEmptyGatherOut) {
    Options o;
    o.gatherOut = GatherOutKind::kNull;
    RunAndCheck(o);
    o.gatherOut = GatherOutKind::kEmpty;
    RunAndCheck(o);
}

// Non-contiguous x1 (the table's √, not a transpose), output and gatherOut: results land at the
// views' elements, gaps keep their bytes.
TEST_F(AllGatherMatmulTest, StridedViews) {
    Options o;
    o.stridedX1 = true;
    o.stridedOutput = true;
    o.gatherOut = GatherOutKind::kStrided;
    o.world = 4;
    RunAndCheck(o);
}

// n = 0 is one of the documented empty cases: output (m·R, 0) is empty, gatherOut is produced.
TEST_F(AllGatherMatmulTest, EmptyNStillGathers) {
    Options o;
    o.n = 0;
    o.bias = false;
    RunAndCheck(o);
}

// ---- argument errors --------------------------------------------------------------------------

// The arguments of one GetWorkspaceSize call, copyable so a test can break one at a time.
struct Args {
    const aclTensor *x1, *x2, *bias, *out, *gatherOut;
    const char *group;
    int64_t gatherIndex = 0;
    int64_t commTurn = 0;
    int64_t streamMode = 1;
    uint64_t *ws = nullptr;
    aclOpExecutor **exec = nullptr;
};

aclnnStatus Call(const Args &a) {
    return aclnnAllGatherMatmulGetWorkspaceSize(a.x1, a.x2, a.bias, a.group, a.gatherIndex, a.commTurn, a.streamMode,
                                                a.out, a.gatherOut, a.ws, a.exec);
}

// A valid problem for rank 0 of a world of 2: x1 (4, 256), x2 (256, 8), bias (8), output
// (8, 8), gatherOut (8, 256), both outputs filled with a sentinel.
struct ErrorCase {
    explicit ErrorCase(const std::string &groupName, aclDataType type = ACL_FLOAT16)
        : group(groupName),
          x1(Filled({4, 256}, type, 0x3C00)),
          x2(Filled({256, 8}, type, 0x3C00)),
          bias(Filled({8}, type, 0x3C00)),
          out(Filled({8, 8}, type)),
          gatherOut(Filled({8, 256}, type)) {}

    Args Valid() {
        Args a{x1->t, x2->t, bias->t, out->t, gatherOut->t, group.c_str()};
        a.ws = &wsSize;
        a.exec = &exec;
        return a;
    }
    // Expects `want` with a message naming the API, and both outputs untouched.
    void Expect(const Args &a, aclnnStatus want, const std::string &what, const char *inMessage = nullptr) {
        EXPECT_EQ(Call(a), want) << what;
        const std::string msg = TakeErrors();
        EXPECT_NE(msg.find(kApi), std::string::npos) << what << ": message \"" << msg << "\"";
        if (inMessage != nullptr) EXPECT_NE(msg.find(inMessage), std::string::npos) << what << ": \"" << msg << "\"";
        if (std::getenv("MC2_TEST_PRINT_ERRORS") != nullptr) {
            std::printf("%-44s -> %d: %s\n", what.c_str(), want, msg.c_str());
        }
        EXPECT_EQ(out->Read(), Codes(8 * 8, kSentinel)) << what << ": output touched";
        EXPECT_EQ(gatherOut->Read(), Codes(8 * 256, kSentinel)) << what << ": gatherOut touched";
    }

    std::string group;
    std::unique_ptr<DevTensor> x1, x2, bias, out, gatherOut;
    uint64_t wsSize = 0;
    aclOpExecutor *exec = nullptr;
};

// Runs body(case) on rank 0's thread of a world of `ranks` (the other ranks idle).
void OnRank0(const std::function<void(ErrorCase &)> &body, uint32_t ranks = 2) {
    World w(ranks);
    w.Run([&](uint32_t r) {
        if (r != 0) return;
        ErrorCase c(w.groups[0]);
        body(c);
    });
}

std::unique_ptr<DevTensor> Zeros(const Shape &shape, aclDataType type = ACL_FLOAT16) {
    return Filled(shape, type, 0);
}

// The calls of the vendor's op_api unit test (ops.md §5.1), on a live group of 2. Their
// output shapes are (m, n) and commTurn 8, which only the vendor's op_api layer (all its unit
// test runs) lets through; here the tiling layer refuses them with 561002, not a 161xxx code,
// and with rows m·R and commTurn 0 they succeed.
TEST_F(AllGatherMatmulTest, VendorUnitTestCalls) {
    OnRank0([](ErrorCase &c) {
        struct Ut {
            Shape x1, x2, bias;
            aclnnStatus opApi;  // the unit test's expectation
        };
        const Ut uts[] = {{{16, 256}, {256, 16}, {32}, ACLNN_SUCCESS},    // bias length unchecked
                          {{1, 256}, {256, 1}, {1}, ACLNN_SUCCESS},
                          {{8, 256}, {256, 1}, {1}, ACLNN_SUCCESS},
                          {{16, 256}, {256, 16}, {256}, ACLNN_SUCCESS},
                          {{16, 16}, {16, 16}, {32}, ACLNN_ERR_PARAM_INVALID}};  // k < 256
        for (const Ut &ut : uts) {
            const std::string what = "x1 " + std::to_string(ut.x1[0]) + "x" + std::to_string(ut.x1[1]);
            const int64_t m = ut.x1[0], k = ut.x1[1], n = ut.x2[1];
            auto x1 = Zeros(ut.x1), x2 = Zeros(ut.x2), bias = Zeros(ut.bias);
            auto outM = Zeros({m, n}), gatherM = Zeros({m, k});
            auto outMR = Zeros({2 * m, n}), gatherMR = Zeros({2 * m, k});
            Args a = c.Valid();
            a.x1 = x1->t;
            a.x2 = x2->t;
            a.bias = bias->t;
            a.out = outM->t;
            a.gatherOut = gatherM->t;
            a.commTurn = 8;
            const aclnnStatus asCalled = Call(a);
            TakeErrors();
            a.out = outMR->t;
            a.gatherOut = gatherMR->t;
            a.commTurn = 0;
            const aclnnStatus fixed = Call(a);
            if (ut.opApi == ACLNN_SUCCESS) {
                EXPECT_EQ(asCalled, ACLNN_ERR_INNER_TILING_ERROR) << what;
                EXPECT_EQ(fixed, ACLNN_SUCCESS) << what << ": " << TakeErrors();
            } else {
                EXPECT_EQ(asCalled, ut.opApi) << what;
                EXPECT_EQ(fixed, ut.opApi) << what;
            }
            TakeErrors();
        }
        // x1 (0, 256): SUCCESS with workspace 0 before any shape or group check (the unit test's
        // group "test_all_gather_group" does not exist, its output has 0 rows, commTurn is 8).
        auto x1 = Zeros({0, 256}), x2 = Zeros({256, 16}), bias = Zeros({32}), out = Zeros({0, 16}),
             gather = Zeros({0, 256});
        Args a{x1->t, x2->t, bias->t, out->t, gather->t, "test_all_gather_group", 0, 8, 1, &c.wsSize, &c.exec};
        c.wsSize = 123;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(c.wsSize, 0u);
        // Its execute phase returns SUCCESS at once, with no workspace and no stream needed.
        EXPECT_EQ(aclnnAllGatherMatmul(nullptr, 0, c.exec, reinterpret_cast<aclrtStream>(0x1234)), ACLNN_SUCCESS)
            << TakeErrors();
        // (16, 32) with gatherOut (0): k = 32 is out of range.
        auto x1b = Zeros({16, 32}), x2b = Zeros({32, 16}), outb = Zeros({32, 16}), gatherEmpty = Zeros({0});
        a = c.Valid();
        a.x1 = x1b->t;
        a.x2 = x2b->t;
        a.bias = bias->t;
        a.out = outb->t;
        a.gatherOut = gatherEmpty->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "(16,32) with gatherOut (0)", "k = 32");
    });
}

TEST_F(AllGatherMatmulTest, NullArgumentsGive161001) {
    OnRank0([](ErrorCase &c) {
        const std::pair<const aclTensor *Args::*, const char *> tensors[] = {
            {&Args::x1, "x1 is null"}, {&Args::x2, "x2 is null"}, {&Args::out, "output is null"}};
        for (const auto &[field, msg] : tensors) {
            Args a = c.Valid();
            a.*field = nullptr;
            c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, msg, msg);
        }
        Args a = c.Valid();
        a.ws = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "workspaceSize pointer null");
        a = c.Valid();
        a.exec = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "executor pointer null");
        // Null comes before every other check.
        auto f32 = Zeros({4, 256}, ACL_FLOAT);
        a = c.Valid();
        a.x1 = f32->t;
        a.out = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "output null beats x1 dtype");
        // bias and gatherOut are optional.
        a = c.Valid();
        a.bias = nullptr;
        a.gatherOut = nullptr;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
    });
}

TEST_F(AllGatherMatmulTest, DtypeAndAttributeErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        auto f32x1 = Zeros({4, 256}, ACL_FLOAT);
        auto i8x2 = Zeros({256, 8}, ACL_INT8);
        auto bfx2 = Zeros({256, 8}, ACL_BF16);
        auto bfOut = Zeros({8, 8}, ACL_BF16);
        auto bfBias = Zeros({8}, ACL_BF16);
        auto f32Bias = Zeros({8}, ACL_FLOAT);
        auto bfGather = Zeros({8, 256}, ACL_BF16);
        const std::pair<std::function<void(Args &)>, const char *> cases[] = {
            {[&](Args &a) { a.x1 = f32x1->t; }, "x1 FLOAT32"},
            {[&](Args &a) { a.x2 = i8x2->t; }, "x2 INT8"},
            {[&](Args &a) { a.x2 = bfx2->t; }, "x2 bf16 vs x1 fp16"},
            {[&](Args &a) { a.out = bfOut->t; }, "output bf16 vs x1 fp16"},
            {[&](Args &a) { a.bias = bfBias->t; }, "bias bf16 vs x1 fp16"},
            {[&](Args &a) { a.bias = f32Bias->t; }, "bias FLOAT32"},
            {[&](Args &a) { a.gatherOut = bfGather->t; }, "gatherOut bf16 vs x1 fp16"},
            {[&](Args &a) { a.streamMode = 0; }, "streamMode 0"},
            {[&](Args &a) { a.streamMode = 2; }, "streamMode 2"},
        };
        for (const auto &[breakIt, what] : cases) {
            Args a = c.Valid();
            breakIt(a);
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, what);
        }
        // dtype before streamMode.
        Args a = c.Valid();
        a.x1 = f32x1->t;
        a.streamMode = 0;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 dtype and streamMode", "dtype");
    });
}

// k == 0 is refused before the empty-x1 short-cut; an empty x1 then returns SUCCESS with
// workspace 0 before every shape, layout, group and tiling check.
TEST_F(AllGatherMatmulTest, EmptyX1ShortCutAndKZero) {
    OnRank0([](ErrorCase &c) {
        auto k0 = Zeros({4, 0}), m0k0 = Zeros({0, 0}), x2k0 = Zeros({0, 8});
        Args a = c.Valid();
        a.x1 = k0->t;
        a.x2 = x2k0->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k = 0", "k = 0");
        a.x1 = m0k0->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "m = 0 and k = 0", "k = 0");
        // streamMode comes before k.
        a.streamMode = 0;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k = 0 with streamMode 0", "streamMode");

        auto m0 = Zeros({0, 16}), x2Small = Zeros({16, 3}), out1d = Zeros({5});
        a = c.Valid();
        a.x1 = m0->t;        // k = 16 < 256 is not looked at
        a.x2 = x2Small->t;   // n = 3 does not match output's 8
        a.out = out1d->t;    // not 2-D
        a.group = nullptr;   // no group
        a.gatherIndex = 1;   // tiling values
        a.commTurn = 5;
        c.wsSize = 99;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(c.wsSize, 0u);
        EXPECT_EQ(aclnnAllGatherMatmul(nullptr, 0, c.exec, nullptr), ACLNN_SUCCESS) << TakeErrors();
        // The executor is consumed like any other.
        EXPECT_EQ(aclnnAllGatherMatmul(nullptr, 0, c.exec, nullptr), ACLNN_ERR_PARAM_INVALID);
        TakeErrors();
        // x1 of rank 1 has no dim 1: refused at the k check.
        auto x1d = Zeros({256});
        a = c.Valid();
        a.x1 = x1d->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 1-D", "2-D");
    });
}

TEST_F(AllGatherMatmulTest, ShapeErrorsGive161002InTheVendorOrder) {
    OnRank0([](ErrorCase &c) {
        auto x1_3d = Zeros({1, 4, 256}), x2_3d = Zeros({1, 256, 8}), x2_k = Zeros({255, 8});
        auto x1T = std::make_unique<DevTensor>(Codes(4 * 256, 0), Shape{4, 256}, Shape{1, 4}, ACL_FLOAT16);
        auto gatherK = Zeros({8, 255}), gather1d = Zeros({8});
        auto out_n = Zeros({8, 9}), out_1d = Zeros({8});
        auto x1k255 = Zeros({4, 255}), x2k255 = Zeros({255, 8}), gk255 = Zeros({8, 255});
        auto x1kMax = Zeros({1, 65535}), x2kMax = Zeros({65535, 8}), gkMax = Zeros({2, 65535});
        auto x1kTop = Zeros({1, 65534}), x2kTop = Zeros({65534, 8}), gkTop = Zeros({2, 65534}), outTop = Zeros({2, 8});
        Args a = c.Valid();
        a.x1 = x1_3d->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 3-D", "x1 must be 2-D");
        a = c.Valid();
        a.x2 = x2_3d->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x2 3-D", "x2 must be 2-D");
        a = c.Valid();
        a.x1 = x1T->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 transposed", "transposed");
        a = c.Valid();
        a.x2 = x2_k->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k mismatch", "must equal x2 dim 0");
        a = c.Valid();
        a.gatherOut = gatherK->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "gatherOut dim 1 != k", "gatherOut dim 1");
        a = c.Valid();
        a.gatherOut = gather1d->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "gatherOut 1-D", "gatherOut must be 2-D");
        a = c.Valid();
        a.x1 = x1k255->t;
        a.x2 = x2k255->t;
        a.gatherOut = gk255->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k = 255", "256 <= k < 65535");
        a = c.Valid();
        a.x1 = x1kMax->t;
        a.x2 = x2kMax->t;
        a.gatherOut = gkMax->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k = 65535", "256 <= k < 65535");
        a = c.Valid();
        a.out = out_n->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output n mismatch", "output dim 1");
        a = c.Valid();
        a.out = out_1d->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output 1-D", "output must be 2-D");
        // The vendor's order: k equality, then gatherOut's k, then the k range, then n.
        a = c.Valid();
        a.x1 = x1k255->t;
        a.gatherOut = gatherK->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k mismatch before gatherOut", "must equal x2 dim 0");
        a = c.Valid();
        a.x1 = x1k255->t;
        a.x2 = x2k255->t;
        a.gatherOut = c.gatherOut->t;  // dim 1 256 != 255
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "gatherOut before the k range", "gatherOut dim 1");
        a = c.Valid();
        a.x1 = x1k255->t;
        a.x2 = x2k255->t;
        a.gatherOut = gk255->t;
        a.out = out_n->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "k range before n", "256 <= k");
        // An empty gatherOut skips its own check; k = 65534 is the largest accepted.
        auto gatherEmpty = Zeros({0});
        a = c.Valid();
        a.x1 = x1kTop->t;
        a.x2 = x2kTop->t;
        a.gatherOut = gkTop->t;
        a.out = outTop->t;
        a.bias = nullptr;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        a.gatherOut = gatherEmpty->t;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
    });
}

// This suite's hardening (161002, after the documented shape checks and before the group).
TEST_F(AllGatherMatmulTest, LayoutErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        auto x2gap = std::make_unique<DevTensor>(Codes(256 * 10, 0), Shape{256, 8}, Shape{10, 1}, ACL_FLOAT16);
        auto outZero = std::make_unique<DevTensor>(Codes(8, kSentinel), Shape{8, 8}, Shape{0, 1}, ACL_FLOAT16);
        auto x1neg = std::make_unique<DevTensor>(Codes(4 * 256, 0), Shape{4, 256}, Shape{-256, 1}, ACL_FLOAT16,
                                                 ACL_FORMAT_ND, Shape{1024}, 768);
        auto biasShort = Zeros({7}), bias2d = Zeros({1, 8}), biasLong = Zeros({32});
        auto outShortStorage = std::make_unique<DevTensor>(Codes(64, kSentinel), Shape{8, 8}, Shape{8, 1},
                                                           ACL_FLOAT16, ACL_FORMAT_ND, Shape{63});
        // output and gatherOut over one allocation, overlapping.
        DevTensor shared(Codes(8 * 256 + 64, kSentinel), {8, 256}, {256, 1}, ACL_FLOAT16);
        const int64_t outShape[] = {8, 8}, outStrides[] = {8, 1}, storage[] = {8 * 256 + 64};
        aclTensor *outInShared = aclCreateTensor(outShape, 2, ACL_FLOAT16, outStrides, 8 * 256 - 16, ACL_FORMAT_ND,
                                                 storage, 1, shared.dev);
        aclTensor *outAfterShared = aclCreateTensor(outShape, 2, ACL_FLOAT16, outStrides, 8 * 256, ACL_FORMAT_ND,
                                                    storage, 1, shared.dev);
        ASSERT_NE(outInShared, nullptr);
        const std::pair<std::function<void(Args &)>, const char *> cases[] = {
            {[&](Args &a) { a.x2 = x2gap->t; }, "x2 must be contiguous"},
            {[&](Args &a) { a.out = outZero->t; }, "overlap"},
            {[&](Args &a) { a.x1 = x1neg->t; }, "cannot be addressed"},
            {[&](Args &a) { a.bias = biasShort->t; }, "bias must be 1-D with at least n"},
            {[&](Args &a) { a.bias = bias2d->t; }, "bias must be 1-D with at least n"},
            {[&](Args &a) { a.out = outShortStorage->t; }, "holds 63"},
            {[&](Args &a) {
                 a.gatherOut = shared.t;
                 a.out = outInShared;
             },
             "share memory"},
        };
        for (const auto &[breakIt, what] : cases) {
            Args a = c.Valid();
            breakIt(a);
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, what, what);
            a.group = nullptr;  // before the inner layer's null group
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, std::string(what) + " with a null group", what);
        }
        // A longer bias is fine (its first n elements are added), as are adjacent outputs.
        Args a = c.Valid();
        a.bias = biasLong->t;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        a = c.Valid();
        a.gatherOut = shared.t;
        a.out = outAfterShared;
        EXPECT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        aclDestroyTensor(outInShared);
        aclDestroyTensor(outAfterShared);
    });
}

// The generated inner layer and the tiling layer, after every op_api check (ops.md §1.2, §5.1).
TEST_F(AllGatherMatmulTest, GroupAndTilingRefusals) {
    OnRank0([](ErrorCase &c) {
        Args a = c.Valid();
        a.group = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "null group", "group is null");
        a = c.Valid();
        a.group = "no_such_group";
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "unknown group", "names no live communicator");
        auto x1nchw = std::make_unique<DevTensor>(Codes(4 * 256, 0), Shape{4, 256}, Contiguous({4, 256}), ACL_FLOAT16,
                                                  ACL_FORMAT_NCHW);
        auto outNchw = std::make_unique<DevTensor>(Codes(64, kSentinel), Shape{8, 8}, Contiguous({8, 8}), ACL_FLOAT16,
                                                   ACL_FORMAT_NCHW);
        auto outRowsM = Zeros({4, 8}), gatherRowsM = Zeros({4, 256}), outRows3m = Zeros({12, 8});
        const std::pair<std::function<void(Args &)>, const char *> cases[] = {
            {[&](Args &a) { a.x1 = x1nchw->t; }, "x1 format NCHW"},
            {[&](Args &a) { a.out = outNchw->t; }, "output format NCHW must equal x1 format ND"},
            {[&](Args &a) { a.gatherIndex = 1; }, "gatherIndex 1"},
            {[&](Args &a) { a.commTurn = 8; }, "commTurn 8"},
            {[&](Args &a) { a.commTurn = -1; }, "commTurn -1"},
            {[&](Args &a) { a.out = outRowsM->t; }, "output has 4 rows"},
            {[&](Args &a) { a.out = outRows3m->t; }, "output has 12 rows"},
            {[&](Args &a) { a.gatherOut = gatherRowsM->t; }, "gatherOut has 4 rows"},
        };
        for (const auto &[breakIt, what] : cases) {
            Args b = c.Valid();
            breakIt(b);
            c.Expect(b, ACLNN_ERR_INNER_TILING_ERROR, what, what);
            b.group = nullptr;  // the null group comes first
            c.Expect(b, ACLNN_ERR_PARAM_NULLPTR, std::string(what) + " with a null group", "group is null");
        }
        // The vendor's tiling order: format, gatherIndex, commTurn, then the rows.
        a = c.Valid();
        a.gatherIndex = 1;
        a.commTurn = 1;
        a.out = outRowsM->t;
        c.Expect(a, ACLNN_ERR_INNER_TILING_ERROR, "gatherIndex first", "gatherIndex");
    });
}

TEST_F(AllGatherMatmulTest, WorldSizePerPlatform) {
    // A world of 1 and of 3: on no platform; 16: Ascend 950 only (the A3 list, platform.h).
    for (uint32_t world : {1u, 3u, 16u}) {
        World w(world);
        w.Run([&](uint32_t r) {
            if (r != 0) return;
            ErrorCase c(w.groups[0]);
            auto out = Zeros({4 * world, 8}), gather = Zeros({4 * world, 256});
            Args a = c.Valid();
            a.out = out->t;
            a.gatherOut = gather->t;
            EXPECT_EQ(Call(a), ACLNN_ERR_INNER_TILING_ERROR) << "world " << world << " on atlas_a2";
            EXPECT_NE(TakeErrors().find("world size"), std::string::npos);
            setenv("MC2_PLATFORM", "ascend_950", 1);
            EXPECT_EQ(Call(a), world == 16 ? ACLNN_SUCCESS : ACLNN_ERR_INNER_TILING_ERROR)
                << "world " << world << " on ascend_950: " << TakeErrors();
            setenv("MC2_PLATFORM", "no_such_platform", 1);
            EXPECT_EQ(Call(a), ACLNN_ERR_INNER) << "unknown MC2_PLATFORM";
            TakeErrors();
            unsetenv("MC2_PLATFORM");
        });
    }
}

TEST_F(AllGatherMatmulTest, ExecutePhaseErrors) {
    OnRank0([](ErrorCase &c) {
        aclrtStream stream = nullptr;
        ASSERT_EQ(aclrtCreateStream(&stream), ACL_SUCCESS);
        Args a = c.Valid();
        ASSERT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
        // The vendor's execute phase returns SUCCESS for a null workspace without running; this
        // one refuses it (the executor needs a workspace).
        EXPECT_EQ(aclnnAllGatherMatmul(nullptr, c.wsSize, c.exec, stream), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(TakeErrors().find("workspace is null"), std::string::npos);
        EXPECT_EQ(aclnnAllGatherMatmul(nullptr, 0, nullptr, stream), ACLNN_ERR_PARAM_NULLPTR);
        TakeErrors();
        aclrtDestroyStream(stream);
        EXPECT_EQ(c.out->Read(), Codes(64, kSentinel));
    });
}

// The caller may destroy its aclTensor descriptors between the phases: the executor holds
// copies of their metadata.
TEST_F(AllGatherMatmulTest, DescriptorsMayBeDestroyedBeforeExecution) {
    World w(2);
    w.Run([&](uint32_t r) {
        ErrorCase c(w.groups[r]);
        ASSERT_EQ(Call(c.Valid()), ACLNN_SUCCESS) << TakeErrors();
        for (auto *t : {&c.x1, &c.x2, &c.bias, &c.out, &c.gatherOut}) {
            aclDestroyTensor((*t)->t);
            (*t)->t = nullptr;
        }
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnAllGatherMatmul(ws, c.wsSize, c.exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS) << TakeErrors();
        // x1, x2 and bias are all ones (0x3C00): every output is 256 + 1 = 257, exact in fp16
        // (spacing 0.25 in [256, 512)): 0x5C04 = 2^8 · (1 + 4/1024).
        EXPECT_EQ(c.out->Read(), Codes(64, 0x5C04));
        EXPECT_EQ(c.gatherOut->Read(), Codes(8 * 256, 0x3C00));
        aclrtFree(ws);
    });
}

// A rank whose task fails inside the stream (its workspace freed after the execute phase
// queued it, while the stream was still busy) aborts the communicator: its peer's gather fails
// at once instead of after the exec timeout, and no output is written on either rank.
TEST_F(AllGatherMatmulTest, RankFailingInsideItsTaskAbortsThePeer) {
    World w(2);
    std::mutex mu;
    std::condition_variable cv;
    bool freed = false;
    w.Run([&](uint32_t r) {
        ErrorCase c(w.groups[r]);
        if (r == 1) {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return freed; });
        }
        // Rank 0's barrier holds its stream until rank 1 arrives.
        ASSERT_EQ(HcclBarrier(w.comms[r], w.streams[r]), HCCL_SUCCESS) << TakeErrors();
        ASSERT_EQ(Call(c.Valid()), ACLNN_SUCCESS) << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_EQ(aclnnAllGatherMatmul(ws, c.wsSize, c.exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        if (r == 0) {
            aclrtFree(ws);
            ws = nullptr;
            std::lock_guard lock(mu);
            freed = true;
            cv.notify_all();
        }
        EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << "rank " << r;
        const std::string msg = TakeErrors();
        if (r == 0) EXPECT_NE(msg.find("workspace memory was freed"), std::string::npos) << msg;
        EXPECT_NE(msg, "") << "rank " << r;
        EXPECT_EQ(c.out->Read(), Codes(64, kSentinel)) << "rank " << r;
        EXPECT_EQ(c.gatherOut->Read(), Codes(8 * 256, kSentinel)) << "rank " << r;
        if (ws != nullptr) aclrtFree(ws);
    });
}

// Ranks passing different m (each consistent with itself) or different dtypes fail on every
// rank at the handshake, within bounded time, and write nothing.
TEST_F(AllGatherMatmulTest, RanksDisagreeingFailWithoutWriting) {
    struct Disagreement {
        int64_t m1;
        aclDataType type1;
        const char *field;
    };
    for (const Disagreement &d : {Disagreement{2, ACL_FLOAT16, "m is"}, Disagreement{4, ACL_BF16, "dtype is"}}) {
        World w(2);
        w.Run([&](uint32_t r) {
            const int64_t m = r == 0 ? 4 : d.m1;
            const aclDataType type = r == 0 ? ACL_FLOAT16 : d.type1;
            auto x1 = Filled({m, 256}, type, 0x3C00), x2 = Filled({256, 8}, type, 0x3C00);
            auto out = Filled({2 * m, 8}, type), gather = Filled({2 * m, 256}, type);
            uint64_t wsSize = 0;
            aclOpExecutor *exec = nullptr;
            ASSERT_EQ(aclnnAllGatherMatmulGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), 0, 0, 1, out->t,
                                                           gather->t, &wsSize, &exec),
                      ACLNN_SUCCESS)
                << TakeErrors();
            void *ws = nullptr;
            ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            const auto t0 = std::chrono::steady_clock::now();
            ASSERT_EQ(aclnnAllGatherMatmul(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
            EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS);
            EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
            const std::string msg = TakeErrors();
            EXPECT_NE(msg.find(kApi), std::string::npos) << msg;
            EXPECT_NE(msg.find(d.field), std::string::npos) << msg;
            EXPECT_EQ(out->Read(), Codes(static_cast<size_t>(2 * m * 8), kSentinel));
            EXPECT_EQ(gather->Read(), Codes(static_cast<size_t>(2 * m * 256), kSentinel));
            aclrtFree(ws);
        });
    }
}

// Rank 1 fails its argument check and never joins: rank 0 fails within the communicator's
// exec timeout, with a message, and writes nothing.
TEST_F(AllGatherMatmulTest, PeerFailingItsCheckFailsThisRankInBoundedTime) {
    setenv("MC2_HCCL_TIMEOUT_MS", "300", 1);
    {
        World w(2);
        setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
        w.Run([&](uint32_t r) {
            ErrorCase c(w.groups[r]);
            Args a = c.Valid();
            if (r == 1) {
                a.commTurn = 1;
                EXPECT_EQ(Call(a), ACLNN_ERR_INNER_TILING_ERROR);
                TakeErrors();
                return;
            }
            ASSERT_EQ(Call(a), ACLNN_SUCCESS) << TakeErrors();
            void *ws = nullptr;
            ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            const auto t0 = std::chrono::steady_clock::now();
            ASSERT_EQ(aclnnAllGatherMatmul(ws, c.wsSize, c.exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
            EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS);
            EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
            EXPECT_NE(TakeErrors(), "");
            EXPECT_EQ(c.out->Read(), Codes(64, kSentinel));
            EXPECT_EQ(c.gatherOut->Read(), Codes(8 * 256, kSentinel));
            aclrtFree(ws);
        });
    }
    setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
}

}  // namespace

namespace {

// Timing (run by hand: --gtest_also_run_disabled_tests; env MC2_TEST_WORLD, MC2_TEST_M,
// MC2_TEST_K, MC2_TEST_N override the default world 2, m 256, k 1024, n 2048).
TEST(AllGatherMatmulTiming, DISABLED_Timing) {
    auto env = [](const char *name, int64_t fallback) {
        const char *v = std::getenv(name);
        return v ? std::atoll(v) : fallback;
    };
    const uint32_t world = static_cast<uint32_t>(env("MC2_TEST_WORLD", 2));
    const int64_t m = env("MC2_TEST_M", 256), k = env("MC2_TEST_K", 1024), n = env("MC2_TEST_N", 2048);
    World w(world);
    w.Run([&](uint32_t r) {
        auto x1 = Filled({m, k}, ACL_FLOAT16, 0x3C00), x2 = Filled({k, n}, ACL_FLOAT16, 0x3C00);
        auto out = Filled({m * world, n}, ACL_FLOAT16), gather = Filled({m * world, k}, ACL_FLOAT16);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnAllGatherMatmulGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), 0, 0, 1, out->t,
                                                       gather->t, &wsSize, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_EQ(aclnnAllGatherMatmul(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 600000), ACL_SUCCESS) << TakeErrors();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("rank %u: world %u m=%lld k=%lld n=%lld in %.3f s (%.1f GFLOP/s per rank)\n", r, world,
                    static_cast<long long>(m), static_cast<long long>(k), static_cast<long long>(n), secs,
                    2.0 * static_cast<double>(m * world * k) * static_cast<double>(n) / secs * 1e-9);
        aclrtFree(ws);
    });
}

}  // namespace
