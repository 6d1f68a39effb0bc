// oracle/internal/parallel.cc — see parallel.h.
#include "oracle/internal/parallel.h"

#include <sched.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mc2::oracle::internal {

int64_t UsableCores() {
    static const int64_t cores = [] {
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return int64_t{CPU_COUNT(&set)};
        return std::max<int64_t>(1, std::thread::hardware_concurrency());
    }();
    return cores;
}

void ParallelFor(int64_t count, int64_t min_per_thread, const std::function<void(int64_t, int64_t)> &body) {
    if (count <= 0) return;
    const int64_t cores = UsableCores();
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
