// tests/ops/all_to_all_vv2_test.cc — the implementation's own tests of ATB AllToAllVV2Operation,
// through the exported ABI only (include/atb + libmc2impl.so), ranks as threads with external
// HCCL communicators (COMM_MULTI_THREAD, as the ATB doc example runs it).
//
// What is checked: every CreateOperation / InferShape / Setup / Execute check with its ErrorType
// and a message, in ATB's order (a call breaking two checks gets the earlier one's code); the
// doc's 2-rank worked example (expected values from seed 003 / spec-notes/ops.md §7) in every
// dtype; random counts at worlds 2/4/8 against the model written below, bit-exact, with guard
// bytes around every output; overlapping windows; ranks whose counts disagree (each rank's
// stream fails in bounded time, nothing is written); ATB-created communicators; the split
// PRELAUNCH/LAUNCH execution. (The conformance checking proper is the suite's job.)
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "atb/atb_infer.h"
#include "hccl/hccl.h"

namespace {

constexpr int kTimeoutMs = 10000;

class AclEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        // A bug must fail in seconds, not after CANN's 1836 s default.
        setenv("MC2_HCCL_TIMEOUT_MS", std::to_string(kTimeoutMs).c_str(), 1);
        unsetenv("MC2_PLATFORM");
        ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    }
    void TearDown() override { aclFinalize(); }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new AclEnvironment);

std::string TakeErrors() {
    const char *m = aclGetRecentErrMsg();
    return m ? m : "";
}

size_t ElementSize(aclDataType t) {
    switch (t) {
        case ACL_INT8: return 1;
        case ACL_FLOAT16:
        case ACL_BF16:
        case ACL_INT16: return 2;
        case ACL_FLOAT:
        case ACL_INT32: return 4;
        case ACL_INT64: return 8;
        default: return 0;
    }
}

const aclDataType kAllDtypes[] = {ACL_FLOAT16, ACL_FLOAT, ACL_INT8, ACL_INT32, ACL_INT16, ACL_INT64, ACL_BF16};

// The bytes of the small non-negative integer v (< 256) in dtype t: the test's own encoding.
std::vector<uint8_t> EncodeSmall(int v, aclDataType t) {
    std::vector<uint8_t> out(ElementSize(t));
    uint64_t bits = static_cast<uint64_t>(v);
    if (t == ACL_FLOAT) {
        const float f = static_cast<float>(v);
        uint32_t u;
        std::memcpy(&u, &f, 4);
        bits = u;
    } else if (t == ACL_FLOAT16 || t == ACL_BF16) {
        if (v == 0) {
            bits = 0;
        } else {
            int e = 0;
            while ((v >> (e + 1)) != 0) ++e;  // v = 1.f * 2^e
            bits = t == ACL_FLOAT16 ? ((e + 15) << 10) | ((static_cast<unsigned>(v) << (10 - e)) & 0x3FF)
                                    : ((e + 127) << 7) | ((static_cast<unsigned>(v) << (7 - e)) & 0x7F);
        }
    }
    std::memcpy(out.data(), &bits, out.size());  // little endian
    return out;
}

std::vector<uint8_t> EncodeAll(const std::vector<int> &values, aclDataType t) {
    std::vector<uint8_t> out;
    for (int v : values) {
        const auto e = EncodeSmall(v, t);
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

atb::TensorDesc Desc(aclDataType t, std::vector<int64_t> dims, aclFormat f = ACL_FORMAT_ND) {
    atb::TensorDesc d;
    d.dtype = t;
    d.format = f;
    d.shape.dimNum = dims.size();
    for (size_t i = 0; i < dims.size() && i < atb::MAX_DIM; ++i) d.shape.dims[i] = dims[i];
    return d;
}

// n ranks on devices 0..n-1: a context and stream each (the ACL way), one HCCL communicator
// group (HcclCommInitAll), and an ATB context per rank executing on the rank's stream.
struct World {
    explicit World(uint32_t size) : n(size), comms(size), contexts(size), streams(size), atbContexts(size) {
        std::vector<int32_t> devices(n);
        for (uint32_t r = 0; r < n; ++r) devices[r] = static_cast<int32_t>(r);
        for (uint32_t r = 0; r < n; ++r) EXPECT_EQ(aclrtSetDevice(devices[r]), ACL_SUCCESS);
        EXPECT_EQ(HcclCommInitAll(n, devices.data(), comms.data()), HCCL_SUCCESS) << TakeErrors();
        for (uint32_t r = 0; r < n; ++r) {
            EXPECT_EQ(aclrtCreateContext(&contexts[r], devices[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtCreateStream(&streams[r]), ACL_SUCCESS) << TakeErrors();
            EXPECT_EQ(atb::CreateContext(&atbContexts[r]), atb::NO_ERROR);
            EXPECT_EQ(atbContexts[r]->SetExecuteStream(streams[r]), atb::NO_ERROR);
        }
    }
    ~World() {
        for (uint32_t r = 0; r < n; ++r) {
            aclrtSetCurrentContext(contexts[r]);
            atb::DestroyContext(atbContexts[r]);
            aclrtDestroyStream(streams[r]);
            HcclCommDestroy(comms[r]);
            aclrtDestroyContext(contexts[r]);
        }
        for (uint32_t r = 0; r < n; ++r) aclrtResetDevice(static_cast<int32_t>(r));
        TakeErrors();
    }
    // fn(rank) on one thread per rank, with the rank's context current.
    void Run(const std::function<void(uint32_t)> &fn) {
        std::vector<std::thread> threads;
        for (uint32_t r = 0; r < n; ++r) {
            threads.emplace_back([&, r] {
                ASSERT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
                fn(r);
            });
        }
        for (auto &t : threads) t.join();
    }
    atb::infer::AllToAllVV2Param Param(uint32_t r) const {
        atb::infer::AllToAllVV2Param p;
        p.rank = static_cast<int>(r);
        p.rankSize = static_cast<int>(n);
        p.hcclComm = comms[r];
        p.commMode = atb::infer::COMM_MULTI_THREAD;
        return p;
    }
    uint32_t n;
    std::vector<HcclComm> comms;
    std::vector<aclrtContext> contexts;
    std::vector<aclrtStream> streams;
    std::vector<atb::Context *> atbContexts;
};

// Device memory holding `bytes` between two guard regions of kGuard bytes, all filled with a
// pattern, so a write outside [data, data + bytes) is seen.
struct GuardedBuffer {
    static constexpr size_t kGuard = 64;
    static constexpr uint8_t kFill = 0xA5;
    explicit GuardedBuffer(size_t n, const std::vector<uint8_t> &content = {}) : bytes(n) {
        EXPECT_EQ(aclrtMalloc(&base, bytes + 2 * kGuard, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        std::vector<uint8_t> init(bytes + 2 * kGuard, kFill);
        std::copy(content.begin(), content.end(), init.begin() + kGuard);
        EXPECT_EQ(aclrtMemcpy(base, init.size(), init.data(), init.size(), ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
    }
    ~GuardedBuffer() { aclrtFree(base); }
    GuardedBuffer(const GuardedBuffer &) = delete;
    GuardedBuffer &operator=(const GuardedBuffer &) = delete;
    void *data() const { return static_cast<uint8_t *>(base) + kGuard; }
    std::vector<uint8_t> ReadAll() const {
        std::vector<uint8_t> host(bytes + 2 * kGuard);
        EXPECT_EQ(aclrtMemcpy(host.data(), host.size(), base, host.size(), ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        return host;
    }
    std::vector<uint8_t> Read() const {
        const auto all = ReadAll();
        return {all.begin() + kGuard, all.begin() + kGuard + static_cast<std::ptrdiff_t>(bytes)};
    }
    bool GuardsIntact() const {
        const auto all = ReadAll();
        for (size_t i = 0; i < kGuard; ++i) {
            if (all[i] != kFill || all[kGuard + bytes + i] != kFill) return false;
        }
        return true;
    }
    void *base = nullptr;
    size_t bytes;
};

// One rank's call: x (its dtype, shape, bytes) and the four count arrays.
struct RankCall {
    aclDataType dtype = ACL_INT8;
    std::vector<int64_t> xShape;
    std::vector<uint8_t> x;
    std::vector<int64_t> send, sdispls, recv, rdispls;
    int64_t RecvSum() const {
        int64_t s = 0;
        for (int64_t v : recv) s += v;
        return s;
    }
};

// The tensors of one rank's variant pack; they own their memory.
struct RankTensors {
    explicit RankTensors(const RankCall &c)
        : call(c),
          xBuf(c.x.size(), c.x),
          outBuf(static_cast<size_t>(c.RecvSum()) * ElementSize(c.dtype)),
          inferShapeHost(static_cast<size_t>(std::max<int64_t>(c.RecvSum(), 1)), 0) {}
    atb::VariantPack Pack() {
        atb::VariantPack pack;
        atb::Tensor x;
        x.desc = Desc(call.dtype, call.xShape);
        x.deviceData = xBuf.data();
        x.dataSize = call.x.size();
        pack.inTensors.push_back(x);
        for (std::vector<int64_t> *v : {&call.send, &call.sdispls, &call.recv, &call.rdispls}) {
            atb::Tensor t;
            t.desc = Desc(ACL_INT64, {static_cast<int64_t>(v->size())});
            t.hostData = v->data();
            t.dataSize = v->size() * 8;
            pack.inTensors.push_back(t);
        }
        atb::Tensor shapeOnly;
        shapeOnly.desc = Desc(ACL_INT8, {call.RecvSum()});
        shapeOnly.hostData = inferShapeHost.data();
        shapeOnly.dataSize = static_cast<uint64_t>(call.RecvSum());
        pack.inTensors.push_back(shapeOnly);
        atb::Tensor out;
        out.desc = Desc(call.dtype, {1, call.RecvSum()});
        out.deviceData = outBuf.data();
        out.dataSize = outBuf.bytes;
        pack.outTensors.push_back(out);
        return pack;
    }
    RankCall call;
    GuardedBuffer xBuf;
    GuardedBuffer outBuf;
    std::vector<int8_t> inferShapeHost;
};

// What each rank's call returned, phase by phase.
struct RankResult {
    atb::Status create = -1, setup = -1, execute = -1;
    aclError sync = -1;
    uint64_t workspace = 0;
    std::string errors;
    std::vector<uint8_t> out;
    bool guardsIntact = false;
    bool xUnchanged = false;
};

// Runs the operation on every rank of `world` with its call; `skip` ranks create nothing and
// never call (a rank that does not arrive).
std::vector<RankResult> RunWorld(World &world, const std::vector<RankCall> &calls,
                                 const std::function<void(uint32_t, atb::infer::AllToAllVV2Param &)> &tweak = {},
                                 std::vector<bool> skip = {}) {
    std::vector<RankResult> results(world.n);
    skip.resize(world.n, false);
    world.Run([&](uint32_t r) {
        if (skip[r]) return;
        RankResult &res = results[r];
        RankTensors tensors(calls[r]);
        atb::infer::AllToAllVV2Param param = world.Param(r);
        if (tweak) tweak(r, param);
        atb::Operation *op = nullptr;
        res.create = atb::CreateOperation(param, &op);
        if (res.create == atb::NO_ERROR) {
            atb::VariantPack pack = tensors.Pack();
            res.setup = op->Setup(pack, res.workspace, world.atbContexts[r]);
            if (res.setup == atb::NO_ERROR) {
                res.execute = op->Execute(pack, nullptr, 0, world.atbContexts[r]);
                res.sync = aclrtSynchronizeStream(world.streams[r]);
            }
            EXPECT_EQ(atb::DestroyOperation(op), atb::NO_ERROR);
        }
        res.errors = TakeErrors();
        res.out = tensors.outBuf.Read();
        res.guardsIntact = tensors.outBuf.GuardsIntact() && tensors.xBuf.GuardsIntact();
        res.xUnchanged = tensors.xBuf.Read() == calls[r].x;
    });
    return results;
}

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

// The doc example (seed 003; spec-notes/ops.md §7) for dtype t.
std::vector<RankCall> DocExample(aclDataType t) {
    RankCall r0;
    r0.dtype = t;
    r0.xShape = {2, 4};
    r0.x = EncodeAll({0, 1, 2, 3, 4, 5, 6, 7}, t);
    r0.send = {2, 4};
    r0.sdispls = {0, 2};
    r0.recv = {2, 2};
    r0.rdispls = {0, 2};
    RankCall r1;
    r1.dtype = t;
    r1.xShape = {2, 3};
    r1.x = EncodeAll({0, 1, 2, 3, 4, 6}, t);
    r1.send = {2, 1};
    r1.sdispls = {0, 2};
    r1.recv = {4, 1};
    r1.rdispls = {0, 4};
    return {r0, r1};
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

// --- CreateOperation ------------------------------------------------------------------------

atb::Status Create(const atb::infer::AllToAllVV2Param &p, std::string *errors = nullptr) {
    atb::Operation *op = nullptr;
    const atb::Status st = atb::CreateOperation(p, &op);
    if (op != nullptr) atb::DestroyOperation(op);
    const std::string e = TakeErrors();
    if (errors != nullptr) *errors = e;
    return st;
}

atb::infer::AllToAllVV2Param ValidParam() {
    atb::infer::AllToAllVV2Param p;
    p.rank = 0;
    p.rankSize = 2;
    return p;
}

TEST(AllToAllVV2Create, EachParameterCheckIsInvalidParamWithAMessage) {
    EXPECT_EQ(Create(ValidParam()), atb::NO_ERROR);
    EXPECT_EQ(atb::CreateOperation(ValidParam(), nullptr), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("operation is null"), std::string::npos);

    struct Bad {
        const char *what;
        std::function<void(atb::infer::AllToAllVV2Param &)> edit;
        const char *message;
    };
    const std::string longDomain(129, 'd');
    const Bad bads[] = {
        {"rsv", [](auto &p) { p.rsv[63] = 1; }, "rsv[63]"},
        {"backend", [](auto &p) { p.backend = "lccl"; }, "backend"},
        {"rank -1 multi-card", [](auto &p) { p.rank = -1; }, "rank is -1"},
        {"commMode", [](auto &p) { p.commMode = static_cast<atb::infer::CommMode>(7); }, "commMode"},
        {"commMode undefined", [](auto &p) { p.commMode = atb::infer::COMM_UNDEFINED; }, "commMode"},
        {"commDomain length", [&](auto &p) { p.commDomain = longDomain; }, "commDomain"},
        {"rankTableFile missing", [](auto &p) { p.rankTableFile = "/nonexistent/ranktable.json"; }, "rankTableFile"},
        {"rankSize 0", [](auto &p) { p.rankSize = 0; }, "rankSize"},
        {"rankSize beyond devices", [](auto &p) { p.rankSize = 100000; }, "rankSize"},
        {"rank negative", [](auto &p) { p.rank = -2; }, "rank -2"},
        {"rank too large", [](auto &p) { p.rank = 2; }, "rank 2"},
        {"rankRoot negative", [](auto &p) { p.rankRoot = -1; }, "rankRoot"},
        {"rankRoot too large", [](auto &p) { p.rankRoot = 2; }, "rankRoot"},
    };
    for (const Bad &b : bads) {
        atb::infer::AllToAllVV2Param p = ValidParam();
        b.edit(p);
        std::string errors;
        EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM) << b.what;
        EXPECT_NE(errors.find(b.message), std::string::npos) << b.what << ": " << errors;
        EXPECT_NE(errors.find("ERROR_INVALID_PARAM"), std::string::npos) << b.what << ": " << errors;
    }
}

TEST(AllToAllVV2Create, ChecksRunInAtbOrderAndSkipsApply) {
    std::string errors;
    // rsv before backend, backend before the rank, rank before the distributed checks.
    atb::infer::AllToAllVV2Param p = ValidParam();
    p.rsv[0] = 9;
    p.backend = "lccl";
    EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("rsv"), std::string::npos) << errors;
    p = ValidParam();
    p.backend = "x";
    p.commMode = atb::infer::COMM_UNDEFINED;
    EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("backend"), std::string::npos) << errors;
    p = ValidParam();
    p.commDomain = std::string(128, 'd');  // 128 characters are allowed
    EXPECT_EQ(Create(p), atb::NO_ERROR);
    // An existing rank table skips the rank checks; so does an external communicator.
    const std::string table = ::testing::TempDir() + "a2av_ranktable.json";
    FILE *f = std::fopen(table.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    p = ValidParam();
    p.rankTableFile = table;
    p.rankSize = 0;
    p.rankRoot = 5;
    EXPECT_EQ(Create(p, &errors), atb::NO_ERROR) << errors;
    p = ValidParam();
    p.hcclComm = reinterpret_cast<HcclComm>(0x1234);
    p.rankSize = 0;
    p.rank = 7;
    EXPECT_EQ(Create(p, &errors), atb::NO_ERROR) << errors;
    // rank -1 with one rank is accepted by the rank check but not by the range check (ATB).
    p = ValidParam();
    p.rank = -1;
    p.rankSize = 1;
    EXPECT_EQ(Create(p), atb::ERROR_INVALID_PARAM);
}

// --- Setup and InferShape checks --------------------------------------------------------------

// One rank's operation on a world of 2, for the checks that never communicate.
struct SetupFixture : ::testing::Test {
    void SetUp() override {
        world = std::make_unique<World>(2);
        ASSERT_EQ(aclrtSetCurrentContext(world->contexts[0]), ACL_SUCCESS);
        calls = DocExample(ACL_FLOAT16);
        tensors = std::make_unique<RankTensors>(calls[0]);
        ASSERT_EQ(atb::CreateOperation(world->Param(0), &op), atb::NO_ERROR);
        pack = tensors->Pack();
    }
    void TearDown() override {
        atb::DestroyOperation(op);
        tensors.reset();
        world.reset();
    }
    atb::Status TrySetup(const atb::VariantPack &p, std::string *errors = nullptr) {
        uint64_t ws = 0;
        const atb::Status st = op->Setup(p, ws, world->atbContexts[0]);
        const std::string e = TakeErrors();
        if (errors != nullptr) *errors = e;
        if (st != atb::NO_ERROR) EXPECT_FALSE(e.empty()) << "a failure without a message";
        return st;
    }
    std::unique_ptr<World> world;
    std::vector<RankCall> calls;
    std::unique_ptr<RankTensors> tensors;
    atb::Operation *op = nullptr;
    atb::VariantPack pack;
};

TEST_F(SetupFixture, NameCountsAndInferShape) {
    EXPECT_EQ(op->GetName(), "AllToAllVV2Operation");
    EXPECT_EQ(op->GetInputNum(), 6u);
    EXPECT_EQ(op->GetOutputNum(), 1u);
    atb::SVector<atb::TensorDesc> in;
    for (const atb::Tensor &t : pack.inTensors) in.push_back(t.desc);
    atb::SVector<atb::TensorDesc> out;
    ASSERT_EQ(op->InferShape(in, out), atb::NO_ERROR) << TakeErrors();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].dtype, ACL_FLOAT16);
    EXPECT_EQ(out[0].format, ACL_FORMAT_ND);
    EXPECT_EQ(out[0].shape.dimNum, 2u);
    EXPECT_EQ(out[0].shape.dims[0], 1);
    EXPECT_EQ(out[0].shape.dims[1], 4);  // tensorForInferShape.dims[0]
    // InferShape's checks, in order, on the inputs only.
    atb::SVector<atb::TensorDesc> five = in;
    five.resize(5);
    EXPECT_EQ(op->InferShape(five, out), atb::ERROR_INVALID_IN_TENSOR_NUM);
    auto bad = in;
    bad[2].shape.dimNum = 9;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_DIM);
    bad = in;
    bad[5].shape.dims[0] = 0;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_SIZE);
    bad = in;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_INI_MATCH);
    EXPECT_NE(TakeErrors().find("ERROR_INVALID_TENSOR_INI_MATCH"), std::string::npos);
}

TEST_F(SetupFixture, FrameworkChecksInOrder) {
    EXPECT_EQ(TrySetup(pack), atb::NO_ERROR);
    std::string errors;
    {  // context null, before anything else
        uint64_t ws = 0;
        atb::VariantPack empty;
        EXPECT_EQ(op->Setup(empty, ws, nullptr), atb::ERROR_INVALID_PARAM);
        EXPECT_NE(TakeErrors().find("context is null"), std::string::npos);
    }
    auto p = pack;
    p.inTensors.resize(5);
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    p = pack;
    p.outTensors.clear();
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    p = pack;
    p.outTensors.push_back(pack.outTensors[0]);
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    // Rank: 0 or 9 dims; rank before size before ini (each case also breaks the later ones).
    for (uint64_t dims : {0ull, 9ull}) {
        p = pack;
        p.inTensors[0].desc.shape.dimNum = dims;
        p.inTensors[0].desc.dtype = ACL_UINT8;
        EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_DIM) << dims;
        EXPECT_NE(errors.find("inTensor 0 (x)"), std::string::npos) << errors;
    }
    p = pack;
    p.outTensors[0].desc.shape.dimNum = 9;
    p.inTensors[0].desc.dtype = ACL_UINT8;  // the output's rank is checked before the ini rows
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_DIM);
    EXPECT_NE(errors.find("outTensor 0 (output)"), std::string::npos) << errors;
    // Inputs before outputs: an oversized input and a 9-dim output give the input's code.
    p = pack;
    p.inTensors[4].desc.shape.dims[0] = 0;
    p.outTensors[0].desc.shape.dimNum = 9;
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_SIZE);
    EXPECT_NE(errors.find("inTensor 4 (rdispls)"), std::string::npos) << errors;
    // Size: an empty dim, a negative dim, more than 256 GiB, an unsized dtype.
    p = pack;
    p.inTensors[0].desc.shape.dims[1] = 0;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc.shape.dims[0] = -2;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc = Desc(ACL_UINT8, {1LL << 38});  // exactly 256 GiB: past the size check,
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_INI_MATCH);  // refused by the ini rows
    p.inTensors[0].desc = Desc(ACL_FLOAT16, {(1LL << 37) + 1, 1});
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_SIZE);
    EXPECT_NE(errors.find("256 GiB"), std::string::npos) << errors;
    p = pack;
    p.outTensors[0].desc = Desc(ACL_FLOAT16, {1LL << 40, 4});
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc.dtype = ACL_FLOAT4_E2M1;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    // Ini rows: dtype and format of inputs and outputs.
    const std::function<void(atb::VariantPack &)> iniBreaks[] = {
        [](auto &q) { q.inTensors[0].desc.dtype = ACL_UINT8; },
        [](auto &q) { q.inTensors[0].desc.format = ACL_FORMAT_NCHW; },
        [](auto &q) { q.inTensors[1].desc.dtype = ACL_INT32; },
        [](auto &q) { q.inTensors[3].desc.format = ACL_FORMAT_FRACTAL_NZ; },
        [](auto &q) { q.inTensors[5].desc.dtype = ACL_INT64; },
        [](auto &q) { q.outTensors[0].desc.dtype = ACL_FLOAT; },
        [](auto &q) { q.outTensors[0].desc.dtype = ACL_BF16; },
    };
    for (size_t i = 0; i < std::size(iniBreaks); ++i) {
        p = pack;
        iniBreaks[i](p);
        p.inTensors[1].hostData = nullptr;  // also breaks SetupCheckImpl: the ini code must win
        EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_INI_MATCH) << i;
        EXPECT_NE(errors.find("supported"), std::string::npos) << errors;
    }
}

TEST_F(SetupFixture, OperationChecksInOrder) {
    std::string errors;
    auto &send = tensors->call.send;
    auto &sdispls = tensors->call.sdispls;
    auto &recv = tensors->call.recv;
    auto &rdispls = tensors->call.rdispls;
    const auto reset = [&] {
        send = {2, 4};
        sdispls = {0, 2};
        recv = {2, 2};
        rdispls = {0, 2};
        pack = tensors->Pack();
    };
    struct Case {
        const char *what;
        std::function<void()> edit;
        atb::Status code;
        const char *message;
    };
    constexpr int64_t kMax = INT64_MAX;
    const Case cases[] = {
        {"count length", [&] { pack.inTensors[2].desc.shape.dims[0] = 3; }, atb::ERROR_INVALID_PARAM, "rankSize 2"},
        {"count length beats negative",
         [&] {
             send[0] = -1;
             pack.inTensors[4].desc.shape.dims[0] = 1;
         },
         atb::ERROR_INVALID_PARAM, "inTensor 4 (rdispls)"},
        {"hostData null", [&] { pack.inTensors[3].hostData = nullptr; }, atb::ERROR_INVALID_PARAM, "hostData"},
        {"negative send", [&] { send[1] = -1; }, atb::ERROR_INVALID_PARAM, "sendCount[1] = -1"},
        {"negative sdispls", [&] { sdispls[0] = -5; }, atb::ERROR_INVALID_PARAM, "sdispls[0] = -5"},
        {"negative recv", [&] { recv[0] = -1; }, atb::ERROR_INVALID_PARAM, "recvCount[0] = -1"},
        {"negative rdispls", [&] { rdispls[1] = -1; }, atb::ERROR_INVALID_PARAM, "rdispls[1] = -1"},
        {"recv sum overflows",
         [&] {
             recv = {kMax, 1};
         },
         atb::ERROR_INVALID_PARAM, "overflows"},
        {"recv sum zero",
         [&] {
             recv = {0, 0};
             send = {0, 0};
         },
         atb::ERROR_INVALID_PARAM, "sum(recvCount) is 0"},
        {"recv window past the output", [&] { rdispls[1] = 3; }, atb::ERROR_INVALID_PARAM, "past the output"},
        {"recv window overflows",
         [&] {
             recv = {kMax - 3, 2};
             rdispls = {4, 0};
         },
         atb::ERROR_INVALID_PARAM, "past the output"},
        {"send window past x", [&] { sdispls[1] = 5; }, atb::ERROR_INVALID_PARAM, "past x"},
        {"send window overflows", [&] { sdispls[1] = kMax - 1; }, atb::ERROR_INVALID_PARAM, "past x"},
        {"output dims[1]", [&] { pack.outTensors[0].desc.shape.dims[1] = 5; }, atb::ERROR_INVALID_TENSOR_DIM,
         "dims[1]"},
        {"output 1-D", [&] { pack.outTensors[0].desc = Desc(ACL_FLOAT16, {4}); }, atb::ERROR_INVALID_TENSOR_DIM,
         "dims[1]"},
        {"window beats output dims",
         [&] {
             sdispls[1] = 5;
             pack.outTensors[0].desc.shape.dims[1] = 5;
         },
         atb::ERROR_INVALID_PARAM, "past x"},
    };
    for (const Case &c : cases) {
        reset();
        c.edit();
        EXPECT_EQ(TrySetup(pack, &errors), c.code) << c.what;
        EXPECT_NE(errors.find(c.message), std::string::npos) << c.what << ": " << errors;
    }
    reset();
    EXPECT_EQ(TrySetup(pack), atb::NO_ERROR);
    // A window covering the whole output and one reaching x's end exactly are fine.
    send = {2, 6};
    sdispls = {0, 2};
    recv = {4, 0};
    rdispls = {0, 4};
    pack = tensors->Pack();
    EXPECT_EQ(TrySetup(pack, &errors), atb::NO_ERROR) << errors;
}

TEST_F(SetupFixture, ContextChecks) {
    uint64_t ws = 0;
    atb::Context *dead = nullptr;
    ASSERT_EQ(atb::CreateContext(&dead), atb::NO_ERROR);
    ASSERT_EQ(atb::DestroyContext(dead), atb::NO_ERROR);
    EXPECT_EQ(op->Setup(pack, ws, dead), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("not live"), std::string::npos);
    EXPECT_EQ(atb::DestroyContext(dead), atb::ERROR_INVALID_PARAM);  // twice
    EXPECT_FALSE(TakeErrors().empty());
    EXPECT_EQ(atb::DestroyContext(nullptr), atb::NO_ERROR);
    EXPECT_EQ(atb::CreateContext(nullptr), atb::ERROR_INVALID_PARAM);
    TakeErrors();
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
            if (supported) EXPECT_EQ(results[r].sync, ACL_SUCCESS) << results[r].errors;
            if (!supported) EXPECT_NE(results[r].errors.find("atlas_inference"), std::string::npos);
        }
    }
    setenv("MC2_PLATFORM", "atlas_a9", 1);
    atb::Operation *op = nullptr;
    EXPECT_EQ(atb::CreateOperation(world.Param(0), &op), atb::ERROR_RT_FAIL);
    EXPECT_NE(TakeErrors().find("atlas_a9"), std::string::npos);
    unsetenv("MC2_PLATFORM");
}

// --- Execute --------------------------------------------------------------------------------

TEST_F(SetupFixture, ExecuteChecks) {
    std::string errors;
    const auto execute = [&](const atb::VariantPack &p, atb::Context *ctx, uint8_t *ws = nullptr, uint64_t n = 0) {
        const atb::Status st = op->Execute(p, ws, n, ctx);
        errors = TakeErrors();
        return st;
    };
    atb::Context *ctx = world->atbContexts[0];
    EXPECT_EQ(execute(pack, nullptr), atb::ERROR_INVALID_PARAM);
    EXPECT_EQ(execute(pack, ctx), atb::ERROR_INVALID_PARAM);  // no Setup yet
    EXPECT_NE(errors.find("no successful Setup"), std::string::npos) << errors;
    ASSERT_EQ(TrySetup(pack), atb::NO_ERROR);
    atb::Context *other = nullptr;
    ASSERT_EQ(atb::CreateContext(&other), atb::NO_ERROR);
    other->SetExecuteStream(world->streams[0]);
    EXPECT_EQ(execute(pack, other), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("differs"), std::string::npos) << errors;
    auto p = pack;
    p.inTensors[0].dataSize += 2;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("dataSize"), std::string::npos) << errors;
    p = pack;
    p.inTensors.resize(5);
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    p = pack;
    p.outTensors[0].deviceData = nullptr;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    p = pack;
    p.inTensors[0].hostData = p.inTensors[0].deviceData;
    p.inTensors[0].deviceData = nullptr;  // host data only: ATB's runner needs device data
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("x has no deviceData"), std::string::npos) << errors;
    // Counts changed after Setup so that a window reaches past the output (hardening).
    std::vector<int64_t> bigger = {2, 3};
    p = pack;
    p.inTensors[3].hostData = bigger.data();
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("past the output"), std::string::npos) << errors;
    // The output overlapping x (hardening: peers read x while the output is written).
    p = pack;
    p.outTensors[0].deviceData = static_cast<uint8_t *>(p.inTensors[0].deviceData) + 2;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("overlaps x"), std::string::npos) << errors;
    // Device data that is not device memory: HCCL refuses it (HCCL_E_PARA).
    std::vector<uint8_t> host(64);
    p = pack;
    p.outTensors[0].deviceData = host.data();
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("HcclAlltoAllV"), std::string::npos) << errors;
    // A context whose stream is unset.
    atb::Context *noStream = nullptr;
    ASSERT_EQ(atb::CreateContext(&noStream), atb::NO_ERROR);
    ASSERT_EQ(TrySetup(pack), atb::NO_ERROR);
    uint64_t ws = 0;
    ASSERT_EQ(op->Setup(pack, ws, noStream), atb::NO_ERROR);
    EXPECT_EQ(execute(pack, noStream), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("stream"), std::string::npos) << errors;
    // A failed Setup forgets the successful one before it.
    auto broken = pack;
    broken.inTensors.resize(1);
    EXPECT_EQ(TrySetup(broken), atb::ERROR_INVALID_IN_TENSOR_NUM);
    EXPECT_EQ(execute(pack, ctx), atb::ERROR_INVALID_PARAM);
    atb::DestroyContext(noStream);
    atb::DestroyContext(other);
    // Destroying twice is refused, not a double free.
    ASSERT_EQ(atb::DestroyOperation(op), atb::NO_ERROR);
    EXPECT_EQ(atb::DestroyOperation(op), atb::ERROR_INVALID_PARAM);
    EXPECT_FALSE(TakeErrors().empty());
    EXPECT_EQ(atb::DestroyOperation(nullptr), atb::NO_ERROR);
    op = nullptr;
}

// The communicator must have rankSize ranks: HCCL reads that many entries of every count array.
TEST(AllToAllVV2Execute, CommunicatorSizeMustBeRankSize) {
    World world(2);
    ASSERT_EQ(aclrtSetCurrentContext(world.contexts[0]), ACL_SUCCESS);
    RankCall c;
    c.dtype = ACL_INT8;
    c.xShape = {2};
    c.x = {1, 2};
    c.send = {2};
    c.sdispls = {0};
    c.recv = {2};
    c.rdispls = {0};
    RankTensors tensors(c);
    atb::infer::AllToAllVV2Param param = world.Param(0);
    param.rankSize = 1;
    atb::Operation *op = nullptr;
    ASSERT_EQ(atb::CreateOperation(param, &op), atb::NO_ERROR);
    auto pack = tensors.Pack();
    uint64_t ws = 0;
    ASSERT_EQ(op->Setup(pack, ws, world.atbContexts[0]), atb::NO_ERROR) << TakeErrors();
    EXPECT_EQ(op->Execute(pack, nullptr, 0, world.atbContexts[0]), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("2 ranks but rankSize is 1"), std::string::npos);
    atb::DestroyOperation(op);
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
        EXPECT_EQ(tensors.outBuf.Read(), (r == 0 ? std::vector<uint8_t>{0, 1, 0, 1} : std::vector<uint8_t>{2, 3, 4, 5, 2}));
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

TEST(AllToAllVV2Params, CloneAndUpdate) {
    atb::Operation *op = nullptr;
    atb::infer::AllToAllVV2Param p = ValidParam();
    p.commDomain = "first";
    ASSERT_EQ(atb::CreateOperation(p, &op), atb::NO_ERROR);
    atb::infer::AllToAllVV2Param got;
    ASSERT_EQ(atb::CloneOperationParam(op, got), atb::NO_ERROR);
    EXPECT_TRUE(got == p);
    atb::infer::AllToAllVV2Param bad = p;
    bad.backend = "lccl";
    EXPECT_EQ(atb::UpdateOperationParam(op, bad), atb::ERROR_INVALID_PARAM);
    TakeErrors();
    atb::infer::AllToAllVV2Param one = p;
    one.rank = 0;
    one.rankSize = 1;
    one.hcclComm = reinterpret_cast<HcclComm>(0x1);
    one.rank = -1;
    ASSERT_EQ(atb::UpdateOperationParam(op, one), atb::NO_ERROR);
    ASSERT_EQ(atb::CloneOperationParam(op, got), atb::NO_ERROR);
    EXPECT_EQ(got.rank, 0);  // ATB's SetParam: rank -1 of a single rank becomes 0
    EXPECT_EQ(got.rankSize, 1);
    atb::DestroyOperation(op);
    EXPECT_EQ(atb::CloneOperationParam(op, got), atb::ERROR_INVALID_PARAM);
    TakeErrors();
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
