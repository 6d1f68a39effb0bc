// impl/hccl/communicator.cc — the collectives, built on Transport::Exchange.
//
// AllReduce is a reduce-scatter followed by an all-gather over Size() near-equal chunks:
// each rank reduces one chunk (every element in rank order, reduce.h), so memory and work per
// rank stay O(count) at any world size, and all ranks end with the same bits.
// Argument errors are detected before the rank joins the exchange; an allocation failure
// after validation aborts the group so peers do not wait for a rank that will never come.
#include "hccl/communicator.h"

#include <limits>
#include <new>
#include <vector>

#include "hccl/dtypes.h"
#include "hccl/reduce.h"

namespace mc2::impl::hccl {
namespace {

unsigned char *Bytes(void *p) { return static_cast<unsigned char *>(p); }
const unsigned char *Bytes(const void *p) { return static_cast<const unsigned char *>(p); }

bool MulOverflows(uint64_t a, uint64_t b) { return b != 0 && a > std::numeric_limits<uint64_t>::max() / b; }

Status CheckType(const char *what, HcclDataType type) {
    if (ElementSize(type) == 0) {
        return Status::Error(HCCL_E_PARA,
                             std::string(what) + ": invalid data type " + std::to_string(static_cast<int>(type)));
    }
    return {};
}

Status CheckReduction(const char *what, HcclDataType type, HcclReduceOp op) {
    if (Status st = CheckType(what, type); !st.ok()) return st;
    if (!IsValidReduceOp(op)) {
        return Status::Error(HCCL_E_PARA,
                             std::string(what) + ": invalid reduce op " + std::to_string(static_cast<int>(op)));
    }
    if (!IsReducible(type)) {
        return Status::Error(HCCL_E_NOT_SUPPORT, std::string(what) + ": reduction " + ReduceOpName(op) +
                                                     " is not supported for " + DataTypeName(type));
    }
    return {};
}

// `count` elements of `type` fit in memory arithmetic, and `p` is non-null when needed.
Status CheckBuffer(const char *what, const char *name, const void *p, uint64_t count, size_t elem) {
    if (MulOverflows(count, elem) || count * elem > static_cast<uint64_t>(std::numeric_limits<size_t>::max())) {
        return Status::Error(HCCL_E_PARA, std::string(what) + ": " + name + " count " + std::to_string(count) +
                                              " is too large");
    }
    if (p == nullptr && count != 0) {
        return Status::Error(HCCL_E_PTR, std::string(what) + ": " + name + " is null");
    }
    return {};
}

struct Chunk {
    uint64_t offset;
    uint64_t count;
};

// Chunk j of `count` elements split into n near-equal parts (the first count % n get one more).
Chunk ChunkOf(uint64_t count, uint32_t n, uint32_t j) {
    const uint64_t base = count / n;
    const uint64_t rem = count % n;
    return {j * base + (j < rem ? j : rem), base + (j < rem ? 1 : 0)};
}

}  // namespace

Communicator::Communicator(std::string name, int32_t device_id, std::unique_ptr<Transport> transport,
                           std::chrono::milliseconds exec_timeout)
    : name_(std::move(name)), device_id_(device_id), transport_(std::move(transport)), exec_timeout_(exec_timeout) {}

Clock::time_point Communicator::Deadline() const { return Clock::now() + exec_timeout_; }

void Communicator::Abort(const std::string &reason) { transport_->Abort(reason); }

Status Communicator::AllReduce(const void *send, void *recv, uint64_t count, HcclDataType type, HcclReduceOp op) {
    constexpr const char *kWhat = "AllReduce";
    if (Status st = CheckReduction(kWhat, type, op); !st.ok()) return st;
    const size_t es = ElementSize(type);
    if (Status st = CheckBuffer(kWhat, "sendBuf", send, count, es); !st.ok()) return st;
    if (Status st = CheckBuffer(kWhat, "recvBuf", recv, count, es); !st.ok()) return st;
    const uint32_t n = Size();
    const uint32_t me = Rank();
    const Chunk mine = ChunkOf(count, n, me);
    std::vector<unsigned char> staging;
    std::vector<SendBlock> sends(n);
    std::vector<RecvBlock> recvs(n);
    std::vector<const void *> blocks(n);
    try {
        staging.resize(static_cast<size_t>(mine.count * es * n));
    } catch (const std::bad_alloc &) {
        Abort("rank " + std::to_string(me) + " could not allocate AllReduce staging memory");
        return Status::Error(HCCL_E_MEMORY, "AllReduce: out of memory for staging");
    }
    // Reduce-scatter: chunk j of every rank goes to rank j.
    for (uint32_t j = 0; j < n; ++j) {
        const Chunk c = ChunkOf(count, n, j);
        sends[j] = {Bytes(send) + c.offset * es, c.count * es};
        recvs[j] = {staging.data() + j * mine.count * es, mine.count * es};
        blocks[j] = recvs[j].data;
    }
    const auto deadline = Deadline();
    if (Status st = transport_->Exchange(sends.data(), recvs.data(), deadline, kWhat); !st.ok()) return st;
    // Safe even in place: Exchange returned, so no peer reads `send` any more.
    ReduceBlocks(type, op, blocks.data(), n, mine.count, Bytes(recv) + mine.offset * es);
    // All-gather of the reduced chunks.
    for (uint32_t j = 0; j < n; ++j) {
        const Chunk c = ChunkOf(count, n, j);
        sends[j] = {Bytes(recv) + mine.offset * es, mine.count * es};
        recvs[j] = {Bytes(recv) + c.offset * es, c.count * es};
    }
    return transport_->Exchange(sends.data(), recvs.data(), deadline, "AllReduce(gather)");
}

Status Communicator::AllGather(const void *send, void *recv, uint64_t sendCount, HcclDataType type) {
    constexpr const char *kWhat = "AllGather";
    if (Status st = CheckType(kWhat, type); !st.ok()) return st;
    const size_t es = ElementSize(type);
    const uint32_t n = Size();
    if (Status st = CheckBuffer(kWhat, "sendBuf", send, sendCount, es); !st.ok()) return st;
    if (MulOverflows(sendCount, n)) return Status::Error(HCCL_E_PARA, "AllGather: sendCount too large");
    if (Status st = CheckBuffer(kWhat, "recvBuf", recv, sendCount * n, es); !st.ok()) return st;
    std::vector<SendBlock> sends(n, SendBlock{send, sendCount * es});
    std::vector<RecvBlock> recvs(n);
    for (uint32_t j = 0; j < n; ++j) recvs[j] = {Bytes(recv) + j * sendCount * es, sendCount * es};
    return transport_->Exchange(sends.data(), recvs.data(), Deadline(), kWhat);
}

Status Communicator::ReduceScatter(const void *send, void *recv, uint64_t recvCount, HcclDataType type,
                                   HcclReduceOp op) {
    constexpr const char *kWhat = "ReduceScatter";
    if (Status st = CheckReduction(kWhat, type, op); !st.ok()) return st;
    const size_t es = ElementSize(type);
    const uint32_t n = Size();
    if (MulOverflows(recvCount, n)) return Status::Error(HCCL_E_PARA, "ReduceScatter: recvCount too large");
    if (Status st = CheckBuffer(kWhat, "sendBuf", send, recvCount * n, es); !st.ok()) return st;
    if (Status st = CheckBuffer(kWhat, "recvBuf", recv, recvCount, es); !st.ok()) return st;
    std::vector<unsigned char> staging;
    try {
        staging.resize(static_cast<size_t>(recvCount * es * n));
    } catch (const std::bad_alloc &) {
        Abort("rank " + std::to_string(Rank()) + " could not allocate ReduceScatter staging memory");
        return Status::Error(HCCL_E_MEMORY, "ReduceScatter: out of memory for staging");
    }
    std::vector<SendBlock> sends(n);
    std::vector<RecvBlock> recvs(n);
    std::vector<const void *> blocks(n);
    for (uint32_t j = 0; j < n; ++j) {
        sends[j] = {Bytes(send) + j * recvCount * es, recvCount * es};
        recvs[j] = {staging.data() + j * recvCount * es, recvCount * es};
        blocks[j] = recvs[j].data;
    }
    if (Status st = transport_->Exchange(sends.data(), recvs.data(), Deadline(), kWhat); !st.ok()) return st;
    ReduceBlocks(type, op, blocks.data(), n, recvCount, recv);
    return {};
}

Status Communicator::AllToAllV(const void *send, const uint64_t *sendCounts, const uint64_t *sdispls, void *recv,
                               const uint64_t *recvCounts, const uint64_t *rdispls, HcclDataType type) {
    constexpr const char *kWhat = "AllToAllV";
    if (Status st = CheckType(kWhat, type); !st.ok()) return st;
    if (sendCounts == nullptr || sdispls == nullptr || recvCounts == nullptr || rdispls == nullptr) {
        return Status::Error(HCCL_E_PTR, "AllToAllV: a count or displacement array is null");
    }
    const size_t es = ElementSize(type);
    const uint32_t n = Size();
    std::vector<SendBlock> sends(n);
    std::vector<RecvBlock> recvs(n);
    const uint64_t max_elems = std::numeric_limits<uint64_t>::max() / es;
    for (uint32_t j = 0; j < n; ++j) {
        const bool send_bad = sendCounts[j] > max_elems || sdispls[j] > max_elems - sendCounts[j];
        const bool recv_bad = recvCounts[j] > max_elems || rdispls[j] > max_elems - recvCounts[j];
        if (send_bad || recv_bad) {
            return Status::Error(HCCL_E_PARA, "AllToAllV: count + displacement for rank " + std::to_string(j) +
                                                  " overflows");
        }
        if (sendCounts[j] != 0 && send == nullptr) return Status::Error(HCCL_E_PTR, "AllToAllV: sendBuf is null");
        if (recvCounts[j] != 0 && recv == nullptr) return Status::Error(HCCL_E_PTR, "AllToAllV: recvBuf is null");
        sends[j] = {sendCounts[j] ? Bytes(send) + sdispls[j] * es : nullptr, sendCounts[j] * es};
        recvs[j] = {recvCounts[j] ? Bytes(recv) + rdispls[j] * es : nullptr, recvCounts[j] * es};
    }
    return transport_->Exchange(sends.data(), recvs.data(), Deadline(), kWhat);
}

Status Communicator::Broadcast(void *buf, uint64_t count, HcclDataType type, uint32_t root) {
    constexpr const char *kWhat = "Broadcast";
    if (Status st = CheckType(kWhat, type); !st.ok()) return st;
    const uint32_t n = Size();
    if (root >= n) {
        return Status::Error(HCCL_E_PARA, "Broadcast: root " + std::to_string(root) + " is not below the rank size " +
                                              std::to_string(n));
    }
    const size_t es = ElementSize(type);
    if (Status st = CheckBuffer(kWhat, "buf", buf, count, es); !st.ok()) return st;
    std::vector<SendBlock> sends(n);
    std::vector<RecvBlock> recvs(n);
    if (Rank() == root) {
        for (auto &s : sends) s = {buf, count * es};
    }
    recvs[root] = {buf, count * es};
    return transport_->Exchange(sends.data(), recvs.data(), Deadline(), kWhat);
}

Status Communicator::Barrier() {
    const uint32_t n = Size();
    std::vector<SendBlock> sends(n);
    std::vector<RecvBlock> recvs(n);
    return transport_->Exchange(sends.data(), recvs.data(), Deadline(), "Barrier");
}

}  // namespace mc2::impl::hccl
