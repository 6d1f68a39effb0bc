// oracle/internal/memory.h — big per-call buffers of the oracle (the dgemm operands and
// results, the Bounds vectors) backed by transparent huge pages where the kernel offers them
// (madvise mode): a 1024×1024 double matrix is 2048 first-touch page faults with 4 KiB pages and
// 4 with 2 MiB pages, and on a virtual machine each fault costs microseconds — at 1024³ that
// was more than a tenth of the fast mode's time.
#ifndef MC2_ORACLE_INTERNAL_MEMORY_H_
#define MC2_ORACLE_INTERNAL_MEMORY_H_

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

#include "oracle/internal/block_pool.h"
#include "oracle/reference.h"

namespace mc2::oracle::internal {

// Asks for huge pages for the whole 2 MiB pages inside [p, p + bytes); a hint, no effect on
// values, nothing happens where unsupported.
void AdviseHugePages(void *p, size_t bytes);

// Frees what AllocateDoubles gave (a big buffer back to the BlockPool).
struct FreeDeleter {
    size_t bytes = 0;
    void operator()(double *p) const {
        if (bytes >= kPoolMinBytes)
            BlockPool::Get().Free(p, bytes);
        else
            std::free(p);
    }
};
using DoubleBuffer = std::unique_ptr<double[], FreeDeleter>;

// `count` uninitialised doubles, 2 MiB-aligned when large, huge pages advised (large: from the
// BlockPool, maybe a buffer of an earlier call). Throws
// std::bad_alloc when the memory is not there.
DoubleBuffer AllocateDoubles(size_t count);

// v resized to `count` unwritten elements with its storage advised for huge pages before
// anything touches it (v must be empty).
void ResizeAdvised(BoundValues &v, size_t count);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_MEMORY_H_
