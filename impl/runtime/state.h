// impl/runtime/state.h — the process-wide registry of devices, contexts and streams, and the
// calling thread's current context. Internal to impl/runtime.
//
// Handles given to callers (aclrtContext, aclrtStream) are not object addresses: they are
// tagged serial numbers that are never reused (not even across aclFinalize/aclInit), so a
// stale or forged handle always misses the registry instead of aliasing a newer object. They
// are non-canonical x86-64 addresses, so a program that dereferences one faults at once.
//
// Locking: State().mu guards everything here. It is never held while waiting for a stream
// (stream tasks call back into the runtime), so callers detach streams from the registry under
// the lock and shut them down after releasing it.
#ifndef MC2_IMPL_RUNTIME_STATE_H_
#define MC2_IMPL_RUNTIME_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include "runtime/runtime.h"

namespace mc2::impl {

class StreamImpl;

inline constexpr uintptr_t kContextTag = 0xC7C7000000000000ULL;
inline constexpr uintptr_t kStreamTag = 0x5757000000000000ULL;

struct ContextImpl {
    uintptr_t handle = 0;
    int32_t device = -1;
    bool isDefault = false;                     // the device's context from aclrtSetDevice
    std::shared_ptr<StreamImpl> defaultStream;  // created on first use (nullptr stream)
    std::set<uintptr_t> streams;                // created by aclrtCreateStream on this context
};

struct DeviceState {
    uint32_t refCount = 0;  // aclrtSetDevice calls not yet matched by aclrtResetDevice
    uintptr_t defaultContext = 0;
};

struct RuntimeState {
    std::mutex mu;
    bool initialized = false;
    uint64_t nextSerial = 1;
    std::unordered_map<uintptr_t, std::shared_ptr<ContextImpl>> contexts;
    std::unordered_map<uintptr_t, std::shared_ptr<StreamImpl>> streams;
    std::map<int32_t, DeviceState> devices;
};

// Never destroyed: stream workers may still run during static destruction at process exit.
RuntimeState &State();

// The calling thread's current context handle (0 when none). It may be stale; resolve it
// through CurrentContextLocked.
uintptr_t &ThreadContext();

uintptr_t NewHandleLocked(uintptr_t tag);

// ACL_SUCCESS after aclInit; otherwise reports "<fn>: ..." and returns ACL_ERROR_UNINITIALIZE.
aclError RequireInitLocked(const char *fn);
aclError RequireInit(const char *fn);

// ACL_SUCCESS when 0 <= id < DeviceCount(); otherwise ACL_ERROR_RT_INVALID_DEVICEID.
aclError CheckDeviceId(int32_t id, const char *fn);

// The calling thread's current context, or nullptr when none is set or it was destroyed.
std::shared_ptr<ContextImpl> CurrentContextLocked();

// Reports that `fn` needs a current context and returns ACL_ERROR_RT_CONTEXT_NULL.
aclError NoContextError(const char *fn);

std::shared_ptr<ContextImpl> NewContextLocked(int32_t device, bool isDefault);

// Removes `ctx` and all its streams from the registry and appends the streams to `out`, to be
// shut down with ShutdownStreams after State().mu is released.
void DetachContextLocked(const std::shared_ptr<ContextImpl> &ctx, std::vector<std::shared_ptr<StreamImpl>> *out);

// Drains and stops each stream; returns the first non-success code (all are shut down).
aclError ShutdownStreams(std::vector<std::shared_ptr<StreamImpl>> &streams, const char *fn);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_STATE_H_
