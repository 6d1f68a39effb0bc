// tests/hccl/hccl_abi_test.cc — the exported HCCL functions of libmc2impl.so, used the way the
// CANN examples use them: aclInit, aclrtSetDevice, HcclCommInitAll (or root info), one thread
// per rank with its own context and stream, collectives enqueued on the stream, then
// aclrtSynchronizeStreamWithTimeout. Results are compared with direct computations.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "hccl/hccl.h"
#include "test_util.h"

namespace {

using namespace std::chrono_literals;
using mc2::test::RunRanks;

class AclEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        // A bug must fail in seconds, not after CANN's 1836 s default.
        setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
        ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    }
    void TearDown() override { aclFinalize(); }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new AclEnvironment);

std::string RecentErrors() {
    const char *m = aclGetRecentErrMsg();
    return m ? m : "";
}

// n ranks on devices 0..n-1, each with a context and a stream, created the CANN-example way.
struct World {
    explicit World(uint32_t size) : n(size), comms(size), contexts(size), streams(size) {
        std::vector<int32_t> devices(n);
        for (uint32_t r = 0; r < n; ++r) {
            devices[r] = static_cast<int32_t>(r);
            EXPECT_EQ(aclrtSetDevice(devices[r]), ACL_SUCCESS);
        }
        EXPECT_EQ(HcclCommInitAll(n, devices.data(), comms.data()), HCCL_SUCCESS) << RecentErrors();
        for (uint32_t r = 0; r < n; ++r) {
            EXPECT_EQ(aclrtCreateContext(&contexts[r], devices[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtCreateStream(&streams[r]), ACL_SUCCESS) << RecentErrors();
        }
    }
    ~World() {
        for (uint32_t r = 0; r < n; ++r) {
            aclrtSetCurrentContext(contexts[r]);
            aclrtDestroyStream(streams[r]);
            HcclCommDestroy(comms[r]);
            aclrtDestroyContext(contexts[r]);
        }
        for (uint32_t r = 0; r < n; ++r) aclrtResetDevice(static_cast<int32_t>(r));
    }
    // fn(rank) on one thread per rank, with the rank's context current.
    template <typename F>
    void Run(F fn) {
        RunRanks(n, [&](uint32_t r) {
            ASSERT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
            fn(r);
        });
    }
    uint32_t n;
    std::vector<HcclComm> comms;
    std::vector<aclrtContext> contexts;
    std::vector<aclrtStream> streams;
};

// A device buffer holding a copy of `host`; Read() copies it back.
template <typename T>
struct DeviceVec {
    explicit DeviceVec(const std::vector<T> &host) : size(host.size()) {
        EXPECT_EQ(aclrtMalloc(&ptr, Bytes(), ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        if (size) {
            EXPECT_EQ(aclrtMemcpy(ptr, Bytes(), host.data(), Bytes(), ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
    }
    ~DeviceVec() { aclrtFree(ptr); }
    size_t Bytes() const { return size * sizeof(T) == 0 ? 1 : size * sizeof(T); }
    std::vector<T> Read() const {
        std::vector<T> host(size);
        if (size) {
            EXPECT_EQ(aclrtMemcpy(host.data(), size * sizeof(T), ptr, size * sizeof(T), ACL_MEMCPY_DEVICE_TO_HOST),
                      ACL_SUCCESS);
        }
        return host;
    }
    void *ptr = nullptr;
    size_t size;
};

int64_t Value(uint32_t r, uint64_t i) { return static_cast<int64_t>((r * 5 + i * 7) % 19) - 9; }

// ---------------------------------------------------------------------------------------------

// The pattern of the CANN example programs, step by step.
TEST(HcclAbi, CannExamplePattern) {
    int32_t devices[2] = {0, 1};
    for (int32_t d : devices) ASSERT_EQ(aclrtSetDevice(d), ACL_SUCCESS);
    HcclComm comms[2] = {};
    ASSERT_EQ(HcclCommInitAll(2, devices, comms), HCCL_SUCCESS) << RecentErrors();
    std::vector<std::string> names(2);
    std::vector<float> results[2];
    RunRanks(2, [&](uint32_t r) {
        aclrtContext ctx = nullptr;
        aclrtStream stream = nullptr;
        ASSERT_EQ(aclrtCreateContext(&ctx, devices[r]), ACL_SUCCESS);
        ASSERT_EQ(aclrtSetCurrentContext(ctx), ACL_SUCCESS);
        ASSERT_EQ(aclrtCreateStream(&stream), ACL_SUCCESS);
        char group[MAX_GROUP_NAME] = {};
        ASSERT_EQ(HcclGetCommName(comms[r], group), HCCL_SUCCESS);
        names[r] = group;
        std::vector<float> host(64);
        for (size_t i = 0; i < host.size(); ++i) host[i] = static_cast<float>(i) + 100.0f * static_cast<float>(r);
        DeviceVec<float> send(host), recv{std::vector<float>(64, 0.0f)};
        ASSERT_EQ(HcclAllReduce(send.ptr, recv.ptr, 64, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, comms[r], stream),
                  HCCL_SUCCESS) << RecentErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(stream, 10000), ACL_SUCCESS) << RecentErrors();
        results[r] = recv.Read();
        ASSERT_EQ(aclrtDestroyStream(stream), ACL_SUCCESS);
        ASSERT_EQ(aclrtDestroyContext(ctx), ACL_SUCCESS);
    });
    EXPECT_EQ(names[0], names[1]);
    EXPECT_FALSE(names[0].empty());
    EXPECT_LT(names[0].size(), static_cast<size_t>(MAX_GROUP_NAME));
    for (uint32_t r = 0; r < 2; ++r) {
        ASSERT_EQ(results[r].size(), 64u);
        for (size_t i = 0; i < 64; ++i) EXPECT_EQ(results[r][i], 2.0f * static_cast<float>(i) + 100.0f);
    }
    uint32_t size = 0, rank = 0;
    EXPECT_EQ(HcclGetRankSize(comms[1], &size), HCCL_SUCCESS);
    EXPECT_EQ(HcclGetRankId(comms[1], &rank), HCCL_SUCCESS);
    EXPECT_EQ(size, 2u);
    EXPECT_EQ(rank, 1u);
    for (HcclComm c : comms) EXPECT_EQ(HcclCommDestroy(c), HCCL_SUCCESS);
    for (int32_t d : devices) aclrtResetDevice(d);
}

class AbiWorld : public ::testing::TestWithParam<uint32_t> {};

// Every ABI collective once per world size, queued back to back on each rank's stream.
TEST_P(AbiWorld, AllCollectivesOnStreams) {
    const uint32_t n = GetParam();
    World w(n);
    const uint64_t count = 13;
    // Inputs.
    std::vector<std::vector<uint16_t>> h16(n, std::vector<uint16_t>(count));
    std::vector<std::vector<int32_t>> i32(n, std::vector<int32_t>(count));
    std::vector<std::vector<uint16_t>> bf(n, std::vector<uint16_t>(count * n));
    std::vector<std::vector<int8_t>> i8(n, std::vector<int8_t>(count));
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count; ++i) {
            h16[r][i] = mc2::test::HalfNearest(static_cast<double>(Value(r, i)) * 0.125 + (r == 0 ? 1.0 : 0.0));
            i32[r][i] = static_cast<int32_t>(Value(r, i) * 1000);
            i8[r][i] = static_cast<int8_t>(Value(r, i));
        }
        for (uint64_t i = 0; i < count * n; ++i) bf[r][i] = mc2::test::Bf16Nearest(static_cast<float>(Value(r, i)) * 0.5f);
    }
    auto cnt = [](uint32_t from, uint32_t to) -> uint64_t { return (3 * from + to) % 3; };
    std::vector<std::vector<uint16_t>> out16(n), outbf(n), outbc(n);
    std::vector<std::vector<int32_t>> out32(n), outa2a(n);
    std::vector<std::vector<int8_t>> outgather(n);
    std::vector<std::vector<uint64_t>> sc(n), sd(n), rc(n), rd(n);
    w.Run([&](uint32_t r) {
        aclrtStream s = w.streams[r];
        HcclComm c = w.comms[r];
        DeviceVec<uint16_t> d16{h16[r]}, r16{std::vector<uint16_t>(count)};
        DeviceVec<int32_t> d32{i32[r]}, r32{std::vector<int32_t>(count)};
        DeviceVec<int8_t> d8{i8[r]}, g8{std::vector<int8_t>(count * n)};
        DeviceVec<uint16_t> dbf{bf[r]}, rbf{std::vector<uint16_t>(count)};
        DeviceVec<uint16_t> bc{r == n - 1 ? h16[r] : std::vector<uint16_t>(count, 0)};
        // AllToAllV: rank r sends cnt(r, j) elements to j, packed, received in rank order.
        uint64_t off = 0;
        for (uint32_t j = 0; j < n; ++j) {
            sc[r].push_back(cnt(r, j));
            sd[r].push_back(off);
            off += cnt(r, j);
        }
        uint64_t roff = 0;
        for (uint32_t j = 0; j < n; ++j) {
            rc[r].push_back(cnt(j, r));
            rd[r].push_back(roff);
            roff += cnt(j, r);
        }
        std::vector<int32_t> a2a_in(off);
        for (uint64_t i = 0; i < off; ++i) a2a_in[i] = static_cast<int32_t>(r * 1000 + i);
        DeviceVec<int32_t> dsend(a2a_in), drecv{std::vector<int32_t>(roff, -1)};
        EXPECT_EQ(HcclAllReduce(d16.ptr, r16.ptr, count, HCCL_DATA_TYPE_FP16, HCCL_REDUCE_SUM, c, s), HCCL_SUCCESS);
        EXPECT_EQ(HcclAllReduce(d32.ptr, r32.ptr, count, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_MAX, c, s), HCCL_SUCCESS);
        EXPECT_EQ(HcclAllGather(d8.ptr, g8.ptr, count, HCCL_DATA_TYPE_INT8, c, s), HCCL_SUCCESS);
        EXPECT_EQ(HcclReduceScatter(dbf.ptr, rbf.ptr, count, HCCL_DATA_TYPE_BFP16, HCCL_REDUCE_SUM, c, s), HCCL_SUCCESS);
        EXPECT_EQ(HcclAlltoAllV(off ? dsend.ptr : nullptr, sc[r].data(), sd[r].data(), HCCL_DATA_TYPE_INT32,
                                roff ? drecv.ptr : nullptr, rc[r].data(), rd[r].data(), HCCL_DATA_TYPE_INT32, c, s),
                  HCCL_SUCCESS) << RecentErrors();
        EXPECT_EQ(HcclBroadcast(bc.ptr, count, HCCL_DATA_TYPE_FP16, n - 1, c, s), HCCL_SUCCESS);
        EXPECT_EQ(HcclBarrier(c, s), HCCL_SUCCESS);
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(s, 20000), ACL_SUCCESS) << RecentErrors();
        out16[r] = r16.Read();
        out32[r] = r32.Read();
        outgather[r] = g8.Read();
        outbf[r] = rbf.Read();
        outa2a[r] = drecv.Read();
        outbc[r] = bc.Read();
    });
    for (uint32_t r = 0; r < n; ++r) {
        ASSERT_EQ(out16[r].size(), count);
        for (uint64_t i = 0; i < count; ++i) {
            float acc = static_cast<float>(mc2::test::HalfValue(h16[0][i]));
            int32_t mx = i32[0][i];
            float bacc = mc2::test::Bf16Value(bf[0][r * count + i]);
            for (uint32_t j = 1; j < n; ++j) {
                acc += static_cast<float>(mc2::test::HalfValue(h16[j][i]));
                mx = std::max(mx, i32[j][i]);
                bacc += mc2::test::Bf16Value(bf[j][r * count + i]);
            }
            EXPECT_EQ(out16[r][i], mc2::test::HalfNearest(static_cast<double>(acc))) << "fp16 sum rank " << r << " i " << i;
            EXPECT_EQ(out32[r][i], mx);
            EXPECT_EQ(outbf[r][i], mc2::test::Bf16Nearest(bacc)) << "bf16 reduce-scatter rank " << r << " i " << i;
            EXPECT_EQ(outbc[r][i], h16[n - 1][i]);
        }
        for (uint32_t j = 0; j < n; ++j) {
            for (uint64_t i = 0; i < count; ++i) EXPECT_EQ(outgather[r][j * count + i], i8[j][i]);
            for (uint64_t k = 0; k < rc[r][j]; ++k) {
                EXPECT_EQ(outa2a[r][rd[r][j] + k], static_cast<int32_t>(j * 1000 + sd[j][r] + k));
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Hccl, AbiWorld, ::testing::Values(1u, 2u, 3u, 8u, 64u),
                         [](const ::testing::TestParamInfo<uint32_t> &param) {
                             return "world" + std::to_string(param.param);
                         });

// ---------------------------------------------------------------------------------------------
// Argument checking

TEST(HcclAbiArgs, CommInitAll) {
    int32_t devices[3] = {0, 1, 2};
    HcclComm comms[3];
    EXPECT_EQ(HcclCommInitAll(2, nullptr, comms), HCCL_E_PTR);
    EXPECT_EQ(HcclCommInitAll(2, devices, nullptr), HCCL_E_PTR);
    EXPECT_EQ(HcclCommInitAll(0, devices, comms), HCCL_E_PARA);
    EXPECT_EQ(HcclCommInitAll(65, devices, comms), HCCL_E_PARA);
    int32_t dup[2] = {1, 1};
    EXPECT_EQ(HcclCommInitAll(2, dup, comms), HCCL_E_PARA);
    int32_t negative[2] = {0, -1};
    EXPECT_EQ(HcclCommInitAll(2, negative, comms), HCCL_E_PARA);
    uint32_t device_count = 0;
    ASSERT_EQ(aclrtGetDeviceCount(&device_count), ACL_SUCCESS);
    int32_t too_big[2] = {0, static_cast<int32_t>(device_count)};
    EXPECT_EQ(HcclCommInitAll(2, too_big, comms), HCCL_E_PARA);
    EXPECT_NE(RecentErrors().find("HcclCommInitAll"), std::string::npos);
}

TEST(HcclAbiArgs, InvalidAndDestroyedHandles) {
    int32_t devices[1] = {0};
    HcclComm comm = nullptr;
    ASSERT_EQ(HcclCommInitAll(1, devices, &comm), HCCL_SUCCESS);
    char name[MAX_GROUP_NAME];
    uint32_t v = 0;
    EXPECT_EQ(HcclGetCommName(comm, nullptr), HCCL_E_PTR);
    EXPECT_EQ(HcclGetRankSize(comm, nullptr), HCCL_E_PTR);
    EXPECT_EQ(HcclGetRankId(comm, nullptr), HCCL_E_PTR);
    EXPECT_EQ(HcclGetCommName(nullptr, name), HCCL_E_PTR);
    EXPECT_EQ(HcclCommDestroy(nullptr), HCCL_E_PTR);
    int not_a_comm = 0;
    EXPECT_EQ(HcclGetRankSize(&not_a_comm, &v), HCCL_E_PARA);
    EXPECT_EQ(HcclCommDestroy(&not_a_comm), HCCL_E_PARA);
    EXPECT_EQ(HcclCommDestroy(comm), HCCL_SUCCESS);
    EXPECT_EQ(HcclGetCommName(comm, name), HCCL_E_PARA);
    EXPECT_EQ(HcclGetRankId(comm, &v), HCCL_E_PARA);
    EXPECT_EQ(HcclCommDestroy(comm), HCCL_E_PARA);
    EXPECT_EQ(HcclBarrier(comm, nullptr), HCCL_E_PARA);
    // Each new communicator group has its own name.
    HcclComm a = nullptr, b = nullptr;
    ASSERT_EQ(HcclCommInitAll(1, devices, &a), HCCL_SUCCESS);
    ASSERT_EQ(HcclCommInitAll(1, devices, &b), HCCL_SUCCESS);
    char na[MAX_GROUP_NAME], nb[MAX_GROUP_NAME];
    ASSERT_EQ(HcclGetCommName(a, na), HCCL_SUCCESS);
    ASSERT_EQ(HcclGetCommName(b, nb), HCCL_SUCCESS);
    EXPECT_STRNE(na, nb);
    EXPECT_EQ(HcclCommDestroy(a), HCCL_SUCCESS);
    EXPECT_EQ(HcclCommDestroy(b), HCCL_SUCCESS);
    RecentErrors();
}

TEST(HcclAbiArgs, CollectiveArguments) {
    World w(2);
    DeviceVec<float> dev{std::vector<float>(8, 1.0f)}, out{std::vector<float>(16, 0.0f)};
    std::vector<float> host(8, 1.0f);
    w.Run([&](uint32_t r) {
        if (r != 0) return;
        HcclComm c = w.comms[0];
        aclrtStream s = w.streams[0];
        EXPECT_EQ(HcclAllReduce(nullptr, out.ptr, 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, c, s), HCCL_E_PTR);
        EXPECT_EQ(HcclAllReduce(dev.ptr, nullptr, 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, c, s), HCCL_E_PTR);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, nullptr, s), HCCL_E_PTR);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 8, HCCL_DATA_TYPE_RESERVED, HCCL_REDUCE_SUM, c, s), HCCL_E_PARA);
        // Out-of-range values as a C caller can pass them (made by memcpy: no C++ enum cast).
        HcclDataType bad_type;
        HcclReduceOp bad_op;
        const int32_t minus_one = -1, big = 1000;
        std::memcpy(&bad_type, &minus_one, sizeof bad_type);
        std::memcpy(&bad_op, &big, sizeof bad_op);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 8, bad_type, HCCL_REDUCE_SUM, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 8, HCCL_DATA_TYPE_FP32, bad_op, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllGather(dev.ptr, out.ptr, 1, bad_type, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclBroadcast(dev.ptr, 1, bad_type, 0, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_RESERVED, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 2, HCCL_DATA_TYPE_INT128, HCCL_REDUCE_SUM, c, s), HCCL_E_NOT_SUPPORT);
        // Host memory and out-of-range counts are not device buffers.
        EXPECT_EQ(HcclAllReduce(host.data(), out.ptr, 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllReduce(dev.ptr, out.ptr, 9, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclAllGather(dev.ptr, out.ptr, 9, HCCL_DATA_TYPE_FP32, c, s), HCCL_E_PARA);  // recv needs 18
        EXPECT_EQ(HcclReduceScatter(dev.ptr, out.ptr, 5, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, c, s), HCCL_E_PARA);
        EXPECT_EQ(HcclBroadcast(dev.ptr, 8, HCCL_DATA_TYPE_FP32, 2, c, s), HCCL_E_PARA);
        const uint64_t counts[2] = {1, 1}, displs[2] = {0, 1};
        EXPECT_EQ(HcclAlltoAllV(dev.ptr, nullptr, displs, HCCL_DATA_TYPE_FP32, out.ptr, counts, displs,
                                HCCL_DATA_TYPE_FP32, c, s), HCCL_E_PTR);
        EXPECT_EQ(HcclAlltoAllV(dev.ptr, counts, displs, HCCL_DATA_TYPE_FP32, out.ptr, counts, displs,
                                HCCL_DATA_TYPE_INT32, c, s), HCCL_E_PARA);
        const uint64_t far[2] = {0, 8};  // block 1 would end at element 9 of an 8-element buffer
        EXPECT_EQ(HcclAlltoAllV(dev.ptr, counts, far, HCCL_DATA_TYPE_FP32, out.ptr, counts, displs,
                                HCCL_DATA_TYPE_FP32, c, s), HCCL_E_PARA);
        // A stream of another device.
        EXPECT_EQ(HcclBarrier(c, w.streams[1]), HCCL_E_PARA);
        EXPECT_NE(RecentErrors().find("device"), std::string::npos);
        // Nothing was queued: the stream is clean.
        EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(s, 5000), ACL_SUCCESS);
    });
}

// ---------------------------------------------------------------------------------------------
// Root info

TEST(HcclRootInfo, RanksJoinOneGroup) {
    const uint32_t n = 4;
    HcclRootInfo info;
    ASSERT_EQ(HcclGetRootInfo(&info), HCCL_SUCCESS);
    EXPECT_EQ(HcclGetRootInfo(nullptr), HCCL_E_PTR);
    std::vector<HcclComm> comms(n);
    std::vector<std::string> names(n);
    RunRanks(n, [&](uint32_t r) {
        ASSERT_EQ(aclrtSetDevice(static_cast<int32_t>(r)), ACL_SUCCESS);
        ASSERT_EQ(HcclCommInitRootInfo(n, &info, r, &comms[r]), HCCL_SUCCESS) << RecentErrors();
        char name[MAX_GROUP_NAME];
        ASSERT_EQ(HcclGetCommName(comms[r], name), HCCL_SUCCESS);
        names[r] = name;
        uint32_t id = 99, size = 0;
        EXPECT_EQ(HcclGetRankId(comms[r], &id), HCCL_SUCCESS);
        EXPECT_EQ(HcclGetRankSize(comms[r], &size), HCCL_SUCCESS);
        EXPECT_EQ(id, r);
        EXPECT_EQ(size, n);
        // A collective on the new group (default stream of the device's context).
        std::vector<int64_t> host{static_cast<int64_t>(r) + 1};
        DeviceVec<int64_t> buf(host);
        ASSERT_EQ(HcclAllReduce(buf.ptr, buf.ptr, 1, HCCL_DATA_TYPE_INT64, HCCL_REDUCE_SUM, comms[r], nullptr),
                  HCCL_SUCCESS) << RecentErrors();
        ASSERT_EQ(aclrtSynchronizeStreamWithTimeout(nullptr, 10000), ACL_SUCCESS) << RecentErrors();
        EXPECT_EQ(buf.Read()[0], 10);
        EXPECT_EQ(HcclCommDestroy(comms[r]), HCCL_SUCCESS);
        aclrtResetDevice(static_cast<int32_t>(r));
    });
    for (const auto &name : names) EXPECT_EQ(name, names[0]);
}

TEST(HcclRootInfo, BadArguments) {
    HcclRootInfo info;
    ASSERT_EQ(HcclGetRootInfo(&info), HCCL_SUCCESS);
    HcclComm comm = nullptr;
    ASSERT_EQ(aclrtSetDevice(0), ACL_SUCCESS);
    EXPECT_EQ(HcclCommInitRootInfo(2, nullptr, 0, &comm), HCCL_E_PTR);
    EXPECT_EQ(HcclCommInitRootInfo(2, &info, 0, nullptr), HCCL_E_PTR);
    EXPECT_EQ(HcclCommInitRootInfo(2, &info, 2, &comm), HCCL_E_PARA);
    EXPECT_EQ(HcclCommInitRootInfo(0, &info, 0, &comm), HCCL_E_PARA);
    HcclRootInfo garbage;
    std::memset(&garbage, 0x5a, sizeof garbage);
    EXPECT_EQ(HcclCommInitRootInfo(2, &garbage, 0, &comm), HCCL_E_PARA);
    aclrtResetDevice(0);
    RecentErrors();
}

TEST(HcclRootInfo, DuplicateRankAndMissingRank) {
    HcclRootInfo info;
    ASSERT_EQ(HcclGetRootInfo(&info), HCCL_SUCCESS);
    setenv("MC2_HCCL_TIMEOUT_MS", "200", 1);
    std::vector<HcclResult> results(2);
    const auto start = std::chrono::steady_clock::now();
    // Ranks 0 and "0 again" of 3: the duplicate is refused at once, rank 0 times out (1 and 2
    // never come).
    RunRanks(2, [&](uint32_t t) {
        ASSERT_EQ(aclrtSetDevice(static_cast<int32_t>(t)), ACL_SUCCESS);
        if (t == 1) std::this_thread::sleep_for(20ms);
        HcclComm comm = nullptr;
        results[t] = HcclCommInitRootInfo(3, &info, 0, &comm);
        RecentErrors();
        aclrtResetDevice(static_cast<int32_t>(t));
    });
    setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
    EXPECT_EQ(results[0], HCCL_E_TIMEOUT);
    EXPECT_EQ(results[1], HCCL_E_PARA);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// ---------------------------------------------------------------------------------------------
// Failure through streams

TEST(HcclAbiFailure, MissingRankFailsTheStreamInBoundedTime) {
    setenv("MC2_HCCL_TIMEOUT_MS", "200", 1);
    World w(2);
    setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
    DeviceVec<float> buf{std::vector<float>(4, 1.0f)};
    w.Run([&](uint32_t r) {
        if (r == 1) return;  // rank 1 never calls
        const auto start = std::chrono::steady_clock::now();
        ASSERT_EQ(HcclAllReduce(buf.ptr, buf.ptr, 4, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, w.comms[0], w.streams[0]),
                  HCCL_SUCCESS);
        EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(w.streams[0], 10000), ACL_ERROR_RT_TASK_TIMEOUT);
        const std::string msg = RecentErrors();
        EXPECT_NE(msg.find("HCCL_E_TIMEOUT"), std::string::npos) << msg;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
        // The communicator now reports itself broken at once.
        EXPECT_EQ(HcclBarrier(w.comms[0], w.streams[0]), HCCL_E_TIMEOUT);
        EXPECT_NE(RecentErrors().find("broken"), std::string::npos);
    });
    EXPECT_EQ(buf.Read()[0], 1.0f);
}

}  // namespace
