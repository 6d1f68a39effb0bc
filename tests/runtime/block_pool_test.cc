// tests/runtime/block_pool_test.cc — the idle-block pool behind aclrtMalloc (impl/runtime/
// block_pool.h): blocks come back by size class, oldest first, only while the pool is on and
// under its cap, and (under ASan) an idle block is poisoned while a handed-out one is
// addressable exactly up to what was asked for.
#include "runtime/block_pool.h"

#include <gtest/gtest.h>

#include <cstring>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MC2_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MC2_TEST_ASAN 1
#endif
#ifdef MC2_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mc2::impl {
namespace {

class BlockPoolTest : public ::testing::Test {
protected:
    void SetUp() override { BlockPoolSetLimit(size_t{1} << 20); }
    void TearDown() override { BlockPoolSetLimit(0); }
};

TEST_F(BlockPoolTest, ABlockComesBackForTheSameSizeClass) {
    size_t cap = 0;
    uint8_t *a = BlockAcquire(1000, &cap);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(cap, 1024u);
    std::memset(a, 0x5A, 1000);
    BlockRelease(a, cap);
    size_t cap2 = 0;
    uint8_t *b = BlockAcquire(900, &cap2);
    EXPECT_EQ(b, a);
    EXPECT_EQ(cap2, 1024u);
    BlockRelease(b, cap2);
}

TEST_F(BlockPoolTest, TheOldestIdleBlockIsReusedFirst) {
    size_t ca = 0, cb = 0;
    uint8_t *a = BlockAcquire(4000, &ca);
    uint8_t *b = BlockAcquire(4000, &cb);
    ASSERT_NE(a, b);
    BlockRelease(a, ca);
    BlockRelease(b, cb);
    size_t c1 = 0, c2 = 0;
    uint8_t *first = BlockAcquire(4000, &c1);
    uint8_t *second = BlockAcquire(4000, &c2);
    EXPECT_EQ(first, a);   // freed longest ago
    EXPECT_EQ(second, b);  // the block freed last stayed idle longest
    BlockRelease(first, c1);
    BlockRelease(second, c2);
}

TEST_F(BlockPoolTest, OffMeansExactSizesAndNoReuseBookkeeping) {
    BlockPoolSetLimit(0);
    size_t cap = 0;
    uint8_t *a = BlockAcquire(1000, &cap);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(cap, 1024u - 0u);  // rounded to 64 bytes, which 1000 -> 1024 also is
    size_t cap2 = 0;
    uint8_t *b = BlockAcquire(1100, &cap2);
    EXPECT_EQ(cap2, 1152u);  // no power-of-two class while the pool is off
    BlockRelease(a, cap);
    BlockRelease(b, cap2);
}

TEST_F(BlockPoolTest, IdleBytesStayUnderTheCap) {
    BlockPoolSetLimit(1024);
    size_t ca = 0, cb = 0;
    uint8_t *a = BlockAcquire(1024, &ca);
    uint8_t *b = BlockAcquire(1024, &cb);
    BlockRelease(a, ca);
    BlockRelease(b, cb);  // over the cap: freed, not kept
    size_t c1 = 0, c2 = 0;
    uint8_t *first = BlockAcquire(1024, &c1);
    EXPECT_EQ(first, a);
    uint8_t *second = BlockAcquire(1024, &c2);  // a new block (b's memory may come back from malloc)
    ASSERT_NE(second, nullptr);
    BlockRelease(first, c1);
    BlockRelease(second, c2);
}

#ifdef MC2_TEST_ASAN
TEST_F(BlockPoolTest, AnIdleBlockIsPoisonedAndAHandedOutOneOnlyUpToItsSize) {
    size_t cap = 0;
    uint8_t *a = BlockAcquire(1000, &cap);
    EXPECT_EQ(__asan_region_is_poisoned(a, 1000), nullptr);
    EXPECT_TRUE(__asan_address_is_poisoned(a + 1000));  // the rest of the class
    BlockRelease(a, cap);
    EXPECT_TRUE(__asan_address_is_poisoned(a));  // a stale pointer's read is reported
    EXPECT_TRUE(__asan_address_is_poisoned(a + 512));
    uint8_t *b = BlockAcquire(1000, &cap);
    ASSERT_EQ(b, a);
    EXPECT_EQ(__asan_region_is_poisoned(b, 1000), nullptr);
    BlockRelease(b, cap);
}
#endif

}  // namespace
}  // namespace mc2::impl
