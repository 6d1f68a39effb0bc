// impl/atbfw/report.cc — ErrorType names and failure messages (see report.h).
#include "atbfw/report.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include "runtime/runtime.h"

namespace mc2::impl::atbfw {

const char *ErrorTypeName(atb::Status status) {
    // By enum position, as include/atb/types.h declares them.
    static const char *const kNames[] = {
        "NO_ERROR",
        "ERROR_INVALID_PARAM",
        "ERROR_INVALID_GRAPH",
        "ERROR_INTERNAL_ERROR",
        "ERROR_RT_FAIL",
        "ERROR_INVALID_IN_TENSOR_NUM",
        "ERROR_INVALID_TENSOR_DTYPE",
        "ERROR_INVALID_TENSOR_FORMAT",
        "ERROR_INVALID_TENSOR_DIM",
        "ERROR_INVALID_TENSOR_SIZE",
        "ERROR_OPERATION_NULL_RUNNER",
        "ERROR_GRAPH_INFERSHAPE_FUNC_FAIL",
        "ERROR_CANN_ERROR",
        "ERROR_INVALID_TENSOR_INI_MATCH",
        "ERROR_INVALID_TENSOR_ADDR",
        "ERROR_INVALID_TENSOR_NUM",
        "ERROR_INVALID_TENSOR_DIM_NUM",
        "ERROR_INVALID_SINGLE_OPERATION_PARAM",
        "ERROR_GRAPH_NODE_RESHAPE_FUNC_FAIL",
        "ERROR_INVALID_GRAPH_NODE_CHUNK",
        "ERROR_INVALID_CONTEXT_ADDR",
        "ERROR_INVALID_STREAM",
        "ERROR_INVALID_WORKSPACE_SIZE",
        "ERROR_INVALID_WORKSPACE_ADDR",
        "ERROR_INVALID_OPERATION_ADDR",
        "ERROR_HCCL_FAIL",
        "ERROR_OUT_OF_DEVICE_MEMORY",
        "ERROR_OUT_OF_HOST_MEMORY",
        "ERROR_COMM_EMPTY",
        "ERROR_COPY_HOST_MEMORY_FAIL",
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == atb::ERROR_COPY_HOST_MEMORY_FAIL + 1);
    if (status >= 0 && status <= atb::ERROR_COPY_HOST_MEMORY_FAIL) return kNames[status];
    thread_local char buf[32];
    std::snprintf(buf, sizeof buf, "ERROR_%d", static_cast<int>(status));
    return buf;
}

atb::Status Fail(atb::Status code, const char *where, const char *fmt, ...) {
    char what[768];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(what, sizeof what, fmt, args);
    va_end(args);
    ReportError("%s: %s (%s)", where, what, ErrorTypeName(code));
    return code;
}

}  // namespace mc2::impl::atbfw
