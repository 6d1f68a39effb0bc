// tests/runtime/memory_test.cc — aclrtMalloc/aclrtFree (alignment, fresh contents, argument
// errors, double and wild frees, guard-region detection), aclrtMallocHost/aclrtFreeHost.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "acl/acl.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::RuntimeTest;
using mc2::test::TakeErrMsg;

std::string PtrText(const void *p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%p", p);
    return buf;
}

TEST_F(RuntimeTest, MallocIsAlignedAndFreshBytesAreAllOnes) {
    for (size_t size : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}, size_t{1} << 20}) {
        void *p = nullptr;
        ASSERT_EQ(aclrtMalloc(&p, size, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << size;
        const auto *b = static_cast<const uint8_t *>(p);
        EXPECT_EQ(b[0], 0xFF);
        EXPECT_EQ(b[size - 1], 0xFF);
        EXPECT_EQ(aclrtFree(p), ACL_SUCCESS) << size;
        EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
    }
}

TEST_F(RuntimeTest, MallocArgumentErrors) {
    void *p = reinterpret_cast<void *>(1);
    EXPECT_ACL_FAIL(aclrtMalloc(nullptr, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(p, nullptr);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, 16, static_cast<aclrtMemMallocPolicy>(6)), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, 16, static_cast<aclrtMemMallocPolicy>(-1)), ACL_ERROR_INVALID_PARAM);
    for (int policy = 0; policy <= 5; ++policy) {
        ASSERT_EQ(aclrtMalloc(&p, 16, static_cast<aclrtMemMallocPolicy>(policy)), ACL_SUCCESS) << policy;
        EXPECT_EQ(aclrtFree(p), ACL_SUCCESS);
    }
    EXPECT_ACL_FAIL(aclrtMalloc(&p, SIZE_MAX, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_BAD_ALLOC);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, SIZE_MAX / 2, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_BAD_ALLOC);
    EXPECT_ACL_FAIL(aclrtMalloc(&p, size_t{1} << 50, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_BAD_ALLOC);
    std::thread([] {
        void *q = nullptr;
        EXPECT_ACL_FAIL(aclrtMalloc(&q, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_RT_CONTEXT_NULL);
    }).join();
}

TEST_F(RuntimeTest, FreeErrorsAreReportedNotCrashes) {
    EXPECT_ACL_FAIL(aclrtFree(nullptr), ACL_ERROR_INVALID_PARAM);
    void *p = nullptr;
    ASSERT_EQ(aclrtMalloc(&p, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    EXPECT_EQ(aclrtFree(static_cast<char *>(p) + 8), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_NE(TakeErrMsg().find("points inside"), std::string::npos);
    ASSERT_EQ(aclrtFree(p), ACL_SUCCESS);
    EXPECT_EQ(aclrtFree(p), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_NE(TakeErrMsg().find("already freed"), std::string::npos);
    int onStack = 0;
    EXPECT_ACL_FAIL(aclrtFree(&onStack), ACL_ERROR_RT_PARAM_INVALID);
}

TEST_F(RuntimeTest, WriteOnePastTheEndIsDetectedAtFree) {
    for (size_t size : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}}) {
        void *p = nullptr;
        ASSERT_EQ(aclrtMalloc(&p, size, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        static_cast<uint8_t *>(p)[size - 1] = 0x42;  // in bounds: fine
        static_cast<uint8_t *>(p)[size] = 0x42;      // one past the end
        EXPECT_EQ(aclrtFree(p), ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW) << size;
        std::string msg = TakeErrMsg();
        EXPECT_NE(msg.find(PtrText(p)), std::string::npos) << msg;
        EXPECT_NE(msg.find("past the end"), std::string::npos) << msg;
        EXPECT_NE(msg.find("+" + std::to_string(size)), std::string::npos) << msg;
        // The block was released all the same.
        EXPECT_ACL_FAIL(aclrtFree(p), ACL_ERROR_RT_PARAM_INVALID);
    }
}

TEST_F(RuntimeTest, WriteBeforeTheStartIsDetectedAtFree) {
    void *p = nullptr;
    ASSERT_EQ(aclrtMalloc(&p, 128, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    static_cast<uint8_t *>(p)[-1] = 0;
    EXPECT_EQ(aclrtFree(p), ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW);
    std::string msg = TakeErrMsg();
    EXPECT_NE(msg.find("before the start"), std::string::npos) << msg;
}

TEST_F(RuntimeTest, HostMemory) {
    void *h = nullptr;
    EXPECT_ACL_FAIL(aclrtMallocHost(nullptr, 16), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMallocHost(&h, 0), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMallocHost(&h, SIZE_MAX), ACL_ERROR_BAD_ALLOC);
    ASSERT_EQ(aclrtMallocHost(&h, 1000), ACL_SUCCESS);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(h) % 64, 0u);
    static_cast<char *>(h)[999] = 1;
    void *d = nullptr;
    ASSERT_EQ(aclrtMalloc(&d, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtFree(h), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtFreeHost(d), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtFreeHost(nullptr), ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(aclrtFreeHost(h), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtFreeHost(h), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_EQ(aclrtFree(d), ACL_SUCCESS);
}

TEST_F(RuntimeTest, FinalizeReleasesLiveBlocks) {
    void *d = nullptr, *h = nullptr;
    ASSERT_EQ(aclrtMalloc(&d, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    ASSERT_EQ(aclrtMallocHost(&h, 64), ACL_SUCCESS);
    ASSERT_EQ(aclFinalize(), ACL_SUCCESS);
    ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtFree(d), ACL_ERROR_RT_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclrtFreeHost(h), ACL_ERROR_RT_PARAM_INVALID);
}

}  // namespace
