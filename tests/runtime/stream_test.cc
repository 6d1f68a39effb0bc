// tests/runtime/stream_test.cc — streams through the ABI: in-order execution of long
// aclrtMemcpyAsync chains, the default stream, destroy draining the queue, handle validation.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;

std::vector<uint8_t> Pattern(size_t n, unsigned seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + seed * 17 + 3) & 0xFF);
    return v;
}

// Each copy reads what the previous one wrote, so any reordering leaves 0xFF (fresh device
// memory) or an older pattern in the final buffer.
void RunChain(aclrtStream stream, bool destroyInsteadOfSync) {
    constexpr int kHops = 200;
    constexpr size_t kBytes = 4096;
    std::vector<void *> dev(kHops + 1);
    for (auto &p : dev) ASSERT_EQ(aclrtMalloc(&p, kBytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    // Overwrite dev[0] many times: only the last write may survive.
    std::vector<std::vector<uint8_t>> sources;
    for (unsigned k = 0; k < 50; ++k) sources.push_back(Pattern(kBytes, k));
    for (auto &src : sources) {
        ASSERT_EQ(aclrtMemcpyAsync(dev[0], kBytes, src.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE, stream), ACL_SUCCESS);
    }
    for (int i = 0; i < kHops; ++i) {
        ASSERT_EQ(aclrtMemcpyAsync(dev[i + 1], kBytes, dev[i], kBytes, ACL_MEMCPY_DEVICE_TO_DEVICE, stream),
                  ACL_SUCCESS);
    }
    std::vector<uint8_t> out(kBytes, 0);
    ASSERT_EQ(aclrtMemcpyAsync(out.data(), kBytes, dev[kHops], kBytes, ACL_MEMCPY_DEVICE_TO_HOST, stream), ACL_SUCCESS);
    if (destroyInsteadOfSync) {
        ASSERT_EQ(aclrtDestroyStream(stream), ACL_SUCCESS);
    } else {
        ASSERT_EQ(aclrtSynchronizeStream(stream), ACL_SUCCESS);
    }
    EXPECT_EQ(out, sources.back());
    for (auto p : dev) EXPECT_EQ(aclrtFree(p), ACL_SUCCESS);
}

TEST_F(RuntimeTest, MemcpyAsyncChainRunsInOrder) {
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    RunChain(s, false);
    EXPECT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
}

TEST_F(RuntimeTest, NullStreamIsTheDefaultStream) { RunChain(nullptr, false); }

TEST_F(RuntimeTest, DestroyDrainsQueuedWork) {
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    RunChain(s, true);
}

TEST_F(RuntimeTest, StreamsOfSeveralThreadsRunIndependently) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
            ASSERT_EQ(aclrtSetDevice(t), ACL_SUCCESS);
            aclrtStream s = nullptr;
            ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
            RunChain(s, false);
            EXPECT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
            EXPECT_EQ(aclrtResetDevice(t), ACL_SUCCESS);
        });
    }
    for (auto &th : threads) th.join();
}

TEST_F(RuntimeTest, StreamHandleErrors) {
    EXPECT_ACL_FAIL(aclrtCreateStream(nullptr), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtDestroyStream(nullptr), ACL_ERROR_INVALID_PARAM);
    int forged = 0;
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(&forged), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtDestroyStream(&forged), ACL_ERROR_RT_PARAM_INVALID);
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtSynchronizeStreamWithTimeout(s, 0), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtSynchronizeStreamWithTimeout(s, -2), ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(s, -1), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStreamWithTimeout(s, 1000), ACL_SUCCESS);
    ASSERT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
    // A destroyed handle is refused by every call that takes one.
    EXPECT_ACL_FAIL(aclrtDestroyStream(s), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(s), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtSynchronizeStreamWithTimeout(s, 100), ACL_ERROR_RT_PARAM_INVALID);
    char a[8] = {}, b[8] = {};
    EXPECT_ACL_FAIL(aclrtMemcpyAsync(a, 8, b, 8, ACL_MEMCPY_HOST_TO_HOST, s), ACL_ERROR_RT_PARAM_INVALID);
    // Without a current context there is neither a default stream nor a place to create one.
    std::thread([] {
        aclrtStream t = nullptr;
        EXPECT_ACL_FAIL(aclrtCreateStream(&t), ACL_ERROR_RT_CONTEXT_NULL);
        EXPECT_ACL_FAIL(aclrtSynchronizeStream(nullptr), ACL_ERROR_RT_CONTEXT_NULL);
        char x[8] = {}, y[8] = {};
        EXPECT_ACL_FAIL(aclrtMemcpyAsync(x, 8, y, 8, ACL_MEMCPY_HOST_TO_HOST, nullptr), ACL_ERROR_RT_CONTEXT_NULL);
    }).join();
}

TEST_F(RuntimeTest, StreamCreatedInOneThreadUsedInAnother) {
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    aclrtContext ctx = nullptr;
    ASSERT_EQ(aclrtGetCurrentContext(&ctx), ACL_SUCCESS);
    std::thread([s, ctx] {
        ASSERT_EQ(aclrtSetCurrentContext(ctx), ACL_SUCCESS);  // for aclrtMalloc
        RunChain(s, false);
    }).join();
    EXPECT_EQ(aclrtDestroyStream(s), ACL_SUCCESS);
}

}  // namespace
