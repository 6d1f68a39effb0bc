// tests/runtime/runtime_fixture.h — shared helpers of the runtime tests: a fixture that runs
// each test in a fresh aclInit session with device 0 set, and checks on aclGetRecentErrMsg.
#ifndef MC2_TESTS_RUNTIME_RUNTIME_FIXTURE_H_
#define MC2_TESTS_RUNTIME_RUNTIME_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "acl/acl.h"

namespace mc2::test {

// Returns this thread's pending error messages ("" when none) and checks that reading them
// cleared them.
inline std::string TakeErrMsg() {
    const char *m = aclGetRecentErrMsg();
    if (m == nullptr) return "";
    std::string s = m;
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr) << "aclGetRecentErrMsg did not clear the messages";
    return s;
}

class RuntimeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
        ASSERT_EQ(aclrtSetDevice(0), ACL_SUCCESS);
        TakeErrMsg();
    }
    void TearDown() override {
        EXPECT_EQ(aclFinalize(), ACL_SUCCESS);
        aclGetRecentErrMsg();
    }
};

}  // namespace mc2::test

// `call` fails with exactly `code` and leaves a message for aclGetRecentErrMsg.
#define EXPECT_ACL_FAIL(call, code)                                                  \
    do {                                                                             \
        EXPECT_EQ((call), (code)) << #call;                                          \
        EXPECT_NE(::mc2::test::TakeErrMsg(), "") << "no error message after " #call; \
    } while (0)

#endif  // MC2_TESTS_RUNTIME_RUNTIME_FIXTURE_H_
