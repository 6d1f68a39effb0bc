// tests/sanitizers/thread_id_reuse_test.cc — LeakSanitizer still sees a stream worker's
// thread_local allocations after the kernel's thread ids have wrapped (ASan builds only).
//
// With clang 14's runtime a joined thread's record keeps its OS thread id, and LeakSanitizer
// finds a live thread's stack and TLS by that id: a thread made after the ids wrap can be read
// through an old joined thread's record, and what only its TLS holds is reported leaked. The
// fuzz campaigns of session 18 reported the GEMM kernel's thread_local scratch of stream workers
// so, with no input that reproduced it. Stream workers are now pooled and detached
// (impl/runtime/stream_workers.h). Without that, stream B below gets a new thread, whose id the
// churn has almost surely used before, and the leak check fails.
#include <gtest/gtest.h>
#include <sanitizer/lsan_interface.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "runtime/runtime.h"

namespace {

constexpr uintptr_t kMask = 0x5a5a5a5a5a5a5a5aULL;
uintptr_t gHidden = 0;  // a live allocation LeakSanitizer cannot see: its address, masked

[[gnu::noinline]] void HideAnAllocation() { gHidden = reinterpret_cast<uintptr_t>(new char[64]) ^ kMask; }
[[gnu::noinline]] void FreeTheHiddenAllocation() { delete[] reinterpret_cast<char *>(gHidden ^ kMask); }

// Runs on a stream's worker: a heap buffer only that thread's TLS points to, as the GEMM
// kernel's scratch is.
aclError HoldInThreadLocal() {
    thread_local std::unique_ptr<std::vector<float>> held;
    held = std::make_unique<std::vector<float>>(24576);
    return ACL_SUCCESS;
}

aclError RunOnNewStream(bool destroy) {
    aclrtStream h = nullptr;
    if (aclError rc = aclrtCreateStream(&h); rc != ACL_SUCCESS) return rc;
    if (aclError rc = mc2::impl::LookupStream(h)->Enqueue(HoldInThreadLocal, "hold"); rc != ACL_SUCCESS) return rc;
    if (aclError rc = aclrtSynchronizeStream(h); rc != ACL_SUCCESS) return rc;
    return destroy ? aclrtDestroyStream(h) : ACL_SUCCESS;
}

TEST(ThreadIdReuse, AStreamMadeAfterTheIdsWrapKeepsItsWorkersTlsVisible) {
    int64_t pidMax = 0;
    std::ifstream("/proc/sys/kernel/pid_max") >> pidMax;
    if (pidMax <= 0 || pidMax > (int64_t{1} << 17)) {
        GTEST_SKIP() << "pid_max " << pidMax << ": wrapping the thread ids would take that many threads";
    }
    // The control: LeakSanitizer runs here and reports what nothing points to.
    HideAnAllocation();
    EXPECT_EQ(__lsan_do_recoverable_leak_check(), 1) << "LeakSanitizer does not check here: this test checks nothing";
    FreeTheHiddenAllocation();

    ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    ASSERT_EQ(aclrtSetDevice(0), ACL_SUCCESS);
    ASSERT_EQ(RunOnNewStream(/*destroy=*/true), ACL_SUCCESS);
    // Joined threads until every id has been handed out again: each leaves a record with its id.
    for (int64_t i = 0; i < pidMax + 1000; ++i) std::thread([] {}).join();
    ASSERT_EQ(RunOnNewStream(/*destroy=*/false), ACL_SUCCESS);
    EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0)
        << "a live stream worker's thread_local buffer was reported leaked (see the report above)";
    EXPECT_EQ(aclFinalize(), ACL_SUCCESS);
}

}  // namespace
