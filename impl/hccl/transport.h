// impl/hccl/transport.h — the byte-moving layer under the collectives. One Transport object
// per rank of a communicator group. The collectives (collectives.cc) are written only against
// this interface, so a transport with one process per rank (MPI) can be added without
// touching them: in-process threads today (inproc_transport.h).
//
// Contract, for every implementation:
//  * Calls are collective: every rank of the group makes the same sequence of calls. A rank
//    serialises its own calls (one at a time per Transport).
//  * Exchange is an all-to-all-v of bytes: sends[j] goes to rank j, recvs[j] is filled with
//    what rank j sent here. sends[j].bytes on rank r must equal recvs[r].bytes on rank j; a
//    mismatch fails the call on every rank with HCCL_E_PARA and moves nothing.
//  * When Exchange returns (successfully or not), no peer reads this rank's send buffers or
//    writes its receive buffers any more: the caller may free or reuse them at once.
//  * A call that cannot complete by `deadline` (a peer never arrived) returns HCCL_E_TIMEOUT.
//    A call released by a peer's Abort returns HCCL_E_REMOTE. Either failure breaks the group:
//    every later call on any rank fails at once with the same code and a "communicator broken"
//    message (the ranks' call sequences can no longer be matched up). A failure every rank
//    sees the same way (size mismatch) does not break the group.
#ifndef MC2_IMPL_HCCL_TRANSPORT_H_
#define MC2_IMPL_HCCL_TRANSPORT_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "hccl/status.h"

namespace mc2::impl::hccl {

using Clock = std::chrono::steady_clock;

struct SendBlock {
    const void *data = nullptr;  // may be null when bytes == 0
    uint64_t bytes = 0;
};

struct RecvBlock {
    void *data = nullptr;  // may be null when bytes == 0
    uint64_t bytes = 0;
};

class Transport {
public:
    virtual ~Transport() = default;

    virtual uint32_t Rank() const = 0;
    virtual uint32_t Size() const = 0;

    // `sends` and `recvs` have Size() entries. `what` names the collective in messages.
    virtual Status Exchange(const SendBlock *sends, const RecvBlock *recvs, Clock::time_point deadline,
                            const char *what) = 0;

    // Releases every peer waiting in (or later entering) a call on this group with
    // HCCL_E_REMOTE and `reason`. Safe from any thread, at any time, more than once.
    virtual void Abort(const std::string &reason) = 0;

    // This rank leaves the group for good (its communicator was destroyed): peers waiting for
    // it fail at once instead of timing out.
    virtual void Leave() = 0;

    // Why the group is broken, or an OK status.
    virtual Status Health() const = 0;
};

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_TRANSPORT_H_
