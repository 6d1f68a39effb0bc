// tests/runtime/context_test.cc — explicit contexts, the per-thread current context, handle
// validation, and the CANN example pattern: one thread per device, each with its own context
// and stream.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;

TEST_F(RuntimeTest, CreateContextMakesItCurrent) {
    aclrtContext ctx = nullptr, cur = nullptr;
    ASSERT_EQ(aclrtCreateContext(&ctx, 2), ACL_SUCCESS);
    ASSERT_NE(ctx, nullptr);
    ASSERT_EQ(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
    EXPECT_EQ(cur, ctx);
    int32_t dev = -1;
    ASSERT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 2);
    // Another thread has no current context until it sets one.
    std::thread([ctx] {
        aclrtContext c = reinterpret_cast<aclrtContext>(1);
        EXPECT_ACL_FAIL(aclrtGetCurrentContext(&c), ACL_ERROR_RT_CONTEXT_NULL);
        EXPECT_EQ(c, nullptr);
        EXPECT_EQ(aclrtSetCurrentContext(ctx), ACL_SUCCESS);
        EXPECT_EQ(aclrtGetCurrentContext(&c), ACL_SUCCESS);
        EXPECT_EQ(c, ctx);
    }).join();
    ASSERT_EQ(aclrtDestroyContext(ctx), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtGetCurrentContext(&cur), ACL_ERROR_RT_CONTEXT_NULL);
}

TEST_F(RuntimeTest, ContextArgumentErrors) {
    aclrtContext ctx = nullptr;
    EXPECT_ACL_FAIL(aclrtCreateContext(nullptr, 0), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtCreateContext(&ctx, 64), ACL_ERROR_RT_INVALID_DEVICEID);
    EXPECT_ACL_FAIL(aclrtCreateContext(&ctx, -1), ACL_ERROR_RT_INVALID_DEVICEID);
    EXPECT_ACL_FAIL(aclrtDestroyContext(nullptr), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtSetCurrentContext(nullptr), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtGetCurrentContext(nullptr), ACL_ERROR_INVALID_PARAM);
    int forged = 0;
    EXPECT_ACL_FAIL(aclrtSetCurrentContext(&forged), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtDestroyContext(&forged), ACL_ERROR_RT_PARAM_INVALID);
    // The default context belongs to aclrtSetDevice/aclrtResetDevice.
    aclrtContext def = nullptr;
    ASSERT_EQ(aclrtGetCurrentContext(&def), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtDestroyContext(def), ACL_ERROR_INVALID_PARAM);
    ASSERT_EQ(aclrtCreateContext(&ctx, 1), ACL_SUCCESS);
    ASSERT_EQ(aclrtDestroyContext(ctx), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtDestroyContext(ctx), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtSetCurrentContext(ctx), ACL_ERROR_RT_PARAM_INVALID);
}

TEST_F(RuntimeTest, DestroyContextReleasesItsStreams) {
    aclrtContext ctx = nullptr;
    ASSERT_EQ(aclrtCreateContext(&ctx, 3), ACL_SUCCESS);
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeStream(nullptr), ACL_SUCCESS);  // the context's default stream
    ASSERT_EQ(aclrtDestroyContext(ctx), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(s), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtDestroyStream(s), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(nullptr), ACL_ERROR_RT_CONTEXT_NULL);
}

// The shape of the CANN multi-device examples: the main thread sets every device and creates a
// context and a stream per device; one thread per device makes its context current, moves data
// through device memory on its stream and releases its resources.
TEST_F(RuntimeTest, OneThreadPerDevice) {
    constexpr int kDevices = 4;
    constexpr size_t kCount = 4096;
    std::vector<aclrtContext> contexts(kDevices);
    std::vector<aclrtStream> streams(kDevices);
    for (int d = 0; d < kDevices; ++d) {
        ASSERT_EQ(aclrtSetDevice(d), ACL_SUCCESS);
        ASSERT_EQ(aclrtCreateContext(&contexts[d], d), ACL_SUCCESS);
        ASSERT_EQ(aclrtCreateStream(&streams[d]), ACL_SUCCESS);
    }
    std::vector<int> failures(kDevices, 0);
    std::vector<std::thread> threads;
    for (int d = 0; d < kDevices; ++d) {
        threads.emplace_back([&, d] {
            auto check = [&](bool ok) { failures[d] += ok ? 0 : 1; };
            check(aclrtSetCurrentContext(contexts[d]) == ACL_SUCCESS);
            int32_t dev = -1;
            check(aclrtGetDevice(&dev) == ACL_SUCCESS && dev == d);
            std::vector<int32_t> host(kCount), back(kCount, 0);
            for (size_t i = 0; i < kCount; ++i) host[i] = static_cast<int32_t>(i * 7 + d);
            size_t bytes = kCount * sizeof(int32_t);
            void *a = nullptr, *b = nullptr;
            check(aclrtMalloc(&a, bytes, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS);
            check(aclrtMalloc(&b, bytes, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS);
            check(aclrtMemcpy(a, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE) == ACL_SUCCESS);
            check(aclrtMemcpyAsync(b, bytes, a, bytes, ACL_MEMCPY_DEVICE_TO_DEVICE, streams[d]) == ACL_SUCCESS);
            check(aclrtMemcpyAsync(back.data(), bytes, b, bytes, ACL_MEMCPY_DEVICE_TO_HOST, streams[d]) ==
                  ACL_SUCCESS);
            check(aclrtSynchronizeStreamWithTimeout(streams[d], 10000) == ACL_SUCCESS);
            check(back == host);
            check(aclrtFree(a) == ACL_SUCCESS);
            check(aclrtFree(b) == ACL_SUCCESS);
            check(aclrtDestroyStream(streams[d]) == ACL_SUCCESS);
            check(aclrtDestroyContext(contexts[d]) == ACL_SUCCESS);
            check(aclrtResetDevice(d) == ACL_SUCCESS);
        });
    }
    for (auto &t : threads) t.join();
    for (int d = 0; d < kDevices; ++d) EXPECT_EQ(failures[d], 0) << "device " << d;
}

}  // namespace
