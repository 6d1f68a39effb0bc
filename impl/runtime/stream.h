// impl/runtime/stream.h — one emulated stream: an in-order task queue served by one worker
// thread at a time (a pooled one, stream_workers.h), with CANN-like error state.
//
// Error state: a task that returns non-zero (or throws) records its code and the messages it
// reported; later tasks are skipped (dequeued without running) until a Synchronize reports the
// error. Synchronize then returns the code once, moves the messages to the caller's
// aclGetRecentErrMsg and clears the state, so the stream is usable again afterwards.
#ifndef MC2_IMPL_RUNTIME_STREAM_H_
#define MC2_IMPL_RUNTIME_STREAM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/runtime.h"

namespace mc2::impl {

class StreamImpl final : public Stream {
public:
    // Gives the stream a worker thread, whose current context is `context`. Throws std::system_error or
    // std::bad_alloc when it cannot (callers are inside an ABI exception barrier).
    StreamImpl(uintptr_t handle, uintptr_t context, int32_t device);
    ~StreamImpl() override;
    StreamImpl(const StreamImpl &) = delete;
    StreamImpl &operator=(const StreamImpl &) = delete;

    aclError Enqueue(Task task, std::string label) override;
    int32_t DeviceId() const override { return device_; }
    uintptr_t Handle() const { return handle_; }

    // Waits until every queued task has finished; timeoutMs -1 waits forever. Returns
    // ACL_ERROR_RT_STREAM_SYNC_TIMEOUT when not drained in time (the work goes on), else the
    // pending task error (reported once) or ACL_SUCCESS. `fn` prefixes the messages.
    aclError Synchronize(int32_t timeoutMs, const char *fn);

    // Stops accepting work, drains the queue (bounded by MC2_STREAM_DESTROY_TIMEOUT_MS, default
    // 60000) and stops the worker. Returns an unreported task error if there is one. When the
    // queue does not drain in time, queued tasks are dropped, the worker is abandoned (it leaves
    // once its current task returns) and ACL_ERROR_RT_STREAM_SYNC_TIMEOUT is returned.
    aclError Shutdown(const char *fn);

private:
    struct Shared;
    static void Run(std::shared_ptr<Shared> shared);

    const uintptr_t handle_;
    const int32_t device_;
    std::shared_ptr<Shared> shared_;
    bool serving_ = false;  // a worker serves the stream and Shutdown has not been called
};

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_STREAM_H_
