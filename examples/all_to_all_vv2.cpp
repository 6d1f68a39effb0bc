// examples/all_to_all_vv2.cpp — ATB AllToAllVV2Operation on 2 ranks, written against include/
// only, in the call sequence of the ATB documentation's examples: one thread per rank, external
// HCCL communicators in multi-thread mode, an ATB context per rank executing on its stream,
// CreateOperation → Setup → workspace → Execute → synchronize. The data are the worked example
// of the AllToAllVV2 document (seed 003): rank 0 must receive [[0, 1, 0, 1]] and rank 1
// [[2, 3, 4, 5, 2]]. Prints PASSED when both ranks got exactly that.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <future>
#include <vector>

#include "acl/acl.h"
#include "atb/atb_infer.h"
#include "hccl/hccl.h"

namespace {

constexpr int kRanks = 2;

#define CHECK(expr)                                                                             \
    do {                                                                                        \
        const int rc_ = static_cast<int>(expr);                                                 \
        if (rc_ != 0) {                                                                         \
            const char *msg_ = aclGetRecentErrMsg();                                            \
            std::fprintf(stderr, "%s failed: %d %s\n", #expr, rc_, msg_ != nullptr ? msg_ : ""); \
            return rc_;                                                                         \
        }                                                                                       \
    } while (0)

// One rank's inputs and the output the document gives for it. x is int8 (one of the seven
// dtypes) so that the printed bytes read as the document's numbers.
struct RankData {
    std::vector<int64_t> xShape;
    std::vector<int8_t> x;
    std::vector<int64_t> sendCounts, sdispls, recvCounts, rdispls;
    std::vector<int8_t> expected;
};

struct Rank {
    int id = 0;
    HcclComm comm = nullptr;
    aclrtStream stream = nullptr;
    atb::Context *context = nullptr;
    RankData data;
    std::vector<int8_t> output;
};

atb::Tensor DescribedTensor(aclDataType dtype, const std::vector<int64_t> &dims) {
    atb::Tensor t;
    t.desc.dtype = dtype;
    t.desc.format = ACL_FORMAT_ND;
    t.desc.shape.dimNum = dims.size();
    for (size_t i = 0; i < dims.size(); ++i) t.desc.shape.dims[i] = dims[i];
    t.dataSize = atb::Utils::GetTensorSize(t);
    return t;
}

// A host-side int64 tensor: ATB reads the counts and displacements from hostData.
atb::Tensor HostCounts(std::vector<int64_t> &values) {
    atb::Tensor t = DescribedTensor(ACL_INT64, {static_cast<int64_t>(values.size())});
    t.hostData = values.data();
    return t;
}

int RunRank(Rank &rank) {
    CHECK(aclrtSetDevice(rank.id));
    RankData &d = rank.data;
    int64_t recvTotal = 0;
    for (int64_t c : d.recvCounts) recvTotal += c;

    atb::Tensor x = DescribedTensor(ACL_INT8, d.xShape);
    CHECK(aclrtMalloc(&x.deviceData, x.dataSize, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclrtMemcpy(x.deviceData, x.dataSize, d.x.data(), d.x.size(), ACL_MEMCPY_HOST_TO_DEVICE));
    // Only the shape of tensorForInferShape matters: [sum(recvCounts)].
    std::vector<int8_t> shapeOnly(static_cast<size_t>(recvTotal), 0);
    atb::Tensor inferShape = DescribedTensor(ACL_INT8, {recvTotal});
    inferShape.hostData = shapeOnly.data();
    atb::Tensor output = DescribedTensor(ACL_INT8, {1, recvTotal});
    CHECK(aclrtMalloc(&output.deviceData, output.dataSize, ACL_MEM_MALLOC_HUGE_FIRST));

    atb::VariantPack pack;
    pack.inTensors = {x, HostCounts(d.sendCounts), HostCounts(d.sdispls), HostCounts(d.recvCounts),
                      HostCounts(d.rdispls), inferShape};
    pack.outTensors = {output};

    atb::infer::AllToAllVV2Param param;
    param.rank = rank.id;
    param.rankSize = kRanks;
    param.rankRoot = 0;
    param.backend = "hccl";
    param.hcclComm = rank.comm;
    param.commMode = atb::infer::COMM_MULTI_THREAD;  // multi-thread: the communicator comes from outside
    atb::Operation *op = nullptr;
    CHECK(atb::CreateOperation(param, &op));

    uint64_t workspaceSize = 0;
    CHECK(op->Setup(pack, workspaceSize, rank.context));
    uint8_t *workspace = nullptr;
    if (workspaceSize > 0) {
        CHECK(aclrtMalloc(reinterpret_cast<void **>(&workspace), workspaceSize, ACL_MEM_MALLOC_HUGE_FIRST));
    }
    CHECK(op->Execute(pack, workspace, workspaceSize, rank.context));
    CHECK(aclrtSynchronizeStream(rank.stream));

    rank.output.resize(static_cast<size_t>(recvTotal));
    CHECK(aclrtMemcpy(rank.output.data(), rank.output.size(), output.deviceData, output.dataSize,
                      ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(atb::DestroyOperation(op));
    if (workspace != nullptr) CHECK(aclrtFree(workspace));
    CHECK(aclrtFree(x.deviceData));
    CHECK(aclrtFree(output.deviceData));
    return 0;
}

int Main() {
    CHECK(aclInit(nullptr));
    Rank ranks[kRanks];
    ranks[0].data = {{2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 4}, {0, 2}, {2, 2}, {0, 2}, {0, 1, 0, 1}};
    ranks[1].data = {{2, 3}, {0, 1, 2, 3, 4, 6}, {2, 1}, {0, 2}, {4, 1}, {0, 4}, {2, 3, 4, 5, 2}};

    int32_t devices[kRanks] = {0, 1};
    HcclComm comms[kRanks] = {};
    for (int r = 0; r < kRanks; ++r) CHECK(aclrtSetDevice(devices[r]));
    CHECK(HcclCommInitAll(kRanks, devices, comms));
    for (int r = 0; r < kRanks; ++r) {
        ranks[r].id = r;
        ranks[r].comm = comms[r];
        CHECK(aclrtSetDevice(r));
        CHECK(aclrtCreateStream(&ranks[r].stream));
        CHECK(atb::CreateContext(&ranks[r].context));
        CHECK(ranks[r].context->SetExecuteStream(ranks[r].stream));
    }

    std::future<int> done[kRanks];
    for (int r = 0; r < kRanks; ++r) done[r] = std::async(std::launch::async, RunRank, std::ref(ranks[r]));
    bool ok = true;
    for (int r = 0; r < kRanks; ++r) {
        const int rc = done[r].get();
        if (rc != 0) {
            std::fprintf(stderr, "rank %d failed: %d\n", r, rc);
            ok = false;
            continue;
        }
        std::printf("rank %d output:", r);
        for (int8_t v : ranks[r].output) std::printf(" %d", v);
        std::printf("\n");
        if (ranks[r].output != ranks[r].data.expected) {
            std::fprintf(stderr, "rank %d: output differs from the document's\n", r);
            ok = false;
        }
    }

    for (int r = 0; r < kRanks; ++r) {
        CHECK(aclrtSetDevice(r));
        CHECK(atb::DestroyContext(ranks[r].context));
        CHECK(aclrtDestroyStream(ranks[r].stream));
        CHECK(HcclCommDestroy(comms[r]));
        CHECK(aclrtResetDevice(r));
    }
    CHECK(aclFinalize());
    if (!ok) return 1;
    std::printf("PASSED\n");
    return 0;
}

}  // namespace

int main() { return Main(); }
