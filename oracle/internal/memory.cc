// oracle/internal/memory.cc — see memory.h.
#include "oracle/internal/memory.h"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mc2::oracle::internal {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

void AdviseHugePages(void *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const auto begin = reinterpret_cast<uintptr_t>(p);
    const uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
    const uintptr_t last = (begin + bytes) / kHugePage * kHugePage;
    if (last > first) madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);  // a hint: errors ignored
#else
    (void)p;
    (void)bytes;
#endif
}

DoubleBuffer AllocateDoubles(size_t count) {
    const size_t bytes = count * sizeof(double);
    if (bytes < kPoolMinBytes) {
        void *p = std::malloc(bytes > 0 ? bytes : 1);
        if (p == nullptr) throw std::bad_alloc();
        return DoubleBuffer(static_cast<double *>(p));
    }
    return DoubleBuffer(static_cast<double *>(BlockPool::Get().Allocate(bytes)), FreeDeleter{bytes});
}

void ResizeAdvised(BoundValues &v, size_t count) {
    v.reserve(count);
    AdviseHugePages(v.data(), count * sizeof(double));
    v.resize(count);
}

}  // namespace mc2::oracle::internal
