// tests/runtime/stream_worker_test.cc — streams' worker threads are pooled (stream_workers.h):
// a destroyed stream's worker serves the next stream, starts it clean, and parking is bounded.
// Why they are pooled (thread churn, and LeakSanitizer with reused thread ids) is in that header;
// tests/sanitizers/thread_id_reuse_test.cc checks the second reason under ASan.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/stream_workers.h"
#include "runtime_fixture.h"

namespace {

using mc2::impl::LookupStream;
using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;

long ThreadId() { return syscall(SYS_gettid); }

// The OS thread id a task on `h` runs on; -1 when the task could not run.
long TaskThread(aclrtStream h) {
    long tid = -1;
    mc2::impl::Stream *s = LookupStream(h);
    if (s == nullptr) return -1;
    if (s->Enqueue([&tid] { tid = ThreadId(); return ACL_SUCCESS; }, "tid") != ACL_SUCCESS) return -1;
    if (aclrtSynchronizeStream(h) != ACL_SUCCESS) return -1;
    return tid;
}

TEST_F(RuntimeTest, ADestroyedStreamsWorkerServesTheNextStream) {
    aclrtStream a = nullptr, b = nullptr;
    ASSERT_EQ(aclrtCreateStream(&a), ACL_SUCCESS);
    const long first = TaskThread(a);
    ASSERT_GT(first, 0);
    EXPECT_NE(first, ThreadId());
    ASSERT_EQ(aclrtDestroyStream(a), ACL_SUCCESS);
    ASSERT_EQ(aclrtCreateStream(&b), ACL_SUCCESS);
    EXPECT_EQ(TaskThread(b), first) << "a new thread served the next stream";
    ASSERT_EQ(aclrtDestroyStream(b), ACL_SUCCESS);
}

TEST_F(RuntimeTest, LiveStreamsHaveWorkersOfTheirOwn) {
    std::vector<aclrtStream> streams(4, nullptr);
    std::vector<long> tids;
    for (aclrtStream &s : streams) ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    for (aclrtStream s : streams) tids.push_back(TaskThread(s));
    for (size_t i = 0; i < tids.size(); ++i) {
        ASSERT_GT(tids[i], 0);
        for (size_t j = 0; j < i; ++j) EXPECT_NE(tids[i], tids[j]) << "streams " << i << " and " << j;
    }
    for (aclrtStream s : streams) EXPECT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
}

TEST_F(RuntimeTest, AReusedWorkerStartsInItsNewStreamsContext) {
    aclrtContext own = nullptr, other = nullptr;
    ASSERT_EQ(aclrtGetCurrentContext(&own), ACL_SUCCESS);
    ASSERT_EQ(aclrtSetDevice(1), ACL_SUCCESS);
    ASSERT_EQ(aclrtCreateContext(&other, 1), ACL_SUCCESS);
    ASSERT_EQ(aclrtSetCurrentContext(own), ACL_SUCCESS);

    // A task on the first stream switches its thread to another context and leaves a message.
    aclrtStream a = nullptr;
    ASSERT_EQ(aclrtCreateStream(&a), ACL_SUCCESS);
    long first = -1;
    ASSERT_EQ(LookupStream(a)->Enqueue([&first, other] {
        first = ThreadId();
        mc2::impl::ReportError("left behind by the first stream");
        return aclrtSetCurrentContext(other);
    }, "switch"),
              ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeStream(a), ACL_SUCCESS);
    ASSERT_EQ(aclrtDestroyStream(a), ACL_SUCCESS);

    aclrtStream b = nullptr;
    ASSERT_EQ(aclrtCreateStream(&b), ACL_SUCCESS);
    long second = -1;
    aclrtContext seen = nullptr;
    int32_t device = -2;
    ASSERT_EQ(LookupStream(b)->Enqueue([&] {
        second = ThreadId();
        device = mc2::impl::CurrentDeviceId();
        return aclrtGetCurrentContext(&seen);
    }, "look"),
              ACL_SUCCESS);
    // A task that fails hands its messages to the synchroniser: only its own may be there.
    ASSERT_EQ(LookupStream(b)->Enqueue([] { return ACL_ERROR_RT_AICORE_EXCEPTION; }, "fail"), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(b), ACL_ERROR_RT_AICORE_EXCEPTION);
    const std::string messages = TakeErrMsg();
    EXPECT_EQ(second, first) << "not the same worker: this test checks nothing";
    EXPECT_EQ(seen, own);
    EXPECT_EQ(device, 0);
    EXPECT_EQ(messages.find("left behind"), std::string::npos) << messages;
    ASSERT_EQ(aclrtDestroyStream(b), ACL_SUCCESS);
    ASSERT_EQ(aclrtDestroyContext(other), ACL_SUCCESS);
    ASSERT_EQ(aclrtSetCurrentContext(own), ACL_SUCCESS);
}

TEST_F(RuntimeTest, AStreamDestroyedFromItsOwnTaskFreesItsWorker) {
    aclrtStream a = nullptr;
    ASSERT_EQ(aclrtCreateStream(&a), ACL_SUCCESS);
    // Destroy returns once the worker is parked, so nothing else moves the count now.
    const size_t parked = mc2::impl::ParkedStreamWorkers();
    ASSERT_LT(parked, mc2::impl::kMaxParkedStreamWorkers);
    mc2::impl::Stream *s = LookupStream(a);
    long first = -1;
    aclError inner = -1;
    ASSERT_EQ(s->Enqueue([&, a] {
        first = ThreadId();
        inner = aclrtDestroyStream(a);
        return ACL_SUCCESS;
    }, "self-destroy"),
              ACL_SUCCESS);
    // Nobody waits for this worker: it parks once the task returns, and a stream made before
    // that would find another thread, so wait for it.
    for (int i = 0; i < 5000 && mc2::impl::ParkedStreamWorkers() == parked; ++i) usleep(1000);
    ASSERT_EQ(mc2::impl::ParkedStreamWorkers(), parked + 1);
    ASSERT_EQ(inner, ACL_SUCCESS);
    aclrtStream b = nullptr;
    ASSERT_EQ(aclrtCreateStream(&b), ACL_SUCCESS);
    EXPECT_EQ(TaskThread(b), first);
    ASSERT_EQ(aclrtDestroyStream(b), ACL_SUCCESS);
}

TEST_F(RuntimeTest, ParkedWorkersAreBounded) {
    const size_t n = mc2::impl::kMaxParkedStreamWorkers + 8;
    std::vector<aclrtStream> streams(n, nullptr);
    for (aclrtStream &s : streams) ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    for (aclrtStream s : streams) ASSERT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
    // Destroy returns once its worker is parked or (beyond the bound) on its way out.
    EXPECT_EQ(mc2::impl::ParkedStreamWorkers(), mc2::impl::kMaxParkedStreamWorkers);
}

}  // namespace
