// impl/ops/common/memory_checks.cc — device-memory checks of the operators (see
// memory_checks.h).
#include "ops/common/memory_checks.h"

#include "ops/common/faults.h"
#include "runtime/memory.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {

bool CheckDeviceMemory(Checker &c, const TensorDesc &t, const char *name) {
    if (!c.ok()) return false;
    // The vendor's op_api checks no data address (issue 13): the vendor-faithful variant (faults.h)
    // leaves it to each run's StillDeviceMemory, at execution.
    if (kVendorFaithful) return true;
    if (t.spanBytes == 0) return true;  // an empty view reads and writes nothing
    if (t.data != nullptr && IsDeviceMemory(t.data, t.spanBytes)) return true;
    return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s data %p (+%llu bytes) is not device memory: %s", name, t.data,
                  static_cast<unsigned long long>(t.spanBytes), ExplainNotDeviceMemory(t.data, t.spanBytes).c_str());
}

bool StillDeviceMemory(std::span<const NamedDesc> tensors, const void *workspace, uint64_t workspaceBytes,
                       std::string *why) {
    for (const auto &[t, name] : tensors) {
        if (t == nullptr || t->spanBytes == 0) continue;
        if (!IsDeviceMemory(t->data, t->spanBytes)) {
            *why = std::string(name) + " memory was freed before the operator ran";
            return false;
        }
    }
    if (workspaceBytes > 0 && !IsDeviceMemory(workspace, workspaceBytes)) {
        *why = "workspace memory was freed before the operator ran";
        return false;
    }
    return true;
}

}  // namespace mc2::impl::ops
