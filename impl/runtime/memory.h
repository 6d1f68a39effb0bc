// impl/runtime/memory.h — emulated device memory: the registry of aclrtMalloc blocks with
// guard regions, and of aclrtMallocHost blocks. (IsDeviceMemory and CheckGuards, the part the
// rest of impl/ uses, are declared in runtime.h.)
//
// Layout of one device allocation, 64-byte aligned:
//   [64-byte guard][size bytes returned to the caller][guard up to the next 64-byte boundary + 64]
// Guard bytes hold a position-dependent pattern written at allocation; aclrtFree and
// CheckGuards compare them, so a write just before the start or past the end is caught.
// The caller's bytes start as 0xFF (NaN in every floating format, -1 in signed integers), so an
// output a kernel forgot to write does not pass as zero.
#ifndef MC2_IMPL_RUNTIME_MEMORY_H_
#define MC2_IMPL_RUNTIME_MEMORY_H_

#include <cstddef>
#include <string>

namespace mc2::impl {

inline constexpr size_t kDeviceAlignment = 64;
inline constexpr size_t kGuardBytes = 64;
inline constexpr unsigned char kFreshDeviceByte = 0xFF;

// True when any byte of [p, p + bytes) lies in a live device block, guards included: such a
// range is not host memory.
bool OverlapsDeviceMemory(const void *p, size_t bytes);

// Why [p, p + bytes) is not inside one live allocation (for error messages).
std::string ExplainNotDeviceMemory(const void *p, size_t bytes);

// Frees every live device and host block (aclFinalize).
void ReleaseAllMemory();

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_MEMORY_H_
