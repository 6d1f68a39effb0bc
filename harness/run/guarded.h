// harness/run/guarded.h — device buffers with guard bytes, for the memory checks the runner makes
// on every library under test (issue 13; DESIGN.md "Verdicts"): each tensor's storage and the
// workspace are allocated larger through the library's own aclrtMalloc, with kGuardBytes of a
// known pattern before and after the bytes the library is given; after synchronisation the
// contents and both guards are read back, so a write outside the storage (or past workspaceSize) shows as a changed
// guard byte with its offset, and an input's bytes can be compared with what was uploaded.
#ifndef MC2_HARNESS_RUN_GUARDED_H_
#define MC2_HARNESS_RUN_GUARDED_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/abi/abi_table.h"

namespace mc2::harness {

// Bytes of guard on each side. A multiple of 512, so the library's pointer keeps the alignment
// aclrtMalloc gave the allocation (CANN allocations are 512-byte aligned; kernels may rely on it).
inline constexpr size_t kGuardBytes = 512;

struct GuardedBuffer {
    void *base = nullptr;  // what aclrtMalloc returned (freed with aclrtFree)
    void *data = nullptr;  // base + kGuardBytes: what the library is given
    size_t bytes = 0;      // bytes the library may touch
};

// The guard pattern: not a constant byte, so a memset of any value changes it.
uint8_t GuardByte(size_t i);

// Allocates bytes + 2·kGuardBytes and uploads guard, `contents` and guard (contents.size() ==
// bytes; three copies, no host image of the whole). Returns the first failing runtime status (0
// on success); `what` names the failing call.
int AllocateGuarded(const RuntimeFns &rt, const std::vector<uint8_t> &contents, GuardedBuffer *out, std::string *what);
// The same with no contents to upload but the guards (a workspace): its bytes are left as the
// runtime returned them.
int AllocateGuardedUninitialised(const RuntimeFns &rt, size_t bytes, GuardedBuffer *out, std::string *what);

// Reads a buffer back in three copies: `contents` = the bytes the library was given, `guards` =
// the guard before them followed by the guard after them (2·kGuardBytes). Separate vectors, so
// that the contents need no second copy out of a whole image (fuzz/README.md "Throughput").
int DownloadGuarded(const RuntimeFns &rt, const GuardedBuffer &buffer, std::vector<uint8_t> *contents,
                    std::vector<uint8_t> *guards);
// Only the two guards (a workspace, whose contents nobody judges).
int DownloadGuards(const RuntimeFns &rt, const GuardedBuffer &buffer, std::vector<uint8_t> *guards);

// "" when both guards are intact, else one line: how many guard bytes changed, and the first
// one's offset relative to a buffer of `bytes` bytes ("3 bytes after the end changed, first at
// end+0"). `guards` as DownloadGuarded returns them.
std::string GuardDamage(const std::vector<uint8_t> &guards, size_t bytes);

// The first byte where two equally long byte vectors differ, or -1.
int64_t FirstDifference(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_GUARDED_H_
