// examples/all_gather_matmul.cpp — aclnnAllGatherMatmul written against the public ABI only,
// the way a CANN user writes it (the call sequence of the document's example): aclInit, a
// device and a stream per rank, HcclCommInitAll, one thread per rank that builds its tensors,
// asks for the workspace size, allocates it, executes, synchronises and copies the results
// back. Every rank checks its own gatherOut (every rank's x1 in rank order) and output
// (gatherOut @ x2, exact here: small integers); prints PASSED when all ranks agree.
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_all_gather_matmul.h"
#include "hccl/hccl.h"

#define CHECK_RET(cond, expr) \
    do {                      \
        if (!(cond)) {        \
            expr;             \
        }                     \
    } while (0)

namespace {

constexpr int kRanks = 4;  // Atlas A2 supports 2, 4 or 8
constexpr int64_t kM = 32, kK = 256, kN = 48;

// fp16 code of a small integer (|v| <= 2048: exact).
uint16_t Fp16(int v) {
    if (v == 0) return 0;
    const uint16_t sign = v < 0 ? 0x8000 : 0;
    unsigned a = static_cast<unsigned>(v < 0 ? -v : v);
    int e = 0;
    while ((a >> (e + 1)) != 0) ++e;
    return static_cast<uint16_t>(sign | ((e + 15) << 10) | ((a << (10 - e)) & 0x3FF));
}

// Element values: x1 of rank r in {-1, 0, 1} depending on (r, i, p); x2 in {-1, 0, 1}. Every
// output is a sum of at most kK products of magnitude <= 1: an exact fp16 integer.
int X1Value(int rank, int64_t i, int64_t p) { return static_cast<int>((rank * 7 + i * 3 + p) % 3) - 1; }
int X2Value(int64_t p, int64_t j) { return static_cast<int>((p * 5 + j * 2) % 3) - 1; }

struct Tensor {
    void *device = nullptr;
    aclTensor *tensor = nullptr;
};

int CreateTensor(const std::vector<uint16_t> &host, const std::vector<int64_t> &shape, Tensor *t) {
    const size_t bytes = host.size() * sizeof(uint16_t);
    int ret = aclrtMalloc(&t->device, bytes, ACL_MEM_MALLOC_HUGE_FIRST);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] aclrtMalloc failed: %d\n", ret); return ret);
    ret = aclrtMemcpy(t->device, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] aclrtMemcpy failed: %d\n", ret); return ret);
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t d = shape.size() - 1; d-- > 0;) strides[d] = strides[d + 1] * shape[d + 1];
    t->tensor = aclCreateTensor(shape.data(), shape.size(), ACL_FLOAT16, strides.data(), 0, ACL_FORMAT_ND,
                                shape.data(), shape.size(), t->device);
    return t->tensor != nullptr ? 0 : 1;
}

void Release(Tensor &t) {
    if (t.tensor != nullptr) aclDestroyTensor(t.tensor);
    if (t.device != nullptr) aclrtFree(t.device);
}

struct RankArgs {
    int rank = 0;
    HcclComm comm = nullptr;
    aclrtStream stream = nullptr;
    int result = -1;
};

int RunRank(RankArgs &args) {
    int ret = aclrtSetDevice(args.rank);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] aclrtSetDevice failed: %d\n", ret); return ret);
    char group[128] = {0};
    ret = HcclGetCommName(args.comm, group);
    CHECK_RET(ret == HCCL_SUCCESS, std::printf("[ERROR] HcclGetCommName failed: %d\n", ret); return ret);

    std::vector<uint16_t> x1(kM * kK), x2(kK * kN);
    for (int64_t i = 0; i < kM; ++i) {
        for (int64_t p = 0; p < kK; ++p) x1[i * kK + p] = Fp16(X1Value(args.rank, i, p));
    }
    for (int64_t p = 0; p < kK; ++p) {
        for (int64_t j = 0; j < kN; ++j) x2[p * kN + j] = Fp16(X2Value(p, j));
    }
    const int64_t rows = kM * kRanks;
    Tensor x1t, x2t, out, gatherOut;
    CHECK_RET(CreateTensor(x1, {kM, kK}, &x1t) == 0, return 1);
    CHECK_RET(CreateTensor(x2, {kK, kN}, &x2t) == 0, return 1);
    CHECK_RET(CreateTensor(std::vector<uint16_t>(rows * kN, 0), {rows, kN}, &out) == 0, return 1);
    CHECK_RET(CreateTensor(std::vector<uint16_t>(rows * kK, 0), {rows, kK}, &gatherOut) == 0, return 1);

    // First phase: check the arguments, get the workspace size and an executor. No bias (the
    // document: a non-zero bias is not supported); gatherIndex 0, commTurn 0, streamMode 1.
    uint64_t workspaceSize = 0;
    aclOpExecutor *executor = nullptr;
    ret = aclnnAllGatherMatmulGetWorkspaceSize(x1t.tensor, x2t.tensor, nullptr, group, 0, 0, 1, out.tensor,
                                               gatherOut.tensor, &workspaceSize, &executor);
    CHECK_RET(ret == ACLNN_SUCCESS,
              std::printf("[ERROR] aclnnAllGatherMatmulGetWorkspaceSize failed: %d %s\n", ret, aclGetRecentErrMsg());
              return ret);
    void *workspace = nullptr;
    if (workspaceSize > 0) {
        ret = aclrtMalloc(&workspace, workspaceSize, ACL_MEM_MALLOC_HUGE_FIRST);
        CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] workspace aclrtMalloc failed: %d\n", ret); return ret);
    }
    // Second phase: run it on this rank's stream, then wait for it.
    ret = aclnnAllGatherMatmul(workspace, workspaceSize, executor, args.stream);
    CHECK_RET(ret == ACLNN_SUCCESS, std::printf("[ERROR] aclnnAllGatherMatmul failed: %d\n", ret); return ret);
    ret = aclrtSynchronizeStreamWithTimeout(args.stream, 10000);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] synchronize failed: %d %s\n", ret, aclGetRecentErrMsg());
              return ret);

    std::vector<uint16_t> gotOut(rows * kN), gotGather(rows * kK);
    ret = aclrtMemcpy(gotOut.data(), gotOut.size() * 2, out.device, gotOut.size() * 2, ACL_MEMCPY_DEVICE_TO_HOST);
    CHECK_RET(ret == ACL_SUCCESS, return ret);
    ret = aclrtMemcpy(gotGather.data(), gotGather.size() * 2, gatherOut.device, gotGather.size() * 2,
                      ACL_MEMCPY_DEVICE_TO_HOST);
    CHECK_RET(ret == ACL_SUCCESS, return ret);
    int wrong = 0;
    for (int64_t i = 0; i < rows; ++i) {
        const int owner = static_cast<int>(i / kM);
        for (int64_t p = 0; p < kK; ++p) wrong += gotGather[i * kK + p] != Fp16(X1Value(owner, i % kM, p));
        for (int64_t j = 0; j < kN; ++j) {
            int sum = 0;
            for (int64_t p = 0; p < kK; ++p) sum += X1Value(owner, i % kM, p) * X2Value(p, j);
            wrong += gotOut[i * kN + j] != Fp16(sum);
        }
    }
    std::printf("rank %d (%s): workspace %llu bytes, %d wrong elements\n", args.rank, group,
                static_cast<unsigned long long>(workspaceSize), wrong);

    if (workspace != nullptr) aclrtFree(workspace);
    for (Tensor *t : {&x1t, &x2t, &out, &gatherOut}) Release(*t);
    return wrong == 0 ? 0 : 1;
}

}  // namespace

int main() {
    int ret = aclInit(nullptr);
    CHECK_RET(ret == ACL_SUCCESS, std::printf("[ERROR] aclInit failed: %d\n", ret); return 1);
    aclrtStream streams[kRanks];
    int32_t devices[kRanks];
    for (int r = 0; r < kRanks; ++r) {
        devices[r] = r;
        CHECK_RET(aclrtSetDevice(r) == ACL_SUCCESS, std::printf("[ERROR] aclrtSetDevice failed\n"); return 1);
        CHECK_RET(aclrtCreateStream(&streams[r]) == ACL_SUCCESS, std::printf("[ERROR] aclrtCreateStream failed\n");
                  return 1);
    }
    HcclComm comms[kRanks];
    ret = HcclCommInitAll(kRanks, devices, comms);
    CHECK_RET(ret == HCCL_SUCCESS, std::printf("[ERROR] HcclCommInitAll failed: %d\n", ret); return 1);

    RankArgs args[kRanks];
    std::vector<std::thread> threads;
    for (int r = 0; r < kRanks; ++r) {
        args[r].rank = r;
        args[r].comm = comms[r];
        args[r].stream = streams[r];
        threads.emplace_back([&a = args[r]] { a.result = RunRank(a); });
    }
    for (auto &t : threads) t.join();

    int status = 0;
    for (int r = 0; r < kRanks; ++r) {
        status |= args[r].result;
        aclrtSetDevice(r);
        aclrtDestroyStream(streams[r]);
        HcclCommDestroy(comms[r]);
        aclrtResetDevice(r);
    }
    aclFinalize();
    std::printf(status == 0 ? "PASSED\n" : "FAILED\n");
    return status == 0 ? 0 : 1;
}
