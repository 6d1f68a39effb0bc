// harness/run/world.cc — ranks that live across cases (world.h).
#include "harness/run/world.h"

#include <numeric>

namespace mc2::harness {
namespace {

// How long a stream that should be idle may take to report it after a case.
constexpr int kSettleSyncMs = 2000;

// A rank whose execute or synchronisation returned an error: its stream is replaced, not judged.
bool RankFailedOnStream(const RankReport &r) {
    return (r.execute_called && r.execute_status != 0) || (r.sync_called && r.sync_status != 0);
}

}  // namespace

World::~World() {
    for (auto &w : workers_) {
        {
            std::lock_guard<std::mutex> lock(w->mu);
            w->stopping = true;
        }
        w->wake.notify_one();
    }
    for (auto &w : workers_) {
        if (w->thread.joinable()) w->thread.join();
    }
}

void World::Loop(Worker &w) {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(w.mu);
            w.wake.wait(lock, [&] { return w.stopping || static_cast<bool>(w.job); });
            if (w.stopping) return;
            job = std::move(w.job);
            w.job = nullptr;
        }
        job();
        bool last = false;
        {
            std::lock_guard<std::mutex> lock(done_mu_);
            last = --pending_ == 0;
        }
        // After unlocking, as above. A late notify is harmless: Run waits on its predicate, and
        // ~World joins this thread before done_ goes away.
        if (last) done_.notify_one();
    }
}

void World::Run(int size, const std::function<void(int rank)> &job) {
    {
        std::lock_guard<std::mutex> lock(done_mu_);
        pending_ = size;
    }
    for (int r = 0; r < size; ++r) {
        Worker &w = *workers_[static_cast<size_t>(r)];
        {
            std::lock_guard<std::mutex> lock(w.mu);
            w.job = [&job, r] { job(r); };
        }
        w.wake.notify_one();  // after unlocking: the worker does not wake into a held mutex
    }
    std::unique_lock<std::mutex> lock(done_mu_);
    done_.wait(lock, [&] { return pending_ == 0; });
}

std::string World::Open(int rank) {
    const RuntimeFns &rt = abi_.rt();
    Worker &w = *workers_[static_cast<size_t>(rank)];
    if (w.context == nullptr) {
        if (int rc = rt.aclrtCreateContext(&w.context, rank); rc != 0) {
            w.context = nullptr;
            return "aclrtCreateContext(" + std::to_string(rank) + ") returned " + std::to_string(rc);
        }
    }
    if (int rc = rt.aclrtSetCurrentContext(w.context); rc != 0) {
        return "aclrtSetCurrentContext returned " + std::to_string(rc);
    }
    if (w.stream == nullptr) {
        if (int rc = rt.aclrtCreateStream(&w.stream); rc != 0) {
            w.stream = nullptr;
            return "aclrtCreateStream returned " + std::to_string(rc);
        }
    }
    (void)rt.aclGetRecentErrMsg();
    return "";
}

std::string World::Ready(int size) {
    const RuntimeFns &rt = abi_.rt();
    for (; devices_set_ < size; ++devices_set_) {
        if (aclError rc = rt.aclrtSetDevice(devices_set_); rc != ACL_SUCCESS) {
            return "aclrtSetDevice(" + std::to_string(devices_set_) + ") returned " + std::to_string(rc);
        }
    }
    while (static_cast<int>(workers_.size()) < size) {
        auto w = std::make_unique<Worker>();
        Worker *raw = w.get();
        workers_.push_back(std::move(w));
        raw->thread = std::thread([this, raw] { Loop(*raw); });
    }
    std::vector<std::string> why(static_cast<size_t>(size));
    // Already open: the context stays current on its worker between cases. Only a rank without
    // a context or a stream needs its worker (most cases need none: one handoff per rank saved).
    bool all_open = true;
    for (int r = 0; r < size; ++r) {
        const Worker &w = *workers_[static_cast<size_t>(r)];
        all_open = all_open && w.context != nullptr && w.stream != nullptr;
    }
    if (!all_open) {
        Run(size, [&](int r) {
            const Worker &w = *workers_[static_cast<size_t>(r)];
            if (w.context == nullptr || w.stream == nullptr) why[static_cast<size_t>(r)] = Open(r);
        });
    }
    for (const std::string &w : why) {
        if (!w.empty()) return w;
    }
    if (comms_.count(size) == 0) {
        std::vector<int32_t> devices(static_cast<size_t>(size));
        std::iota(devices.begin(), devices.end(), 0);
        std::vector<HcclComm> comms(static_cast<size_t>(size), nullptr);
        if (HcclResult hr = rt.HcclCommInitAll(static_cast<uint32_t>(size), devices.data(), comms.data());
            hr != HCCL_SUCCESS) {
            return "HcclCommInitAll returned " + std::to_string(hr);
        }
        comms_[size] = std::move(comms);
    }
    return "";
}

std::string World::Settle(int size, const std::vector<HcclComm> &comms, const std::vector<RankReport> &ranks) {
    const RuntimeFns &rt = abi_.rt();
    bool hung = false, failed = false;
    for (const RankReport &r : ranks) {
        hung = hung || r.sync_timed_out;
        failed = failed || RankFailedOnStream(r);
    }
    if (hung) {
        // Everything stays with the implementation (it may still run on it): abandoned.
        comms_.erase(size);
        for (int r = 0; r < size; ++r) {
            workers_[static_cast<size_t>(r)]->stream = nullptr;
            workers_[static_cast<size_t>(r)]->context = nullptr;
        }
        return "";
    }
    std::vector<std::string> left(static_cast<size_t>(size));
    Run(size, [&](int r) {
        Worker &w = *workers_[static_cast<size_t>(r)];
        const RankReport *rep = static_cast<size_t>(r) < ranks.size() ? &ranks[static_cast<size_t>(r)] : nullptr;
        bool replace = rep == nullptr || RankFailedOnStream(*rep);
        if (!replace && w.stream != nullptr) {
            // Every task of the case has completed (its rank synchronised, or never launched
            // one): the stream must say so now, without an error.
            const int st = rt.aclrtSynchronizeStreamWithTimeout(w.stream, kSettleSyncMs);
            const char *m = rt.aclGetRecentErrMsg();
            if (st != 0) {
                left[static_cast<size_t>(r)] = "rank " + std::to_string(r) +
                                               ": after the case its stream did not synchronise cleanly (status " +
                                               std::to_string(st) + (m != nullptr && *m != '\0' ? ", \"" + std::string(m) + "\"" : "") +
                                               "): state left for the next input";
                replace = true;
            }
        }
        if (replace && w.stream != nullptr) {
            (void)rt.aclrtDestroyStream(w.stream);
            w.stream = nullptr;
        }
        (void)rt.aclGetRecentErrMsg();  // the next case starts from a clean message buffer
    });
    const auto kept = comms_.find(size);
    bool intact = !failed && kept != comms_.end() && comms.size() == kept->second.size();
    for (size_t r = 0; intact && r < comms.size(); ++r) intact = comms[r] != nullptr && comms[r] == kept->second[r];
    if (!intact) {
        for (HcclComm comm : comms) {
            if (comm != nullptr) (void)rt.HcclCommDestroy(comm);
        }
        comms_.erase(size);
        (void)rt.aclGetRecentErrMsg();
    }
    // What was released is made anew now, within this case, not by the next case of this size:
    // libFuzzer runs an input a second time under LeakSanitizer whenever it allocates more than
    // it frees, and a case that only made the streams and communicators an earlier one released
    // did (up to a quarter of api_fuzzer's inputs; fuzz/README.md "Session 8"). A failure here
    // is reported by the next case's Ready, which tries again.
    (void)Ready(size);
    (void)rt.aclGetRecentErrMsg();
    for (const std::string &l : left) {
        if (!l.empty()) return l;
    }
    return "";
}

}  // namespace mc2::harness
