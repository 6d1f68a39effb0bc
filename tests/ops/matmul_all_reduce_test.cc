// tests/ops/matmul_all_reduce_test.cc — the implementation's own tests of aclnnMatmulAllReduce
// and aclnnMatmulAllReduceV2, through the exported ABI only, ranks as threads the way the CANN
// example runs them. Data are small integers, so every product, sum over k and sum over ranks
// is exact in fp16 and bf16 and the expected bits are known by construction whatever the
// summation order. Argument errors: each documented check returns its code with a message and
// leaves the output bytes untouched; a rank that fails makes its peer fail in bounded time.
// (The conformance checking proper is the suite's job; see spec/ and harness/.)
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/abi_world.h"
#include "acl/acl.h"
#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "hccl/hccl.h"

namespace {

using mc2::testing::Contiguous;
using mc2::testing::Dense;
using mc2::testing::DevTensor;
using mc2::testing::Numel;
using mc2::testing::TakeErrors;
using mc2::testing::World;


using Shape = std::vector<int64_t>;



// Exact encodings of small integers (|v| <= 2048 for fp16, <= 256 for bf16): the test's own
// bit assembly, independent of impl/kernels/codecs.
uint16_t EncodeInt(int v, aclDataType type) {
    if (v == 0) return 0;
    const uint16_t sign = v < 0 ? 0x8000 : 0;
    unsigned a = static_cast<unsigned>(v < 0 ? -v : v);
    int e = 0;
    while ((a >> (e + 1)) != 0) ++e;  // a = 1.f * 2^e
    if (type == ACL_FLOAT16) {
        const unsigned frac = (a << (10 - e)) & 0x3FF;
        return static_cast<uint16_t>(sign | ((e + 15) << 10) | frac);
    }
    const unsigned frac = (a << (7 - e)) & 0x7F;
    return static_cast<uint16_t>(sign | ((e + 127) << 7) | frac);
}






// One rank's problem in integers: x1 (m x k, as x1Shape), x2 (k x n), bias (n), x3 (m x n).
struct RankData {
    std::vector<int> x1, x2, bias, x3;
};

RankData MakeRankData(uint32_t rank, int64_t m, int64_t k, int64_t n, int seed) {
    std::mt19937 rng(static_cast<uint32_t>(seed * 131 + rank));
    std::uniform_int_distribution<int> small(-2, 2);
    std::uniform_int_distribution<int> mid(-4, 4);
    RankData d;
    for (int64_t i = 0; i < m * k; ++i) d.x1.push_back(small(rng));
    for (int64_t i = 0; i < k * n; ++i) d.x2.push_back(small(rng));
    for (int64_t i = 0; i < n; ++i) d.bias.push_back(mid(rng));
    for (int64_t i = 0; i < m * n; ++i) d.x3.push_back(mid(rng));
    return d;
}

std::vector<uint16_t> Encode(const std::vector<int> &v, aclDataType type) {
    std::vector<uint16_t> out;
    for (int x : v) out.push_back(EncodeInt(x, type));
    return out;
}

struct Options {
    aclDataType type = ACL_FLOAT16;
    Shape x1Shape = {8, 16};  // (m, k) or (b, s, k)
    int64_t n = 12;
    bool bias = true;
    bool x3 = false;           // V2 with x3
    bool v2 = false;           // call V2 even without x3
    bool transposeX2 = false;  // x2 given as a (k, n) view of an (n, k) buffer
    int64_t commTurn = 0;
    int seed = 1;
};

// Runs the operator on every rank of `world` and returns each rank's output (m x n codes); the
// expected result is checked bit for bit.
std::vector<std::vector<uint16_t>> RunAndCheck(World &world, const Options &o) {
    const int64_t k = o.x1Shape.back();
    const int64_t m = Numel(Shape(o.x1Shape.begin(), o.x1Shape.end() - 1));
    const int64_t n = o.n;
    std::vector<RankData> data;
    for (uint32_t r = 0; r < world.n; ++r) data.push_back(MakeRankData(r, m, k, n, o.seed));
    std::vector<int> want(static_cast<size_t>(m * n), 0);
    for (uint32_t r = 0; r < world.n; ++r) {
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) {
                int acc = o.bias ? data[r].bias[j] : 0;
                for (int64_t p = 0; p < k; ++p) acc += data[r].x1[i * k + p] * data[r].x2[p * n + j];
                if (o.x3) acc += data[r].x3[i * n + j];
                want[i * n + j] += acc;
            }
        }
    }
    std::vector<std::vector<uint16_t>> outputs(world.n);
    world.Run([&](uint32_t r) {
        const RankData &d = data[r];
        Shape outShape = o.x1Shape;
        outShape.back() = n;
        auto x1 = Dense(Encode(d.x1, o.type), o.x1Shape, o.type);
        std::unique_ptr<DevTensor> x2;
        if (o.transposeX2) {
            std::vector<int> t(static_cast<size_t>(k * n));
            for (int64_t p = 0; p < k; ++p) {
                for (int64_t j = 0; j < n; ++j) t[j * k + p] = d.x2[p * n + j];
            }
            x2 = std::make_unique<DevTensor>(Encode(t, o.type), Shape{k, n}, Shape{1, k}, o.type);
        } else {
            x2 = Dense(Encode(d.x2, o.type), {k, n}, o.type);
        }
        auto bias = o.bias ? Dense(Encode(d.bias, o.type), {n}, o.type) : nullptr;
        auto x3 = o.x3 ? Dense(Encode(d.x3, o.type), outShape, o.type) : nullptr;
        auto out = Dense(std::vector<uint16_t>(static_cast<size_t>(m * n), 0xFFFF), outShape, o.type);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        const std::string &group = world.groups[r];
        aclnnStatus st;
        if (o.v2 || o.x3) {
            st = aclnnMatmulAllReduceV2GetWorkspaceSize(x1->t, x2->t, bias ? bias->t : nullptr, x3 ? x3->t : nullptr,
                                                        group.c_str(), "sum", o.commTurn, 1, out->t, &wsSize, &exec);
        } else {
            st = aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, bias ? bias->t : nullptr, group.c_str(), "sum",
                                                      o.commTurn, 1, out->t, &wsSize, &exec);
        }
        ASSERT_EQ(st, ACLNN_SUCCESS) << TakeErrors();
        void *ws = nullptr;
        if (wsSize > 0) {
            ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        }
        st = (o.v2 || o.x3) ? aclnnMatmulAllReduceV2(ws, wsSize, exec, world.streams[r])
                            : aclnnMatmulAllReduce(ws, wsSize, exec, world.streams[r]);
        ASSERT_EQ(st, ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(world.streams[r], 20000), ACL_SUCCESS) << TakeErrors();
        if (ws != nullptr) aclrtFree(ws);
        outputs[r] = out->Read();
    });
    const std::vector<uint16_t> wantCodes = Encode(want, o.type);
    for (uint32_t r = 0; r < world.n; ++r) {
        EXPECT_EQ(outputs[r], wantCodes) << "rank " << r;
    }
    return outputs;
}

class MatmulAllReduceTest : public ::testing::Test {};

TEST_F(MatmulAllReduceTest, Fp16WithBias) {
    World w(2);
    RunAndCheck(w, {});
}

TEST_F(MatmulAllReduceTest, Bf16WithBias) {
    World w(2);
    Options o;
    o.type = ACL_BF16;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, NoBias) {
    World w(2);
    Options o;
    o.bias = false;
    o.x1Shape = {5, 7};
    o.n = 3;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, V2WithX3Fp16AndBf16) {
    World w(2);
    for (aclDataType type : {ACL_FLOAT16, ACL_BF16}) {
        Options o;
        o.type = type;
        o.x3 = true;
        RunAndCheck(w, o);
    }
}

TEST_F(MatmulAllReduceTest, V2WithoutX3IsV1) {
    World w(2);
    Options o;
    o.v2 = true;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, TransposedX2) {
    World w(2);
    Options o;
    o.transposeX2 = true;
    o.x1Shape = {9, 20};
    o.n = 17;
    RunAndCheck(w, o);
    o.type = ACL_BF16;
    o.x3 = true;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, ThreeDimensionalX1) {
    World w(2);
    Options o;
    o.x1Shape = {2, 3, 16};
    o.x3 = true;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, KZeroGivesAllReduceOfBiasPlusX3) {
    World w(2);
    Options o;
    o.x1Shape = {4, 0};
    o.n = 5;
    o.x3 = true;
    RunAndCheck(w, o);
}

TEST_F(MatmulAllReduceTest, ManyPiecesAndChunks) {
    World w(2);
    Options o;
    o.x1Shape = {300, 40};
    o.n = 70;
    o.x3 = true;
    for (int64_t turn : {0, 1, 3, 7, 1000}) {
        o.commTurn = turn;
        RunAndCheck(w, o);
    }
}

TEST_F(MatmulAllReduceTest, WorldOfOne) {
    World w(1);
    Options o;
    o.x3 = true;
    RunAndCheck(w, o);
}

// commTurn only changes how rows are grouped for communication: with data whose sums round,
// the bits must still be identical for every commTurn.
TEST_F(MatmulAllReduceTest, CommTurnDoesNotChangeBits) {
    World w(2);
    const int64_t m = 37, k = 300, n = 29;
    std::vector<std::vector<uint16_t>> first;
    for (int64_t turn : {1, 3, 0}) {
        std::vector<std::vector<uint16_t>> outs(2);
        w.Run([&](uint32_t r) {
            std::mt19937 rng(77 + r);
            std::uniform_int_distribution<int> mant(0, 1023);
            std::uniform_int_distribution<int> ex(12, 16);
            std::uniform_int_distribution<int> sg(0, 1);
            auto random = [&](int64_t count) {
                std::vector<uint16_t> v;
                for (int64_t i = 0; i < count; ++i) {
                    v.push_back(static_cast<uint16_t>((sg(rng) << 15) | (ex(rng) << 10) | mant(rng)));
                }
                return v;
            };
            auto x1 = Dense(random(m * k), {m, k}, ACL_FLOAT16);
            auto x2 = Dense(random(k * n), {k, n}, ACL_FLOAT16);
            auto bias = Dense(random(n), {n}, ACL_FLOAT16);
            auto x3 = Dense(random(m * n), {m, n}, ACL_FLOAT16);
            auto out = Dense(std::vector<uint16_t>(static_cast<size_t>(m * n), 0), {m, n}, ACL_FLOAT16);
            uint64_t wsSize = 0;
            aclOpExecutor *exec = nullptr;
            ASSERT_EQ(aclnnMatmulAllReduceV2GetWorkspaceSize(x1->t, x2->t, bias->t, x3->t, w.groups[r].c_str(), "sum",
                                                             turn, 1, out->t, &wsSize, &exec),
                      ACLNN_SUCCESS)
                << TakeErrors();
            void *ws = nullptr;
            ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            ASSERT_EQ(aclnnMatmulAllReduceV2(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
            ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS) << TakeErrors();
            aclrtFree(ws);
            outs[r] = out->Read();
        });
        EXPECT_EQ(outs[0], outs[1]);
        if (first.empty()) {
            first = outs;
        } else {
            EXPECT_EQ(outs, first) << "commTurn " << turn;
        }
    }
}

// The output may be a strided view: results land at the view's elements, the gaps keep their
// bytes.
TEST_F(MatmulAllReduceTest, StridedOutput) {
    World w(1);
    const int64_t m = 3, k = 4, n = 5, ld = 8;
    w.Run([&](uint32_t r) {
        std::vector<int> a(m * k), b(k * n);
        for (int64_t i = 0; i < m * k; ++i) a[i] = static_cast<int>(i % 3) - 1;
        for (int64_t i = 0; i < k * n; ++i) b[i] = static_cast<int>(i % 5) - 2;
        auto x1 = Dense(Encode(a, ACL_FLOAT16), {m, k}, ACL_FLOAT16);
        auto x2 = Dense(Encode(b, ACL_FLOAT16), {k, n}, ACL_FLOAT16);
        DevTensor out(std::vector<uint16_t>(static_cast<size_t>(m * ld), 0x1234), {m, n}, {ld, 1}, ACL_FLOAT16);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), "sum", 0, 1, out.t,
                                                       &wsSize, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnMatmulAllReduce(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS) << TakeErrors();
        aclrtFree(ws);
        const auto got = out.Read();
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < ld; ++j) {
                if (j >= n) {
                    EXPECT_EQ(got[i * ld + j], 0x1234);
                    continue;
                }
                int acc = 0;
                for (int64_t p = 0; p < k; ++p) acc += a[i * k + p] * b[p * n + j];
                EXPECT_EQ(got[i * ld + j], EncodeInt(acc, ACL_FLOAT16)) << i << "," << j;
            }
        }
    });
}

// ---- argument errors ------------------------------------------------------------------------

// The arguments of one GetWorkspaceSize call, copyable so a test can break one at a time.
struct Args {
    const aclTensor *x1, *x2, *bias, *x3, *out;
    const char *group;
    const char *reduceOp = "sum";
    int64_t commTurn = 0;
    int64_t streamMode = 1;
    uint64_t *ws = nullptr;
    aclOpExecutor **exec = nullptr;
};

// A valid single-rank problem (x1 8x16, x2 16x12, bias 12, x3 8x12) whose output is filled
// with a sentinel. Expect() calls V2 (and V1 unless the case is about x3) and verifies the
// code, a message naming the API, and that the output kept its bytes.
struct ErrorCase {
    explicit ErrorCase(const std::string &groupName, aclDataType type = ACL_FLOAT16)
        : group(groupName),
          x1(Dense(std::vector<uint16_t>(8 * 16, EncodeInt(1, type)), {8, 16}, type)),
          x2(Dense(std::vector<uint16_t>(16 * 12, EncodeInt(1, type)), {16, 12}, type)),
          bias(Dense(std::vector<uint16_t>(12, EncodeInt(1, type)), {12}, type)),
          x3(Dense(std::vector<uint16_t>(8 * 12, EncodeInt(1, type)), {8, 12}, type)),
          out(Dense(std::vector<uint16_t>(8 * 12, kSentinel), {8, 12}, type)) {}

    Args Valid() {
        Args a{x1->t, x2->t, bias->t, x3->t, out->t, group.c_str()};
        a.ws = &wsSize;
        a.exec = &exec;
        return a;
    }
    static aclnnStatus V2(const Args &a) {
        return aclnnMatmulAllReduceV2GetWorkspaceSize(a.x1, a.x2, a.bias, a.x3, a.group, a.reduceOp, a.commTurn,
                                                      a.streamMode, a.out, a.ws, a.exec);
    }
    static aclnnStatus V1(const Args &a) {
        return aclnnMatmulAllReduceGetWorkspaceSize(a.x1, a.x2, a.bias, a.group, a.reduceOp, a.commTurn, a.streamMode,
                                                    a.out, a.ws, a.exec);
    }
    void Expect(const Args &a, aclnnStatus want, const std::string &what, bool alsoV1 = true) {
        const char *api = "aclnnMatmulAllReduceV2";
        for (int v = 0; v < (alsoV1 ? 2 : 1); ++v) {
            const aclnnStatus got = v == 0 ? V2(a) : V1(a);
            EXPECT_EQ(got, want) << what << " (" << api << ")";
            const std::string msg = TakeErrors();
            EXPECT_NE(msg.find(api), std::string::npos) << what << ": message \"" << msg << "\"";
            if (std::getenv("MC2_TEST_PRINT_ERRORS") != nullptr) std::printf("%-40s -> %d: %s\n", what.c_str(), got, msg.c_str());
            EXPECT_EQ(OutputBytes(), std::vector<uint16_t>(8 * 12, kSentinel)) << what << ": output touched";
            api = "aclnnMatmulAllReduce";
        }
    }
    std::vector<uint16_t> OutputBytes() const { return out->Read(); }

    static constexpr uint16_t kSentinel = 0x5A5A;
    std::string group;
    std::unique_ptr<DevTensor> x1, x2, bias, x3, out;
    uint64_t wsSize = 0;
    aclOpExecutor *exec = nullptr;
};

// Runs body(case, world) on rank 0's thread of a world of `ranks` (the other ranks idle).
void OnRank0(const std::function<void(ErrorCase &)> &body, aclDataType type = ACL_FLOAT16, uint32_t ranks = 1) {
    World w(ranks);
    w.Run([&](uint32_t r) {
        if (r != 0) return;
        ErrorCase c(w.groups[0], type);
        body(c);
    });
}

TEST_F(MatmulAllReduceTest, NullArgumentsGive161001) {
    OnRank0([](ErrorCase &c) {
        Args a = c.Valid();
        a.x1 = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "x1 null");
        a = c.Valid();
        a.x2 = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "x2 null");
        a = c.Valid();
        a.out = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "output null");
        a = c.Valid();
        a.group = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "group null");
        a = c.Valid();
        a.reduceOp = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "reduceOp null (the vendor crashes; we must not)");
        a = c.Valid();
        a.ws = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "workspaceSize pointer null");
        a = c.Valid();
        a.exec = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "executor pointer null");
        // Null comes before every other check: a null x2 with a bad dtype x1 is still 161001.
        DevTensor f32(std::vector<uint16_t>(8 * 16 * 2, 0), {8, 16}, Contiguous({8, 16}), ACL_FLOAT);
        a = c.Valid();
        a.x1 = f32.t;
        a.x2 = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "x2 null beats x1 dtype");
        // bias and x3 are optional.
        a = c.Valid();
        a.bias = nullptr;
        a.x3 = nullptr;
        EXPECT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(ErrorCase::V1(a), ACLNN_SUCCESS) << TakeErrors();
    });
}

// group is checked by the vendor's generated inner layer, not by the op_api (ops.md §1.2, §8.3):
// every op_api check (dtype, attributes, format, shape, layout) comes first, and the null
// group comes before the tiling limits.
TEST_F(MatmulAllReduceTest, NullGroupIsCheckedAfterTheOpApiChecks) {
    OnRank0([](ErrorCase &c) {
        DevTensor undefBias(std::vector<uint16_t>(12, 0), {12}, {1}, ACL_DT_UNDEFINED);
        DevTensor x1t(std::vector<uint16_t>(8 * 16, 0), {8, 16}, {1, 8}, ACL_FLOAT16);
        DevTensor out3d(std::vector<uint16_t>(8 * 12, 0), {1, 8, 12}, Contiguous({1, 8, 12}), ACL_FLOAT16);
        Args a = c.Valid();
        a.group = nullptr;
        a.bias = undefBias.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "bias DT_UNDEFINED with a null group");
        a = c.Valid();
        a.group = nullptr;
        a.streamMode = 0;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "streamMode 0 with a null group");
        a = c.Valid();
        a.group = nullptr;
        a.out = out3d.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output shape with a null group");
        a = c.Valid();
        a.group = nullptr;
        a.x1 = x1t.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 transposed with a null group");
    });
    // World size 3 is refused by the tiling limits, which come after the null group.
    OnRank0(
        [](ErrorCase &c) {
            Args a = c.Valid();
            a.group = nullptr;
            c.Expect(a, ACLNN_ERR_PARAM_NULLPTR, "null group in a world of 3");
        },
        ACL_FLOAT16, 3);
}

TEST_F(MatmulAllReduceTest, DtypeErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        DevTensor f32x1(std::vector<uint16_t>(8 * 16 * 2, 0), {8, 16}, Contiguous({8, 16}), ACL_FLOAT);
        DevTensor bfx2(std::vector<uint16_t>(16 * 12, 0), {16, 12}, Contiguous({16, 12}), ACL_BF16);
        DevTensor bfout(std::vector<uint16_t>(8 * 12, 0), {8, 12}, Contiguous({8, 12}), ACL_BF16);
        DevTensor bfbias(std::vector<uint16_t>(12, 0), {12}, {1}, ACL_BF16);
        DevTensor bfx3(std::vector<uint16_t>(8 * 12, 0), {8, 12}, Contiguous({8, 12}), ACL_BF16);
        DevTensor i8x1(std::vector<uint16_t>(8 * 8, 0), {8, 16}, Contiguous({8, 16}), ACL_INT8);
        Args a = c.Valid();
        a.x1 = f32x1.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 FLOAT32");
        a = c.Valid();
        a.x1 = i8x1.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 INT8");
        a = c.Valid();
        a.x2 = bfx2.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x2 bf16 vs x1 fp16");
        a = c.Valid();
        a.out = bfout.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output bf16 vs x1 fp16");
        a = c.Valid();
        a.bias = bfbias.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "bias bf16 vs x1 fp16");
        a = c.Valid();
        a.x3 = bfx3.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x3 bf16 vs x1 fp16", false);
    });
}

TEST_F(MatmulAllReduceTest, AttributeErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        for (const char *op : {"max", "sumX", "SUM", "", "prod"}) {
            Args a = c.Valid();
            a.reduceOp = op;
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, std::string("reduceOp \"") + op + "\"");
        }
        for (int64_t mode : {0, -1, 2}) {
            Args a = c.Valid();
            a.streamMode = mode;
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, "streamMode " + std::to_string(mode));
        }
        Args a = c.Valid();
        a.commTurn = -1;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "commTurn -1");
        // Attributes come after dtypes: a bad reduceOp with a FLOAT32 x1 reports the dtype.
        DevTensor f32x1(std::vector<uint16_t>(8 * 16 * 2, 0), {8, 16}, Contiguous({8, 16}), ACL_FLOAT);
        a = c.Valid();
        a.x1 = f32x1.t;
        a.reduceOp = "max";
        EXPECT_EQ(ErrorCase::V2(a), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(TakeErrors().find("dtype"), std::string::npos);
    });
}

TEST_F(MatmulAllReduceTest, FormatErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        // x2 as a pre-processed NZ weight: FRACTAL_NZ with a 4-D storage shape.
        DevTensor nz(std::vector<uint16_t>(16 * 16, 0), {16, 12}, {12, 1}, ACL_FLOAT16, ACL_FORMAT_FRACTAL_NZ,
                     {1, 1, 16, 16});
        Args a = c.Valid();
        a.x2 = nz.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x2 weight NZ");
    });
}

// The vendor's op_api refuses only a weight-NZ x2 (ops.md §1.4); any other format label, on any
// tensor, is accepted and the data are read and written as ND.
TEST_F(MatmulAllReduceTest, OtherFormatLabelsAreReadAsNd) {
    OnRank0([](ErrorCase &c) {
        const uint16_t one = EncodeInt(1, ACL_FLOAT16);
        c.x1 = std::make_unique<DevTensor>(std::vector<uint16_t>(8 * 16, one), Shape{8, 16}, Contiguous({8, 16}),
                                           ACL_FLOAT16, ACL_FORMAT_NCHW);
        // FRACTAL_NZ without a 4-D storage shape is no weight-NZ.
        c.x2 = std::make_unique<DevTensor>(std::vector<uint16_t>(16 * 12, one), Shape{16, 12}, Contiguous({16, 12}),
                                           ACL_FLOAT16, ACL_FORMAT_FRACTAL_NZ, Shape{16, 12});
        c.bias = std::make_unique<DevTensor>(std::vector<uint16_t>(12, one), Shape{12}, Shape{1}, ACL_FLOAT16,
                                             ACL_FORMAT_NCL);
        c.x3 = std::make_unique<DevTensor>(std::vector<uint16_t>(8 * 12, one), Shape{8, 12}, Contiguous({8, 12}),
                                           ACL_FLOAT16, ACL_FORMAT_NHWC);
        c.out = std::make_unique<DevTensor>(std::vector<uint16_t>(8 * 12, ErrorCase::kSentinel), Shape{8, 12},
                                            Contiguous({8, 12}), ACL_FLOAT16, ACL_FORMAT_NC);
        aclrtStream stream = nullptr;
        ASSERT_EQ(aclrtCreateStream(&stream), ACL_SUCCESS);
        Args a = c.Valid();
        ASSERT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclnnMatmulAllReduceV2(ws, c.wsSize, c.exec, stream), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(stream, 20000), ACL_SUCCESS) << TakeErrors();
        // 8x16 ones @ 16x12 ones + bias 1 + x3 1 = 18 everywhere.
        EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, EncodeInt(18, ACL_FLOAT16)));
        aclrtFree(ws);
        aclrtDestroyStream(stream);
        // V1 accepts the same labels.
        a = c.Valid();
        EXPECT_EQ(ErrorCase::V1(a), ACLNN_SUCCESS) << TakeErrors();
    });
}

TEST_F(MatmulAllReduceTest, ShapeErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        auto dense = [](const Shape &shape) {
            return std::make_unique<DevTensor>(std::vector<uint16_t>(static_cast<size_t>(Numel(shape)), 0), shape,
                                               Contiguous(shape), ACL_FLOAT16);
        };
        auto x2_3d = dense({1, 16, 12});
        auto x1_4d = dense({1, 1, 8, 16});
        auto x1_1d = dense({16});
        auto x2_k = dense({15, 12});
        auto out_n = dense({8, 13});
        auto out_m = dense({9, 12});
        auto out_3d = dense({1, 8, 12});
        auto bias_n = dense({13});
        auto bias_2d = dense({1, 12});
        auto x3_bad = dense({8, 11});
        auto expect = [&](const char *what, const aclTensor *Args::*field, const aclTensor *value, bool alsoV1) {
            Args a = c.Valid();
            a.*field = value;
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, what, alsoV1);
        };
        expect("x2 3-D", &Args::x2, x2_3d->t, true);
        expect("x1 4-D", &Args::x1, x1_4d->t, true);
        expect("x1 1-D", &Args::x1, x1_1d->t, true);
        expect("k mismatch", &Args::x2, x2_k->t, true);
        expect("output n mismatch", &Args::out, out_n->t, true);
        expect("output m mismatch", &Args::out, out_m->t, true);
        expect("output rank differs from x1", &Args::out, out_3d->t, true);
        expect("bias [n+1]", &Args::bias, bias_n->t, true);
        expect("bias 2-D", &Args::bias, bias_2d->t, true);
        expect("x3 shape", &Args::x3, x3_bad->t, false);
    });
}

TEST_F(MatmulAllReduceTest, LayoutErrorsGive161002) {
    OnRank0([](ErrorCase &c) {
        // x1 transposed (non-contiguous x1 is not supported), x2 with a row gap (non-contiguous
        // but not a transpose), output with a zero stride (elements overlap).
        DevTensor x1t(std::vector<uint16_t>(8 * 16, 0), {8, 16}, {1, 8}, ACL_FLOAT16);
        DevTensor x2gap(std::vector<uint16_t>(16 * 20, 0), {16, 12}, {20, 1}, ACL_FLOAT16);
        DevTensor outOverlap(std::vector<uint16_t>(12, 0), {8, 12}, {0, 1}, ACL_FLOAT16);
        Args a = c.Valid();
        a.x1 = x1t.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 transposed");
        a = c.Valid();
        a.x2 = x2gap.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x2 strided, not a transpose");
        a = c.Valid();
        a.out = outOverlap.t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output overlapping");
    });
}

// A strided output is allowed (the parameter table: output non-contiguous √), one whose
// elements alias each other is not (spec rule mar.shape.output_overlap).
TEST_F(MatmulAllReduceTest, AliasingOutputsGive161002) {
    OnRank0([](ErrorCase &c) {
        auto out = [](const Shape &shape, const Shape &strides) {
            return std::make_unique<DevTensor>(std::vector<uint16_t>(256, 0), shape, strides, ACL_FLOAT16);
        };
        auto zeroStride = out({8, 12}, {0, 1});
        auto overlappingRows = out({8, 12}, {11, 1});
        auto interleaved = out({8, 12}, {3, 2});  // (2, 0) and (0, 3) are both element 6
        auto columnMajor = out({8, 12}, {1, 8});
        auto padded = out({8, 12}, {16, 1});
        const std::pair<const char *, const DevTensor *> bad[] = {
            {"zero stride", zeroStride.get()}, {"overlapping rows", overlappingRows.get()},
            {"interleaved dims", interleaved.get()}};
        for (const auto &[what, t] : bad) {
            Args a = c.Valid();
            a.out = t->t;
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, what);
            a.group = nullptr;  // a shape-stage check: before the null group
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, std::string(what) + " with a null group");
        }
        for (const auto *t : {columnMajor.get(), padded.get()}) {
            Args a = c.Valid();
            a.out = t->t;
            EXPECT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
        }
    });
    // The fuzzer's 3-D case: x1 (15, 1, 32), output (15, 1, 16) with strides (3, 3, 3).
    World w(1);
    w.Run([&](uint32_t) {
        auto x1 = Dense(std::vector<uint16_t>(15 * 32, 0), {15, 1, 32}, ACL_FLOAT16);
        auto x2 = Dense(std::vector<uint16_t>(32 * 16, 0), {32, 16}, ACL_FLOAT16);
        DevTensor out(std::vector<uint16_t>(88, 0), {15, 1, 16}, {3, 3, 3}, ACL_FLOAT16);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        EXPECT_EQ(aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[0].c_str(), "sum", 0, 1, out.t,
                                                       &wsSize, &exec),
                  ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(TakeErrors().find("overlap"), std::string::npos);
    });
}

// A view must stay inside its declared storage: offset + Σ (shape[i]-1)·stride[i] + 1 elements
// at most the product of the storage shape (spec rule mar.shape.storage). The allocations
// behind these tensors are large enough; only the declared storage shape is short.
TEST_F(MatmulAllReduceTest, ViewsBeyondTheirStorageGive161002) {
    auto tensor = [](const Shape &shape, const Shape &strides, const Shape &storageShape, int64_t offset = 0) {
        return std::make_unique<DevTensor>(std::vector<uint16_t>(256, EncodeInt(1, ACL_FLOAT16)), shape, strides,
                                           ACL_FLOAT16, ACL_FORMAT_ND, storageShape, offset);
    };
    OnRank0([&](ErrorCase &c) {
        auto outShort = tensor({8, 12}, {12, 1}, {95});
        auto x1Offset = tensor({8, 16}, {16, 1}, {8, 16}, 2);  // storage = view shape, offset 2 overflows it
        auto x2Transposed = tensor({16, 12}, {1, 16}, {191});
        auto biasShort = tensor({12}, {1}, {11});
        auto x3Short = tensor({8, 12}, {12, 1}, {8, 11});
        auto outStrided = tensor({8, 12}, {16, 1}, {8, 15});  // rows of 16, the last one cut short
        Args a = c.Valid();
        a.out = outShort->t;
        EXPECT_EQ(ErrorCase::V2(a), ACLNN_ERR_PARAM_INVALID);
        const std::string msg = TakeErrors();
        for (const char *part : {"output", "reaches 96 elements", "[95]", "holds 95"}) {
            EXPECT_NE(msg.find(part), std::string::npos) << part << " in: " << msg;
        }
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output storage 95 < 96");
        a = c.Valid();
        a.x1 = x1Offset->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x1 offset 2 past a storage of its view shape");
        a = c.Valid();
        a.x2 = x2Transposed->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "transposed x2 storage 191 < 192");
        a = c.Valid();
        a.bias = biasShort->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "bias storage 11 < 12");
        a = c.Valid();
        a.x3 = x3Short->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "x3 storage 88 < 96", false);
        a = c.Valid();
        a.out = outStrided->t;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "strided output storage 120 < 124");
        // A shape-stage check: before the null group (inner layer).
        a = c.Valid();
        a.out = outShort->t;
        a.group = nullptr;
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output storage short with a null group");
        // Exactly enough storage is fine, offset included.
        auto x1Exact = tensor({8, 16}, {16, 1}, {130}, 2);
        a = c.Valid();
        a.x1 = x1Exact->t;
        EXPECT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
    });
    // ... and before the tiling limits (world size 3).
    OnRank0(
        [&](ErrorCase &c) {
            auto outShort = tensor({8, 12}, {12, 1}, {95});
            Args a = c.Valid();
            a.out = outShort->t;
            c.Expect(a, ACLNN_ERR_PARAM_INVALID, "output storage short in a world of 3");
        },
        ACL_FLOAT16, 3);
}

TEST_F(MatmulAllReduceTest, UnknownGroupGives161002) {
    OnRank0([](ErrorCase &c) {
        Args a = c.Valid();
        a.group = "no_such_group";
        c.Expect(a, ACLNN_ERR_PARAM_INVALID, "unknown group");
    });
}

TEST_F(MatmulAllReduceTest, TilingLimitsGive561002) {
    OnRank0([](ErrorCase &c) {
        DevTensor x1m0(std::vector<uint16_t>{}, {0, 16}, {16, 1}, ACL_FLOAT16);
        DevTensor outm0(std::vector<uint16_t>{}, {0, 12}, {12, 1}, ACL_FLOAT16);
        DevTensor x3m0(std::vector<uint16_t>{}, {0, 12}, {12, 1}, ACL_FLOAT16);
        Args a = c.Valid();
        a.x1 = x1m0.t;
        a.out = outm0.t;
        a.x3 = x3m0.t;
        c.Expect(a, ACLNN_ERR_INNER_TILING_ERROR, "m == 0");
        DevTensor x2n0(std::vector<uint16_t>{}, {16, 0}, {0, 1}, ACL_FLOAT16);
        DevTensor outn0(std::vector<uint16_t>{}, {8, 0}, {0, 1}, ACL_FLOAT16);
        DevTensor biasn0(std::vector<uint16_t>{}, {0}, {1}, ACL_FLOAT16);
        a = c.Valid();
        a.x2 = x2n0.t;
        a.out = outn0.t;
        a.bias = biasn0.t;
        a.x3 = nullptr;
        c.Expect(a, ACLNN_ERR_INNER_TILING_ERROR, "n == 0");
        // m = 2^31 > INT32_MAX, and n = 2^31 > INT32_MAX. A view must fit its storage, so the
        // other dims are 0: every tensor is empty and needs no memory (the limit is checked
        // before the empty output).
        const int64_t big = int64_t{1} << 31;
        DevTensor x1mBig(std::vector<uint16_t>{}, {big, 0}, {0, 1}, ACL_FLOAT16);
        DevTensor x2k0n0(std::vector<uint16_t>{}, {0, 0}, {0, 1}, ACL_FLOAT16);
        DevTensor outmBig(std::vector<uint16_t>{}, {big, 0}, {0, 1}, ACL_FLOAT16);
        a = c.Valid();
        a.x1 = x1mBig.t;
        a.x2 = x2k0n0.t;
        a.out = outmBig.t;
        a.bias = nullptr;
        a.x3 = nullptr;
        c.Expect(a, ACLNN_ERR_INNER_TILING_ERROR, "m > INT32_MAX");
        DevTensor x1m0k0(std::vector<uint16_t>{}, {0, 0}, {0, 1}, ACL_FLOAT16);
        DevTensor x2nBig(std::vector<uint16_t>{}, {0, big}, {big, 1}, ACL_FLOAT16);
        DevTensor outnBig(std::vector<uint16_t>{}, {0, big}, {big, 1}, ACL_FLOAT16);
        a = c.Valid();
        a.x1 = x1m0k0.t;
        a.x2 = x2nBig.t;
        a.out = outnBig.t;
        a.bias = nullptr;
        a.x3 = nullptr;
        c.Expect(a, ACLNN_ERR_INNER_TILING_ERROR, "n > INT32_MAX");
    });
}

TEST_F(MatmulAllReduceTest, WorldSizePerPlatform) {
    // World size 3 is neither an Atlas A2 nor an Ascend 950 size; 16 is only Ascend 950's.
    OnRank0(
        [](ErrorCase &c) {
            c.Expect(c.Valid(), ACLNN_ERR_INNER_TILING_ERROR, "world 3 on atlas_a2");
            setenv("MC2_PLATFORM", "ascend_950", 1);
            c.Expect(c.Valid(), ACLNN_ERR_INNER_TILING_ERROR, "world 3 on ascend_950");
            setenv("MC2_PLATFORM", "no_such_platform", 1);
            c.Expect(c.Valid(), ACLNN_ERR_INNER, "unknown MC2_PLATFORM");
            unsetenv("MC2_PLATFORM");
        },
        ACL_FLOAT16, 3);
    OnRank0(
        [](ErrorCase &c) {
            c.Expect(c.Valid(), ACLNN_ERR_INNER_TILING_ERROR, "world 16 on atlas_a2");
            setenv("MC2_PLATFORM", "ascend_950", 1);
            Args a = c.Valid();
            EXPECT_EQ(ErrorCase::V1(a), ACLNN_SUCCESS) << TakeErrors();
            unsetenv("MC2_PLATFORM");
        },
        ACL_FLOAT16, 16);
}

TEST_F(MatmulAllReduceTest, ExecutePhaseErrors) {
    OnRank0([](ErrorCase &c) {
        aclrtStream stream = nullptr;
        ASSERT_EQ(aclrtCreateStream(&stream), ACL_SUCCESS);
        auto prepare = [&] {
            Args a = c.Valid();
            a.x3 = nullptr;
            EXPECT_EQ(ErrorCase::V1(a), ACLNN_SUCCESS) << TakeErrors();
            EXPECT_GT(c.wsSize, 0u);
            return c.exec;
        };
        auto expectFail = [&](aclnnStatus got, aclnnStatus want, const char *what) {
            EXPECT_EQ(got, want) << what;
            EXPECT_NE(TakeErrors(), "") << what;
            EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, ErrorCase::kSentinel)) << what;
        };
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, 1 << 20, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        expectFail(aclnnMatmulAllReduce(ws, 1 << 20, nullptr, stream), ACLNN_ERR_PARAM_NULLPTR, "executor null");
        aclOpExecutor *e = prepare();
        expectFail(aclnnMatmulAllReduce(nullptr, c.wsSize, e, stream), ACLNN_ERR_PARAM_INVALID, "workspace null");
        expectFail(aclnnMatmulAllReduce(ws, 1 << 20, e, stream), ACLNN_ERR_PARAM_INVALID, "executor used twice");
        e = prepare();
        expectFail(aclnnMatmulAllReduce(ws, c.wsSize - 1, e, stream), ACLNN_ERR_PARAM_INVALID, "workspaceSize short");
        e = prepare();
        std::vector<unsigned char> host(c.wsSize);
        expectFail(aclnnMatmulAllReduce(host.data(), c.wsSize, e, stream), ACLNN_ERR_PARAM_INVALID,
                   "workspace in host memory");
        e = prepare();
        expectFail(aclnnMatmulAllReduceV2(ws, 1 << 20, e, stream), ACLNN_ERR_PARAM_INVALID, "V1 executor run by V2");
        e = prepare();
        expectFail(aclnnMatmulAllReduce(ws, 1 << 20, e, reinterpret_cast<aclrtStream>(0x1234)),
                   ACLNN_ERR_PARAM_INVALID, "invalid stream");
        // The communicator is still usable after all this: a correct call succeeds.
        e = prepare();
        ASSERT_GE(1u << 20, c.wsSize);
        EXPECT_EQ(aclnnMatmulAllReduce(ws, 1 << 20, e, stream), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(stream, 20000), ACL_SUCCESS) << TakeErrors();
        // 8x16 ones @ 16x12 ones + bias 1 = 17 everywhere.
        EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, EncodeInt(17, ACL_FLOAT16)));
        aclrtFree(ws);
        aclrtDestroyStream(stream);
    });
}

// The caller may destroy its aclTensor descriptors between the phases: the executor holds
// copies of their metadata.
TEST_F(MatmulAllReduceTest, DescriptorsMayBeDestroyedBeforeExecution) {
    World w(1);
    w.Run([&](uint32_t) {
        ErrorCase c(w.groups[0]);
        Args a = c.Valid();
        a.x3 = nullptr;
        ASSERT_EQ(ErrorCase::V1(a), ACLNN_SUCCESS) << TakeErrors();
        for (auto *t : {&c.x1, &c.x2, &c.bias}) {
            aclDestroyTensor((*t)->t);
            (*t)->t = nullptr;
        }
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnMatmulAllReduce(ws, c.wsSize, c.exec, w.streams[0]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[0], 20000), ACL_SUCCESS) << TakeErrors();
        EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, EncodeInt(17, ACL_FLOAT16)));
        aclrtFree(ws);
    });
}

// Rank 1 fails its argument check and never joins the collective: rank 0's stream sync must
// fail within a bounded time (the communicator's exec timeout), with a message, and rank 0's
// output keeps its bytes.
TEST_F(MatmulAllReduceTest, PeerFailingItsCheckFailsThisRankInBoundedTime) {
    setenv("MC2_HCCL_TIMEOUT_MS", "300", 1);
    {
        World w(2);
        setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
        w.Run([&](uint32_t r) {
            ErrorCase c(w.groups[r]);
            Args a = c.Valid();
            if (r == 1) {
                a.streamMode = 0;
                EXPECT_EQ(ErrorCase::V2(a), ACLNN_ERR_PARAM_INVALID);
                TakeErrors();
                return;
            }
            ASSERT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
            void *ws = nullptr;
            ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            const auto t0 = std::chrono::steady_clock::now();
            ASSERT_EQ(aclnnMatmulAllReduceV2(ws, c.wsSize, c.exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
            EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS);
            const auto waited = std::chrono::steady_clock::now() - t0;
            EXPECT_LT(waited, std::chrono::seconds(5));
            EXPECT_NE(TakeErrors(), "");
            EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, ErrorCase::kSentinel));
            aclrtFree(ws);
        });
    }
    setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
}

// A rank whose task fails inside the stream (here: its workspace was freed after the execute
// phase queued it, while the stream was still busy) aborts the communicator, so its peer's
// all-reduce fails at once instead of after the exec timeout, and neither output is written.
TEST_F(MatmulAllReduceTest, RankFailingInsideItsTaskAbortsThePeer) {
    World w(2);
    std::mutex mu;
    std::condition_variable cv;
    bool freed = false;
    w.Run([&](uint32_t r) {
        ErrorCase c(w.groups[r]);
        Args a = c.Valid();
        if (r == 1) {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return freed; });
        }
        // Rank 0's barrier holds its stream until rank 1 arrives.
        ASSERT_EQ(HcclBarrier(w.comms[r], w.streams[r]), HCCL_SUCCESS) << TakeErrors();
        ASSERT_EQ(ErrorCase::V2(a), ACLNN_SUCCESS) << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, c.wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_EQ(aclnnMatmulAllReduceV2(ws, c.wsSize, c.exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
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
        if (r == 0) {
            EXPECT_NE(msg.find("workspace memory was freed"), std::string::npos) << msg;
        }
        EXPECT_NE(msg, "") << "rank " << r;
        EXPECT_EQ(c.OutputBytes(), std::vector<uint16_t>(8 * 12, ErrorCase::kSentinel)) << "rank " << r;
        if (ws != nullptr) aclrtFree(ws);
    });
}

// Ranks that disagree on the shapes fail their first all-reduce (sizes differ) on every rank,
// the failing rank aborts the group, and no output is written.
TEST_F(MatmulAllReduceTest, MismatchedRanksFailWithoutWritingOutput) {
    World w(2);
    w.Run([&](uint32_t r) {
        const int64_t m = r == 0 ? 8 : 4;
        auto x1 = Dense(std::vector<uint16_t>(static_cast<size_t>(m * 16), 0x3C00), {m, 16}, ACL_FLOAT16);
        auto x2 = Dense(std::vector<uint16_t>(16 * 12, 0x3C00), {16, 12}, ACL_FLOAT16);
        auto out = Dense(std::vector<uint16_t>(static_cast<size_t>(m * 12), 0x5A5A), {m, 12}, ACL_FLOAT16);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), "sum", 1, 1, out->t,
                                                       &wsSize, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnMatmulAllReduce(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS);
        const std::string msg = TakeErrors();
        EXPECT_NE(msg.find("aclnnMatmulAllReduce"), std::string::npos) << msg;
        EXPECT_EQ(out->Read(), std::vector<uint16_t>(static_cast<size_t>(m * 12), 0x5A5A));
        aclrtFree(ws);
    });
}

// Ranks passing different commTurn values fail on every rank, without writing the output, even
// where the piece sizes coincide (m = 8: commTurn 0 chooses 4 pieces of 2 rows, as 4 does).
TEST_F(MatmulAllReduceTest, RanksDisagreeingOnCommTurnFail) {
    for (const auto &turns : {std::pair<int64_t, int64_t>{0, 4}, std::pair<int64_t, int64_t>{0, 11},
                              std::pair<int64_t, int64_t>{8, 9}}) {
        World w(2);  // a failed rank aborts its communicator: a fresh one per pair
        w.Run([&](uint32_t r) {
            const int64_t turn = r == 0 ? turns.first : turns.second;
            auto x1 = Dense(std::vector<uint16_t>(8 * 16, 0x3C00), {8, 16}, ACL_FLOAT16);
            auto x2 = Dense(std::vector<uint16_t>(16 * 12, 0x3C00), {16, 12}, ACL_FLOAT16);
            auto out = Dense(std::vector<uint16_t>(8 * 12, 0x5A5A), {8, 12}, ACL_FLOAT16);
            uint64_t wsSize = 0;
            aclOpExecutor *exec = nullptr;
            ASSERT_EQ(aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), "sum", turn, 1,
                                                           out->t, &wsSize, &exec),
                      ACLNN_SUCCESS)
                << TakeErrors();
            void *ws = nullptr;
            ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            ASSERT_EQ(aclnnMatmulAllReduce(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
            EXPECT_NE(aclrtSynchronizeStreamWithTimeout(w.streams[r], 20000), ACL_SUCCESS)
                << "commTurn " << turns.first << " vs " << turns.second << " on rank " << r;
            const std::string msg = TakeErrors();
            EXPECT_NE(msg.find("commTurn"), std::string::npos) << msg;
            EXPECT_EQ(out->Read(), std::vector<uint16_t>(8 * 12, 0x5A5A));
            aclrtFree(ws);
        });
    }
    // The same commTurn on every rank works.
    World w(2);
    Options o;
    o.x1Shape = {8, 16};
    o.commTurn = 4;
    RunAndCheck(w, o);
}

}  // namespace

namespace {

// Timing of a GPT-3 65B-like shape (run by hand: --gtest_also_run_disabled_tests; env
// MC2_TEST_M overrides m, default 2048 of the gate's 8192; MC2_TEST_COMMTURN the commTurn).
TEST_F(MatmulAllReduceTest, DISABLED_Gpt3ShapeTiming) {
    const char *env = std::getenv("MC2_TEST_M");
    const int64_t m = env ? std::atoll(env) : 2048, k = 2732, n = 8192;
    const char *turnEnv = std::getenv("MC2_TEST_COMMTURN");
    const int64_t turn = turnEnv ? std::atoll(turnEnv) : 0;
    World w(2);
    w.Run([&](uint32_t r) {
        auto x1 = Dense(std::vector<uint16_t>(static_cast<size_t>(m * k), 0x3C00), {m, k}, ACL_FLOAT16);
        auto x2 = Dense(std::vector<uint16_t>(static_cast<size_t>(k * n), 0x3C00), {k, n}, ACL_FLOAT16);
        auto out = Dense(std::vector<uint16_t>(static_cast<size_t>(m * n), 0), {m, n}, ACL_FLOAT16);
        uint64_t wsSize = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnMatmulAllReduceGetWorkspaceSize(x1->t, x2->t, nullptr, w.groups[r].c_str(), "sum", turn, 1,
                                                       out->t, &wsSize, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *ws = nullptr;
        ASSERT_EQ(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_EQ(aclnnMatmulAllReduce(ws, wsSize, exec, w.streams[r]), ACLNN_SUCCESS) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[r], 600000), ACL_SUCCESS) << TakeErrors();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("rank %u: m=%lld k=%lld n=%lld in %.2f s (%.1f GFLOP/s per rank)\n", r,
                    static_cast<long long>(m), static_cast<long long>(k), static_cast<long long>(n), secs,
                    2.0 * static_cast<double>(m * k) * static_cast<double>(n) / secs * 1e-9);
        aclrtFree(ws);
    });
}

}  // namespace
