// impl/runtime/runtime.h — the runtime's internal interface for the rest of impl/ (hccl,
// kernels, ops). Not part of the ABI: nothing here is exported from libmc2impl.so.
//
// Threading model: each aclrtStream is an in-order queue served by one worker thread (taken from
// a pool when the stream is made, returned when it is destroyed: stream_workers.h). Work
// enqueued on a stream runs on that worker; a task that fails puts the stream into an error
// state (later tasks are skipped) and the next synchronize on it returns the task's code, with
// the task's error message moved to the synchronising thread's aclGetRecentErrMsg().
#ifndef MC2_IMPL_RUNTIME_RUNTIME_H_
#define MC2_IMPL_RUNTIME_RUNTIME_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "acl/acl.h"

namespace mc2::impl {

// Appends a message to this thread's error list (what aclGetRecentErrMsg returns and clears).
void ReportError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ReportErrorString(const std::string &message);

// Moves this thread's pending error messages out (oldest first) without formatting them, so a
// worker can hand them to another thread (stream tasks -> the synchronising thread).
std::vector<std::string> TakeThreadErrors();

// True between aclInit and aclFinalize.
bool IsInitialized();

// The device of the calling thread's current context, or -1 when none is set.
int32_t CurrentDeviceId();

// Number of emulated devices (default 64; env MC2_DEVICE_COUNT overrides, 1..1024).
uint32_t DeviceCount();

class Stream {
public:
    using Task = std::function<aclError()>;
    virtual ~Stream() = default;
    // Queues `task` behind everything already queued. `label` names it in error messages.
    virtual aclError Enqueue(Task task, std::string label) = 0;
    virtual int32_t DeviceId() const = 0;
};

// Resolves a stream handle as the ABI receives it: nullptr means the default stream of the
// calling thread's current context. Returns nullptr (and reports why) for an invalid handle.
// The pointer stays valid until the handle is destroyed (aclrtDestroyStream, or for a default
// stream: aclrtDestroyContext / the last aclrtResetDevice / aclFinalize).
//
// Stream semantics (impl/runtime/stream.h): tasks run in order on the stream's worker thread,
// whose current context is the stream's context (so CurrentDeviceId() works inside a task).
// A task returning non-zero (or throwing) puts the stream in an error state: later tasks are
// skipped (not run) until a synchronize reports the error once; after that the stream is usable
// again. Messages the task reported with ReportError travel to the synchronising thread.
Stream *LookupStream(aclrtStream handle);

// True when [p, p + bytes) lies inside one live allocation made by aclrtMalloc.
bool IsDeviceMemory(const void *p, size_t bytes);

// Verifies the guard regions of the allocation containing `p` (written when it was allocated).
// Returns false and reports an error naming the allocation when a guard byte was overwritten.
bool CheckGuards(const void *p);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_RUNTIME_H_
