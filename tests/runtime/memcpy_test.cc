// tests/runtime/memcpy_test.cc — aclrtMemcpy for every kind (data and exact error codes for
// wrong kinds, short destinations, out-of-range device ranges, null pointers) and aclrtMemset.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "acl/acl.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::TakeErrMsg;

constexpr size_t kBytes = 256;

class MemcpyTest : public mc2::test::RuntimeTest {
protected:
    void SetUp() override {
        RuntimeTest::SetUp();
        ASSERT_EQ(aclrtMalloc(&devA, kBytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclrtMalloc(&devB, kBytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        for (size_t i = 0; i < kBytes; ++i) hostA[i] = static_cast<uint8_t>(i ^ 0x5A);
    }
    void TearDown() override {
        EXPECT_EQ(aclrtFree(devA), ACL_SUCCESS);
        EXPECT_EQ(aclrtFree(devB), ACL_SUCCESS);
        RuntimeTest::TearDown();
    }
    void *devA = nullptr;
    void *devB = nullptr;
    std::vector<uint8_t> hostA = std::vector<uint8_t>(kBytes);
    std::vector<uint8_t> hostB = std::vector<uint8_t>(kBytes, 0);
};

TEST_F(MemcpyTest, EveryKindMovesTheBytes) {
    ASSERT_EQ(aclrtMemcpy(devA, kBytes, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(devB, kBytes, devA, kBytes, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(hostB.data(), kBytes, devB, kBytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
    EXPECT_EQ(hostB, hostA);
    std::vector<uint8_t> hostC(kBytes, 0);
    ASSERT_EQ(aclrtMemcpy(hostC.data(), kBytes, hostB.data(), kBytes, ACL_MEMCPY_HOST_TO_HOST), ACL_SUCCESS);
    EXPECT_EQ(hostC, hostA);
    // Partial copies at offsets inside an allocation.
    ASSERT_EQ(aclrtMemcpy(static_cast<uint8_t *>(devA) + 16, kBytes - 16, hostA.data(), kBytes - 16,
                          ACL_MEMCPY_HOST_TO_DEVICE),
              ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(hostB.data(), kBytes, devA, kBytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
    EXPECT_EQ(std::memcmp(hostB.data() + 16, hostA.data(), kBytes - 16), 0);
    EXPECT_EQ(std::memcmp(hostB.data(), hostA.data(), 16), 0);
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
}

TEST_F(MemcpyTest, DefaultKindInfersEachSide) {
    std::vector<uint8_t> out(kBytes, 0), out2(kBytes, 0);
    ASSERT_EQ(aclrtMemcpy(devA, kBytes, hostA.data(), kBytes, ACL_MEMCPY_DEFAULT), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(devB, kBytes, devA, kBytes, ACL_MEMCPY_DEFAULT), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(out.data(), kBytes, devB, kBytes, ACL_MEMCPY_DEFAULT), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(out2.data(), kBytes, out.data(), kBytes, ACL_MEMCPY_DEFAULT), ACL_SUCCESS);
    EXPECT_EQ(out2, hostA);
    // A device side that does not fit its allocation is still an error.
    EXPECT_ACL_FAIL(aclrtMemcpy(out.data(), kBytes, static_cast<uint8_t *>(devB) + 1, kBytes, ACL_MEMCPY_DEFAULT),
                    ACL_ERROR_INVALID_PARAM);
}

TEST_F(MemcpyTest, WrongKindIsInvalidParam) {
    uint8_t *h = hostA.data(), *h2 = hostB.data();
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, h, kBytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes, devB, kBytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, h, kBytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes, devB, kBytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes, h, kBytes, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, devA, kBytes, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes, h, kBytes, ACL_MEMCPY_HOST_TO_HOST), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, devA, kBytes, ACL_MEMCPY_HOST_TO_HOST), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, h, kBytes, static_cast<aclrtMemcpyKind>(5)), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(h2, kBytes, h, kBytes, static_cast<aclrtMemcpyKind>(-1)), ACL_ERROR_INVALID_PARAM);
    // A host range that runs into a device block's guard is not host memory either.
    EXPECT_ACL_FAIL(aclrtMemcpy(static_cast<uint8_t *>(devA) - 8, 8, h, 8, ACL_MEMCPY_HOST_TO_HOST),
                    ACL_ERROR_INVALID_PARAM);
}

TEST_F(MemcpyTest, SizeAndRangeErrors) {
    uint8_t *d = static_cast<uint8_t *>(devA);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes - 1, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(d + 1, kBytes, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE),
                    ACL_ERROR_INVALID_PARAM);
    std::vector<uint8_t> big(kBytes + 1);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes + 1, big.data(), kBytes + 1, ACL_MEMCPY_HOST_TO_DEVICE),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(big.data(), kBytes + 1, devA, kBytes + 1, ACL_MEMCPY_DEVICE_TO_HOST),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(d - 1, kBytes, hostA.data(), 1, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    // A copy may not span two allocations even if they happen to be adjacent.
    EXPECT_ACL_FAIL(aclrtMemcpy(devB, 2 * kBytes, devA, 2 * kBytes, ACL_MEMCPY_DEVICE_TO_DEVICE),
                    ACL_ERROR_INVALID_PARAM);
    // Exactly to the end is fine.
    EXPECT_EQ(aclrtMemcpy(d + kBytes - 1, 1, hostA.data(), 1, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
    // Freed memory is no longer device memory.
    void *gone = nullptr;
    ASSERT_EQ(aclrtMalloc(&gone, kBytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    ASSERT_EQ(aclrtFree(gone), ACL_SUCCESS);
    EXPECT_ACL_FAIL(aclrtMemcpy(hostB.data(), kBytes, gone, kBytes, ACL_MEMCPY_DEVICE_TO_HOST),
                    ACL_ERROR_INVALID_PARAM);
}

TEST_F(MemcpyTest, NullPointersAndZeroCount) {
    EXPECT_ACL_FAIL(aclrtMemcpy(nullptr, kBytes, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(devA, kBytes, nullptr, kBytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpy(nullptr, 0, nullptr, 0, ACL_MEMCPY_HOST_TO_HOST), ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(aclrtMemcpy(devA, kBytes, hostA.data(), 0, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
    EXPECT_EQ(aclrtMemcpy(devA, 0, hostA.data(), 0, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS)
        << "nothing is checked beyond the pointers, kind and destMax when count is 0";
    EXPECT_EQ(aclrtMemcpyAsync(devA, kBytes, hostA.data(), 0, ACL_MEMCPY_HOST_TO_DEVICE, nullptr), ACL_SUCCESS);
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
}

TEST_F(MemcpyTest, AsyncValidatesAtTheCall) {
    EXPECT_ACL_FAIL(aclrtMemcpyAsync(hostB.data(), kBytes, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE, nullptr),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpyAsync(devA, kBytes - 1, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE, nullptr),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemcpyAsync(nullptr, kBytes, hostA.data(), kBytes, ACL_MEMCPY_HOST_TO_DEVICE, nullptr),
                    ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(aclrtSynchronizeStream(nullptr), ACL_SUCCESS);
}

TEST_F(MemcpyTest, Memset) {
    uint8_t *d = static_cast<uint8_t *>(devA);
    ASSERT_EQ(aclrtMemset(devA, kBytes, 0x1234, kBytes), ACL_SUCCESS);  // low byte only
    ASSERT_EQ(aclrtMemset(d + 10, kBytes - 10, 0, 5), ACL_SUCCESS);
    ASSERT_EQ(aclrtMemcpy(hostB.data(), kBytes, devA, kBytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
    for (size_t i = 0; i < kBytes; ++i) EXPECT_EQ(hostB[i], (i >= 10 && i < 15) ? 0 : 0x34) << i;
    EXPECT_ACL_FAIL(aclrtMemset(nullptr, kBytes, 0, kBytes), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemset(devA, kBytes - 1, 0, kBytes), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemset(d + 1, kBytes, 0, kBytes), ACL_ERROR_INVALID_PARAM);
    EXPECT_ACL_FAIL(aclrtMemset(hostA.data(), kBytes, 0, kBytes), ACL_ERROR_INVALID_PARAM);
    EXPECT_EQ(aclrtMemset(devA, kBytes, 0, 0), ACL_SUCCESS);
}

}  // namespace
