// impl/hccl/registry.cc — handle table and group-name lookup (see registry.h).
#include "hccl/registry.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

namespace mc2::impl::hccl {
namespace {

struct Registry {
    std::mutex mu;
    std::map<uintptr_t, std::shared_ptr<Communicator>> live;  // guarded by mu
    uintptr_t next_handle = 0x4d433200;                       // guarded by mu; "MC2" prefix eases debugging
};

// Leaked on purpose: handles may be destroyed from static destructors of user programs.
Registry &Reg() {
    static Registry *registry = new Registry;
    return *registry;
}

}  // namespace

HcclComm RegisterCommunicator(std::shared_ptr<Communicator> comm) {
    Registry &reg = Reg();
    std::lock_guard<std::mutex> lock(reg.mu);
    reg.next_handle += 16;
    const uintptr_t id = reg.next_handle;
    reg.live.emplace(id, std::move(comm));
    return reinterpret_cast<HcclComm>(id);
}

std::shared_ptr<Communicator> LookupCommunicator(HcclComm handle) {
    if (handle == nullptr) return nullptr;
    Registry &reg = Reg();
    std::lock_guard<std::mutex> lock(reg.mu);
    auto it = reg.live.find(reinterpret_cast<uintptr_t>(handle));
    return it == reg.live.end() ? nullptr : it->second;
}

std::shared_ptr<Communicator> UnregisterCommunicator(HcclComm handle) {
    if (handle == nullptr) return nullptr;
    Registry &reg = Reg();
    std::lock_guard<std::mutex> lock(reg.mu);
    auto it = reg.live.find(reinterpret_cast<uintptr_t>(handle));
    if (it == reg.live.end()) return nullptr;
    auto comm = std::move(it->second);
    reg.live.erase(it);
    return comm;
}

std::shared_ptr<Communicator> FindCommunicatorShared(const char *group, int32_t deviceId) {
    if (group == nullptr) return nullptr;
    Registry &reg = Reg();
    std::lock_guard<std::mutex> lock(reg.mu);
    for (const auto &[id, comm] : reg.live) {
        if (comm->DeviceId() == deviceId && comm->Name() == group) return comm;
    }
    return nullptr;
}

Communicator *FindCommunicator(const char *group, int32_t deviceId) {
    return FindCommunicatorShared(group, deviceId).get();
}

std::string NewGroupName() {
    static std::atomic<uint64_t> counter{0};
    return "mc2_hccl_" + std::to_string(static_cast<long>(::getpid())) + "_" +
           std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace mc2::impl::hccl
