// impl/hccl/api_comm.cc — exported communicator functions: creation (HcclCommInitAll, root
// info), destruction and queries. Argument checks: null pointers -> HCCL_E_PTR, bad values and
// unknown/destroyed handles -> HCCL_E_PARA.
#include <cstring>
#include <set>
#include <vector>

#include "hccl/api_util.h"
#include "hccl/communicator.h"
#include "hccl/hccl.h"
#include "hccl/inproc_transport.h"
#include "hccl/registry.h"
#include "hccl/root_info.h"
#include "hccl/timeouts.h"

namespace mc2::impl::hccl {
namespace {

// Largest world this emulation accepts (the brief's 1..64; real A2/A3 servers have 8/16 NPUs).
constexpr uint32_t kMaxRanks = 64;

// The live communicator behind `comm`, or an error status (E_PTR null, E_PARA unknown).
Status Resolve(HcclComm comm, std::shared_ptr<Communicator> *out) {
    if (comm == nullptr) return Status::Error(HCCL_E_PTR, "comm is null");
    *out = LookupCommunicator(comm);
    if (!*out) return Status::Error(HCCL_E_PARA, "comm is not a live communicator (destroyed or never created)");
    return {};
}

}  // namespace
}  // namespace mc2::impl::hccl

using namespace mc2::impl::hccl;

extern "C" {

HcclResult HcclCommInitAll(uint32_t ndev, int32_t *devices, HcclComm *comms) {
    constexpr const char *kFn = "HcclCommInitAll";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (devices == nullptr) return Fail(kFn, HCCL_E_PTR, "devices is null");
        if (comms == nullptr) return Fail(kFn, HCCL_E_PTR, "comms is null");
        if (ndev == 0 || ndev > kMaxRanks) {
            return Fail(kFn, HCCL_E_PARA,
                        "ndev " + std::to_string(ndev) + " is outside 1.." + std::to_string(kMaxRanks));
        }
        const uint32_t device_count = mc2::impl::DeviceCount();
        std::set<int32_t> seen;
        for (uint32_t i = 0; i < ndev; ++i) {
            if (devices[i] < 0 || static_cast<uint32_t>(devices[i]) >= device_count) {
                return Fail(kFn, HCCL_E_PARA,
                            "devices[" + std::to_string(i) + "] = " + std::to_string(devices[i]) +
                                " is not a device id (0.." + std::to_string(device_count - 1) + ")");
            }
            if (!seen.insert(devices[i]).second) {
                return Fail(kFn, HCCL_E_PARA, "device " + std::to_string(devices[i]) + " appears twice in devices");
            }
        }
        const std::string name = NewGroupName();
        const Timeouts timeouts = CurrentTimeouts();
        auto endpoints = CreateInProcGroup(ndev, name);
        std::vector<std::shared_ptr<Communicator>> created;
        created.reserve(ndev);
        for (uint32_t i = 0; i < ndev; ++i) {
            created.push_back(std::make_shared<Communicator>(name, devices[i], std::move(endpoints[i]), timeouts.exec));
        }
        // Registered last, so a failure above leaves no half-made group behind.
        for (uint32_t i = 0; i < ndev; ++i) comms[i] = RegisterCommunicator(created[i]);
        return HCCL_SUCCESS;
    });
}

HcclResult HcclGetRootInfo(HcclRootInfo *rootInfo) {
    constexpr const char *kFn = "HcclGetRootInfo";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (rootInfo == nullptr) return Fail(kFn, HCCL_E_PTR, "rootInfo is null");
        if (Status st = NewRootInfo(rootInfo); !st.ok()) return Fail(kFn, st);
        return HCCL_SUCCESS;
    });
}

HcclResult HcclCommInitRootInfo(uint32_t nRanks, const HcclRootInfo *rootInfo, uint32_t rank, HcclComm *comm) {
    constexpr const char *kFn = "HcclCommInitRootInfo";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (rootInfo == nullptr) return Fail(kFn, HCCL_E_PTR, "rootInfo is null");
        if (comm == nullptr) return Fail(kFn, HCCL_E_PTR, "comm is null");
        if (nRanks == 0 || nRanks > kMaxRanks) {
            return Fail(kFn, HCCL_E_PARA,
                        "nRanks " + std::to_string(nRanks) + " is outside 1.." + std::to_string(kMaxRanks));
        }
        if (rank >= nRanks) {
            return Fail(kFn, HCCL_E_PARA,
                        "rank " + std::to_string(rank) + " is not below nRanks " + std::to_string(nRanks));
        }
        const int32_t device = mc2::impl::CurrentDeviceId();
        if (device < 0) {
            return Fail(kFn, HCCL_E_RUNTIME, "no device is set on this thread (call aclrtSetDevice first)");
        }
        std::shared_ptr<Communicator> created;
        if (Status st = JoinRootInfo(*rootInfo, nRanks, rank, device, &created); !st.ok()) return Fail(kFn, st);
        *comm = RegisterCommunicator(std::move(created));
        return HCCL_SUCCESS;
    });
}

HcclResult HcclCommDestroy(HcclComm comm) {
    constexpr const char *kFn = "HcclCommDestroy";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (comm == nullptr) return Fail(kFn, HCCL_E_PTR, "comm is null");
        std::shared_ptr<Communicator> c = UnregisterCommunicator(comm);
        if (!c) return Fail(kFn, HCCL_E_PARA, "comm is not a live communicator (destroyed or never created)");
        // Tasks still queued with this communicator keep it alive through their own reference;
        // peers waiting for this rank are released.
        c->Leave();
        return HCCL_SUCCESS;
    });
}

HcclResult HcclGetCommName(HcclComm comm, char *commName) {
    constexpr const char *kFn = "HcclGetCommName";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (commName == nullptr) return Fail(kFn, HCCL_E_PTR, "commName is null");
        std::shared_ptr<Communicator> c;
        if (Status st = Resolve(comm, &c); !st.ok()) return Fail(kFn, st);
        const std::string &name = c->Name();
        static_assert(MAX_GROUP_NAME > 1);
        const size_t n = name.size() < MAX_GROUP_NAME - 1 ? name.size() : MAX_GROUP_NAME - 1;
        std::memcpy(commName, name.data(), n);
        commName[n] = '\0';
        return HCCL_SUCCESS;
    });
}

HcclResult HcclGetRankSize(HcclComm comm, uint32_t *rankSize) {
    constexpr const char *kFn = "HcclGetRankSize";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (rankSize == nullptr) return Fail(kFn, HCCL_E_PTR, "rankSize is null");
        std::shared_ptr<Communicator> c;
        if (Status st = Resolve(comm, &c); !st.ok()) return Fail(kFn, st);
        *rankSize = c->Size();
        return HCCL_SUCCESS;
    });
}

HcclResult HcclGetRankId(HcclComm comm, uint32_t *rank) {
    constexpr const char *kFn = "HcclGetRankId";
    return HcclCall(kFn, [&]() -> HcclResult {
        if (rank == nullptr) return Fail(kFn, HCCL_E_PTR, "rank is null");
        std::shared_ptr<Communicator> c;
        if (Status st = Resolve(comm, &c); !st.ok()) return Fail(kFn, st);
        *rank = c->Rank();
        return HCCL_SUCCESS;
    });
}

}  // extern "C"
