// impl/runtime/block_pool.h — idle aclrtMalloc blocks kept for reuse, when a harness asks for it
// (MC2_DEVICE_POOL_BYTES). A fuzzer allocates and frees the same few tensor sizes thousands of
// times a second; under AddressSanitizer a fresh block comes from pages the quarantine has not
// handed back for a while, and page faults were the largest single cost of the case-running
// fuzzers (fuzz/README.md "Session 8": mostly small objects, so this pool was no measured gain
// on a loaded machine, and no measured cost). Pooled blocks bypass that path; while
// idle they are poisoned (ASAN_POISON_MEMORY_REGION), so a read through a stale pointer is
// still reported, and the oldest idle block of a size class is reused first, so the block
// freed last stays poisoned the longest.
#ifndef MC2_IMPL_RUNTIME_BLOCK_POOL_H_
#define MC2_IMPL_RUNTIME_BLOCK_POOL_H_

#include <cstddef>
#include <cstdint>

namespace mc2::impl {

// A block of at least `bytes` bytes, 64-byte aligned, whose first `bytes` bytes are addressable
// (the rest of its size class stays poisoned); *capacity receives what BlockRelease needs.
// Taken from the pool when an idle block of the class exists, else newly allocated; nullptr
// when the host has no memory.
uint8_t *BlockAcquire(size_t bytes, size_t *capacity);

// Returns a block from BlockAcquire: kept idle and poisoned when the pool is enabled and has
// room, else freed.
void BlockRelease(uint8_t *block, size_t capacity);

// Frees every idle block (aclFinalize).
void BlockPoolDrain();

// Replaces the idle-byte cap read from MC2_DEVICE_POOL_BYTES (tests; 0 turns the pool off).
// Blocks acquired under another cap are still released correctly.
void BlockPoolSetLimit(size_t bytes);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_BLOCK_POOL_H_
