// tools/mc2conf/case_pool.cc — the worker pool (case_pool.h).
//
// Workers fork from a multi-threaded process. That is safe here because a worker's child only
// runs the supervisor's child code (it never touches this file's mutex or queue), and glibc's
// fork resets the allocator and stdio locks in the child.
#include "tools/mc2conf/case_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace mc2::tools {

void RunPool(const std::vector<harness::Case> &cases, const PoolOptions &options,
             const std::function<void(size_t, harness::CaseResult)> &on_done, const std::function<void()> &on_tick) {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::pair<size_t, harness::CaseResult>> finished;

    const size_t jobs = std::clamp<size_t>(static_cast<size_t>(std::max(options.jobs, 1)), 1, std::max<size_t>(cases.size(), 1));
    std::vector<std::thread> workers;
    for (size_t w = 0; w < jobs; ++w) {
        workers.emplace_back([&] {
            harness::Supervisor supervisor(options.supervise, options.run);
            for (size_t i = next++; i < cases.size(); i = next++) {
                harness::CaseResult r = supervisor.Run(cases[i]);
                {
                    std::lock_guard<std::mutex> lock(mu);
                    finished.emplace_back(i, std::move(r));
                }
                cv.notify_one();
            }
        });
    }
    size_t received = 0;
    while (received < cases.size()) {
        std::deque<std::pair<size_t, harness::CaseResult>> batch;
        {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return !finished.empty(); });
            batch.swap(finished);
        }
        for (auto &[index, result] : batch) {
            on_done(index, std::move(result));
            ++received;
        }
        on_tick();
    }
    for (std::thread &t : workers) t.join();
}

}  // namespace mc2::tools
