// impl/ops/all_to_all_vv2/all_to_all_vv2_run.cc — AllToAllVV2Operation's runner: which
// communicator it runs on, and Execute as one HcclAlltoAllV on the context's stream (ATB's
// all_to_allvv2_hccl_runner.cpp).
//
// Communicator: the caller's hcclComm when given (COMM_MULTI_THREAD, as the ATB doc example and
// the harness run it). Without one, ATB creates it (COMM_MULTI_PROCESS): here the rank threads
// of the process join one group per commDomain (atbfw/group_comm.h) at their first Setup. A
// rank table file names a cluster this emulation does not have: no communicator, and Execute
// fails as ATB's runner does without one (ERROR_INTERNAL_ERROR).
//
// Data movement is HCCL's AllToAllV, bit-exact. Overlapping send windows are read as they are;
// overlapping receive windows are written in rank order (the later rank's block wins), which
// ATB does not check. Ranks whose counts disagree (recvCount_r[j] != sendCount_j[r]) are not
// checked by ATB either: the emulated HCCL compares the block sizes of all ranks before moving
// anything, so every rank's task fails (the stream's synchronize returns the error, its
// message names the mismatch) and no output is written; a rank that never calls fails its
// peers after HCCL's exec timeout.
#include <string>
#include <vector>

#include "atbfw/group_comm.h"
#include "atbfw/report.h"
#include "atbfw/tensor_util.h"
#include "hccl/hccl.h"
#include "ops/all_to_all_vv2/all_to_all_vv2.h"
#include "ops/common/faults.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

HcclDataType HcclTypeOf(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16: return HCCL_DATA_TYPE_FP16;
        case ACL_FLOAT: return HCCL_DATA_TYPE_FP32;
        case ACL_INT8: return HCCL_DATA_TYPE_INT8;
        case ACL_INT16: return HCCL_DATA_TYPE_INT16;
        case ACL_INT32: return HCCL_DATA_TYPE_INT32;
        case ACL_INT64: return HCCL_DATA_TYPE_INT64;
        case ACL_BF16: return HCCL_DATA_TYPE_BFP16;
        default: return HCCL_DATA_TYPE_RESERVED;  // excluded by the ini rows
    }
}

// ATB's ConvertHcclResultToStatus (newest ATB; older versions returned ERROR_CANN_ERROR for
// every HCCL failure, ops.md §7 "Execute").
atb::Status StatusOfHccl(HcclResult rc) {
    switch (rc) {
        case HCCL_SUCCESS: return atb::NO_ERROR;
        case HCCL_E_PARA: return atb::ERROR_INVALID_PARAM;
        case HCCL_E_MEMORY: return atb::ERROR_OUT_OF_DEVICE_MEMORY;
        default: return atb::ERROR_HCCL_FAIL;
    }
}

std::string JoinedErrors() {
    std::string s;
    for (const std::string &m : TakeThreadErrors()) s += (s.empty() ? "" : "; ") + m;
    return s;
}

bool Overlap(const void *a, uint64_t aBytes, const void *b, uint64_t bBytes) {
    const auto *pa = static_cast<const unsigned char *>(a);
    const auto *pb = static_cast<const unsigned char *>(b);
    return pa < pb + bBytes && pb < pa + aBytes;
}

}  // namespace

void AllToAllVV2Operation::ReleaseOwnComm() {
    if (ownComm_ != nullptr) {
        HcclCommDestroy(ownComm_);
        ownComm_ = nullptr;
    }
}

atb::Status AllToAllVV2Operation::SetupRunner(const atb::VariantPack &variantPack, uint64_t *workspaceSize) {
    (void)variantPack;
    *workspaceSize = 0;  // HCCL moves the data straight from x to the output
    if (param_.hcclComm != nullptr || ownComm_ != nullptr) return atb::NO_ERROR;
    if (!param_.rankTableFile.empty()) {
        noCommReason_ = "rank table files (rankTableFile \"" + param_.rankTableFile +
                        "\") are not supported by this emulation; pass hcclComm";
        return atb::NO_ERROR;
    }
    // As in ATB, a communicator that cannot be created fails Execute, not Setup. HCCL's own
    // messages move into the reason so that this successful Setup leaves none behind.
    std::string why;
    const HcclResult rc = atbfw::JoinGroupComm(param_.commDomain, param_.rankSize, param_.rank, &ownComm_, &why);
    if (rc != HCCL_SUCCESS) {
        ownComm_ = nullptr;
        noCommReason_ = "creating the communicator of commDomain \"" + param_.commDomain + "\" failed: " + why +
                        " (HcclResult " + std::to_string(static_cast<int>(rc)) + "): " + JoinedErrors();
    }
    return atb::NO_ERROR;
}

// Order: communicator (ERROR_INTERNAL_ERROR), device data of x and output (ERROR_INVALID_PARAM),
// as in ATB's runner; then this library's hardening, all ERROR_INVALID_PARAM: the counts are
// checked again as Execute passes them (ATB reads them at Execute without checking again), the
// communicator must have rankSize ranks (HCCL reads that many entries of each count array), and
// the output must not overlap x (peers read x while this rank writes the output). Then
// HcclAlltoAllV, whose immediate failures map as ATB maps them; failures while the stream runs
// surface at its synchronize.
atb::Status AllToAllVV2Operation::Launch(const atb::VariantPack &pack, uint8_t *workspace, uint64_t workspaceSize,
                                         aclrtStream stream) {
    (void)workspace;
    (void)workspaceSize;
    const std::string where = Where("Execute");
    HcclComm comm = param_.hcclComm != nullptr ? param_.hcclComm : ownComm_;
    if (comm == nullptr) {
        return atbfw::Fail(atb::ERROR_INTERNAL_ERROR, where.c_str(), "hcclComm is null for rank %d: %s", param_.rank,
                           noCommReason_.c_str());
    }
    const atb::Tensor &x = pack.inTensors.at(0);
    const atb::Tensor &out = pack.outTensors.at(0);
    if (x.deviceData == nullptr || out.deviceData == nullptr) {
        return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "%s has no deviceData",
                           x.deviceData == nullptr ? "x" : "output");
    }
    int64_t sum = 0;
    if (atb::Status st = CheckWindows(pack.inTensors, out.desc.shape.dims[1], where, &sum); st != atb::NO_ERROR) {
        return st;
    }
    uint32_t commSize = 0;
    if (HcclResult rc = HcclGetRankSize(comm, &commSize); rc != HCCL_SUCCESS) {
        return atbfw::Fail(StatusOfHccl(rc), where.c_str(), "HcclGetRankSize failed (HcclResult %d): %s",
                           static_cast<int>(rc), JoinedErrors().c_str());
    }
    if (commSize != static_cast<uint32_t>(param_.rankSize)) {
        return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                           "the communicator has %u ranks but rankSize is %d (the count tensors' length)", commSize,
                           param_.rankSize);
    }
    if (Overlap(x.deviceData, atbfw::Bytes(x.desc), out.deviceData, atbfw::Bytes(out.desc))) {
        return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                           "output [%p, +%llu bytes) overlaps x [%p, +%llu bytes)", out.deviceData, static_cast<unsigned long long>(atbfw::Bytes(out.desc)), x.deviceData,
                           static_cast<unsigned long long>(atbfw::Bytes(x.desc)));
    }
    // The int64 host arrays are passed as HCCL's uint64 arrays: every entry is >= 0 (checked),
    // so the bits are the same. HCCL copies them before returning.
    const HcclDataType type = HcclTypeOf(x.desc.dtype);
    const void *sdispls = pack.inTensors.at(2).hostData;
    std::vector<int64_t> packed;  // fault kA2avSdisplsIgnored only: exclusive prefix sums of sendCount
    if constexpr (kFault == Fault::kA2avSdisplsIgnored) {
        const auto *counts = static_cast<const int64_t *>(pack.inTensors.at(1).hostData);
        packed.assign(static_cast<size_t>(param_.rankSize), 0);
        for (int j = 1; j < param_.rankSize; ++j) packed[j] = packed[j - 1] + counts[j - 1];
        sdispls = packed.data();
    }
    if constexpr (kFault == Fault::kA2avOwnCommNoData) {
        if (comm == ownComm_) return atb::NO_ERROR;
    }
    const HcclResult rc = HcclAlltoAllV(x.deviceData, pack.inTensors.at(1).hostData, sdispls,
                                        type, out.deviceData, pack.inTensors.at(3).hostData,
                                        pack.inTensors.at(4).hostData, type, comm, stream);
    if (rc != HCCL_SUCCESS) {
        return atbfw::Fail(StatusOfHccl(rc), where.c_str(), "HcclAlltoAllV failed (HcclResult %d): %s",
                           static_cast<int>(rc), JoinedErrors().c_str());
    }
    return atb::NO_ERROR;
}

}  // namespace mc2::impl::ops
