// examples/hccl_allreduce_roundtrip.cpp — a program written against the public ABI only, in
// the shape of the CANN examples: aclInit, HcclCommInitAll over 2 devices, one thread per
// rank with its own context and stream, a host->device->host round trip and an all-reduce.
// Exit status 0 when every rank saw the expected bytes.
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "hccl/hccl.h"

#define CHECK_RET(cond, expr) \
    do {                      \
        if (!(cond)) {        \
            expr;             \
        }                     \
    } while (0)

namespace {

constexpr int kDevices = 2;
constexpr size_t kCount = 1024;

struct Args {
    int32_t rank;
    HcclComm comm;
    aclrtContext context;
    aclrtStream stream;
    int result = -1;
};

int RunRank(Args &args) {
    int ret = aclrtSetCurrentContext(args.context);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("aclrtSetCurrentContext failed: %d\n", ret); return ret);
    char group[128];
    CHECK_RET(HcclGetCommName(args.comm, group) == HCCL_SUCCESS, std::printf("HcclGetCommName failed\n"); return 1);

    std::vector<float> host(kCount);
    for (size_t i = 0; i < kCount; ++i) host[i] = static_cast<float>(i) + 1000.0f * static_cast<float>(args.rank);
    const size_t bytes = kCount * sizeof(float);
    void *send = nullptr;
    void *recv = nullptr;
    CHECK_RET(aclrtMalloc(&send, bytes, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS, return 2);
    CHECK_RET(aclrtMalloc(&recv, bytes, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS, return 2);
    CHECK_RET(aclrtMemcpy(send, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE) == ACL_SUCCESS, return 3);

    // Round trip first: what went in comes back unchanged.
    std::vector<float> back(kCount, -1.0f);
    CHECK_RET(aclrtMemcpy(back.data(), bytes, send, bytes, ACL_MEMCPY_DEVICE_TO_HOST) == ACL_SUCCESS, return 3);
    CHECK_RET(std::memcmp(back.data(), host.data(), bytes) == 0, std::printf("rank %d: round trip differs\n", args.rank);
              return 4);

    ret = HcclAllReduce(send, recv, kCount, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, args.comm, args.stream);
    CHECK_RET(ret == HCCL_SUCCESS, std::printf("HcclAllReduce failed: %d\n", ret); return 5);
    ret = aclrtSynchronizeStreamWithTimeout(args.stream, 10000);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("sync failed: %d %s\n", ret, aclGetRecentErrMsg()); return 6);
    CHECK_RET(aclrtMemcpy(back.data(), bytes, recv, bytes, ACL_MEMCPY_DEVICE_TO_HOST) == ACL_SUCCESS, return 3);
    for (size_t i = 0; i < kCount; ++i) {
        // sum over ranks r of (i + 1000 r): exact in fp32 for these magnitudes.
        const float expect = static_cast<float>(kDevices) * static_cast<float>(i) + 1000.0f;
        CHECK_RET(back[i] == expect,
                  std::printf("rank %d element %zu: got %g want %g\n", args.rank, i, static_cast<double>(back[i]),
                              static_cast<double>(expect));
                  return 7);
    }
    std::printf("rank %d (%s): round trip and all-reduce ok\n", args.rank, group);
    aclrtFree(send);
    aclrtFree(recv);
    return 0;
}

}  // namespace

int main() {
    int ret = aclInit(nullptr);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("aclInit failed: %d\n", ret); return 1);
    int32_t devices[kDevices] = {0, 1};
    for (int32_t d : devices) {
        CHECK_RET(aclrtSetDevice(d) == ACL_SUCCESS, std::printf("aclrtSetDevice failed\n"); return 1);
    }
    HcclComm comms[kDevices];
    ret = HcclCommInitAll(kDevices, devices, comms);
    CHECK_RET(ret == HCCL_SUCCESS, std::printf("HcclCommInitAll failed: %d\n", ret); return 1);

    Args args[kDevices];
    for (int32_t r = 0; r < kDevices; ++r) {
        args[r].rank = r;
        args[r].comm = comms[r];
        CHECK_RET(aclrtSetDevice(r) == ACL_SUCCESS, return 1);
        CHECK_RET(aclrtCreateContext(&args[r].context, r) == ACL_SUCCESS, return 1);
        CHECK_RET(aclrtCreateStream(&args[r].stream) == ACL_SUCCESS, return 1);
    }
    std::vector<std::thread> threads;
    for (auto &a : args) threads.emplace_back([&a] { a.result = RunRank(a); });
    for (auto &t : threads) t.join();

    int status = 0;
    for (auto &a : args) {
        status |= a.result;
        aclrtSetCurrentContext(a.context);
        aclrtDestroyStream(a.stream);
        HcclCommDestroy(a.comm);
        aclrtDestroyContext(a.context);
        aclrtResetDevice(a.rank);
    }
    aclFinalize();
    std::printf(status == 0 ? "PASSED\n" : "FAILED\n");
    return status == 0 ? 0 : 1;
}
