// acl/acl_rt.h — runtime ABI: devices, contexts, streams, memory.
// In this implementation a "device" is emulated: device memory is host memory owned by the
// runtime (with guard regions), and each stream is an in-order queue served by one thread.
#ifndef MC2_INCLUDE_ACL_ACL_RT_H_
#define MC2_INCLUDE_ACL_ACL_RT_H_

#include "acl/acl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum aclrtMemcpyKind {
    ACL_MEMCPY_HOST_TO_HOST = 0,
    ACL_MEMCPY_HOST_TO_DEVICE = 1,
    ACL_MEMCPY_DEVICE_TO_HOST = 2,
    ACL_MEMCPY_DEVICE_TO_DEVICE = 3,
    ACL_MEMCPY_DEFAULT = 4,
} aclrtMemcpyKind;

typedef enum aclrtMemMallocPolicy {
    ACL_MEM_MALLOC_HUGE_FIRST = 0,
    ACL_MEM_MALLOC_HUGE_ONLY = 1,
    ACL_MEM_MALLOC_NORMAL_ONLY = 2,
    ACL_MEM_MALLOC_HUGE_FIRST_P2P = 3,
    ACL_MEM_MALLOC_HUGE_ONLY_P2P = 4,
    ACL_MEM_MALLOC_NORMAL_ONLY_P2P = 5,
} aclrtMemMallocPolicy;

typedef enum aclrtRunMode {
    ACL_DEVICE = 0,
    ACL_HOST = 1,
} aclrtRunMode;

// Process-wide initialisation. `configPath` may be nullptr (no configuration file); a path that
// cannot be opened -> ACL_ERROR_INVALID_FILE. A second aclInit without aclFinalize ->
// ACL_ERROR_REPEAT_INITIALIZE. aclFinalize drains and releases every stream, context, device
// and live aclrtMalloc/aclrtMallocHost block; aclInit may then be called again (a new session
// in which the old handles are invalid). Every call below except aclrtGetDeviceCount and
// aclrtGetRunMode fails with ACL_ERROR_UNINITIALIZE outside a session.
// Invalid arguments: a null output pointer or bad value -> ACL_ERROR_INVALID_PARAM; a
// stream/context handle that is not live -> ACL_ERROR_RT_PARAM_INVALID; no current context
// where one is needed -> ACL_ERROR_RT_CONTEXT_NULL. Each failure leaves a message for
// aclGetRecentErrMsg().
ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath);
ACL_FUNC_VISIBILITY aclError aclFinalize();

// 64 emulated devices unless env MC2_DEVICE_COUNT (1..1024) says otherwise.
ACL_FUNC_VISIBILITY aclError aclrtGetDeviceCount(uint32_t *count);
// Makes the device's default context current on this thread (bad id ->
// ACL_ERROR_RT_INVALID_DEVICEID). Set/reset are counted process-wide: the reset balancing the
// last set releases the default context and its streams; a reset with no set outstanding is a
// no-op. Contexts from aclrtCreateContext survive a reset.
ACL_FUNC_VISIBILITY aclError aclrtSetDevice(int32_t deviceId);
ACL_FUNC_VISIBILITY aclError aclrtGetDevice(int32_t *deviceId);
ACL_FUNC_VISIBILITY aclError aclrtResetDevice(int32_t deviceId);
ACL_FUNC_VISIBILITY aclError aclrtGetRunMode(aclrtRunMode *runMode);

// The current context is per thread. aclrtCreateContext makes the new context current.
// aclrtDestroyContext drains and destroys the streams created on it; a device's default
// context cannot be destroyed this way (ACL_ERROR_INVALID_PARAM; aclrtResetDevice releases it).
ACL_FUNC_VISIBILITY aclError aclrtCreateContext(aclrtContext *context, int32_t deviceId);
ACL_FUNC_VISIBILITY aclError aclrtDestroyContext(aclrtContext context);
ACL_FUNC_VISIBILITY aclError aclrtSetCurrentContext(aclrtContext context);
ACL_FUNC_VISIBILITY aclError aclrtGetCurrentContext(aclrtContext *context);

// Streams belong to the current context; a nullptr stream means that context's default stream.
// A task that fails on a stream makes the stream skip the tasks queued after it until a
// synchronize returns the failure (once, with the task's messages moved to the synchronising
// thread's aclGetRecentErrMsg); the stream is usable again afterwards.
ACL_FUNC_VISIBILITY aclError aclrtCreateStream(aclrtStream *stream);
// Drains the queue first (bounded by env MC2_STREAM_DESTROY_TIMEOUT_MS, default 60000; past it
// queued work is dropped and ACL_ERROR_RT_STREAM_SYNC_TIMEOUT returned). A task failure not yet
// reported by a synchronize is returned here; the stream is destroyed either way.
ACL_FUNC_VISIBILITY aclError aclrtDestroyStream(aclrtStream stream);
ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStream(aclrtStream stream);
// `timeout` in milliseconds; -1 waits forever; 0 or < -1 -> ACL_ERROR_INVALID_PARAM. Returns
// ACL_ERROR_RT_STREAM_SYNC_TIMEOUT when the queue has not drained in time (the work goes on; a
// later synchronize may succeed).
ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream, int32_t timeout);
// Waits for every stream (default ones included) of the current context's device.
ACL_FUNC_VISIBILITY aclError aclrtSynchronizeDevice();

// Device memory: 64-byte aligned, fresh bytes 0xFF, guard regions before and after each block.
// size 0, null devPtr or a policy outside aclrtMemMallocPolicy -> ACL_ERROR_INVALID_PARAM; more
// than the emulation may hold (env MC2_DEVICE_MEMORY_LIMIT bytes, default 3/4 of physical
// memory) -> ACL_ERROR_BAD_ALLOC. Needs a current context.
// aclrtFree: null -> ACL_ERROR_INVALID_PARAM; not the start of a live block (double free,
// interior or foreign pointer) -> ACL_ERROR_RT_PARAM_INVALID; guard bytes overwritten (an
// out-of-bounds write) -> ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW, the block released anyway.

ACL_FUNC_VISIBILITY aclError aclrtMalloc(void **devPtr, size_t size, aclrtMemMallocPolicy policy);
ACL_FUNC_VISIBILITY aclError aclrtFree(void *devPtr);
ACL_FUNC_VISIBILITY aclError aclrtMallocHost(void **hostPtr, size_t size);
ACL_FUNC_VISIBILITY aclError aclrtFreeHost(void *hostPtr);
// Checks, first failure wins, all ACL_ERROR_INVALID_PARAM: null dst/src; kind not an
// aclrtMemcpyKind; destMax < count; then (count 0 = success) a device side must lie inside one
// live aclrtMalloc block and a host side must not touch device memory. ACL_MEMCPY_DEFAULT
// infers each side from its address. The async form checks at the call and again when it runs.
ACL_FUNC_VISIBILITY aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                                         aclrtMemcpyKind kind);
ACL_FUNC_VISIBILITY aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src, size_t count,
                                              aclrtMemcpyKind kind, aclrtStream stream);
// Sets `count` bytes of device memory to the low byte of `value` (count > maxCount, null or
// non-device range -> ACL_ERROR_INVALID_PARAM).
ACL_FUNC_VISIBILITY aclError aclrtMemset(void *devPtr, size_t maxCount, int32_t value, size_t count);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACL_ACL_RT_H_
