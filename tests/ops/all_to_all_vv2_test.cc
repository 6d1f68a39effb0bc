// tests/ops/all_to_all_vv2_test.cc — the implementation's own tests of ATB AllToAllVV2Operation's
// data movement, through the exported ABI only (include/atb + libmc2impl.so), ranks as threads
// with external HCCL communicators (COMM_MULTI_THREAD, as the ATB doc example runs it).
//
// The doc's 2-rank worked example (expected values from seed 003 / spec-notes/ops.md §7) in every
// dtype; random counts at worlds 2/4/8 against the model written below, bit-exact, with guard
// bytes around x and every output; overlapping windows; ranks whose counts disagree and a rank
// that never comes (each stream fails in bounded time, nothing is written); the inference
// product's dtypes; ATB-created communicators; split PRELAUNCH/LAUNCH; stream ids; the public
// SVector and Utils. The argument checks are in all_to_all_vv2_checks_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "atb/atb_infer.h"
#include "hccl/hccl.h"
#include "all_to_all_vv2_util.h"

namespace mc2::test {
namespace {

// The model: rank r's output, element by element, is what rank j sends it (its x window
// [sdispls_j[r], + send_j[r])) placed at rdispls_r[j]; elements no window covers keep the
// initial fill. Needs consistent counts and non-overlapping receive windows.
std::vector<std::vector<uint8_t>> ModelOutputs(const std::vector<RankCall> &calls) {
    const size_t n = calls.size();
    std::vector<std::vector<uint8_t>> outs(n);
    for (size_t r = 0; r < n; ++r) {
        const size_t es = ElementSize(calls[r].dtype);
        outs[r].assign(static_cast<size_t>(calls[r].RecvSum()) * es, GuardedBuffer::kFill);
        for (size_t j = 0; j < n; ++j) {
            const RankCall &src = calls[j];
            const auto from = src.x.begin() + static_cast<std::ptrdiff_t>(src.sdispls[r] * static_cast<int64_t>(es));
            std::copy(from, from + static_cast<std::ptrdiff_t>(src.send[r] * static_cast<int64_t>(es)),
                      outs[r].begin() + static_cast<std::ptrdiff_t>(calls[r].rdispls[j] * static_cast<int64_t>(es)));
        }
    }
    return outs;
}

class DtypeTest : public ::testing::TestWithParam<aclDataType> {};

TEST_P(DtypeTest, DocExampleGivesTheDocumentedOutputs) {
    const aclDataType t = GetParam();
    World world(2);
    const auto calls = DocExample(t);
    const auto results = RunWorld(world, calls);
    // Expected values as the document prints them: rank0 [[0,1,0,1]], rank1 [[2,3,4,5,2]].
    const std::vector<std::vector<uint8_t>> expected = {EncodeAll({0, 1, 0, 1}, t), EncodeAll({2, 3, 4, 5, 2}, t)};
    for (uint32_t r = 0; r < 2; ++r) {
        SCOPED_TRACE("rank " + std::to_string(r));
        EXPECT_EQ(results[r].create, atb::NO_ERROR);
        EXPECT_EQ(results[r].setup, atb::NO_ERROR) << results[r].errors;
        EXPECT_EQ(results[r].workspace, 0u);
        EXPECT_EQ(results[r].execute, atb::NO_ERROR) << results[r].errors;
        EXPECT_EQ(results[r].sync, ACL_SUCCESS) << results[r].errors;
        EXPECT_EQ(results[r].out, expected[r]);
        EXPECT_TRUE(results[r].guardsIntact);
        EXPECT_TRUE(results[r].xUnchanged);
    }
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, DtypeTest, ::testing::ValuesIn(kAllDtypes));

// Random consistent counts: C[j][r] elements from j to r, each rank's send windows laid out in
// a random order with random gaps (and sometimes all at one offset: overlapping sends), the
// receive windows tiling the output in a random order. x holds random bytes, so NaN payloads,
// signed zeros and any bit pattern must survive unchanged.
std::vector<RankCall> RandomCalls(uint32_t n, aclDataType t, std::mt19937_64 &rng) {
    const size_t es = ElementSize(t);
    std::uniform_int_distribution<int> count(0, 6);
    std::vector<std::vector<int64_t>> c(n, std::vector<int64_t>(n));
    for (auto &row : c) {
        for (auto &v : row) v = count(rng) == 0 ? 0 : count(rng);
    }
    c[0][n - 1] = std::max<int64_t>(c[0][n - 1], 1);  // at least one element moves
    std::vector<RankCall> calls(n);
    for (uint32_t r = 0; r < n; ++r) {
        RankCall &call = calls[r];
        call.dtype = t;
        call.send.assign(n, 0);
        call.sdispls.assign(n, 0);
        call.recv.assign(n, 0);
        call.rdispls.assign(n, 0);
        std::vector<uint32_t> order(n);
        for (uint32_t j = 0; j < n; ++j) order[j] = j;
        const bool overlapping = rng() % 4 == 0;
        std::shuffle(order.begin(), order.end(), rng);
        int64_t at = 0;
        int64_t xLen = 0;
        for (uint32_t j : order) {
            call.send[j] = c[r][j];
            at += static_cast<int64_t>(rng() % 3);  // a gap
            call.sdispls[j] = overlapping ? 1 : at;
            if (!overlapping) at += c[r][j];
            xLen = std::max(xLen, call.sdispls[j] + c[r][j]);
        }
        xLen += static_cast<int64_t>(rng() % 3) + 1;
        call.xShape = {xLen};
        if (xLen % 2 == 0 && rng() % 2 == 0) call.xShape = {2, xLen / 2};
        call.x.resize(static_cast<size_t>(xLen) * es);
        for (auto &b : call.x) b = static_cast<uint8_t>(rng());
        std::shuffle(order.begin(), order.end(), rng);
        int64_t rat = 0;
        for (uint32_t j : order) {
            call.recv[j] = c[j][r];
            call.rdispls[j] = rat;
            rat += c[j][r];
        }
    }
    // A rank receiving nothing has no valid call (sum(recvCount) must be > 0): give it one
    // element from itself.
    for (uint32_t r = 0; r < n; ++r) {
        if (calls[r].RecvSum() == 0) {
            calls[r].send[r] = calls[r].recv[r] = 1;
            calls[r].sdispls[r] = 0;
            calls[r].rdispls[r] = 0;
        }
    }
    return calls;
}

TEST(AllToAllVV2, RandomCountsMatchTheModelAtWorlds248) {
    std::mt19937_64 rng(20240601);
    for (uint32_t n : {2u, 4u, 8u}) {
        World world(n);
        for (aclDataType t : kAllDtypes) {
            for (int trial = 0; trial < 2; ++trial) {
                SCOPED_TRACE("world " + std::to_string(n) + " dtype " + std::to_string(t) + " trial " +
                             std::to_string(trial));
                const auto calls = RandomCalls(n, t, rng);
                const auto results = RunWorld(world, calls);
                const auto expected = ModelOutputs(calls);
                for (uint32_t r = 0; r < n; ++r) {
                    ASSERT_EQ(results[r].setup, atb::NO_ERROR) << "rank " << r << ": " << results[r].errors;
                    ASSERT_EQ(results[r].execute, atb::NO_ERROR) << "rank " << r << ": " << results[r].errors;
                    ASSERT_EQ(results[r].sync, ACL_SUCCESS) << "rank " << r << ": " << results[r].errors;
                    EXPECT_EQ(results[r].out, expected[r]) << "rank " << r;
                    EXPECT_TRUE(results[r].guardsIntact) << "rank " << r;
                    EXPECT_TRUE(results[r].xUnchanged) << "rank " << r;
                }
            }
        }
    }
}

// Every rank sends the same window of x to everybody (fully overlapping sends).
TEST(AllToAllVV2, OverlappingSendWindowsAreEachDelivered) {
    World world(4);
    std::vector<RankCall> calls(4);
    for (uint32_t r = 0; r < 4; ++r) {
        RankCall &c = calls[r];
        c.dtype = ACL_INT32;
        c.xShape = {5};
        c.x = EncodeAll({10 + static_cast<int>(r), 20, 30, 40, 50}, ACL_INT32);
        c.send.assign(4, 2);
        c.sdispls.assign(4, 1);
        c.recv.assign(4, 2);
        c.rdispls = {6, 4, 2, 0};  // received blocks in reverse rank order
    }
    const auto results = RunWorld(world, calls);
    for (uint32_t r = 0; r < 4; ++r) {
        ASSERT_EQ(results[r].sync, ACL_SUCCESS) << results[r].errors;
        EXPECT_EQ(results[r].out, EncodeAll({20, 30, 20, 30, 20, 30, 20, 30}, ACL_INT32));
    }
}

// Receive windows that overlap: ATB does not refuse them and HCCL does not define which block
// lands last. Each element must hold one of the values sent to it; elements outside the
// overlap are exact; nothing outside the output changes.
TEST(AllToAllVV2, OverlappingReceiveWindowsHoldOneOfTheSentValues) {
    World world(2);
    std::vector<RankCall> calls(2);
    for (uint32_t r = 0; r < 2; ++r) {
        RankCall &c = calls[r];
        c.dtype = ACL_INT16;
        c.xShape = {3};
        c.x = EncodeAll({r == 0 ? 1 : 4, r == 0 ? 2 : 5, r == 0 ? 3 : 6}, ACL_INT16);
        c.send = {3, 3};
        c.sdispls = {0, 0};
        c.recv = {3, 3};
        c.rdispls = {0, 2};  // [0,3) from rank 0, [2,5) from rank 1: element 2 is written twice
    }
    const auto results = RunWorld(world, calls);
    for (uint32_t r = 0; r < 2; ++r) {
        ASSERT_EQ(results[r].sync, ACL_SUCCESS) << results[r].errors;
        const auto &out = results[r].out;  // 6 int16 elements, the last one not covered
        ASSERT_EQ(out.size(), 12u);
        const auto at = [&](int i) { return std::vector<uint8_t>(out.begin() + 2 * i, out.begin() + 2 * i + 2); };
        EXPECT_EQ(at(0), EncodeSmall(1, ACL_INT16));
        EXPECT_EQ(at(1), EncodeSmall(2, ACL_INT16));
        EXPECT_TRUE(at(2) == EncodeSmall(3, ACL_INT16) || at(2) == EncodeSmall(4, ACL_INT16));
        EXPECT_EQ(at(3), EncodeSmall(5, ACL_INT16));
        EXPECT_EQ(at(4), EncodeSmall(6, ACL_INT16));
        EXPECT_EQ(at(5), std::vector<uint8_t>(2, GuardedBuffer::kFill));
        EXPECT_TRUE(results[r].guardsIntact);
    }
}

// recvCount on rank 0 says 3 elements come from rank 1, which sends 2. ATB checks each rank
// alone, so Setup and Execute succeed; the ranks must then fail at synchronize, at once (not
// after a timeout), with a message, and write nothing.
TEST(AllToAllVV2, DisagreeingCountsFailEveryRankWithoutWriting) {
    World world(2);
    auto calls = DocExample(ACL_INT8);
    calls[0].recv = {2, 3};  // rank 1's sendCount[0] is 2: the ranks disagree
    calls[0].rdispls = {0, 2};
    const auto started = std::chrono::steady_clock::now();
    const auto results = RunWorld(world, calls);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_LT(elapsed, std::chrono::milliseconds(kTimeoutMs));
    for (uint32_t r = 0; r < 2; ++r) {
        SCOPED_TRACE("rank " + std::to_string(r));
        EXPECT_EQ(results[r].setup, atb::NO_ERROR) << results[r].errors;
        EXPECT_EQ(results[r].execute, atb::NO_ERROR) << results[r].errors;
        EXPECT_NE(results[r].sync, ACL_SUCCESS);
        EXPECT_NE(results[r].errors.find("AllToAllV"), std::string::npos) << results[r].errors;
        EXPECT_EQ(results[r].out, std::vector<uint8_t>(results[r].out.size(), GuardedBuffer::kFill));
        EXPECT_TRUE(results[r].guardsIntact);
    }
}

// A rank that never executes: its peer's stream fails after HCCL's exec timeout, not never.
TEST(AllToAllVV2, MissingRankFailsItsPeerInBoundedTime) {
    setenv("MC2_HCCL_TIMEOUT_MS", "1500", 1);  // read when the communicators are created
    World world(2);
    setenv("MC2_HCCL_TIMEOUT_MS", std::to_string(kTimeoutMs).c_str(), 1);
    const auto started = std::chrono::steady_clock::now();
    const auto results = RunWorld(world, DocExample(ACL_FLOAT16), {}, {false, true});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8));
    EXPECT_EQ(results[0].execute, atb::NO_ERROR);
    EXPECT_NE(results[0].sync, ACL_SUCCESS);
    EXPECT_FALSE(results[0].errors.empty());
    EXPECT_EQ(results[0].out, std::vector<uint8_t>(results[0].out.size(), GuardedBuffer::kFill));
}

// Atlas inference products (MC2_PLATFORM=atlas_inference): the 310P ini rows hold float16 and
// int8 only. bf16 x fails the ini match before the framework's bf16 check could (so that
// check, ERROR_INVALID_TENSOR_DTYPE, cannot be reached by this operation).
TEST(AllToAllVV2Inference, OnlyFloat16AndInt8) {
    World world(2);
    setenv("MC2_PLATFORM", "atlas_inference", 1);
    for (aclDataType t : kAllDtypes) {
        SCOPED_TRACE(std::to_string(t));
        const auto results = RunWorld(world, DocExample(t));
        const bool supported = t == ACL_FLOAT16 || t == ACL_INT8;
        for (uint32_t r = 0; r < 2; ++r) {
            EXPECT_EQ(results[r].setup, supported ? atb::NO_ERROR : atb::ERROR_INVALID_TENSOR_INI_MATCH)
                << results[r].errors;
            if (supported) {
                EXPECT_EQ(results[r].sync, ACL_SUCCESS) << results[r].errors;
            } else {
                EXPECT_NE(results[r].errors.find("atlas_inference"), std::string::npos);
            }
        }
    }
    setenv("MC2_PLATFORM", "atlas_a9", 1);
    atb::Operation *op = nullptr;
    EXPECT_EQ(atb::CreateOperation(world.Param(0), &op), atb::ERROR_RT_FAIL);
    EXPECT_NE(TakeErrors().find("atlas_a9"), std::string::npos);
    unsetenv("MC2_PLATFORM");
}

// EXECUTE_PRELAUNCH checks and keeps the call, EXECUTE_LAUNCH launches it; an empty variant
// pack at Execute runs on Setup's tensors.
TEST(AllToAllVV2Execute, SplitLaunchAndEmptyVariantPack) {
    World world(2);
    const auto calls = DocExample(ACL_INT32);
    const std::vector<std::vector<uint8_t>> expected = {EncodeAll({0, 1, 0, 1}, ACL_INT32),
                                                        EncodeAll({2, 3, 4, 5, 2}, ACL_INT32)};
    world.Run([&](uint32_t r) {
        RankTensors tensors(calls[r]);
        atb::Operation *op = nullptr;
        ASSERT_EQ(atb::CreateOperation(world.Param(r), &op), atb::NO_ERROR);
        auto pack = tensors.Pack();
        uint64_t ws = 0;
        atb::Context *ctx = world.atbContexts[r];
        ASSERT_EQ(op->Setup(pack, ws, ctx), atb::NO_ERROR);
        ASSERT_EQ(ctx->SetExecuteType(atb::EXECUTE_LAUNCH), atb::NO_ERROR);
        EXPECT_EQ(op->Execute(pack, nullptr, 0, ctx), atb::ERROR_INVALID_PARAM);  // nothing pre-launched
        TakeErrors();
        ASSERT_EQ(ctx->SetExecuteType(atb::EXECUTE_PRELAUNCH), atb::NO_ERROR);
        EXPECT_EQ(op->Execute(atb::VariantPack{}, nullptr, 0, ctx), atb::NO_ERROR) << TakeErrors();
        EXPECT_EQ(tensors.outBuf.Read(), std::vector<uint8_t>(tensors.outBuf.bytes, GuardedBuffer::kFill));
        ASSERT_EQ(ctx->SetExecuteType(atb::EXECUTE_LAUNCH), atb::NO_ERROR);
        EXPECT_EQ(op->Execute(pack, nullptr, 0, ctx), atb::NO_ERROR) << TakeErrors();
        EXPECT_EQ(aclrtSynchronizeStream(world.streams[r]), ACL_SUCCESS) << TakeErrors();
        EXPECT_EQ(tensors.outBuf.Read(), expected[r]);
        ASSERT_EQ(ctx->SetExecuteType(atb::EXECUTE_NORMAL), atb::NO_ERROR);
        EXPECT_EQ(ctx->SetExecuteType(static_cast<atb::ExecuteType>(3)), atb::ERROR_INVALID_PARAM);
        TakeErrors();
        atb::DestroyOperation(op);
    });
}

// Stream ids pick one of the context's execute streams.
TEST(AllToAllVV2Execute, StreamIdSelectsAnExecuteStream) {
    World world(2);
    const auto calls = DocExample(ACL_INT8);
    world.Run([&](uint32_t r) {
        RankTensors tensors(calls[r]);
        atb::Operation *op = nullptr;
        ASSERT_EQ(atb::CreateOperation(world.Param(r), &op), atb::NO_ERROR);
        aclrtStream second = nullptr;
        ASSERT_EQ(aclrtCreateStream(&second), ACL_SUCCESS);
        atb::Context *ctx = nullptr;
        ASSERT_EQ(atb::CreateContext(&ctx), atb::NO_ERROR);
        EXPECT_EQ(ctx->SetExecuteStreams({}), atb::ERROR_INVALID_PARAM);
        TakeErrors();
        ASSERT_EQ(ctx->SetExecuteStreams({world.streams[r], second}), atb::NO_ERROR);
        EXPECT_EQ(ctx->GetExecuteStream(), world.streams[r]);
        ASSERT_EQ(atb::SetExecuteStreamId(op, 1), atb::NO_ERROR);
        EXPECT_EQ(atb::GetExecuteStreamId(op), 1u);
        auto pack = tensors.Pack();
        uint64_t ws = 0;
        ASSERT_EQ(op->Setup(pack, ws, ctx), atb::NO_ERROR);
        ASSERT_EQ(op->Execute(pack, nullptr, 0, ctx), atb::NO_ERROR) << TakeErrors();
        EXPECT_EQ(aclrtSynchronizeStream(second), ACL_SUCCESS) << TakeErrors();
        const std::vector<uint8_t> expected = r == 0 ? std::vector<uint8_t>{0, 1, 0, 1}
                                                     : std::vector<uint8_t>{2, 3, 4, 5, 2};
        EXPECT_EQ(tensors.outBuf.Read(), expected);
        ASSERT_EQ(atb::SetExecuteStreamId(op, 5), atb::NO_ERROR);
        EXPECT_EQ(op->Execute(pack, nullptr, 0, ctx), atb::ERROR_INVALID_PARAM);  // no stream 5
        TakeErrors();
        atb::DestroyOperation(op);
        atb::DestroyContext(ctx);
        aclrtDestroyStream(second);
    });
}

// Without hcclComm, ATB creates the communicator: the rank threads of one commDomain form a
// group at their first Setup.
TEST(AllToAllVV2Execute, AtbCreatedCommunicator) {
    World world(2);
    for (atb::infer::CommMode mode : {atb::infer::COMM_MULTI_PROCESS, atb::infer::COMM_MULTI_THREAD}) {
        for (int round = 0; round < 2; ++round) {  // a second round forms a new group
            const auto results = RunWorld(world, DocExample(ACL_INT8), [&](uint32_t, auto &p) {
                p.hcclComm = nullptr;
                p.commMode = mode;
                p.commDomain = "a2av_test_domain";
            });
            EXPECT_EQ(results[0].out, (std::vector<uint8_t>{0, 1, 0, 1})) << results[0].errors;
            EXPECT_EQ(results[1].out, (std::vector<uint8_t>{2, 3, 4, 5, 2})) << results[1].errors;
        }
    }
    // A rank table names a cluster this emulation does not have: Execute finds no communicator.
    const std::string table = ::testing::TempDir() + "a2av_ranktable2.json";
    FILE *f = std::fopen(table.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    const auto results = RunWorld(world, DocExample(ACL_INT8), [&](uint32_t, auto &p) {
        p.hcclComm = nullptr;
        p.rankTableFile = table;
    });
    for (uint32_t r = 0; r < 2; ++r) {
        EXPECT_EQ(results[r].setup, atb::NO_ERROR);
        EXPECT_EQ(results[r].execute, atb::ERROR_INTERNAL_ERROR);
        EXPECT_NE(results[r].errors.find("hcclComm is null"), std::string::npos) << results[r].errors;
    }
}

// The public SVector's documented behaviour: 64 elements inline, up to 256, bounds-checked.
TEST(AtbSVector, CapacityAndBounds) {
    atb::SVector<int64_t> v;
    for (int i = 0; i < 256; ++i) v.push_back(i);
    EXPECT_EQ(v.size(), 256u);
    EXPECT_EQ(v[200], 200);
    EXPECT_THROW(v.push_back(1), atb::MaxSizeExceeded);
    EXPECT_THROW(v.at(256), std::out_of_range);
    atb::SVector<int64_t> copy = v;
    EXPECT_TRUE(copy == v);
    EXPECT_THROW(copy.insert(0, -1), atb::MaxSizeExceeded);
    atb::SVector<int> small = {1, 2, 3};
    small.insert(1, 9);
    EXPECT_EQ(small.size(), 4u);
    EXPECT_EQ(small[1], 9);
    EXPECT_EQ(small[3], 3);
    EXPECT_THROW(atb::SVector<int>(257), atb::MaxSizeExceeded);
    static_assert(sizeof(atb::SVector<int64_t>) == 2 * sizeof(size_t) + 65 * sizeof(int64_t) + sizeof(void *));
    static_assert(sizeof(atb::Tensor) == sizeof(atb::TensorDesc) + 2 * sizeof(void *) + 8);
    static_assert(atb::ERROR_HCCL_FAIL == 25 && atb::ERROR_COPY_HOST_MEMORY_FAIL == 29);
}

TEST(AtbUtils, TensorSizes) {
    EXPECT_EQ(atb::Utils::GetTensorSize(Desc(ACL_BF16, {3, 5})), 30u);
    EXPECT_EQ(atb::Utils::GetTensorNumel(Desc(ACL_BF16, {3, 5})), 15u);
    EXPECT_EQ(atb::Utils::GetTensorSize(Desc(ACL_INT64, {0})), 0u);
    EXPECT_EQ(atb::Utils::GetTensorSize(Desc(ACL_FLOAT, {-1, 5})), 0u);
    EXPECT_EQ(atb::Utils::GetTensorSize(Desc(ACL_FLOAT, {})), 0u);
    EXPECT_EQ(atb::Utils::GetTensorSize(Desc(ACL_FLOAT, {1LL << 62, 8})), 0u);  // overflow
}

}  // namespace
}  // namespace mc2::test
