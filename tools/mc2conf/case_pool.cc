// tools/mc2conf/case_pool.cc — the worker pool (case_pool.h).
//
// Workers start case processes from a multi-threaded process with posix_spawn (a fresh
// executable, harness/supervise/case_child.h), so no lock held by another thread can reach a
// case. After a stop (harness/supervise/stop.h) no new case starts and the killed ones are
// dropped: the caller gets only the results of cases that finished.
#include "tools/mc2conf/case_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "harness/supervise/stop.h"

namespace mc2::tools {
namespace {

constexpr const char *kPlatformVariable = "MC2_PLATFORM";

// Runs cases one after another with the case's platform in the child's (or, in-process, this
// process's) environment.
class PlatformRunner {
  public:
    explicit PlatformRunner(const PoolOptions &options) : options_(options) {
        if (options.supervise.in_process) in_process_ = std::make_unique<harness::Supervisor>(options.supervise, options.run);
    }

    // nullopt when the run was stopped while the case ran (its child was killed).
    std::optional<harness::CaseResult> Run(const harness::Case &c) {
        const std::string platform = harness::PlatformName(c.platform);
        if (in_process_) {
            // In-process runs are sequential (one job), and the implementation reads the variable
            // at each call, so setting it between cases is enough.
            setenv(kPlatformVariable, platform.c_str(), 1);
            return in_process_->Run(c);
        }
        harness::SuperviseOptions supervise = options_.supervise;
        supervise.env.emplace_back(kPlatformVariable, platform);
        harness::Supervisor supervisor(supervise, options_.run);
        harness::CaseResult r = supervisor.Run(c);
        if (supervisor.LastRunInterrupted()) return std::nullopt;
        return r;
    }

  private:
    const PoolOptions &options_;
    std::unique_ptr<harness::Supervisor> in_process_;
};

}  // namespace

std::optional<harness::CaseResult> RunOneCase(const harness::Case &c, const PoolOptions &options) {
    return PlatformRunner(options).Run(c);
}

void RunPool(const std::vector<harness::Case> &cases, const PoolOptions &options,
             const std::function<void(size_t, harness::CaseResult)> &on_done, const std::function<void()> &on_tick) {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::pair<size_t, harness::CaseResult>> finished;

    const size_t jobs = std::clamp<size_t>(static_cast<size_t>(std::max(options.jobs, 1)), 1, std::max<size_t>(cases.size(), 1));
    std::atomic<size_t> workers_done{0};
    std::vector<std::thread> workers;
    for (size_t w = 0; w < jobs; ++w) {
        workers.emplace_back([&] {
            PlatformRunner runner(options);
            for (size_t i = next++; i < cases.size() && !harness::StopRequested(); i = next++) {
                std::optional<harness::CaseResult> r = runner.Run(cases[i]);
                if (!r) break;
                {
                    std::lock_guard<std::mutex> lock(mu);
                    finished.emplace_back(i, std::move(*r));
                }
                cv.notify_one();
            }
            {
                std::lock_guard<std::mutex> lock(mu);
                ++workers_done;
            }
            cv.notify_one();
        });
    }
    for (;;) {
        std::deque<std::pair<size_t, harness::CaseResult>> batch;
        bool all_done = false;
        {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return !finished.empty() || workers_done == jobs; });
            batch.swap(finished);
            all_done = workers_done == jobs;
        }
        for (auto &[index, result] : batch) on_done(index, std::move(result));
        on_tick();
        if (all_done) break;
    }
    for (std::thread &t : workers) t.join();
}

}  // namespace mc2::tools
