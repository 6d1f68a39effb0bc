// oracle/internal/parallel.h — splits the oracle's O(m·n) per-element work over the machine's
// cores. Each element is computed by the same code whichever thread runs it, so the bounds do
// not depend on the split.
#ifndef MC2_ORACLE_INTERNAL_PARALLEL_H_
#define MC2_ORACLE_INTERNAL_PARALLEL_H_

#include <cstdint>
#include <functional>

namespace mc2::oracle::internal {

// Calls body(begin, end) on disjoint ranges covering [0, count), on up to UsableCores()
// threads (the caller's thread takes one range); ranges hold at least
// min_per_thread items, so small problems run inline. Returns when every call has; an
// exception from a body is rethrown here.
// The CPUs this process may run on (its affinity mask, e.g. one under `taskset -c 1` or a
// fuzzing job pinned to a core), else hardware_concurrency; at least 1. Counted once per
// process: std::thread::hardware_concurrency reads /sys/devices/system/cpu/online on every call,
// which was 8 % of the CPU of a small world-4 api_fuzzer input (fuzz/README.md "Session 12").
int64_t UsableCores();

void ParallelFor(int64_t count, int64_t min_per_thread, const std::function<void(int64_t, int64_t)> &body);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_PARALLEL_H_
