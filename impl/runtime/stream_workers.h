// impl/runtime/stream_workers.h — the threads that serve streams, kept from one stream to the next.
//
// A stream's worker used to be a std::thread made by aclrtCreateStream and joined by
// aclrtDestroyStream. Two costs came with that, both seen in the fuzzers, where a failed case's
// streams are remade (about one thread every five api_fuzzer inputs, fuzz/README.md "Session 19"):
//   - a thread made and joined per remade stream;
//   - with clang 14's AddressSanitizer, a joined thread's record keeps its OS thread id for the
//     life of the process, and LeakSanitizer looks live threads up by that id. Once the kernel's
//     thread ids wrap (pid_max, 32,768 here), a new thread can get the id of an old joined one;
//     LeakSanitizer then reads the old record's stack and TLS ranges, not the new thread's, and
//     reports what only the new thread's thread_local state holds (the GEMM kernel's scratch) as
//     leaked. tests/sanitizers/thread_id_reuse_test.cc shows both sides.
// Workers here are detached (a finished detached thread's record is retired at once) and parked
// when their stream ends, so the fuzzers' processes stop making threads once warm.
#ifndef MC2_IMPL_RUNTIME_STREAM_WORKERS_H_
#define MC2_IMPL_RUNTIME_STREAM_WORKERS_H_

#include <cstddef>
#include <functional>

namespace mc2::impl {

// Runs `job` on a parked worker, or on a new one when none is parked, then parks the worker (or
// lets it exit, beyond the bound) and calls `released` on it: whoever waits for `released` can
// count on the thread being free for the next job, so a stream destroyed and one made after it
// share a thread. Neither may throw; `job` must leave the thread as it found it (no current
// context, no pending messages), as the next job on the thread starts from what it leaves.
// Throws std::system_error or std::bad_alloc when no thread can be made; nothing has run then.
void RunOnStreamWorker(std::function<void()> job, std::function<void()> released);

// Workers parked now, and the most kept parked (beyond it a finished worker exits).
size_t ParkedStreamWorkers();
inline constexpr size_t kMaxParkedStreamWorkers = 32;

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_STREAM_WORKERS_H_
