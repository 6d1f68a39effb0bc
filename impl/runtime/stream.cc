// impl/runtime/stream.cc — the worker thread behind each stream and its error state.
#include "runtime/stream.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "runtime/state.h"
#include "runtime/stream_workers.h"

namespace mc2::impl {

struct StreamImpl::Shared {
    struct Entry {
        Task task;
        std::string label;
    };

    explicit Shared(uintptr_t h, uintptr_t ctx, int32_t dev) : handle(h), context(ctx), device(dev) {}

    bool IdleLocked() const { return queue.empty() && !running; }

    const uintptr_t handle;
    const uintptr_t context;
    const int32_t device;

    std::mutex mu;
    std::condition_variable wake;  // worker: work arrived or stop requested
    std::condition_variable idle;  // waiters: queue drained or worker finished
    std::deque<Entry> queue;
    bool running = false;
    bool accepting = true;
    bool stopping = false;
    bool finished = false;

    aclError error = ACL_SUCCESS;  // first failure since the last report
    std::string failedLabel;
    std::vector<std::string> messages;
    uint64_t skipped = 0;
};

namespace {

// The stream whose worker is the calling thread, so waits on it from its own tasks are refused
// instead of deadlocking.
thread_local const void *tCurrentWorker = nullptr;

void *AsPtr(uintptr_t h) { return reinterpret_cast<void *>(h); }

int64_t DestroyTimeoutMs() {
    const char *env = std::getenv("MC2_STREAM_DESTROY_TIMEOUT_MS");
    if (env != nullptr) {
        char *end = nullptr;
        long long v = std::strtoll(env, &end, 10);
        if (end != env && *end == '\0' && v > 0) return v;
    }
    return 60000;
}

aclError RunTask(StreamImpl::Task &task, const std::string &label) {
    try {
        return task();
    } catch (const std::bad_alloc &) {
        ReportError("stream task '%s': out of host memory", label.c_str());
        return ACL_ERROR_BAD_ALLOC;
    } catch (const std::exception &e) {
        ReportError("stream task '%s' threw: %s", label.c_str(), e.what());
        return ACL_ERROR_RT_INTERNAL_ERROR;
    } catch (...) {
        ReportError("stream task '%s' threw an unknown exception", label.c_str());
        return ACL_ERROR_RT_INTERNAL_ERROR;
    }
}

}  // namespace

StreamImpl::StreamImpl(uintptr_t handle, uintptr_t context, int32_t device)
    : handle_(handle), device_(device), shared_(std::make_shared<Shared>(handle, context, device)) {
    RunOnStreamWorker([shared = shared_] { Run(shared); },
                      [shared = shared_] {
                          std::lock_guard lock(shared->mu);
                          shared->finished = true;
                          shared->idle.notify_all();
                      });
    serving_ = true;
}

StreamImpl::~StreamImpl() {
    if (serving_) Shutdown("stream release");
}

void StreamImpl::Run(std::shared_ptr<Shared> shared) {
    Shared &s = *shared;
    ThreadContext() = s.context;
    tCurrentWorker = &s;
    std::unique_lock lock(s.mu);
    for (;;) {
        s.wake.wait(lock, [&] { return !s.queue.empty() || s.stopping; });
        if (s.queue.empty()) break;  // stopping, and everything queued has been handled
        Shared::Entry entry = std::move(s.queue.front());
        s.queue.pop_front();
        if (s.error != ACL_SUCCESS) {
            ++s.skipped;
            lock.unlock();
            entry = {};  // release what the task captured outside the lock
            lock.lock();
            if (s.IdleLocked()) s.idle.notify_all();
            continue;
        }
        s.running = true;
        lock.unlock();
        aclError code = RunTask(entry.task, entry.label);
        // Messages of a failing task go to whoever synchronises; those of a task that
        // succeeded are diagnostics nobody asked for, and are dropped.
        std::vector<std::string> messages = TakeThreadErrors();
        entry.task = nullptr;
        lock.lock();
        s.running = false;
        if (code != ACL_SUCCESS) {
            s.error = code;
            s.failedLabel = std::move(entry.label);
            s.messages = std::move(messages);
            s.skipped = 0;
        }
        if (s.IdleLocked()) s.idle.notify_all();
    }
    // The thread serves another stream next (stream_workers.h): it leaves as a new one starts.
    // `finished` is set once the thread is parked (the constructor's `released`).
    ThreadContext() = 0;
    tCurrentWorker = nullptr;
    (void)TakeThreadErrors();
}

aclError StreamImpl::Enqueue(Task task, std::string label) {
    if (!task) {
        ReportError("Stream::Enqueue: empty task '%s'", label.c_str());
        return ACL_ERROR_INVALID_PARAM;
    }
    Shared &s = *shared_;
    std::lock_guard lock(s.mu);
    if (!s.accepting) {
        ReportError("Stream::Enqueue: stream %p is being destroyed; task '%s' refused", AsPtr(handle_),
                    label.c_str());
        return ACL_ERROR_RT_PARAM_INVALID;
    }
    s.queue.push_back({std::move(task), std::move(label)});
    s.wake.notify_one();
    return ACL_SUCCESS;
}

namespace {

// Moves a pending task error to the calling thread's messages and clears it. Lock held.
template <typename SharedT>
aclError TakeErrorLocked(SharedT &s, const char *fn) {
    if (s.error == ACL_SUCCESS) return ACL_SUCCESS;
    aclError code = s.error;
    for (auto &m : s.messages) ReportErrorString(m);
    ReportError("%s: task '%s' on stream %p (device %d) failed with error %d; %llu later task(s) skipped", fn,
                s.failedLabel.c_str(), AsPtr(s.handle), s.device, code, static_cast<unsigned long long>(s.skipped));
    s.error = ACL_SUCCESS;
    s.failedLabel.clear();
    s.messages.clear();
    s.skipped = 0;
    return code;
}

}  // namespace

aclError StreamImpl::Synchronize(int32_t timeoutMs, const char *fn) {
    Shared &s = *shared_;
    if (tCurrentWorker == &s) {
        ReportError("%s: called from a task running on stream %p itself (it would wait for itself)", fn,
                    AsPtr(handle_));
        return ACL_ERROR_INVALID_PARAM;
    }
    std::unique_lock lock(s.mu);
    auto drained = [&] { return s.IdleLocked() || s.finished; };
    if (timeoutMs < 0) {
        s.idle.wait(lock, drained);
    } else if (!s.idle.wait_for(lock, std::chrono::milliseconds(timeoutMs), drained)) {
        ReportError("%s: stream %p (device %d) did not finish within %d ms (%zu task(s) queued, %s running); "
                    "the work continues",
                    fn, AsPtr(handle_), device_, timeoutMs, s.queue.size(), s.running ? "one" : "none");
        return ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
    }
    return TakeErrorLocked(s, fn);
}

aclError StreamImpl::Shutdown(const char *fn) {
    if (!serving_) return ACL_SUCCESS;
    serving_ = false;
    Shared &s = *shared_;
    if (tCurrentWorker == &s) {
        // Destroyed from one of its own tasks: it cannot wait for itself. Stop accepting work
        // and let the worker finish what is queued and leave on its own.
        std::lock_guard lock(s.mu);
        s.accepting = false;
        s.stopping = true;
        s.wake.notify_all();
        return ACL_SUCCESS;
    }
    std::unique_lock lock(s.mu);
    s.accepting = false;
    int64_t timeoutMs = DestroyTimeoutMs();
    bool drained = s.idle.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return s.IdleLocked(); });
    std::deque<Shared::Entry> dropped;
    if (!drained) dropped.swap(s.queue);
    s.stopping = true;
    s.wake.notify_all();
    aclError code = TakeErrorLocked(s, fn);
    lock.unlock();
    size_t droppedCount = dropped.size();
    dropped.clear();
    if (drained) {
        // What a join was: the worker has left the stream, reset its thread and parked.
        lock.lock();
        s.idle.wait(lock, [&] { return s.finished; });
        return code;
    }
    // The running task is stuck; the worker keeps `s` alive and leaves when it returns.
    ReportError("%s: stream %p (device %d) did not drain within %lld ms (MC2_STREAM_DESTROY_TIMEOUT_MS); "
                "%zu queued task(s) dropped and the running task abandoned",
                fn, AsPtr(handle_), device_, static_cast<long long>(timeoutMs), droppedCount);
    return ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
}

}  // namespace mc2::impl
