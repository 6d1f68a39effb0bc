// tests/ops/all_to_all_vv2_util.h — what the AllToAllVV2 tests share: the ACL environment, a
// world of rank threads with HCCL communicators and ATB contexts, device buffers with guard
// regions, one rank's call (x and the four count arrays) as an ATB variant pack, running a call
// on every rank, and the document's worked example. Test-side encodings of small integers in
// every dtype, independent of impl/.
#ifndef MC2_TESTS_OPS_ALL_TO_ALL_VV2_UTIL_H_
#define MC2_TESTS_OPS_ALL_TO_ALL_VV2_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "atb/atb_infer.h"
#include "hccl/hccl.h"

namespace mc2::test {

inline constexpr int kTimeoutMs = 10000;

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
inline const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new AclEnvironment);

inline std::string TakeErrors() {
    const char *m = aclGetRecentErrMsg();
    return m ? m : "";
}

inline size_t ElementSize(aclDataType t) {
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

inline const aclDataType kAllDtypes[] = {ACL_FLOAT16, ACL_FLOAT, ACL_INT8, ACL_INT32, ACL_INT16, ACL_INT64, ACL_BF16};

// The bytes of the small non-negative integer v (< 256) in dtype t: the test's own encoding.
inline std::vector<uint8_t> EncodeSmall(int v, aclDataType t) {
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

inline std::vector<uint8_t> EncodeAll(const std::vector<int> &values, aclDataType t) {
    std::vector<uint8_t> out;
    for (int v : values) {
        const auto e = EncodeSmall(v, t);
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

inline atb::TensorDesc Desc(aclDataType t, std::vector<int64_t> dims, aclFormat f = ACL_FORMAT_ND) {
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
inline std::vector<RankResult> RunWorld(World &world, const std::vector<RankCall> &calls,
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

// The doc example (seed 003; spec-notes/ops.md §7) for dtype t.
inline std::vector<RankCall> DocExample(aclDataType t) {
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

}  // namespace mc2::test

#endif  // MC2_TESTS_OPS_ALL_TO_ALL_VV2_UTIL_H_
