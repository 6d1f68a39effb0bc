// oracle/internal/block_pool.h — keeps the oracle's big freed buffers (the Bounds vectors, the
// dgemm results and |x| copies) for the next call instead of returning them to the kernel. A
// buffer of 32 MiB or more is an mmap of its own in glibc (its dynamic mmap threshold stops at
// 32 MiB), so every fast-mode call at 2048² got fresh pages that the kernel zeroes on first
// touch: a perf profile of mc2bench's OracleFast/2048/2 put that page clearing and its faults
// at more than the oracle's whole per-element pass. The dgemm it is measured against writes
// into one warm buffer. Header-only (inline, one pool per process) so that every user of
// BoundValues gets it without a link dependency on the oracle library.
#ifndef MC2_ORACLE_INTERNAL_BLOCK_POOL_H_
#define MC2_ORACLE_INTERNAL_BLOCK_POOL_H_

#include <cstddef>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mc2::oracle::internal {

// Buffers below this size come from malloc as before (glibc reuses those itself).
inline constexpr size_t kPoolMinBytes = size_t{2} << 20;
// At most this much freed memory is kept (oldest buffers are released first): a process that
// calls the oracle keeps at most this much more resident than without the pool.
inline constexpr size_t kPoolCapBytes = size_t{768} << 20;

// Sanitizer builds do not pool: a use after free of a pooled buffer would go unnoticed.
#if defined(__SANITIZE_ADDRESS__)
#define MC2_ORACLE_NO_BLOCK_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define MC2_ORACLE_NO_BLOCK_POOL 1
#endif
#endif

class BlockPool {
  public:
    // The process's pool; never destroyed (buffers may be freed by static destructors).
    static BlockPool &Get() {
        static BlockPool *const pool = new BlockPool;
        return *pool;
    }

    // The size actually reserved for a request of `bytes` (≥ kPoolMinBytes): whole huge pages.
    static size_t Rounded(size_t bytes) { return (bytes + kPoolMinBytes - 1) / kPoolMinBytes * kPoolMinBytes; }

    // `bytes` (≥ kPoolMinBytes) of uninitialised memory, 2 MiB-aligned, huge pages advised;
    // a cached buffer of the same rounded size when there is one. Throws std::bad_alloc.
    void *Allocate(size_t bytes) {
        const size_t size = Rounded(bytes);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            for (auto it = free_.rbegin(); it != free_.rend(); ++it)  // the most recently freed first
                if (it->second == size) {
                    void *p = it->first;
                    cached_ -= size;
                    free_.erase(std::next(it).base());
                    return p;
                }
        }
        void *p = std::aligned_alloc(kPoolMinBytes, size);
        if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(p, size, MADV_HUGEPAGE);  // a hint: errors ignored
#endif
        return p;
    }

    // Takes back a buffer of Allocate(bytes).
    void Free(void *p, size_t bytes) {
        if (p == nullptr) return;
#if !defined(MC2_ORACLE_NO_BLOCK_POOL)
        const size_t size = Rounded(bytes);
        if (size <= kPoolCapBytes) {
            std::deque<std::pair<void *, size_t>> release;
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                while (cached_ + size > kPoolCapBytes) {
                    release.push_back(free_.front());
                    cached_ -= free_.front().second;
                    free_.pop_front();
                }
                free_.emplace_back(p, size);
                cached_ += size;
            }
            for (const auto &entry : release) std::free(entry.first);
            return;
        }
#else
        (void)bytes;
#endif
        std::free(p);
    }

  private:
    BlockPool() = default;
    std::mutex mutex_;
    std::deque<std::pair<void *, size_t>> free_;  // oldest first
    size_t cached_ = 0;
};

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_BLOCK_POOL_H_
