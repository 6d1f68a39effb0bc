// oracle/internal/parallel.cc — see parallel.h.
#include "oracle/internal/parallel.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mc2::oracle::internal {

void ParallelFor(int64_t count, int64_t min_per_thread, const std::function<void(int64_t, int64_t)> &body) {
    if (count <= 0) return;
    const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
    const int64_t threads = std::clamp<int64_t>(count / std::max<int64_t>(1, min_per_thread), 1, cores);
    if (threads == 1) {
        body(0, count);
        return;
    }
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](int64_t t) {
        try {
            body(count * t / threads, count * (t + 1) / threads);
        } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads - 1));
    for (int64_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
    run(0);
    for (auto &th : pool) th.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace mc2::oracle::internal
