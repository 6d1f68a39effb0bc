// oracle/internal/parallel.h — splits the oracle's O(m·n) per-element work over the machine's
// cores. Each element is computed by the same code whichever thread runs it, so the bounds do
// not depend on the split.
#ifndef MC2_ORACLE_INTERNAL_PARALLEL_H_
#define MC2_ORACLE_INTERNAL_PARALLEL_H_

#include <cstdint>
#include <functional>

namespace mc2::oracle::internal {

// Calls body(begin, end) on disjoint ranges covering [0, count), on up to
// hardware_concurrency threads (the caller's thread takes one range); ranges hold at least
// min_per_thread items, so small problems run inline. Returns when every call has; an
// exception from a body is rethrown here.
void ParallelFor(int64_t count, int64_t min_per_thread, const std::function<void(int64_t, int64_t)> &body);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_PARALLEL_H_
