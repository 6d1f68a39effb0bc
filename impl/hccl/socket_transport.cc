// impl/hccl/socket_transport.cc — TCP groups for ranks in separate processes (socket_transport.h).
//
// Wire format: frames of a fixed header (type, code, payload length; host byte order — the
// ranks of one job run the same build) and a payload. Every blocking step polls with the call's
// deadline, so no wait outlives HCCL_EXEC_TIMEOUT / HCCL_CONNECT_TIMEOUT; sends use MSG_NOSIGNAL
// so a peer that died is an error, not a SIGPIPE.
#include "hccl/socket_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "hccl/registry.h"
#include "hccl/timeouts.h"

namespace mc2::impl::hccl {
namespace {

enum FrameType : uint32_t {
    kHello = 1,    // rank -> root: u32 rank, u32 n_ranks, i32 device, then the group id
    kWelcome = 2,  // root -> rank: the group name
    kError = 3,    // root -> rank: code = HcclResult, payload = message
    kData = 4,     // rank -> root: u32 name length, name, n u64 send sizes, n u64 recv sizes, bytes
    kResult = 5,   // root -> rank: the bytes received from ranks 0..n-1, in order
    kAbort = 6,    // rank -> root: payload = reason
    kLeave = 7,    // rank -> root: the rank destroyed its communicator
};

struct Header {
    uint32_t type = 0;
    uint32_t code = 0;
    uint64_t length = 0;
};

// Larger than any tensor the suite moves; a longer frame is a corrupt stream, not an allocation.
constexpr uint64_t kMaxFrame = uint64_t{1} << 36;
constexpr auto kErrorSendGrace = std::chrono::milliseconds(1000);

enum class Io { kOk, kTimeout, kClosed };

int RemainingMs(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return left > 1000000 ? 1000000 : static_cast<int>(left);
}

Io WaitFd(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, RemainingMs(deadline));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Io::kClosed;
        if (n == 0) return Io::kTimeout;
        return Io::kOk;  // readable, writable, or an error/hang-up the next read/send reports
    }
}

Io WriteAll(int fd, const void *data, uint64_t bytes, Clock::time_point deadline) {
    const auto *p = static_cast<const uint8_t *>(data);
    while (bytes > 0) {
        if (Io w = WaitFd(fd, POLLOUT, deadline); w != Io::kOk) return w;
        const ssize_t n = ::send(fd, p, bytes > (uint64_t{1} << 30) ? (size_t{1} << 30) : bytes, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (n <= 0) return Io::kClosed;
        p += n;
        bytes -= static_cast<uint64_t>(n);
    }
    return Io::kOk;
}

Io ReadAll(int fd, void *data, uint64_t bytes, Clock::time_point deadline) {
    auto *p = static_cast<uint8_t *>(data);
    while (bytes > 0) {
        if (Io w = WaitFd(fd, POLLIN, deadline); w != Io::kOk) return w;
        const ssize_t n = ::recv(fd, p, bytes > (uint64_t{1} << 30) ? (size_t{1} << 30) : bytes, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (n <= 0) return Io::kClosed;
        p += n;
        bytes -= static_cast<uint64_t>(n);
    }
    return Io::kOk;
}

Io WriteFrame(int fd, uint32_t type, uint32_t code, const std::string &payload, Clock::time_point deadline) {
    const Header h{type, code, payload.size()};
    if (Io w = WriteAll(fd, &h, sizeof h, deadline); w != Io::kOk) return w;
    return WriteAll(fd, payload.data(), payload.size(), deadline);
}

Io ReadFrame(int fd, Header *h, std::string *payload, Clock::time_point deadline) {
    if (Io r = ReadAll(fd, h, sizeof *h, deadline); r != Io::kOk) return r;
    if (h->length > kMaxFrame) return Io::kClosed;
    payload->resize(h->length);
    return ReadAll(fd, payload->data(), h->length, deadline);
}

template <typename T>
void Put(std::string *out, T v) {
    out->append(reinterpret_cast<const char *>(&v), sizeof v);
}

template <typename T>
bool Get(const std::string &in, size_t *at, T *v) {
    if (*at + sizeof *v > in.size()) return false;
    std::memcpy(v, in.data() + *at, sizeof *v);
    *at += sizeof *v;
    return true;
}

void SetNoDelay(int fd) {
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string AdvertisedAddress() {
    if (const char *ip = std::getenv("HCCL_IF_IP"); ip != nullptr && *ip != '\0') return ip;
    std::string found = "127.0.0.1";
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) != 0) return found;
    for (ifaddrs *a = list; a != nullptr; a = a->ifa_next) {
        if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
        if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
        char buf[INET_ADDRSTRLEN] = {};
        const auto *in = reinterpret_cast<const sockaddr_in *>(a->ifa_addr);
        if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) != nullptr) {
            found = buf;
            break;
        }
    }
    ::freeifaddrs(list);
    return found;
}

// Listeners opened by NewSocketGroupId, by group id, until rank 0 joins.
struct Listeners {
    std::mutex mu;
    std::map<std::string, int> fds;
};

Listeners &OpenListeners() {
    static Listeners *l = new Listeners;  // leaked: may be used during static destruction
    return *l;
}

struct ParsedId {
    std::string ip;
    uint16_t port = 0;
};

bool ParseId(const std::string &id, ParsedId *out) {
    // tcp/<ip>/<port>/<unique>
    if (id.rfind("tcp/", 0) != 0) return false;
    const size_t a = 4;
    const size_t b = id.find('/', a);
    if (b == std::string::npos) return false;
    const size_t c = id.find('/', b + 1);
    if (c == std::string::npos || c + 1 >= id.size()) return false;
    out->ip = id.substr(a, b - a);
    const long port = std::strtol(id.substr(b + 1, c - b - 1).c_str(), nullptr, 10);
    if (port <= 0 || port > 65535) return false;
    out->port = static_cast<uint16_t>(port);
    return true;
}

std::string Ms(Clock::time_point since) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count()) + " ms";
}

// ---------------------------------------------------------------------------------------------

class SocketTransport final : public Transport {
public:
    // Rank 0: one connection per peer (peers[0] unused, -1). Others: peers[0] is the root.
    SocketTransport(std::string name, uint32_t rank, uint32_t size, std::vector<int> peers)
        : name_(std::move(name)), rank_(rank), size_(size), fds_(std::move(peers)), write_mu_(fds_.size()) {}

    ~SocketTransport() override {
        for (int fd : fds_) {
            if (fd >= 0) ::close(fd);
        }
    }

    uint32_t Rank() const override { return rank_; }
    uint32_t Size() const override { return size_; }

    Status Exchange(const SendBlock *sends, const RecvBlock *recvs, Clock::time_point deadline,
                    const char *what) override {
        std::lock_guard<std::mutex> serial(call_mu_);
        if (Status h = Health(); !h.ok()) return h;
        if (left_) {
            return Status::Error(HCCL_E_PARA, "rank " + std::to_string(rank_) + " of communicator " + name_ +
                                                  " was destroyed before " + what);
        }
        const uint64_t seq = next_seq_++;
        if (size_ == 1) {
            if (sends[0].bytes != recvs[0].bytes) return SizeMismatch(what, 0, 0, sends[0].bytes, recvs[0].bytes);
            if (sends[0].bytes != 0 && sends[0].data != recvs[0].data) {
                std::memmove(recvs[0].data, sends[0].data, recvs[0].bytes);
            }
            return {};
        }
        return rank_ == 0 ? RootExchange(sends, recvs, deadline, what, seq)
                          : PeerExchange(sends, recvs, deadline, what, seq);
    }

    void Abort(const std::string &reason) override {
        const std::string text = "rank " + std::to_string(rank_) + " aborted: " + reason;
        Break(Status::Error(HCCL_E_REMOTE, text));
        const auto deadline = Clock::now() + kErrorSendGrace;
        if (rank_ == 0) {
            SendErrorToAll(HCCL_E_REMOTE, text, deadline);
        } else {
            std::lock_guard<std::mutex> lock(write_mu_[0]);
            (void)WriteFrame(fds_[0], kAbort, 0, text, deadline);
        }
    }

    void Leave() override {
        left_ = true;
        const auto deadline = Clock::now() + kErrorSendGrace;
        const std::string text = "rank " + std::to_string(rank_) + " destroyed its communicator";
        if (rank_ == 0) {
            SendErrorToAll(HCCL_E_REMOTE, text, deadline);
        } else if (size_ > 1) {
            std::lock_guard<std::mutex> lock(write_mu_[0]);
            (void)WriteFrame(fds_[0], kLeave, 0, text, deadline);
        }
    }

    Status Health() const override {
        std::lock_guard<std::mutex> lock(mu_);
        if (broken_.ok()) return {};
        return Status::Error(broken_.code, "communicator " + name_ + " is broken: " + broken_.message);
    }

private:
    // Marks the group broken (the first reason wins) and returns the call's error.
    Status Break(const Status &why) {
        std::lock_guard<std::mutex> lock(mu_);
        if (broken_.ok()) broken_ = why;
        return Status::Error(broken_.code, "communicator " + name_ + ": " + broken_.message);
    }

    Status SizeMismatch(const char *what, uint32_t from, uint32_t to, uint64_t sent, uint64_t expected) const {
        return Status::Error(HCCL_E_PARA, std::string(what) + " on communicator " + name_ + ": rank " +
                                              std::to_string(from) + " sends " + std::to_string(sent) +
                                              " bytes to rank " + std::to_string(to) + ", which expects " +
                                              std::to_string(expected));
    }

    void SendErrorToAll(uint32_t code, const std::string &text, Clock::time_point deadline, uint32_t except = 0) {
        for (uint32_t j = 1; j < size_; ++j) {
            if (j == except || fds_[j] < 0) continue;
            std::lock_guard<std::mutex> lock(write_mu_[j]);
            (void)WriteFrame(fds_[j], kError, code, text, deadline);
        }
    }

    // One rank's posted call, as rank 0 holds it.
    struct Posted {
        std::string what;
        std::vector<uint64_t> send_sizes, recv_sizes;
        std::vector<uint64_t> offsets;  // of each destination's block inside `bytes`
        std::string bytes;
    };

    static bool ParseData(const std::string &payload, uint32_t n, Posted *p) {
        size_t at = 0;
        uint32_t len = 0;
        if (!Get(payload, &at, &len) || at + len > payload.size()) return false;
        p->what.assign(payload.data() + at, len);
        at += len;
        p->send_sizes.resize(n);
        p->recv_sizes.resize(n);
        for (uint32_t j = 0; j < n; ++j) {
            if (!Get(payload, &at, &p->send_sizes[j])) return false;
        }
        for (uint32_t j = 0; j < n; ++j) {
            if (!Get(payload, &at, &p->recv_sizes[j])) return false;
        }
        p->offsets.resize(n);
        uint64_t total = 0;
        for (uint32_t j = 0; j < n; ++j) {
            p->offsets[j] = at + total;
            total += p->send_sizes[j];
        }
        if (at + total != payload.size()) return false;
        p->bytes = payload;
        return true;
    }

    Status RootExchange(const SendBlock *sends, const RecvBlock *recvs, Clock::time_point deadline, const char *what,
                        uint64_t seq) {
        const auto started = Clock::now();
        std::vector<Posted> posted(size_);
        std::vector<bool> have(size_, false);
        uint32_t pending = size_ - 1;
        while (pending > 0) {
            std::vector<pollfd> polls;
            std::vector<uint32_t> who;
            for (uint32_t j = 1; j < size_; ++j) {
                if (!have[j]) {
                    polls.push_back({fds_[j], POLLIN, 0});
                    who.push_back(j);
                }
            }
            const int n = ::poll(polls.data(), polls.size(), RemainingMs(deadline));
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 || Clock::now() >= deadline) {
                std::string missing;
                for (uint32_t j : who) missing += (missing.empty() ? "" : ", ") + std::to_string(j);
                const std::string text = "rank 0 timed out after " + Ms(started) + " in " + what + " (call #" +
                                         std::to_string(seq) + ") waiting for rank(s) " + missing + " to join";
                SendErrorToAll(HCCL_E_TIMEOUT, text, Clock::now() + kErrorSendGrace);
                return Break(Status::Error(HCCL_E_TIMEOUT, text));
            }
            for (size_t i = 0; i < polls.size(); ++i) {
                if (polls[i].revents == 0) continue;
                const uint32_t j = who[i];
                Header h;
                std::string payload;
                const Io io = ReadFrame(fds_[j], &h, &payload, deadline);
                std::string text;
                if (io == Io::kOk && h.type == kData && ParseData(payload, size_, &posted[j])) {
                    have[j] = true;
                    --pending;
                    continue;
                }
                if (io == Io::kOk && (h.type == kAbort || h.type == kLeave)) {
                    text = payload;
                } else if (io == Io::kTimeout) {
                    text = "rank " + std::to_string(j) + " stalled mid-message in " + what;
                } else {
                    text = "rank " + std::to_string(j) +
                           " closed its connection (its process ended or crashed) before " + what;
                }
                SendErrorToAll(HCCL_E_REMOTE, text, Clock::now() + kErrorSendGrace);
                return Break(Status::Error(HCCL_E_REMOTE, text));
            }
        }
        // Rank 0's own call, then the pairwise checks (as the in-process transport's round).
        posted[0].what = what;
        posted[0].send_sizes.resize(size_);
        posted[0].recv_sizes.resize(size_);
        for (uint32_t j = 0; j < size_; ++j) {
            posted[0].send_sizes[j] = sends[j].bytes;
            posted[0].recv_sizes[j] = recvs[j].bytes;
        }
        Status check;
        for (uint32_t r = 1; r < size_ && check.ok(); ++r) {
            if (posted[r].what != posted[0].what) {
                check = Status::Error(HCCL_E_PARA, "mismatched collectives on communicator " + name_ +
                                                       ": rank 0 called " + posted[0].what + ", rank " +
                                                       std::to_string(r) + " called " + posted[r].what);
            }
        }
        for (uint32_t r = 0; r < size_ && check.ok(); ++r) {
            for (uint32_t j = 0; j < size_ && check.ok(); ++j) {
                if (posted[r].send_sizes[j] != posted[j].recv_sizes[r]) {
                    check =
                        SizeMismatch(posted[0].what.c_str(), r, j, posted[r].send_sizes[j], posted[j].recv_sizes[r]);
                }
            }
        }
        if (!check.ok()) {
            // Every rank sees the same failure: the group stays usable.
            for (uint32_t j = 1; j < size_; ++j) {
                std::lock_guard<std::mutex> lock(write_mu_[j]);
                if (WriteFrame(fds_[j], kError, check.code, check.message, deadline + kErrorSendGrace) != Io::kOk) {
                    return Break(Status::Error(HCCL_E_REMOTE, "rank " + std::to_string(j) + " went away in " + what));
                }
            }
            return check;
        }
        // What rank j sent rank r; rank 0's own blocks come straight from its buffers.
        auto block = [&](uint32_t from, uint32_t to) -> std::pair<const void *, uint64_t> {
            if (from == 0) return {sends[to].data, sends[to].bytes};
            return {posted[from].bytes.data() + posted[from].offsets[to], posted[from].send_sizes[to]};
        };
        for (uint32_t r = 1; r < size_; ++r) {
            std::string out;
            uint64_t total = 0;
            for (uint32_t j = 0; j < size_; ++j) total += block(j, r).second;
            out.reserve(total);
            for (uint32_t j = 0; j < size_; ++j) {
                const auto [data, bytes] = block(j, r);
                if (bytes != 0) out.append(static_cast<const char *>(data), bytes);
            }
            std::lock_guard<std::mutex> lock(write_mu_[r]);
            if (WriteFrame(fds_[r], kResult, 0, out, deadline + kErrorSendGrace) != Io::kOk) {
                const std::string text = "rank " + std::to_string(r) + " went away while receiving " + what;
                SendErrorToAll(HCCL_E_REMOTE, text, Clock::now() + kErrorSendGrace, r);
                return Break(Status::Error(HCCL_E_REMOTE, text));
            }
        }
        for (uint32_t j = 0; j < size_; ++j) {
            const auto [data, bytes] = block(j, 0);
            if (bytes != 0 && data != recvs[j].data) std::memmove(recvs[j].data, data, bytes);
        }
        return {};
    }

    Status PeerExchange(const SendBlock *sends, const RecvBlock *recvs, Clock::time_point deadline, const char *what,
                        uint64_t seq) {
        const auto started = Clock::now();
        std::string out;
        const auto len = static_cast<uint32_t>(std::strlen(what));
        Put(&out, len);
        out.append(what, len);
        uint64_t total = 0;
        for (uint32_t j = 0; j < size_; ++j) {
            Put(&out, sends[j].bytes);
            total += sends[j].bytes;
        }
        for (uint32_t j = 0; j < size_; ++j) Put(&out, recvs[j].bytes);
        out.reserve(out.size() + total);
        for (uint32_t j = 0; j < size_; ++j) {
            if (sends[j].bytes != 0) out.append(static_cast<const char *>(sends[j].data), sends[j].bytes);
        }
        {
            std::lock_guard<std::mutex> lock(write_mu_[0]);
            if (Io w = WriteFrame(fds_[0], kData, 0, out, deadline); w != Io::kOk) {
                return Break(Status::Error(w == Io::kTimeout ? HCCL_E_TIMEOUT : HCCL_E_REMOTE,
                                           "rank " + std::to_string(rank_) + " could not send " + what +
                                               " to rank 0 (" +
                                               (w == Io::kTimeout ? "timed out" : "connection closed") + ")"));
            }
        }
        // Rank 0 answers by its own deadline; the grace lets its message (which names the
        // missing ranks) arrive before this rank gives up on its own.
        Header h;
        std::string payload;
        const Io io = ReadFrame(fds_[0], &h, &payload, deadline + kErrorSendGrace);
        if (io == Io::kTimeout) {
            return Break(Status::Error(HCCL_E_TIMEOUT, "rank " + std::to_string(rank_) + " timed out after " +
                                                           Ms(started) + " in " + what + " (call #" +
                                                           std::to_string(seq) + ") waiting for rank 0"));
        }
        if (io == Io::kClosed) {
            return Break(Status::Error(
                HCCL_E_REMOTE,
                "rank 0 closed its connection (its process ended or crashed) during " + std::string(what)));
        }
        if (h.type == kError) {
            const Status st = Status::Error(static_cast<HcclResult>(h.code), payload);
            if (st.code == HCCL_E_PARA) return st;  // seen the same way by every rank: not broken
            return Break(st);
        }
        if (h.type != kResult) {
            return Break(Status::Error(HCCL_E_INTERNAL, "unexpected frame from rank 0 in " + std::string(what)));
        }
        uint64_t expected = 0;
        for (uint32_t j = 0; j < size_; ++j) expected += recvs[j].bytes;
        if (payload.size() != expected) {
            return Break(Status::Error(HCCL_E_INTERNAL, "rank 0 answered " + std::to_string(payload.size()) +
                                                            " bytes for " + what + ", expected " +
                                                            std::to_string(expected)));
        }
        uint64_t at = 0;
        for (uint32_t j = 0; j < size_; ++j) {
            if (recvs[j].bytes != 0) std::memcpy(recvs[j].data, payload.data() + at, recvs[j].bytes);
            at += recvs[j].bytes;
        }
        return {};
    }

    const std::string name_;
    const uint32_t rank_;
    const uint32_t size_;
    const std::vector<int> fds_;
    std::vector<std::mutex> write_mu_;  // per connection: whole frames only
    mutable std::mutex mu_;
    Status broken_;          // guarded by mu_
    std::mutex call_mu_;     // serialises this rank's calls
    uint64_t next_seq_ = 0;  // guarded by call_mu_
    std::atomic<bool> left_{false};
};

// ---------------------------------------------------------------------------------------------
// Joining

Status RootJoin(const std::string &id, uint32_t n_ranks, int32_t device, Clock::time_point deadline,
                std::shared_ptr<Communicator> *out, std::chrono::milliseconds exec_timeout) {
    int listener = -1;
    {
        Listeners &l = OpenListeners();
        std::lock_guard<std::mutex> lock(l.mu);
        auto it = l.fds.find(id);
        if (it == l.fds.end()) {
            return Status::Error(HCCL_E_PARA,
                                 "HcclCommInitRootInfo: rank 0 must run in the process that called "
                                 "HcclGetRootInfo for this root info (or it already joined)");
        }
        listener = it->second;
        l.fds.erase(it);
    }
    const auto started = Clock::now();
    std::vector<int> peers(n_ranks, -1);
    std::vector<int32_t> devices(n_ranks, -1);
    devices[0] = device;
    auto close_all = [&] {
        for (int fd : peers) {
            if (fd >= 0) ::close(fd);
        }
        ::close(listener);
    };
    auto fail_all = [&](const Status &st) {
        for (int fd : peers) {
            if (fd >= 0) (void)WriteFrame(fd, kError, st.code, st.message, Clock::now() + kErrorSendGrace);
        }
        close_all();
        return st;
    };
    uint32_t joined = 1;
    while (joined < n_ranks) {
        if (WaitFd(listener, POLLIN, deadline) != Io::kOk) {
            std::string missing;
            for (uint32_t r = 1; r < n_ranks; ++r) {
                if (peers[r] < 0) missing += (missing.empty() ? "" : ", ") + std::to_string(r);
            }
            return fail_all(Status::Error(HCCL_E_TIMEOUT, "HcclCommInitRootInfo: rank 0 timed out after " +
                                                              Ms(started) + " waiting for rank(s) " + missing +
                                                              " to join"));
        }
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        SetNoDelay(fd);
        Header h;
        std::string payload;
        size_t at = 0;
        uint32_t rank = 0, n = 0;
        int32_t dev = -1;
        // A connection that does not introduce itself promptly is not one of ours.
        if (ReadFrame(fd, &h, &payload, std::min(deadline, Clock::now() + std::chrono::seconds(5))) != Io::kOk ||
            h.type != kHello || !Get(payload, &at, &rank) || !Get(payload, &at, &n) || !Get(payload, &at, &dev) ||
            payload.substr(at) != id) {
            ::close(fd);
            continue;
        }
        std::string why;
        if (n != n_ranks) {
            why = "nRanks " + std::to_string(n) + " differs from the " + std::to_string(n_ranks) + " given by rank 0";
        } else if (rank == 0 || rank >= n_ranks || peers[rank] >= 0) {
            why = "rank " + std::to_string(rank) + " has already joined this root info or is out of range";
        } else {
            for (uint32_t r = 0; r < n_ranks; ++r) {
                if (devices[r] == dev && (r == 0 || peers[r] >= 0)) {
                    why = "device " + std::to_string(dev) + " is already used by rank " + std::to_string(r) +
                          " of this group";
                }
            }
        }
        if (!why.empty()) {
            (void)WriteFrame(fd, kError, HCCL_E_PARA, "HcclCommInitRootInfo: " + why, Clock::now() + kErrorSendGrace);
            ::close(fd);
            continue;
        }
        peers[rank] = fd;
        devices[rank] = dev;
        ++joined;
    }
    const std::string name = NewGroupName();
    for (uint32_t r = 1; r < n_ranks; ++r) {
        if (WriteFrame(peers[r], kWelcome, 0, name, deadline + kErrorSendGrace) != Io::kOk) {
            return fail_all(Status::Error(
                HCCL_E_TCP_CONNECT, "HcclCommInitRootInfo: rank " + std::to_string(r) + " went away while joining"));
        }
    }
    ::close(listener);
    *out = std::make_shared<Communicator>(
        name, device, std::make_unique<SocketTransport>(name, 0, n_ranks, std::move(peers)), exec_timeout);
    return {};
}

Status PeerJoin(const std::string &id, const ParsedId &where, uint32_t n_ranks, uint32_t rank, int32_t device,
                Clock::time_point deadline, std::shared_ptr<Communicator> *out,
                std::chrono::milliseconds exec_timeout) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(where.port);
    if (::inet_pton(AF_INET, where.ip.c_str(), &addr.sin_addr) != 1) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: the root info's address " + where.ip + " is not IPv4");
    }
    const std::string target = where.ip + ":" + std::to_string(where.port);
    int fd = -1;
    std::string last_error = "no attempt";
    while (fd < 0) {
        if (Clock::now() >= deadline) {
            return Status::Error(HCCL_E_TCP_CONNECT, "HcclCommInitRootInfo: rank " + std::to_string(rank) +
                                                         " cannot reach the root at " + target + ": " + last_error);
        }
        const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s < 0) return Status::Error(HCCL_E_SYSCALL, std::string("socket: ") + std::strerror(errno));
        int rc = ::connect(s, reinterpret_cast<const sockaddr *>(&addr), sizeof addr);
        if (rc != 0 && errno == EINPROGRESS && WaitFd(s, POLLOUT, deadline) == Io::kOk) {
            int err = 0;
            socklen_t len = sizeof err;
            (void)::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err == 0 ? 0 : -1;
            errno = err;
        }
        if (rc == 0) {
            fd = s;
            break;
        }
        last_error = std::strerror(errno);
        ::close(s);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    SetNoDelay(fd);
    std::string hello;
    Put(&hello, rank);
    Put(&hello, n_ranks);
    Put(&hello, device);
    hello += id;
    Header h;
    std::string payload;
    if (WriteFrame(fd, kHello, 0, hello, deadline) != Io::kOk) {
        ::close(fd);
        return Status::Error(HCCL_E_TCP_CONNECT, "HcclCommInitRootInfo: lost the connection to the root at " + target);
    }
    const Io io = ReadFrame(fd, &h, &payload, deadline + kErrorSendGrace);
    if (io != Io::kOk || h.type != kWelcome) {
        ::close(fd);
        if (io == Io::kOk && h.type == kError) return Status::Error(static_cast<HcclResult>(h.code), payload);
        if (io == Io::kTimeout) {
            return Status::Error(HCCL_E_TIMEOUT, "HcclCommInitRootInfo: rank " + std::to_string(rank) +
                                                     " timed out waiting for the group to form at " + target);
        }
        return Status::Error(HCCL_E_TCP_CONNECT, "HcclCommInitRootInfo: the root at " + target +
                                                     " closed the connection before the group formed");
    }
    std::vector<int> peers(1, fd);
    *out = std::make_shared<Communicator>(
        payload, device, std::make_unique<SocketTransport>(payload, rank, n_ranks, std::move(peers)), exec_timeout);
    return {};
}

}  // namespace

bool SocketRootInfoRequested() {
    const char *v = std::getenv(kTransportVariable);
    return v != nullptr && std::strcmp(v, kSocketTransport) == 0;
}

bool IsSocketGroupId(const std::string &id) { return id.rfind("tcp/", 0) == 0; }

Status NewSocketGroupId(std::string *id) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status::Error(HCCL_E_SYSCALL, std::string("HcclGetRootInfo: socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        return Status::Error(HCCL_E_SYSCALL, "HcclGetRootInfo: cannot open a listening socket: " + why);
    }
    static std::atomic<uint64_t> counter{0};
    *id = "tcp/" + AdvertisedAddress() + "/" + std::to_string(ntohs(addr.sin_port)) + "/" +
          std::to_string(static_cast<long>(::getpid())) + "." +
          std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    Listeners &l = OpenListeners();
    std::lock_guard<std::mutex> lock(l.mu);
    l.fds[*id] = fd;
    return {};
}

Status JoinSocketGroup(const std::string &id, uint32_t n_ranks, uint32_t rank, int32_t device,
                       std::shared_ptr<Communicator> *out) {
    ParsedId where;
    if (!ParseId(id, &where)) {
        return Status::Error(HCCL_E_PARA, "HcclCommInitRootInfo: rootInfo was not produced by HcclGetRootInfo");
    }
    const Timeouts timeouts = CurrentTimeouts();
    const auto deadline = Clock::now() + timeouts.connect;
    if (rank == 0) return RootJoin(id, n_ranks, device, deadline, out, timeouts.exec);
    return PeerJoin(id, where, n_ranks, rank, device, deadline, out, timeouts.exec);
}

}  // namespace mc2::impl::hccl
