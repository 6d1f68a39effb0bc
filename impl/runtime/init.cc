// impl/runtime/init.cc — aclInit / aclFinalize: the lifetime of the runtime.
//
// aclInit twice without aclFinalize -> ACL_ERROR_REPEAT_INITIALIZE. aclFinalize releases
// everything (drains and stops every stream, destroys every context, resets every device,
// frees every aclrtMalloc/aclrtMallocHost block still live), after which aclInit may be called
// again: a fresh session, in which handles of the previous one stay invalid.
#include <cstdio>
#include <memory>
#include <vector>

#include "runtime/abi_call.h"
#include "runtime/memory.h"
#include "runtime/state.h"
#include "runtime/stream.h"

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath) {
    return AclCall(__func__, [&]() -> aclError {
        if (configPath != nullptr) {
            // CANN reads a JSON file (dump/profiling settings); nothing in it matters to the
            // emulation, but a path that cannot be opened is the documented error.
            std::FILE *f = std::fopen(configPath, "rb");
            if (f == nullptr) {
                ReportError("aclInit: configuration file '%s' cannot be opened", configPath);
                return ACL_ERROR_INVALID_FILE;
            }
            std::fclose(f);
        }
        auto &st = State();
        std::lock_guard lock(st.mu);
        if (st.initialized) {
            ReportError("aclInit: already initialised (call aclFinalize before initialising again)");
            return ACL_ERROR_REPEAT_INITIALIZE;
        }
        st.initialized = true;
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclFinalize() {
    return AclCall(__func__, [&]() -> aclError {
        auto &st = State();
        std::vector<std::shared_ptr<StreamImpl>> streams;
        {
            std::lock_guard lock(st.mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            std::vector<std::shared_ptr<ContextImpl>> contexts;
            for (auto &[h, ctx] : st.contexts) contexts.push_back(ctx);
            for (auto &ctx : contexts) DetachContextLocked(ctx, &streams);
            for (auto &[h, s] : st.streams) streams.push_back(s);  // none left; defensive
            st.streams.clear();
            st.devices.clear();
        }
        // Streams are drained before the runtime is marked uninitialised: their tasks may
        // still call into it. Unreported task errors are not returned: finalisation succeeds.
        ShutdownStreams(streams, __func__);
        TakeThreadErrors();
        {
            std::lock_guard lock(st.mu);
            st.initialized = false;
        }
        ReleaseAllMemory();
        return ACL_SUCCESS;
    });
}
