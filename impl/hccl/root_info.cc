// impl/hccl/root_info.cc — root-info ids and the join table (see root_info.h).
// The bytes hold a magic prefix and an id "<pid>.<counter>.<clock>"; since ranks are threads
// of one process, the pid and counter alone make it unique, the clock guards against a
// forked child reusing its parent's counter.
#include "hccl/root_info.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "hccl/inproc_transport.h"
#include "hccl/registry.h"
#include "hccl/socket_transport.h"
#include "hccl/timeouts.h"

namespace mc2::impl::hccl {
namespace {

constexpr char kMagic[] = "MC2-HCCL-ROOT-INFO/1:";
constexpr size_t kIdMax = 96;

struct Join {
    explicit Join(uint32_t n) : n_ranks(n), devices(n, -1), joined(n, false) {}
    const uint32_t n_ranks;
    std::vector<int32_t> devices;
    std::vector<bool> joined;
    uint32_t count = 0;
    bool complete = false;
    Status failed;  // sticky: later joiners of a failed id fail at once
    std::string name;
    std::vector<std::unique_ptr<Transport>> endpoints;
    std::chrono::milliseconds exec_timeout{0};
    uint32_t taken = 0;
};

struct JoinTable {
    std::mutex mu;
    std::condition_variable cv;
    std::map<std::string, Join> joins;  // guarded by mu
};

JoinTable &Table() {
    static JoinTable *table = new JoinTable;  // leaked: may be used during static destruction
    return *table;
}

// The id inside `info`, or "" when the bytes are not a root info.
std::string ParseId(const HcclRootInfo &info) {
    const size_t magic_len = sizeof kMagic - 1;
    if (std::memcmp(info.internal, kMagic, magic_len) != 0) return "";
    const char *id = info.internal + magic_len;
    const size_t len = strnlen(id, kIdMax);
    if (len == 0 || len == kIdMax) return "";
    return std::string(id, len);
}

}  // namespace

Status NewRootInfo(HcclRootInfo *info) {
    if (SocketRootInfoRequested()) {
        std::string id;
        if (Status st = NewSocketGroupId(&id); !st.ok()) return st;
        std::memset(info->internal, 0, sizeof info->internal);
        std::memcpy(info->internal, kMagic, sizeof kMagic - 1);
        std::memcpy(info->internal + sizeof kMagic - 1, id.data(), std::min(id.size(), kIdMax - 1));
        return {};
    }
    static std::atomic<uint64_t> counter{0};
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string id = std::to_string(static_cast<long>(::getpid())) + "." +
                           std::to_string(counter.fetch_add(1, std::memory_order_relaxed)) + "." +
                           std::to_string(static_cast<long long>(ticks));
    std::memset(info->internal, 0, sizeof info->internal);
    std::memcpy(info->internal, kMagic, sizeof kMagic - 1);
    std::memcpy(info->internal + sizeof kMagic - 1, id.data(), id.size());
    return {};
}

Status JoinRootInfo(const HcclRootInfo &info, uint32_t n_ranks, uint32_t rank, int32_t device,
                    std::shared_ptr<Communicator> *out) {
    if (n_ranks == 0 || rank >= n_ranks) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: rank " + std::to_string(rank) +
                                              " is not below nRanks " + std::to_string(n_ranks));
    }
    const std::string id = ParseId(info);
    if (id.empty()) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: rootInfo was not produced by HcclGetRootInfo");
    }
    if (IsSocketGroupId(id)) return JoinSocketGroup(id, n_ranks, rank, device, out);
    const Timeouts timeouts = CurrentTimeouts();
    const auto started = Clock::now();
    const auto deadline = started + timeouts.connect;
    JoinTable &t = Table();
    std::unique_lock<std::mutex> lock(t.mu);
    Join &j = t.joins.try_emplace(id, n_ranks).first->second;
    if (!j.failed.ok()) return j.failed;
    if (j.n_ranks != n_ranks) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: nRanks " + std::to_string(n_ranks) +
                                              " differs from the " + std::to_string(j.n_ranks) +
                                              " given by another rank of this root info");
    }
    if (j.joined[rank]) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: rank " + std::to_string(rank) +
                                              " has already joined this root info");
    }
    for (uint32_t r = 0; r < n_ranks; ++r) {
        if (j.joined[r] && j.devices[r] == device) {
            return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: device " + std::to_string(device) +
                                                  " is already used by rank " + std::to_string(r) + " of this group");
        }
    }
    j.joined[rank] = true;
    j.devices[rank] = device;
    if (++j.count == n_ranks) {
        j.name = NewGroupName();
        j.endpoints = CreateInProcGroup(n_ranks, j.name);
        j.exec_timeout = timeouts.exec;
        j.complete = true;
        t.cv.notify_all();
    }
    while (!j.complete) {
        if (!j.failed.ok()) {
            j.joined[rank] = false;
            --j.count;
            return j.failed;
        }
        if (Clock::now() >= deadline) {
            std::string missing;
            for (uint32_t r = 0; r < n_ranks; ++r) {
                if (!j.joined[r]) missing += (missing.empty() ? "" : ", ") + std::to_string(r);
            }
            const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
            j.failed = Status::Error(HCCL_E_TIMEOUT, "HcclCommInitRootInfo: rank " + std::to_string(rank) +
                                                         " timed out after " + std::to_string(waited) +
                                                         " ms waiting for rank(s) " + missing + " to join");
            j.joined[rank] = false;
            --j.count;
            t.cv.notify_all();
            return j.failed;
        }
        t.cv.wait_until(lock, deadline);
    }
    *out = std::make_shared<Communicator>(j.name, device, std::move(j.endpoints[rank]), j.exec_timeout);
    // The last rank to pick up its endpoint retires the id; the bytes may then start a new group.
    if (++j.taken == n_ranks) t.joins.erase(id);
    return {};
}

}  // namespace mc2::impl::hccl
