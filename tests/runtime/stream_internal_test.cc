// tests/runtime/stream_internal_test.cc — stream semantics through the internal interface
// (runtime.h, stream.h): task order, the device seen inside tasks, synchronize timeouts, the
// sticky error state and its messages, destroy draining and its bound, guard checks.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime.h"
#include "runtime_fixture.h"

namespace {

using mc2::impl::LookupStream;
using mc2::impl::Stream;
using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;
using Clock = std::chrono::steady_clock;

// A latch a task can block on until the test opens it.
struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
    bool entered = false;
    void Open() {
        std::lock_guard lock(mu);
        open = true;
        cv.notify_all();
    }
    void WaitEntered() {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return entered; });
    }
    aclError Block() {
        std::unique_lock lock(mu);
        entered = true;
        cv.notify_all();
        cv.wait(lock, [&] { return open; });
        return ACL_SUCCESS;
    }
};

class StreamInternalTest : public RuntimeTest {
protected:
    void SetUp() override {
        RuntimeTest::SetUp();
        ASSERT_EQ(aclrtCreateStream(&handle), ACL_SUCCESS);
        stream = LookupStream(handle);
        ASSERT_NE(stream, nullptr);
    }
    aclrtStream handle = nullptr;
    Stream *stream = nullptr;
};

TEST_F(StreamInternalTest, TasksRunInEnqueueOrder) {
    std::vector<int> order;  // touched only by the worker until the sync
    for (int i = 0; i < 2000; ++i) {
        ASSERT_EQ(stream->Enqueue([&order, i] {
            order.push_back(i);
            return ACL_SUCCESS;
        }, "record"),
                  ACL_SUCCESS);
    }
    ASSERT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    ASSERT_EQ(order.size(), 2000u);
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(order[i], i);
}

TEST_F(StreamInternalTest, TasksSeeTheStreamsDevice) {
    ASSERT_EQ(aclrtSetDevice(5), ACL_SUCCESS);
    aclrtStream h5 = nullptr;
    ASSERT_EQ(aclrtCreateStream(&h5), ACL_SUCCESS);
    Stream *s5 = LookupStream(h5);
    ASSERT_NE(s5, nullptr);
    EXPECT_EQ(s5->DeviceId(), 5);
    EXPECT_EQ(mc2::impl::CurrentDeviceId(), 5);
    int seen = -2, seenDefault = -2;
    ASSERT_EQ(s5->Enqueue([&] { seen = mc2::impl::CurrentDeviceId(); return ACL_SUCCESS; }, "device"), ACL_SUCCESS);
    ASSERT_EQ(stream->Enqueue([&] { seenDefault = mc2::impl::CurrentDeviceId(); return ACL_SUCCESS; }, "device"),
              ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeStream(h5), ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    EXPECT_EQ(seen, 5);
    EXPECT_EQ(seenDefault, 0);
    // A thread with no context has no device.
    std::thread([] { EXPECT_EQ(mc2::impl::CurrentDeviceId(), -1); }).join();
}

TEST_F(StreamInternalTest, SyncTimesOutWhileBlockedAndSucceedsAfterRelease) {
    auto gate = std::make_shared<Gate>();
    bool after = false;
    ASSERT_EQ(stream->Enqueue([gate] { return gate->Block(); }, "blocker"), ACL_SUCCESS);
    ASSERT_EQ(stream->Enqueue([&after] { after = true; return ACL_SUCCESS; }, "after"), ACL_SUCCESS);
    gate->WaitEntered();
    auto t0 = Clock::now();
    EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(handle, 50), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
    EXPECT_NE(TakeErrMsg().find("50 ms"), std::string::npos);
    // The work goes on: a second timed wait also times out, nothing was dropped.
    EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(handle, 20), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
    TakeErrMsg();
    gate->Open();
    EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(handle, 10000), ACL_SUCCESS);
    EXPECT_TRUE(after);
}

TEST_F(StreamInternalTest, FailingTaskMakesTheErrorStickyUntilReported) {
    int ran = 0;
    auto count = [&ran] { ++ran; return ACL_SUCCESS; };
    ASSERT_EQ(stream->Enqueue(count, "first"), ACL_SUCCESS);
    ASSERT_EQ(stream->Enqueue([] {
        mc2::impl::ReportError("boom at tile %d", 42);
        return ACL_ERROR_RT_AICORE_EXCEPTION;
    }, "kernel-x"),
              ACL_SUCCESS);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(stream->Enqueue(count, "later"), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_ERROR_RT_AICORE_EXCEPTION);
    std::string msg = TakeErrMsg();
    EXPECT_NE(msg.find("boom at tile 42"), std::string::npos) << msg;
    EXPECT_NE(msg.find("kernel-x"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3 later task(s) skipped"), std::string::npos) << msg;
    EXPECT_EQ(ran, 1) << "tasks behind the failing one must be skipped";
    // Reported once: the stream is usable again.
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
    ASSERT_EQ(stream->Enqueue(count, "again"), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    EXPECT_EQ(ran, 2);
}

TEST_F(StreamInternalTest, ErrorIsDeliveredToWhicheverThreadSynchronizes) {
    ASSERT_EQ(stream->Enqueue([] {
        mc2::impl::ReportError("worker says no");
        return ACL_ERROR_RT_INTERNAL_ERROR;
    }, "failing"),
              ACL_SUCCESS);
    aclrtStream h = handle;
    std::thread([h] {
        EXPECT_EQ(aclrtSynchronizeStream(h), ACL_ERROR_RT_INTERNAL_ERROR);
        EXPECT_NE(TakeErrMsg().find("worker says no"), std::string::npos);
    }).join();
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
}

TEST_F(StreamInternalTest, ExceptionsInTasksBecomeErrors) {
    ASSERT_EQ(stream->Enqueue([]() -> aclError { throw std::runtime_error("kaputt"); }, "thrower"), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_ERROR_RT_INTERNAL_ERROR);
    EXPECT_NE(TakeErrMsg().find("kaputt"), std::string::npos);
    ASSERT_EQ(stream->Enqueue([]() -> aclError { throw std::bad_alloc(); }, "oom"), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_ERROR_BAD_ALLOC);
    EXPECT_NE(TakeErrMsg(), "");
    EXPECT_ACL_FAIL(stream->Enqueue(nullptr, "empty"), ACL_ERROR_INVALID_PARAM);
}

TEST_F(StreamInternalTest, SuccessfulTasksLeaveNoMessages) {
    ASSERT_EQ(stream->Enqueue([] {
        mc2::impl::ReportError("diagnostic of a task that then succeeded");
        return ACL_SUCCESS;
    }, "chatty"),
              ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
}

TEST_F(StreamInternalTest, AsyncCopyFailsWhenItsBlockWasFreedBeforeItRan) {
    void *dev = nullptr;
    ASSERT_EQ(aclrtMalloc(&dev, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    auto gate = std::make_shared<Gate>();
    char host[64] = {};
    ASSERT_EQ(stream->Enqueue([gate] { return gate->Block(); }, "blocker"), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpyAsync(host, 64, dev, 64, ACL_MEMCPY_DEVICE_TO_HOST, handle), ACL_SUCCESS);
    ASSERT_EQ(aclrtFree(dev), ACL_SUCCESS);
    gate->Open();
    EXPECT_EQ(aclrtSynchronizeStream(handle), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_NE(TakeErrMsg().find("aclrtMemcpyAsync"), std::string::npos);
}

TEST_F(StreamInternalTest, DestroyWaitsForTheRunningTask) {
    auto gate = std::make_shared<Gate>();
    bool after = false;
    ASSERT_EQ(stream->Enqueue([gate] { return gate->Block(); }, "blocker"), ACL_SUCCESS);
    ASSERT_EQ(stream->Enqueue([&after] { after = true; return ACL_SUCCESS; }, "after"), ACL_SUCCESS);
    gate->WaitEntered();
    std::thread opener([gate] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        gate->Open();
    });
    EXPECT_EQ(aclrtDestroyStream(handle), ACL_SUCCESS);
    EXPECT_TRUE(after);
    opener.join();
}

TEST_F(StreamInternalTest, DestroyReportsAnUnreportedTaskError) {
    ASSERT_EQ(stream->Enqueue([] { return ACL_ERROR_RT_AICORE_EXCEPTION; }, "failing"), ACL_SUCCESS);
    EXPECT_EQ(aclrtDestroyStream(handle), ACL_ERROR_RT_AICORE_EXCEPTION);
    EXPECT_NE(TakeErrMsg().find("failing"), std::string::npos);
}

TEST_F(StreamInternalTest, DestroyOfAStuckStreamIsBounded) {
    setenv("MC2_STREAM_DESTROY_TIMEOUT_MS", "100", 1);
    auto gate = std::make_shared<Gate>();
    bool dropped = true;
    ASSERT_EQ(stream->Enqueue([gate] { return gate->Block(); }, "stuck"), ACL_SUCCESS);
    ASSERT_EQ(stream->Enqueue([&dropped] { dropped = false; return ACL_SUCCESS; }, "queued"), ACL_SUCCESS);
    gate->WaitEntered();
    auto t0 = Clock::now();
    EXPECT_EQ(aclrtDestroyStream(handle), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
    unsetenv("MC2_STREAM_DESTROY_TIMEOUT_MS");
    EXPECT_NE(TakeErrMsg().find("did not drain"), std::string::npos);
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(handle), ACL_ERROR_RT_PARAM_INVALID);
    gate->Open();  // the abandoned worker finishes on its own
    EXPECT_TRUE(dropped);
}

TEST_F(StreamInternalTest, WaitingOnItselfIsRefused) {
    aclError inner = ACL_SUCCESS;
    aclrtStream h = handle;
    ASSERT_EQ(stream->Enqueue([&inner, h] {
        inner = aclrtSynchronizeStream(h);
        TakeErrMsg();
        return ACL_SUCCESS;
    }, "self-sync"),
              ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeStream(handle), ACL_SUCCESS);
    EXPECT_EQ(inner, ACL_ERROR_INVALID_PARAM);
}

TEST_F(StreamInternalTest, LookupStream) {
    EXPECT_EQ(LookupStream(handle), stream);
    EXPECT_NE(LookupStream(nullptr), nullptr);  // the current context's default stream
    int forged = 0;
    EXPECT_EQ(LookupStream(&forged), nullptr);
    EXPECT_NE(TakeErrMsg(), "");
    std::thread([] {
        EXPECT_EQ(LookupStream(nullptr), nullptr);
        EXPECT_NE(TakeErrMsg(), "");
    }).join();
}

TEST_F(RuntimeTest, DeviceMemoryQueriesAndCheckGuards) {
    void *p = nullptr;
    ASSERT_EQ(aclrtMalloc(&p, 100, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    auto *b = static_cast<uint8_t *>(p);
    EXPECT_TRUE(mc2::impl::IsDeviceMemory(p, 100));
    EXPECT_TRUE(mc2::impl::IsDeviceMemory(b + 99, 1));
    EXPECT_TRUE(mc2::impl::IsDeviceMemory(b + 100, 0));
    EXPECT_FALSE(mc2::impl::IsDeviceMemory(p, 101));
    EXPECT_FALSE(mc2::impl::IsDeviceMemory(b - 1, 1));
    EXPECT_FALSE(mc2::impl::IsDeviceMemory(b + 100, 1));
    EXPECT_FALSE(mc2::impl::IsDeviceMemory(&p, 1));
    EXPECT_TRUE(mc2::impl::CheckGuards(p));
    EXPECT_TRUE(mc2::impl::CheckGuards(b + 50));
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
    b[100] = static_cast<uint8_t>(~b[100]);  // certainly differs from the guard pattern
    EXPECT_FALSE(mc2::impl::CheckGuards(p));
    EXPECT_NE(TakeErrMsg().find("past the end"), std::string::npos);
    int onStack = 0;
    EXPECT_FALSE(mc2::impl::CheckGuards(&onStack));
    EXPECT_NE(TakeErrMsg(), "");
    EXPECT_EQ(aclrtFree(p), ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW);
    TakeErrMsg();
    EXPECT_FALSE(mc2::impl::IsDeviceMemory(p, 1));
}

}  // namespace
