// atb/context.h — the execution context an ATB operation runs in: its stream(s), how Execute
// launches (in one call, or split into pre-launch and launch), and the launch mode. The
// virtual functions are declared in the public ATB header's order, so a Context made by one
// library can be driven through these declarations.
#ifndef MC2_INCLUDE_ATB_CONTEXT_H_
#define MC2_INCLUDE_ATB_CONTEXT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "atb/types.h"

namespace atb {

enum ExecuteType : int {
    EXECUTE_NORMAL = 0,  // Execute checks and launches
    EXECUTE_PRELAUNCH,   // Execute only checks and prepares (first half of a split launch)
    EXECUTE_LAUNCH,      // Execute only launches what the pre-launch prepared
};

enum LaunchMode : int {
    KERNEL_LAUNCH_MODE = 0,  // operations launch one by one
    GRAPH_LAUNCH_MODE,       // whole-graph launch
};

class Context {
public:
    Context() = default;
    virtual ~Context() = default;
    // The stream operations run on (the first of the execute streams).
    virtual Status SetExecuteStream(aclrtStream stream) = 0;
    virtual aclrtStream GetExecuteStream() const = 0;
    virtual Status SetAsyncTilingCopyStatus(bool enable) = 0;
    virtual bool GetAsyncTilingCopyStatus() const = 0;
    // Streams an operation picks from by its stream id (SetExecuteStreamId); at least one.
    virtual Status SetExecuteStreams(const std::vector<aclrtStream> &streams) = 0;
    virtual std::vector<aclrtStream> GetExecuteStreams() = 0;
    virtual Status SetExecuteType(ExecuteType type) = 0;
    virtual ExecuteType GetExecuteType() = 0;
    virtual Status SetLaunchMode(LaunchMode mode) = 0;
    virtual LaunchMode GetLaunchMode() = 0;
};

__attribute__((visibility("default"))) Status CreateContext(Context **context);
// With a host allocator for the context's tiling memory.
__attribute__((visibility("default"))) Status CreateContext(Context **context,
                                                            const std::function<void *(size_t)> &alloc,
                                                            const std::function<void(void *)> &dealloc);
// With the number of host and device tiling blocks.
__attribute__((visibility("default"))) Status CreateContext(Context **context, uint32_t hostTilingBlockNum,
                                                            uint32_t deviceTilingBlockNum);
__attribute__((visibility("default"))) Status DestroyContext(Context *context);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_CONTEXT_H_
