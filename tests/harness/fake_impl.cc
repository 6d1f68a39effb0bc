// tests/harness/fake_impl.cc — a tiny, deliberately bad "implementation" of the ABI, built into
// several shared libraries (FAKE_MODE) to test the harness against what a third-party library
// can do: crash, hang, write garbage, write outputs while refusing, lack an operator, lack a
// required runtime symbol, or refuse every tensor descriptor. One more reports what it sees of
// the environment (MC2_PLATFORM at load and at call). The runtime is trivial: host memory, synchronous streams, one
// number per communicator. It knows nothing of the suite (only include/).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "hccl/hccl.h"

#define FAKE_SEGV 1     // the execute phase dereferences null
#define FAKE_HANG 2     // the execute phase never returns
#define FAKE_GARBAGE 3  // "succeeds" and writes 1.0 everywhere
#define FAKE_NO_OPS 4   // runtime and HCCL only: no operator symbols
#define FAKE_NO_HCCL 5  // lacks HcclCommInitAll
#define FAKE_DIRTY 6    // GetWorkspaceSize writes the output, then refuses with 161002
#define FAKE_ENV 7      // GetWorkspaceSize refuses (161002); its message is MC2_PLATFORM at load and call
#define FAKE_REFUSE 8   // aclCreateTensor refuses every descriptor (nullptr); else like GARBAGE
#define FAKE_LEAKY 9    // GetWorkspaceSize refuses (161002) and leaves the stream failing until destroyed

#ifndef FAKE_MODE
#error "FAKE_MODE must be defined"
#endif

struct aclTensor {
    std::vector<int64_t> dims;
    aclDataType dtype;
    void *data;
};
struct aclOpExecutor {
    const aclTensor *output;
};

namespace {
[[maybe_unused]] int64_t Elements(const aclTensor *t) {
    int64_t n = 1;
    for (int64_t d : t->dims) n *= d;
    return n;
}
[[maybe_unused]] void WriteOnes(const aclTensor *t) {
    if (t == nullptr || t->data == nullptr) return;
    auto *p = static_cast<uint16_t *>(t->data);
    for (int64_t i = 0; i < Elements(t); ++i) p[i] = 0x3C00;  // fp16 1.0
}
int g_context = 0;
int g_stream = 0;
std::atomic<bool> g_stream_failed{false};  // FAKE_LEAKY: state one call leaves for later ones
thread_local std::string g_message;  // aclGetRecentErrMsg's next answer
[[maybe_unused]] std::string PlatformNow() {
    const char *env = std::getenv("MC2_PLATFORM");
    return env != nullptr ? env : "(unset)";
}
#if FAKE_MODE == FAKE_ENV
const std::string g_platform_at_load = PlatformNow();  // dynamic initialisation: at dlopen
#endif
}  // namespace

extern "C" {

aclError aclInit(const char *) { return ACL_SUCCESS; }
aclError aclrtSetDevice(int32_t) { return ACL_SUCCESS; }
aclError aclrtResetDevice(int32_t) { return ACL_SUCCESS; }
aclError aclrtCreateContext(aclrtContext *c, int32_t) {
    *c = &g_context;
    return ACL_SUCCESS;
}
aclError aclrtDestroyContext(aclrtContext) { return ACL_SUCCESS; }
aclError aclrtSetCurrentContext(aclrtContext) { return ACL_SUCCESS; }
aclError aclrtCreateStream(aclrtStream *s) {
    *s = &g_stream;
    return ACL_SUCCESS;
}
aclError aclrtDestroyStream(aclrtStream) {
    g_stream_failed = false;
    return ACL_SUCCESS;
}
aclError aclrtSynchronizeStreamWithTimeout(aclrtStream, int32_t) {
    return g_stream_failed ? ACL_ERROR_RT_INTERNAL_ERROR : ACL_SUCCESS;
}
aclError aclrtMalloc(void **p, size_t size, aclrtMemMallocPolicy) {
    *p = std::malloc(size);
    return *p ? ACL_SUCCESS : ACL_ERROR_BAD_ALLOC;
}
aclError aclrtFree(void *p) {
    std::free(p);
    return ACL_SUCCESS;
}
aclError aclrtMemcpy(void *dst, size_t, const void *src, size_t count, aclrtMemcpyKind) {
    std::memcpy(dst, src, count);
    return ACL_SUCCESS;
}
aclTensor *aclCreateTensor(const int64_t *dims, uint64_t n, aclDataType dtype, const int64_t *, int64_t, aclFormat,
                           const int64_t *, uint64_t, void *data) {
#if FAKE_MODE == FAKE_REFUSE
    (void)dims, (void)n, (void)dtype, (void)data;
    g_message = "fake: every descriptor is refused";
    return nullptr;
#else
    return new (std::nothrow) aclTensor{std::vector<int64_t>(dims, dims + n), dtype, data};
#endif
}
aclnnStatus aclDestroyTensor(const aclTensor *t) {
    delete t;
    return ACLNN_SUCCESS;
}
const char *aclGetRecentErrMsg() {
    thread_local std::string last;
    if (g_message.empty()) return nullptr;
    last = std::move(g_message);
    g_message.clear();
    return last.c_str();
}

#if FAKE_MODE != FAKE_NO_HCCL
HcclResult HcclCommInitAll(uint32_t n, int32_t *, HcclComm *comms) {
    for (uint32_t i = 0; i < n; ++i) comms[i] = reinterpret_cast<HcclComm>(static_cast<uintptr_t>(i + 1));
    return HCCL_SUCCESS;
}
#endif
HcclResult HcclGetCommName(HcclComm comm, char *name) {
    std::strcpy(name, "fake_comm");
    name[9] = static_cast<char>('0' + reinterpret_cast<uintptr_t>(comm) % 10);
    name[10] = '\0';
    return HCCL_SUCCESS;
}
HcclResult HcclCommDestroy(HcclComm) { return HCCL_SUCCESS; }

#if FAKE_MODE != FAKE_NO_OPS
static aclnnStatus Prepare(const aclTensor *output, uint64_t *workspace_size, aclOpExecutor **executor) {
    *workspace_size = 0;
#if FAKE_MODE == FAKE_DIRTY
    (void)executor;
    WriteOnes(output);
    return ACLNN_ERR_PARAM_INVALID;
#elif FAKE_MODE == FAKE_ENV
    (void)output, (void)executor;
    g_message = "MC2_PLATFORM at load=" + g_platform_at_load + " at call=" + PlatformNow();
    return ACLNN_ERR_PARAM_INVALID;
#elif FAKE_MODE == FAKE_LEAKY
    (void)output, (void)executor;
    g_stream_failed = true;
    return ACLNN_ERR_PARAM_INVALID;
#else
    // One executor per thread, reused: the second phase consumes it, and a call whose second
    // phase never comes (the harness judges some refusals on the first phase alone) leaks none.
    static thread_local aclOpExecutor slot{nullptr};
    slot.output = output;
    *executor = &slot;
    return ACLNN_SUCCESS;
#endif
}

static aclnnStatus Execute(aclOpExecutor *executor) {
#if FAKE_MODE == FAKE_SEGV
    volatile uintptr_t address = 0;  // opaque to the compiler: a real invalid access
    *reinterpret_cast<volatile int *>(address) = 1;
#elif FAKE_MODE == FAKE_HANG
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
#endif
    WriteOnes(executor->output);
    return ACLNN_SUCCESS;
}

aclnnStatus aclnnMatmulAllReduceGetWorkspaceSize(const aclTensor *, const aclTensor *, const aclTensor *, const char *,
                                                 const char *, int64_t, int64_t, const aclTensor *output,
                                                 uint64_t *workspace_size, aclOpExecutor **executor) {
    return Prepare(output, workspace_size, executor);
}
aclnnStatus aclnnMatmulAllReduce(void *, uint64_t, aclOpExecutor *executor, aclrtStream) { return Execute(executor); }
aclnnStatus aclnnMatmulAllReduceV2GetWorkspaceSize(const aclTensor *, const aclTensor *, const aclTensor *,
                                                   const aclTensor *, const char *, const char *, int64_t, int64_t,
                                                   const aclTensor *output, uint64_t *workspace_size,
                                                   aclOpExecutor **executor) {
    return Prepare(output, workspace_size, executor);
}
aclnnStatus aclnnMatmulAllReduceV2(void *, uint64_t, aclOpExecutor *executor, aclrtStream) { return Execute(executor); }
#endif

}  // extern "C"
