// impl/hccl/communicator.h — one rank's communicator and the synchronous collective API the
// operator kernels call from inside their stream tasks (the ABI collectives in
// api_collectives.cc are thin asynchronous wrappers over the same calls).
//
// Every call is collective (all ranks of the group call it, in the same order), blocks until
// the data has moved, and returns a Status whose message is ready for ReportError. Calls wait
// at most the communicator's exec timeout (timeouts.h) for peers; see transport.h for what
// happens to the group after a timeout or an Abort. Counts are in elements; pointers are
// plain host addresses (emulated device memory is host memory); checking that they lie in
// device allocations is the ABI layer's job.
#ifndef MC2_IMPL_HCCL_COMMUNICATOR_H_
#define MC2_IMPL_HCCL_COMMUNICATOR_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hccl/hccl_types.h"
#include "hccl/status.h"
#include "hccl/transport.h"

namespace mc2::impl::hccl {

class Communicator {
public:
    Communicator(std::string name, int32_t device_id, std::unique_ptr<Transport> transport,
                 std::chrono::milliseconds exec_timeout);

    const std::string &Name() const { return name_; }
    uint32_t Rank() const { return transport_->Rank(); }
    uint32_t Size() const { return transport_->Size(); }
    int32_t DeviceId() const { return device_id_; }
    std::chrono::milliseconds ExecTimeout() const { return exec_timeout_; }

    // recv[i] = op over ranks of send[i], i < count. send == recv (in place) is allowed.
    Status AllReduce(const void *send, void *recv, uint64_t count, HcclDataType type, HcclReduceOp op);
    // recv[r * sendCount + i] = send of rank r [i]. send may be recv + Rank() * sendCount.
    Status AllGather(const void *send, void *recv, uint64_t sendCount, HcclDataType type);
    // recv[i] = op over ranks of send[Rank() * recvCount + i]; send holds Size() * recvCount.
    Status ReduceScatter(const void *send, void *recv, uint64_t recvCount, HcclDataType type, HcclReduceOp op);
    // MPI-style all-to-all-v in elements: this rank sends send[sdispls[j] .. + sendCounts[j]) to
    // rank j and receives rank j's block at recv[rdispls[j] .. + recvCounts[j]). Each array has
    // Size() entries. recvCounts[j] here must equal sendCounts[Rank()] on rank j.
    Status AllToAllV(const void *send, const uint64_t *sendCounts, const uint64_t *sdispls, void *recv,
                     const uint64_t *recvCounts, const uint64_t *rdispls, HcclDataType type);
    // buf of every rank = buf of `root`.
    Status Broadcast(void *buf, uint64_t count, HcclDataType type, uint32_t root);
    Status Barrier();

    // Releases every peer (their current and later collectives fail with HCCL_E_REMOTE and
    // `reason`): for a rank whose kernel failed and will not reach its next collective.
    void Abort(const std::string &reason);
    // OK, or why the group can no longer run collectives.
    Status Health() const { return transport_->Health(); }
    // Called once by HcclCommDestroy: peers waiting for this rank fail at once.
    void Leave() { transport_->Leave(); }

private:
    Clock::time_point Deadline() const;

    const std::string name_;
    const int32_t device_id_;
    const std::unique_ptr<Transport> transport_;
    const std::chrono::milliseconds exec_timeout_;
};

// The live communicator of group `group` (HcclGetCommName's name) whose rank runs on device
// `deviceId` (CurrentDeviceId() inside an operator), or nullptr. The pointer stays valid until
// that rank's HcclCommDestroy; a stream task should hold FindCommunicatorShared's reference
// instead if the communicator may be destroyed while the task is queued.
Communicator *FindCommunicator(const char *group, int32_t deviceId);
std::shared_ptr<Communicator> FindCommunicatorShared(const char *group, int32_t deviceId);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_COMMUNICATOR_H_
