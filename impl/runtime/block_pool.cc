// impl/runtime/block_pool.cc — the idle-block pool behind aclrtMalloc (block_pool.h).
//
// MC2_DEVICE_POOL_BYTES (default 0: no pool, every block is freed at once) caps the idle bytes
// kept. Blocks are rounded up to a power-of-two size class (256 B .. 1 MiB) only while the pool
// is enabled; larger blocks are never pooled. Each class is a fixed ring of idle blocks, so the
// pool itself never allocates: a steady-state input frees what it allocates (libFuzzer re-runs
// an input under LeakSanitizer whenever its mallocs and frees differ).
#include "runtime/block_pool.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <mutex>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MC2_IMPL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MC2_IMPL_ASAN 1
#endif
#ifdef MC2_IMPL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mc2::impl {
namespace {

constexpr size_t kAlignment = 64;
constexpr int kMinClassLog = 8;
// Up to 1 MiB, the fuzzers' run limit: bigger blocks are rare there, and poisoning a whole
// class costs an eighth of its size in shadow writes per release (with classes up to 64 MiB
// api_fuzzer ran slower with the pool than without it).
constexpr int kMaxClassLog = 20;
constexpr int kClasses = kMaxClassLog - kMinClassLog + 1;
// Idle blocks per class: more than a world of four ranks frees of one size in one input.
constexpr size_t kRingSlots = 128;

void Poison(void *p, size_t n) {
#ifdef MC2_IMPL_ASAN
    __asan_poison_memory_region(p, n);
#else
    (void)p;
    (void)n;
#endif
}

void Unpoison(void *p, size_t n) {
#ifdef MC2_IMPL_ASAN
    __asan_unpoison_memory_region(p, n);
#else
    (void)p;
    (void)n;
#endif
}

struct Ring {
    std::array<uint8_t *, kRingSlots> slots{};
    size_t head = 0;  // the oldest idle block
    size_t count = 0;
};

struct Pool {
    std::mutex mu;
    std::atomic<size_t> limit{0};
    size_t idleBytes = 0;
    std::array<Ring, kClasses> rings{};
};

size_t LimitFromEnv() {
    const char *env = std::getenv("MC2_DEVICE_POOL_BYTES");
    if (env == nullptr) return 0;
    char *end = nullptr;
    unsigned long long v = std::strtoull(env, &end, 10);
    return end != env && *end == '\0' ? static_cast<size_t>(v) : 0;
}

Pool &ThePool() {
    static Pool *p = [] {
        auto *pool = new Pool;  // never destroyed: stream workers may free blocks during exit
        pool->limit.store(LimitFromEnv());
        return pool;
    }();
    return *p;
}

// The class index for `bytes`, or -1 when it is not pooled.
int ClassOf(size_t bytes) {
    for (int c = 0; c < kClasses; ++c) {
        if (bytes <= size_t{1} << (kMinClassLog + c)) return c;
    }
    return -1;
}

}  // namespace

uint8_t *BlockAcquire(size_t bytes, size_t *capacity) {
    Pool &pool = ThePool();
    const int c = pool.limit.load() > 0 ? ClassOf(bytes) : -1;
    if (c < 0) {
        const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
        *capacity = rounded;
        return static_cast<uint8_t *>(std::aligned_alloc(kAlignment, rounded));
    }
    const size_t classBytes = size_t{1} << (kMinClassLog + c);
    *capacity = classBytes;
    uint8_t *block = nullptr;
    {
        std::lock_guard lock(pool.mu);
        Ring &ring = pool.rings[c];
        if (ring.count > 0) {
            block = ring.slots[ring.head];
            ring.head = (ring.head + 1) % kRingSlots;
            --ring.count;
            pool.idleBytes -= classBytes;
        }
    }
    if (block == nullptr) {
        block = static_cast<uint8_t *>(std::aligned_alloc(kAlignment, classBytes));
        if (block == nullptr) return nullptr;
        Poison(block + bytes, classBytes - bytes);  // the class's slack, never handed out
        return block;
    }
    Unpoison(block, bytes);
    return block;
}

void BlockRelease(uint8_t *block, size_t capacity) {
    Pool &pool = ThePool();
    // Any block of exactly a class's size may be pooled, whatever the cap was when it was made.
    const int c = pool.limit.load() > 0 ? ClassOf(capacity) : -1;
    if (c >= 0 && capacity == size_t{1} << (kMinClassLog + c)) {
        // Poisoned before it is offered: from here on any access through an old pointer is a
        // use-after-poison report, until the block is handed out again.
        Poison(block, capacity);
        std::lock_guard lock(pool.mu);
        Ring &ring = pool.rings[c];
        if (ring.count < kRingSlots && pool.idleBytes + capacity <= pool.limit.load()) {
            ring.slots[(ring.head + ring.count) % kRingSlots] = block;
            ++ring.count;
            pool.idleBytes += capacity;
            return;
        }
    }
    Unpoison(block, capacity);  // the allocator's own bookkeeping owns it again
    std::free(block);
}

void BlockPoolDrain() {
    Pool &pool = ThePool();
    std::lock_guard lock(pool.mu);
    for (int c = 0; c < kClasses; ++c) {
        Ring &ring = pool.rings[c];
        for (; ring.count > 0; --ring.count) {
            uint8_t *block = ring.slots[ring.head];
            ring.head = (ring.head + 1) % kRingSlots;
            Unpoison(block, size_t{1} << (kMinClassLog + c));
            std::free(block);
        }
    }
    pool.idleBytes = 0;
}

void BlockPoolSetLimit(size_t bytes) {
    ThePool().limit.store(bytes);
    if (bytes == 0) BlockPoolDrain();
}

}  // namespace mc2::impl
