// tests/runtime/init_device_test.cc — aclInit/aclFinalize lifetime, device count and selection,
// reference-counted reset, run mode, device-wide synchronisation.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "acl/acl.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;

TEST(RuntimeInit, CallsBeforeInitFailUninitialized) {
    void *p = nullptr;
    aclrtStream s = nullptr;
    aclrtContext c = nullptr;
    char buf[4] = {};
    EXPECT_ACL_FAIL(aclrtSetDevice(0), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclrtCreateContext(&c, 0), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclrtCreateStream(&s), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclrtMemcpy(buf, 4, "abc", 4, ACL_MEMCPY_HOST_TO_HOST), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(nullptr), ACL_ERROR_UNINITIALIZE);
    EXPECT_ACL_FAIL(aclFinalize(), ACL_ERROR_UNINITIALIZE);
    // Describing the machine needs no session.
    uint32_t count = 0;
    EXPECT_EQ(aclrtGetDeviceCount(&count), ACL_SUCCESS);
    aclrtRunMode mode = ACL_DEVICE;
    EXPECT_EQ(aclrtGetRunMode(&mode), ACL_SUCCESS);
    EXPECT_EQ(mode, ACL_HOST);
}

TEST(RuntimeInit, RepeatInitFailsAndReinitAfterFinalizeWorks) {
    ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclInit(nullptr), ACL_ERROR_REPEAT_INITIALIZE);
    ASSERT_EQ(aclrtSetDevice(0), ACL_SUCCESS);
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    ASSERT_EQ(aclFinalize(), ACL_SUCCESS);
    ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    // Handles and the current context of the previous session are gone.
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(s), ACL_ERROR_RT_PARAM_INVALID);
    int32_t dev = -1;
    EXPECT_ACL_FAIL(aclrtGetDevice(&dev), ACL_ERROR_RT_CONTEXT_NULL);
    EXPECT_EQ(aclFinalize(), ACL_SUCCESS);
}

TEST(RuntimeInit, ConfigFile) {
    EXPECT_ACL_FAIL(aclInit("/nonexistent/mc2conf/acl.json"), ACL_ERROR_INVALID_FILE);
    std::string path = ::testing::TempDir() + "mc2_acl_config.json";
    std::FILE *f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{}\n", f);
    std::fclose(f);
    EXPECT_EQ(aclInit(path.c_str()), ACL_SUCCESS);
    EXPECT_EQ(aclFinalize(), ACL_SUCCESS);
    std::remove(path.c_str());
}

TEST(RuntimeDevice, CountDefaultAndEnvironment) {
    uint32_t count = 0;
    EXPECT_ACL_FAIL(aclrtGetDeviceCount(nullptr), ACL_ERROR_INVALID_PARAM);
    unsetenv("MC2_DEVICE_COUNT");
    ASSERT_EQ(aclrtGetDeviceCount(&count), ACL_SUCCESS);
    EXPECT_EQ(count, 64u);
    setenv("MC2_DEVICE_COUNT", "4", 1);
    ASSERT_EQ(aclrtGetDeviceCount(&count), ACL_SUCCESS);
    EXPECT_EQ(count, 4u);
    ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    EXPECT_EQ(aclrtSetDevice(3), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtSetDevice(4), ACL_ERROR_RT_INVALID_DEVICEID);
    EXPECT_EQ(aclFinalize(), ACL_SUCCESS);
    for (const char *bad : {"0", "1025", "abc", "8x", ""}) {
        setenv("MC2_DEVICE_COUNT", bad, 1);
        ASSERT_EQ(aclrtGetDeviceCount(&count), ACL_SUCCESS);
        EXPECT_EQ(count, 64u) << "MC2_DEVICE_COUNT=" << bad << " should be ignored";
    }
    setenv("MC2_DEVICE_COUNT", "1024", 1);
    ASSERT_EQ(aclrtGetDeviceCount(&count), ACL_SUCCESS);
    EXPECT_EQ(count, 1024u);
    unsetenv("MC2_DEVICE_COUNT");
}

TEST_F(RuntimeTest, SetAndGetDevice) {
    int32_t dev = -1;
    ASSERT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 0);
    ASSERT_EQ(aclrtSetDevice(7), ACL_SUCCESS);
    ASSERT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 7);
    EXPECT_ACL_FAIL(aclrtSetDevice(-1), ACL_ERROR_RT_INVALID_DEVICEID);
    EXPECT_ACL_FAIL(aclrtSetDevice(64), ACL_ERROR_RT_INVALID_DEVICEID);
    EXPECT_ACL_FAIL(aclrtGetDevice(nullptr), ACL_ERROR_INVALID_PARAM);
    ASSERT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 7) << "a failed aclrtSetDevice must not change the current device";
    // The current device is per thread.
    std::thread([] {
        int32_t d = -1;
        EXPECT_ACL_FAIL(aclrtGetDevice(&d), ACL_ERROR_RT_CONTEXT_NULL);
        EXPECT_EQ(aclrtSetDevice(9), ACL_SUCCESS);
        EXPECT_EQ(aclrtGetDevice(&d), ACL_SUCCESS);
        EXPECT_EQ(d, 9);
    }).join();
    ASSERT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 7);
}

TEST_F(RuntimeTest, ResetDeviceIsReferenceCounted) {
    ASSERT_EQ(aclrtSetDevice(1), ACL_SUCCESS);
    ASSERT_EQ(aclrtSetDevice(1), ACL_SUCCESS);
    aclrtStream s = nullptr;
    ASSERT_EQ(aclrtCreateStream(&s), ACL_SUCCESS);
    ASSERT_EQ(aclrtResetDevice(1), ACL_SUCCESS);
    EXPECT_EQ(aclrtSynchronizeStream(s), ACL_SUCCESS) << "one set is still outstanding";
    int32_t dev = -1;
    EXPECT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    ASSERT_EQ(aclrtResetDevice(1), ACL_SUCCESS);
    // The default context and the streams created on it are released.
    EXPECT_ACL_FAIL(aclrtSynchronizeStream(s), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtGetDevice(&dev), ACL_ERROR_RT_CONTEXT_NULL);
    // A reset without an outstanding set is a no-op; a bad id is still an error.
    EXPECT_EQ(aclrtResetDevice(1), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtResetDevice(-3), ACL_ERROR_RT_INVALID_DEVICEID);
    // Setting the device again gives a fresh default context.
    ASSERT_EQ(aclrtSetDevice(1), ACL_SUCCESS);
    EXPECT_EQ(aclrtGetDevice(&dev), ACL_SUCCESS);
    EXPECT_EQ(dev, 1);
}

TEST_F(RuntimeTest, RunMode) {
    EXPECT_ACL_FAIL(aclrtGetRunMode(nullptr), ACL_ERROR_INVALID_PARAM);
    aclrtRunMode mode = ACL_DEVICE;
    EXPECT_EQ(aclrtGetRunMode(&mode), ACL_SUCCESS);
    EXPECT_EQ(mode, ACL_HOST);
}

TEST_F(RuntimeTest, SynchronizeDeviceWaitsForEveryStream) {
    constexpr size_t kBytes = 1 << 16;
    void *dev = nullptr;
    ASSERT_EQ(aclrtMalloc(&dev, kBytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    std::string src(kBytes, 'x'), dst(kBytes, 0);
    aclrtStream a = nullptr, b = nullptr;
    ASSERT_EQ(aclrtCreateStream(&a), ACL_SUCCESS);
    ASSERT_EQ(aclrtCreateStream(&b), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpyAsync(dev, kBytes, src.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE, a), ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeDevice(), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpyAsync(dst.data(), kBytes, dev, kBytes, ACL_MEMCPY_DEVICE_TO_HOST, b), ACL_SUCCESS);
    ASSERT_EQ(aclrtSynchronizeDevice(), ACL_SUCCESS);
    EXPECT_EQ(dst, src);
    std::thread([] { EXPECT_ACL_FAIL(aclrtSynchronizeDevice(), ACL_ERROR_RT_CONTEXT_NULL); }).join();
    EXPECT_EQ(aclrtFree(dev), ACL_SUCCESS);
}

}  // namespace
