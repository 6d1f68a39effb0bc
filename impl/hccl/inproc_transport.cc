// impl/hccl/inproc_transport.cc — rendezvous of rank threads, one round per collective call.
//
// Protocol for call number `seq` (each rank counts its own calls; the contract makes the
// counts agree):
//  1. Post: under the group lock, the rank publishes pointers to its send/receive
//     descriptors in round `seq`. The last rank to post checks that all sizes agree and marks
//     the round ready.
//  2. Copy: once ready, every rank copies what each peer sends it, reading the peer's send
//     buffer directly (receiver pulls), without holding the lock.
//  3. Finish: the rank counts itself finished and waits until every rank has finished, so no
//     peer still reads its buffers when it returns.
// Failure safety: a rank that gives up (timeout, abort, a peer left) does so only while the
// round is not ready, and withdraws its pointers under the same lock that decides readiness,
// so a round whose pointers are being read can never lose one. Once ready, every rank is
// committed: phase 3 waits only for peers' memcpy, which cannot block, so it needs no
// deadline. Giving up also marks the group broken, so no later round can become ready and
// the ranks' call numbering cannot silently drift apart.
#include "hccl/inproc_transport.h"

#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>

namespace mc2::impl::hccl {
namespace {

struct Round {
    explicit Round(uint32_t n) : sends(n, nullptr), recvs(n, nullptr), whats(n, nullptr) {}
    std::vector<const SendBlock *> sends;  // per rank; null until posted (or after withdrawal)
    std::vector<const RecvBlock *> recvs;
    std::vector<const char *> whats;
    uint32_t posted = 0;
    bool ready = false;
    Status error;  // decided by the last poster; the same for every rank
    uint32_t finished = 0;
    uint32_t left = 0;
};

struct Group {
    Group(uint32_t n, std::string group_name) : size(n), name(std::move(group_name)), departed(n, false) {}
    const uint32_t size;
    const std::string name;

    std::mutex mu;
    std::condition_variable cv;
    std::map<uint64_t, Round> rounds;  // guarded by mu; references stay valid across inserts
    Status broken;                     // guarded by mu; OK while the group is healthy
    std::vector<bool> departed;        // guarded by mu
};

std::string RankList(const std::vector<uint32_t> &ranks) {
    std::string s;
    constexpr size_t kMaxListed = 16;
    for (size_t i = 0; i < ranks.size() && i < kMaxListed; ++i) {
        if (!s.empty()) s += ", ";
        s += std::to_string(ranks[i]);
    }
    if (ranks.size() > kMaxListed) s += ", ... (" + std::to_string(ranks.size()) + " in all)";
    return s;
}

class InProcTransport final : public Transport {
public:
    InProcTransport(std::shared_ptr<Group> group, uint32_t rank) : group_(std::move(group)), rank_(rank) {}

    uint32_t Rank() const override { return rank_; }
    uint32_t Size() const override { return group_->size; }

    Status Exchange(const SendBlock *sends, const RecvBlock *recvs, Clock::time_point deadline,
                    const char *what) override {
        std::lock_guard<std::mutex> serial(call_mu_);
        Group &g = *group_;
        const uint64_t seq = next_seq_++;
        const auto started = Clock::now();
        std::unique_lock<std::mutex> lock(g.mu);
        if (!g.broken.ok()) return BrokenLocked();
        if (g.departed[rank_]) {
            return Status::Error(HCCL_E_PARA, "rank " + std::to_string(rank_) + " of communicator " + g.name +
                                                  " was destroyed before " + what);
        }

        Round &round = g.rounds.try_emplace(seq, g.size).first->second;
        round.sends[rank_] = sends;
        round.recvs[rank_] = recvs;
        round.whats[rank_] = what;
        if (++round.posted == g.size) {
            round.error = CheckRoundLocked(round);
            round.ready = true;
            g.cv.notify_all();
        }

        while (!round.ready) {
            if (!g.broken.ok()) {
                WithdrawLocked(seq, round);
                return BrokenLocked();
            }
            if (const int missing = DepartedMissingLocked(round); missing >= 0) {
                g.broken = Status::Error(HCCL_E_REMOTE, "rank " + std::to_string(missing) +
                                                            " destroyed its communicator before joining " + what);
                WithdrawLocked(seq, round);
                g.cv.notify_all();
                return Status::Error(HCCL_E_REMOTE, "communicator " + g.name + ": " + g.broken.message);
            }
            if (Clock::now() >= deadline) {
                std::vector<uint32_t> missing;
                for (uint32_t j = 0; j < g.size; ++j) {
                    if (round.sends[j] == nullptr) missing.push_back(j);
                }
                const auto waited =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
                g.broken = Status::Error(
                    HCCL_E_TIMEOUT, "rank " + std::to_string(rank_) + " timed out after " + std::to_string(waited) +
                                        " ms in " + what + " (call #" + std::to_string(seq) +
                                        ") waiting for rank(s) " + RankList(missing) + " to join");
                WithdrawLocked(seq, round);
                g.cv.notify_all();
                return Status::Error(HCCL_E_TIMEOUT, "communicator " + g.name + ": " + g.broken.message);
            }
            g.cv.wait_until(lock, deadline);
        }

        lock.unlock();
        if (round.error.ok()) {
            for (uint32_t j = 0; j < g.size; ++j) {
                const SendBlock &src = round.sends[j][rank_];
                const RecvBlock &dst = recvs[j];
                // memmove: a rank's own block may legitimately be in place (src == dst).
                if (dst.bytes != 0 && src.data != dst.data) std::memmove(dst.data, src.data, dst.bytes);
            }
        }
        lock.lock();
        if (++round.finished == g.size) g.cv.notify_all();
        // No deadline: every rank is past its last blocking point and only copying.
        g.cv.wait(lock, [&] { return round.finished == g.size; });
        Status result = round.error;
        if (++round.left == g.size) g.rounds.erase(seq);
        return result;
    }

    void Abort(const std::string &reason) override {
        Group &g = *group_;
        std::lock_guard<std::mutex> lock(g.mu);
        if (g.broken.ok()) {
            g.broken = Status::Error(HCCL_E_REMOTE, "rank " + std::to_string(rank_) + " aborted: " + reason);
        }
        g.cv.notify_all();
    }

    void Leave() override {
        Group &g = *group_;
        std::lock_guard<std::mutex> lock(g.mu);
        g.departed[rank_] = true;
        g.cv.notify_all();
    }

    Status Health() const override {
        Group &g = *group_;
        std::lock_guard<std::mutex> lock(g.mu);
        if (g.broken.ok()) return {};
        return Status::Error(g.broken.code, "communicator " + g.name + " is broken: " + g.broken.message);
    }

private:
    Status BrokenLocked() const {
        return Status::Error(group_->broken.code,
                             "communicator " + group_->name + " is broken: " + group_->broken.message);
    }

    void WithdrawLocked(uint64_t seq, Round &round) {
        round.sends[rank_] = nullptr;
        round.recvs[rank_] = nullptr;
        round.whats[rank_] = nullptr;
        if (--round.posted == 0) group_->rounds.erase(seq);
    }

    // A rank that has left the group and has not posted in `round`, or -1.
    int DepartedMissingLocked(const Round &round) const {
        for (uint32_t j = 0; j < group_->size; ++j) {
            if (round.sends[j] == nullptr && group_->departed[j]) return static_cast<int>(j);
        }
        return -1;
    }

    // Every rank calls the same collective and every pair of block sizes agrees.
    Status CheckRoundLocked(const Round &round) const {
        const uint32_t n = group_->size;
        for (uint32_t r = 1; r < n; ++r) {
            if (std::strcmp(round.whats[r], round.whats[0]) != 0) {
                return Status::Error(HCCL_E_PARA, "mismatched collectives on communicator " + group_->name +
                                                      ": rank 0 called " + round.whats[0] + ", rank " +
                                                      std::to_string(r) + " called " + round.whats[r]);
            }
        }
        for (uint32_t r = 0; r < n; ++r) {
            for (uint32_t j = 0; j < n; ++j) {
                const uint64_t sent = round.sends[r][j].bytes;
                const uint64_t expected = round.recvs[j][r].bytes;
                if (sent != expected) {
                    return Status::Error(HCCL_E_PARA, std::string(round.whats[0]) + " on communicator " +
                                                          group_->name + ": rank " + std::to_string(r) + " sends " +
                                                          std::to_string(sent) + " bytes to rank " +
                                                          std::to_string(j) + ", which expects " +
                                                          std::to_string(expected));
                }
            }
        }
        return {};
    }

    std::shared_ptr<Group> group_;
    const uint32_t rank_;
    std::mutex call_mu_;     // serialises this rank's calls
    uint64_t next_seq_ = 0;  // guarded by call_mu_
};

}  // namespace

std::vector<std::unique_ptr<Transport>> CreateInProcGroup(uint32_t size, const std::string &name) {
    auto group = std::make_shared<Group>(size, name);
    std::vector<std::unique_ptr<Transport>> endpoints;
    endpoints.reserve(size);
    for (uint32_t r = 0; r < size; ++r) endpoints.push_back(std::make_unique<InProcTransport>(group, r));
    return endpoints;
}

}  // namespace mc2::impl::hccl
