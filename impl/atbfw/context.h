// impl/atbfw/context.h — the library's atb::Context: the execute streams, the execute type
// (normal, or pre-launch + launch) and the launch mode an operation reads at Setup/Execute.
// Contexts are tracked while alive, so an operation can refuse a destroyed or foreign context
// with ERROR_INVALID_PARAM instead of calling through a dangling pointer.
#ifndef MC2_IMPL_ATBFW_CONTEXT_H_
#define MC2_IMPL_ATBFW_CONTEXT_H_

#include <mutex>
#include <vector>

#include "atb/context.h"

namespace mc2::impl::atbfw {

class ContextImpl final : public atb::Context {
public:
    atb::Status SetExecuteStream(aclrtStream stream) override;
    aclrtStream GetExecuteStream() const override;
    // No tiling copies exist in this emulation: the flag is only remembered.
    atb::Status SetAsyncTilingCopyStatus(bool enable) override;
    bool GetAsyncTilingCopyStatus() const override;
    atb::Status SetExecuteStreams(const std::vector<aclrtStream> &streams) override;
    std::vector<aclrtStream> GetExecuteStreams() override;
    atb::Status SetExecuteType(atb::ExecuteType type) override;
    atb::ExecuteType GetExecuteType() override;
    // Both modes launch operation by operation here (no graph capture); the mode is remembered.
    atb::Status SetLaunchMode(atb::LaunchMode mode) override;
    atb::LaunchMode GetLaunchMode() override;

    // The stream an operation with this stream id runs on; nullptr when none is set.
    aclrtStream StreamFor(uint32_t streamId) const;

private:
    mutable std::mutex mu_;  // a context may be shared by threads (one rank each)
    std::vector<aclrtStream> streams_{nullptr};
    bool asyncTilingCopy_ = false;
    atb::ExecuteType executeType_ = atb::EXECUTE_NORMAL;
    atb::LaunchMode launchMode_ = atb::KERNEL_LAUNCH_MODE;
};

// `context` as this library's context, or nullptr when it is not a live one made by
// CreateContext (never dereferenced in that case).
ContextImpl *LiveContext(atb::Context *context);

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_CONTEXT_H_
