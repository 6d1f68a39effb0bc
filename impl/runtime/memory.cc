// impl/runtime/memory.cc — aclrtMalloc/aclrtFree with guard regions, aclrtMallocHost/FreeHost,
// and the address queries (IsDeviceMemory, CheckGuards) the kernels and collectives use.
//
// Freed blocks go straight back to the host allocator: no pool, so that under AddressSanitizer a
// stale pointer into a freed block is a use-after-free report and a fuzzer's input frees what it
// allocated (fuzz/README.md "Session 10").
// Limits: the live total of both kinds is capped (env MC2_DEVICE_MEMORY_LIMIT in bytes, default
// three quarters of physical memory) so that an absurd size fails with ACL_ERROR_BAD_ALLOC
// instead of the emulation being killed by the OOM killer while it fills the block.
// Errors: a pointer that is not a live block's start -> ACL_ERROR_RT_PARAM_INVALID (the
// message says whether it was already freed, points inside a block or was never allocated);
// overwritten guard bytes at aclrtFree -> ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW (507043),
// the block being released all the same.
#include "runtime/memory.h"

#include <unistd.h>

#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include "runtime/abi_call.h"
#include "runtime/enum_bits.h"
#include "runtime/state.h"

namespace mc2::impl {
namespace {

struct Allocation {
    uint8_t *block = nullptr;
    size_t blockBytes = 0;
    uint8_t *user = nullptr;
    size_t size = 0;
    int32_t device = -1;
    uint64_t serial = 0;
};

struct MemoryState {
    std::shared_mutex mu;
    std::map<uintptr_t, Allocation> device;     // keyed by block address
    std::unordered_map<uintptr_t, size_t> host;  // aclrtMallocHost blocks -> bytes
    uint64_t liveBytes = 0;
    uint64_t nextSerial = 1;
    // Recently freed device addresses, to tell a double free from a wild pointer.
    std::array<std::pair<uintptr_t, uint64_t>, 256> freed{};
    size_t freedNext = 0;
};

MemoryState &Mem() {
    static MemoryState *m = new MemoryState;  // never destroyed: workers may outlive statics
    return *m;
}

uint8_t GuardByte(size_t i) { return static_cast<uint8_t>(0xA5u ^ ((i * 0x1Du) & 0xFFu)); }

uint64_t MemoryLimit() {
    const char *env = std::getenv("MC2_DEVICE_MEMORY_LIMIT");
    if (env != nullptr) {
        char *end = nullptr;
        unsigned long long v = std::strtoull(env, &end, 10);
        if (end != env && *end == '\0' && v > 0) return v;
    }
    // Physical memory does not change while the process runs; sysconf(_SC_PHYS_PAGES) is a
    // system call, and this runs on every allocation.
    static const uint64_t kDefault = [] {
        const long pages = sysconf(_SC_PHYS_PAGES);
        const long pageSize = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || pageSize <= 0) return uint64_t{1} << 36;
        return static_cast<uint64_t>(pages) / 4 * 3 * static_cast<uint64_t>(pageSize);
    }();
    return kDefault;
}

// The live block whose extent (guards included) contains p. Lock held.
const Allocation *FindBlockLocked(const MemoryState &m, uintptr_t p) {
    auto it = m.device.upper_bound(p);
    if (it == m.device.begin()) return nullptr;
    --it;
    const Allocation &a = it->second;
    return p < it->first + a.blockBytes ? &a : nullptr;
}

std::string Describe(const Allocation &a) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "allocation #%" PRIu64 " at %p (%zu bytes, device %d)", a.serial,
                  static_cast<void *>(a.user), a.size, a.device);
    return buf;
}

// Empty when both guards are intact, else what was overwritten.
std::string GuardDamage(const Allocation &a) {
    size_t before = 0, lowest = 0;
    for (size_t i = 0; i < kGuardBytes; ++i) {
        if (a.block[i] != GuardByte(i)) {
            if (before++ == 0) lowest = kGuardBytes - i;
        }
    }
    const uint8_t *tail = a.user + a.size;
    size_t tailBytes = static_cast<size_t>(a.block + a.blockBytes - tail);
    size_t after = 0, first = 0;
    for (size_t i = 0; i < tailBytes; ++i) {
        if (tail[i] != GuardByte(i)) {
            if (after++ == 0) first = i;
        }
    }
    std::string out;
    char buf[160];
    if (before > 0) {
        std::snprintf(buf, sizeof buf, "%zu guard byte(s) before the start overwritten (lowest at offset -%zu)", before,
                      lowest);
        out += buf;
    }
    if (after > 0) {
        std::snprintf(buf, sizeof buf, "%s%zu guard byte(s) past the end overwritten (first at offset +%zu)",
                      out.empty() ? "" : "; ", after, a.size + first);
        out += buf;
    }
    return out;
}

void FillGuards(const Allocation &a) {
    for (size_t i = 0; i < kGuardBytes; ++i) a.block[i] = GuardByte(i);
    uint8_t *tail = a.user + a.size;
    size_t tailBytes = static_cast<size_t>(a.block + a.blockBytes - tail);
    for (size_t i = 0; i < tailBytes; ++i) tail[i] = GuardByte(i);
}

// Reserves `bytes` against the limit; false (with a message) when it would be exceeded.
bool Reserve(const char *fn, size_t requested, uint64_t bytes) {
    auto &m = Mem();
    std::unique_lock lock(m.mu);
    uint64_t limit = MemoryLimit();
    if (bytes > limit || m.liveBytes > limit - bytes) {
        ReportError("%s: cannot allocate %zu bytes: %" PRIu64 " bytes live, limit %" PRIu64
                    " (MC2_DEVICE_MEMORY_LIMIT)", fn, requested, m.liveBytes, limit);
        return false;
    }
    m.liveBytes += bytes;
    return true;
}

void Unreserve(uint64_t bytes) {
    auto &m = Mem();
    std::unique_lock lock(m.mu);
    m.liveBytes -= bytes;
}

// Rounds up to kDeviceAlignment; false on overflow.
bool RoundUp(size_t n, size_t *out) {
    if (n > SIZE_MAX - (kDeviceAlignment - 1)) return false;
    *out = (n + kDeviceAlignment - 1) / kDeviceAlignment * kDeviceAlignment;
    return true;
}

}  // namespace

bool IsDeviceMemory(const void *p, size_t bytes) {
    auto &m = Mem();
    std::shared_lock lock(m.mu);
    auto addr = reinterpret_cast<uintptr_t>(p);
    const Allocation *a = FindBlockLocked(m, addr);
    if (a == nullptr) return false;
    auto start = reinterpret_cast<uintptr_t>(a->user);
    uintptr_t end = start + a->size;
    return addr >= start && addr <= end && bytes <= end - addr;
}

bool OverlapsDeviceMemory(const void *p, size_t bytes) {
    auto &m = Mem();
    std::shared_lock lock(m.mu);
    auto addr = reinterpret_cast<uintptr_t>(p);
    uintptr_t last = bytes == 0 ? addr : (bytes - 1 > UINTPTR_MAX - addr ? UINTPTR_MAX : addr + (bytes - 1));
    // The block starting closest below `last`: blocks are disjoint and sorted, so if it ends
    // before `addr` every earlier one does too.
    auto it = m.device.upper_bound(last);
    if (it == m.device.begin()) return false;
    --it;
    return it->first + it->second.blockBytes > addr;
}

std::string ExplainNotDeviceMemory(const void *p, size_t bytes) {
    auto &m = Mem();
    std::shared_lock lock(m.mu);
    char buf[320];
    const Allocation *a = FindBlockLocked(m, reinterpret_cast<uintptr_t>(p));
    if (a == nullptr) {
        std::snprintf(buf, sizeof buf, "%p is not inside any live aclrtMalloc allocation", p);
        return buf;
    }
    auto offset = static_cast<long long>(reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(a->user));
    std::snprintf(buf, sizeof buf, "[%p, +%zu bytes) does not fit in %s: it starts at offset %lld", p, bytes,
                  Describe(*a).c_str(), offset);
    return buf;
}

bool CheckGuards(const void *p) {
    try {
        auto &m = Mem();
        std::shared_lock lock(m.mu);
        const Allocation *a = FindBlockLocked(m, reinterpret_cast<uintptr_t>(p));
        if (a == nullptr) {
            ReportError("CheckGuards: %p is not inside any live aclrtMalloc allocation", p);
            return false;
        }
        std::string damage = GuardDamage(*a);
        if (damage.empty()) return true;
        ReportError("out-of-bounds write detected in %s: %s", Describe(*a).c_str(), damage.c_str());
        return false;
    } catch (...) {
        return false;
    }
}

void ReleaseAllMemory() {
    auto &m = Mem();
    std::unique_lock lock(m.mu);
    for (auto &[addr, a] : m.device) std::free(a.block);
    for (auto &[addr, bytes] : m.host) std::free(reinterpret_cast<void *>(addr));
    m.device.clear();
    m.host.clear();
    m.liveBytes = 0;
}

}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclrtMalloc(void **devPtr, size_t size, aclrtMemMallocPolicy policy) {
    return AclCall(__func__, [&]() -> aclError {
        if (devPtr == nullptr) {
            ReportError("aclrtMalloc: devPtr is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        *devPtr = nullptr;
        if (size == 0) {
            ReportError("aclrtMalloc: size is 0");
            return ACL_ERROR_INVALID_PARAM;
        }
        int32_t p = EnumBits(policy);
        if (p < ACL_MEM_MALLOC_HUGE_FIRST || p > ACL_MEM_MALLOC_NORMAL_ONLY_P2P) {
            ReportError("aclrtMalloc: policy %d is not an aclrtMemMallocPolicy", p);
            return ACL_ERROR_INVALID_PARAM;
        }
        int32_t device = -1;
        {
            std::lock_guard lock(State().mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            auto ctx = CurrentContextLocked();
            if (!ctx) return NoContextError(__func__);
            device = ctx->device;
        }
        size_t rounded = 0;
        if (!RoundUp(size, &rounded) || rounded > SIZE_MAX - 2 * kGuardBytes) {
            ReportError("aclrtMalloc: size %zu is too large", size);
            return ACL_ERROR_BAD_ALLOC;
        }
        size_t blockBytes = rounded + 2 * kGuardBytes;
        if (!Reserve(__func__, size, blockBytes)) return ACL_ERROR_BAD_ALLOC;
        // blockBytes is a multiple of kDeviceAlignment (rounded, plus two guards of a multiple of
        // it), as aligned_alloc requires.
        static_assert(kGuardBytes % kDeviceAlignment == 0);
        auto *block = static_cast<uint8_t *>(std::aligned_alloc(kDeviceAlignment, blockBytes));
        if (block == nullptr) {
            Unreserve(blockBytes);
            ReportError("aclrtMalloc: the host could not provide %zu bytes", size);
            return ACL_ERROR_BAD_ALLOC;
        }
        Allocation a{block, blockBytes, block + kGuardBytes, size, device, 0};
        std::memset(a.user, kFreshDeviceByte, size);
        FillGuards(a);
        try {
            auto &m = Mem();
            std::unique_lock lock(m.mu);
            a.serial = m.nextSerial++;
            m.device.emplace(reinterpret_cast<uintptr_t>(block), a);
        } catch (...) {
            std::free(block);
            Unreserve(blockBytes);
            throw;
        }
        *devPtr = a.user;
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtFree(void *devPtr) {
    return AclCall(__func__, [&]() -> aclError {
        if (devPtr == nullptr) {
            ReportError("aclrtFree: devPtr is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        auto addr = reinterpret_cast<uintptr_t>(devPtr);
        Allocation a;
        {
            auto &m = Mem();
            std::unique_lock lock(m.mu);
            const Allocation *found = FindBlockLocked(m, addr);
            if (found == nullptr || found->user != devPtr) {
                if (found != nullptr) {
                    ReportError("aclrtFree: %p points inside %s (offset %lld); pass the address aclrtMalloc returned",
                                devPtr, Describe(*found).c_str(),
                                static_cast<long long>(addr - reinterpret_cast<uintptr_t>(found->user)));
                    return ACL_ERROR_RT_PARAM_INVALID;
                }
                if (m.host.count(addr) != 0) {
                    ReportError("aclrtFree: %p was allocated with aclrtMallocHost; release it with aclrtFreeHost",
                                devPtr);
                    return ACL_ERROR_RT_PARAM_INVALID;
                }
                for (auto &[freedAddr, serial] : m.freed) {
                    if (freedAddr == addr && serial != 0) {
                        ReportError("aclrtFree: %p was already freed (double free of allocation #%" PRIu64 ")", devPtr,
                                    serial);
                        return ACL_ERROR_RT_PARAM_INVALID;
                    }
                }
                ReportError("aclrtFree: %p is not an address returned by aclrtMalloc (or was freed long ago, or "
                            "released by aclFinalize)", devPtr);
                return ACL_ERROR_RT_PARAM_INVALID;
            }
            a = *found;
            m.device.erase(reinterpret_cast<uintptr_t>(a.block));
            m.liveBytes -= a.blockBytes;
            m.freed[m.freedNext] = {addr, a.serial};
            m.freedNext = (m.freedNext + 1) % m.freed.size();
        }
        std::string damage = GuardDamage(a);
        std::free(a.block);
        if (!damage.empty()) {
            ReportError("aclrtFree: out-of-bounds write detected in %s: %s (the memory was released)",
                        Describe(a).c_str(), damage.c_str());
            return ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW;
        }
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtMallocHost(void **hostPtr, size_t size) {
    return AclCall(__func__, [&]() -> aclError {
        if (hostPtr == nullptr) {
            ReportError("aclrtMallocHost: hostPtr is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        *hostPtr = nullptr;
        if (size == 0) {
            ReportError("aclrtMallocHost: size is 0");
            return ACL_ERROR_INVALID_PARAM;
        }
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        size_t rounded = 0;
        if (!RoundUp(size, &rounded)) {
            ReportError("aclrtMallocHost: size %zu is too large", size);
            return ACL_ERROR_BAD_ALLOC;
        }
        if (!Reserve(__func__, size, rounded)) return ACL_ERROR_BAD_ALLOC;
        void *block = std::aligned_alloc(kDeviceAlignment, rounded);
        if (block == nullptr) {
            Unreserve(rounded);
            ReportError("aclrtMallocHost: the host could not provide %zu bytes", size);
            return ACL_ERROR_BAD_ALLOC;
        }
        try {
            auto &m = Mem();
            std::unique_lock lock(m.mu);
            m.host.emplace(reinterpret_cast<uintptr_t>(block), rounded);
        } catch (...) {
            std::free(block);
            Unreserve(rounded);
            throw;
        }
        *hostPtr = block;
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtFreeHost(void *hostPtr) {
    return AclCall(__func__, [&]() -> aclError {
        if (hostPtr == nullptr) {
            ReportError("aclrtFreeHost: hostPtr is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        auto &m = Mem();
        std::unique_lock lock(m.mu);
        auto it = m.host.find(reinterpret_cast<uintptr_t>(hostPtr));
        if (it == m.host.end()) {
            ReportError("aclrtFreeHost: %p is not a live block from aclrtMallocHost%s", hostPtr,
                        FindBlockLocked(m, reinterpret_cast<uintptr_t>(hostPtr)) != nullptr
                            ? " (it is device memory: use aclrtFree)"
                            : "");
            return ACL_ERROR_RT_PARAM_INVALID;
        }
        m.liveBytes -= it->second;
        m.host.erase(it);
        std::free(hostPtr);
        return ACL_SUCCESS;
    });
}
