// impl/hccl/api_collectives.cc — exported collectives. Each checks its arguments on the
// calling thread (returning the HCCL code at once), then enqueues the collective on `stream`;
// the stream's worker runs it through the synchronous Communicator API. A collective that
// fails on the worker (peer timeout, abort, size mismatch) fails its task: the next
// synchronize on the stream returns an ACL error (ACL_ERROR_RT_TASK_TIMEOUT for HCCL_E_TIMEOUT,
// ACL_ERROR_RT_INTERNAL_ERROR otherwise) and aclGetRecentErrMsg names the HCCL code and cause.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "hccl/api_util.h"
#include "hccl/communicator.h"
#include "hccl/dtypes.h"
#include "hccl/hccl.h"
#include "hccl/registry.h"

namespace mc2::impl::hccl {
namespace {

aclError TaskError(HcclResult code) {
    return code == HCCL_E_TIMEOUT ? ACL_ERROR_RT_TASK_TIMEOUT : ACL_ERROR_RT_INTERNAL_ERROR;
}

// Everything a collective call needs before it can be queued.
struct Call {
    const char *fn;
    std::shared_ptr<Communicator> comm;
    Stream *stream = nullptr;
};

// Resolves the handle and stream; checks the communicator is healthy and on the stream's device.
Status Prepare(HcclComm handle, aclrtStream stream, Call *call) {
    if (handle == nullptr) return Status::Error(HCCL_E_PTR, "comm is null");
    call->comm = LookupCommunicator(handle);
    if (!call->comm) return Status::Error(HCCL_E_PARA, "comm is not a live communicator (destroyed or never created)");
    if (Status st = call->comm->Health(); !st.ok()) return st;
    call->stream = LookupStream(stream);
    if (call->stream == nullptr) return Status::Error(HCCL_E_PARA, "stream is not a valid stream");
    if (call->stream->DeviceId() != call->comm->DeviceId()) {
        return Status::Error(HCCL_E_PARA, "stream belongs to device " + std::to_string(call->stream->DeviceId()) +
                                              " but rank " + std::to_string(call->comm->Rank()) +
                                              " of the communicator runs on device " +
                                              std::to_string(call->comm->DeviceId()));
    }
    return {};
}

// By reference, and through RawEnum: the value may be outside the enum (see dtypes.h).
Status CheckType(const HcclDataType &type) {
    if (!IsValidDataTypeValue(RawEnum(type))) {
        return Status::Error(HCCL_E_PARA, "invalid data type " + std::to_string(RawEnum(type)));
    }
    return {};
}

Status CheckReduction(const HcclDataType &type, const HcclReduceOp &op) {
    if (Status st = CheckType(type); !st.ok()) return st;
    if (!IsValidReduceOpValue(RawEnum(op))) {
        return Status::Error(HCCL_E_PARA, "invalid reduce op " + std::to_string(RawEnum(op)));
    }
    if (!IsReducible(type)) {
        return Status::Error(HCCL_E_NOT_SUPPORT,
                             std::string("reduction ") + ReduceOpName(op) + " is not supported for " + DataTypeName(type));
    }
    return {};
}

// `p` is non-null and [p, p + count elements) lies in one device allocation. A zero-sized
// buffer must still be non-null (the real library rejects null buffers up front).
Status CheckDeviceBuffer(const char *name, const void *p, uint64_t count, HcclDataType type) {
    if (p == nullptr) return Status::Error(HCCL_E_PTR, std::string(name) + " is null");
    const size_t es = ElementSize(type);
    if (count > std::numeric_limits<size_t>::max() / es) {
        return Status::Error(HCCL_E_PARA, std::string(name) + ": count " + std::to_string(count) + " is too large");
    }
    const size_t bytes = static_cast<size_t>(count) * es;
    if (bytes != 0 && !IsDeviceMemory(p, bytes)) {
        return Status::Error(HCCL_E_PARA, std::string(name) + " does not hold " + std::to_string(count) + " " +
                                              DataTypeName(type) +
                                              " elements inside one device allocation (aclrtMalloc)");
    }
    return {};
}

// Queues `op` (a Status(Communicator&) callable) on the call's stream.
template <typename Op>
HcclResult Submit(Call &call, Op op) {
    const char *fn = call.fn;
    const aclError err = call.stream->Enqueue(
        [comm = call.comm, fn, op = std::move(op)]() -> aclError {
            const Status st = op(*comm);
            if (st.ok()) return ACL_SUCCESS;
            ReportErrorString(std::string(fn) + ": " + st.message + " [" + ResultName(st.code) + "]");
            return TaskError(st.code);
        },
        fn);
    if (err != ACL_SUCCESS) return Fail(fn, HCCL_E_RUNTIME, "could not enqueue on the stream (aclError " +
                                                                std::to_string(err) + ")");
    return HCCL_SUCCESS;
}

}  // namespace
}  // namespace mc2::impl::hccl

using namespace mc2::impl::hccl;

extern "C" {

HcclResult HcclAllReduce(void *sendBuf, void *recvBuf, uint64_t count, HcclDataType dataType, HcclReduceOp op,
                         HcclComm comm, aclrtStream stream) {
    Call call{"HcclAllReduce", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckReduction(dataType, op); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, count, dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, count, dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        return Submit(call, [=](Communicator &c) { return c.AllReduce(sendBuf, recvBuf, count, dataType, op); });
    });
}

HcclResult HcclAllGather(void *sendBuf, void *recvBuf, uint64_t sendCount, HcclDataType dataType, HcclComm comm,
                         aclrtStream stream) {
    Call call{"HcclAllGather", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckType(dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        const uint64_t n = call.comm->Size();
        if (sendCount > std::numeric_limits<uint64_t>::max() / n) {
            return Fail(call.fn, HCCL_E_PARA, "sendCount " + std::to_string(sendCount) + " is too large");
        }
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, sendCount, dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, sendCount * n, dataType); !st.ok()) {
            return Fail(call.fn, st);
        }
        return Submit(call, [=](Communicator &c) { return c.AllGather(sendBuf, recvBuf, sendCount, dataType); });
    });
}

HcclResult HcclReduceScatter(void *sendBuf, void *recvBuf, uint64_t recvCount, HcclDataType dataType, HcclReduceOp op,
                             HcclComm comm, aclrtStream stream) {
    Call call{"HcclReduceScatter", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckReduction(dataType, op); !st.ok()) return Fail(call.fn, st);
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        const uint64_t n = call.comm->Size();
        if (recvCount > std::numeric_limits<uint64_t>::max() / n) {
            return Fail(call.fn, HCCL_E_PARA, "recvCount " + std::to_string(recvCount) + " is too large");
        }
        if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, recvCount * n, dataType); !st.ok()) {
            return Fail(call.fn, st);
        }
        if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, recvCount, dataType); !st.ok()) return Fail(call.fn, st);
        return Submit(call,
                      [=](Communicator &c) { return c.ReduceScatter(sendBuf, recvBuf, recvCount, dataType, op); });
    });
}

HcclResult HcclAlltoAllV(const void *sendBuf, const void *sendCounts, const void *sdispls, HcclDataType sendType,
                         const void *recvBuf, const void *recvCounts, const void *rdispls, HcclDataType recvType,
                         HcclComm comm, aclrtStream stream) {
    Call call{"HcclAlltoAllV", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (sendCounts == nullptr || sdispls == nullptr || recvCounts == nullptr || rdispls == nullptr) {
            return Fail(call.fn, HCCL_E_PTR, "sendCounts, sdispls, recvCounts and rdispls must not be null");
        }
        if (Status st = CheckType(sendType); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckType(recvType); !st.ok()) return Fail(call.fn, st);
        if (sendType != recvType) {
            return Fail(call.fn, HCCL_E_PARA, std::string("sendType ") + DataTypeName(sendType) +
                                                  " differs from recvType " + DataTypeName(recvType));
        }
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        const uint32_t n = call.comm->Size();
        // The host arrays are read now (the caller may reuse them once the call returns).
        std::vector<uint64_t> sc(static_cast<const uint64_t *>(sendCounts), static_cast<const uint64_t *>(sendCounts) + n);
        std::vector<uint64_t> sd(static_cast<const uint64_t *>(sdispls), static_cast<const uint64_t *>(sdispls) + n);
        std::vector<uint64_t> rc(static_cast<const uint64_t *>(recvCounts), static_cast<const uint64_t *>(recvCounts) + n);
        std::vector<uint64_t> rd(static_cast<const uint64_t *>(rdispls), static_cast<const uint64_t *>(rdispls) + n);
        // Extent of each side: the furthest element any block touches.
        uint64_t send_extent = 0;
        uint64_t recv_extent = 0;
        constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
        for (uint32_t j = 0; j < n; ++j) {
            if (sc[j] > kMax - sd[j] || rc[j] > kMax - rd[j]) {
                return Fail(call.fn, HCCL_E_PARA, "count + displacement overflows for rank " + std::to_string(j));
            }
            if (sc[j] != 0 && sd[j] + sc[j] > send_extent) send_extent = sd[j] + sc[j];
            if (rc[j] != 0 && rd[j] + rc[j] > recv_extent) recv_extent = rd[j] + rc[j];
        }
        // A side with nothing to move may pass a null buffer.
        if (send_extent != 0 || sendBuf != nullptr) {
            if (Status st = CheckDeviceBuffer("sendBuf", sendBuf, send_extent, sendType); !st.ok()) {
                return Fail(call.fn, st);
            }
        }
        if (recv_extent != 0 || recvBuf != nullptr) {
            if (Status st = CheckDeviceBuffer("recvBuf", recvBuf, recv_extent, recvType); !st.ok()) {
                return Fail(call.fn, st);
            }
        }
        void *recv = const_cast<void *>(recvBuf);  // the ABI declares it const; it is written
        return Submit(call, [=, sc = std::move(sc), sd = std::move(sd), rc = std::move(rc),
                             rd = std::move(rd)](Communicator &c) {
            return c.AllToAllV(sendBuf, sc.data(), sd.data(), recv, rc.data(), rd.data(), sendType);
        });
    });
}

HcclResult HcclBroadcast(void *buf, uint64_t count, HcclDataType dataType, uint32_t root, HcclComm comm,
                         aclrtStream stream) {
    Call call{"HcclBroadcast", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (Status st = CheckDeviceBuffer("buf", buf, 0, HCCL_DATA_TYPE_INT8); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckType(dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = CheckDeviceBuffer("buf", buf, count, dataType); !st.ok()) return Fail(call.fn, st);
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        if (root >= call.comm->Size()) {
            return Fail(call.fn, HCCL_E_PARA, "root " + std::to_string(root) + " is not below the rank size " +
                                                  std::to_string(call.comm->Size()));
        }
        return Submit(call, [=](Communicator &c) { return c.Broadcast(buf, count, dataType, root); });
    });
}

HcclResult HcclBarrier(HcclComm comm, aclrtStream stream) {
    Call call{"HcclBarrier", nullptr, nullptr};
    return HcclCall(call.fn, [&]() -> HcclResult {
        if (Status st = Prepare(comm, stream, &call); !st.ok()) return Fail(call.fn, st);
        return Submit(call, [](Communicator &c) { return c.Barrier(); });
    });
}

}  // extern "C"
