// impl/atbfw/group_comm.cc — the in-process root-info exchange behind ATB-created
// communicators (see group_comm.h).
#include "atbfw/group_comm.h"

#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "hccl/hccl.h"

namespace mc2::impl::atbfw {
namespace {

// One round of a group being formed: its root info and how many ranks took it.
struct Round {
    HcclRootInfo info;
    int taken = 0;
};

std::mutex &TableMutex() {
    static auto *mu = new std::mutex;
    return *mu;
}

std::map<std::pair<std::string, int>, Round> &Table() {
    static auto *table = new std::map<std::pair<std::string, int>, Round>;
    return *table;
}

}  // namespace

HcclResult JoinGroupComm(const std::string &commDomain, int rankSize, int rank, HcclComm *comm, std::string *why) {
    const auto key = std::make_pair(commDomain, rankSize);
    HcclRootInfo info;
    {
        std::lock_guard lock(TableMutex());
        auto it = Table().find(key);
        if (it == Table().end()) {
            Round round;
            if (HcclResult rc = HcclGetRootInfo(&round.info); rc != HCCL_SUCCESS) {
                *why = "HcclGetRootInfo failed";
                return rc;
            }
            it = Table().emplace(key, round).first;
        }
        info = it->second.info;
        // The round is complete once every rank took its root info: the next operation of
        // this domain starts a new group.
        if (++it->second.taken == rankSize) Table().erase(it);
    }
    const HcclResult rc =
        HcclCommInitRootInfo(static_cast<uint32_t>(rankSize), &info, static_cast<uint32_t>(rank), comm);
    if (rc != HCCL_SUCCESS) {
        *why = "HcclCommInitRootInfo failed";
        // A round that could not form must not capture later operations of the domain.
        std::lock_guard lock(TableMutex());
        auto it = Table().find(key);
        if (it != Table().end() && std::memcmp(&it->second.info, &info, sizeof info) == 0) Table().erase(it);
    }
    return rc;
}

}  // namespace mc2::impl::atbfw
