// harness/run/guarded.cc — guarded device buffers (guarded.h).
#include "harness/run/guarded.h"

#include <algorithm>
#include <cstring>

namespace mc2::harness {

uint8_t GuardByte(size_t i) {
    // A byte sequence that no constant fill matches and no shifted copy of itself matches.
    return static_cast<uint8_t>(0xA5 ^ (i * 0x3B) ^ (i >> 3));
}

namespace {

// Guard before the data (GuardByte(0 .. kGuardBytes-1)) and after it (GuardByte(kGuardBytes ..)),
// in the layout DownloadGuarded returns: built once, uploaded from here.
const std::vector<uint8_t> &GuardPattern() {
    static const std::vector<uint8_t> pattern = [] {
        std::vector<uint8_t> p(2 * kGuardBytes);
        for (size_t i = 0; i < p.size(); ++i) p[i] = GuardByte(i);
        return p;
    }();
    return pattern;
}

int Allocate(const RuntimeFns &rt, size_t bytes, GuardedBuffer *out, std::string *what) {
    *out = GuardedBuffer{};
    const size_t total = bytes + 2 * kGuardBytes;
    if (int rc = rt.aclrtMalloc(&out->base, total, ACL_MEM_MALLOC_HUGE_FIRST); rc != 0) {
        *what = "aclrtMalloc";
        out->base = nullptr;
        return rc;
    }
    out->data = static_cast<uint8_t *>(out->base) + kGuardBytes;
    out->bytes = bytes;
    return 0;
}

int UploadGuards(const RuntimeFns &rt, const GuardedBuffer &b, std::string *what) {
    const uint8_t *pattern = GuardPattern().data();
    auto *base = static_cast<uint8_t *>(b.base);
    if (int rc = rt.aclrtMemcpy(base, kGuardBytes, pattern, kGuardBytes, ACL_MEMCPY_HOST_TO_DEVICE); rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    if (int rc = rt.aclrtMemcpy(base + kGuardBytes + b.bytes, kGuardBytes, pattern + kGuardBytes, kGuardBytes,
                                ACL_MEMCPY_HOST_TO_DEVICE);
        rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    return 0;
}

}  // namespace

int AllocateGuarded(const RuntimeFns &rt, const std::vector<uint8_t> &contents, GuardedBuffer *out, std::string *what) {
    if (int rc = Allocate(rt, contents.size(), out, what); rc != 0) return rc;
    if (int rc = UploadGuards(rt, *out, what); rc != 0) return rc;
    if (contents.empty()) return 0;
    if (int rc = rt.aclrtMemcpy(out->data, contents.size(), contents.data(), contents.size(), ACL_MEMCPY_HOST_TO_DEVICE);
        rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    return 0;
}

int AllocateGuardedUninitialised(const RuntimeFns &rt, size_t bytes, GuardedBuffer *out, std::string *what) {
    if (int rc = Allocate(rt, bytes, out, what); rc != 0) return rc;
    // The two guards around the untouched bytes.
    return UploadGuards(rt, *out, what);
}

int DownloadGuards(const RuntimeFns &rt, const GuardedBuffer &buffer, std::vector<uint8_t> *guards) {
    guards->assign(2 * kGuardBytes, 0);
    const auto *base = static_cast<const uint8_t *>(buffer.base);
    if (int rc = rt.aclrtMemcpy(guards->data(), kGuardBytes, base, kGuardBytes, ACL_MEMCPY_DEVICE_TO_HOST); rc != 0) {
        return rc;
    }
    return rt.aclrtMemcpy(guards->data() + kGuardBytes, kGuardBytes, base + kGuardBytes + buffer.bytes, kGuardBytes,
                          ACL_MEMCPY_DEVICE_TO_HOST);
}

int DownloadGuarded(const RuntimeFns &rt, const GuardedBuffer &buffer, std::vector<uint8_t> *contents,
                    std::vector<uint8_t> *guards) {
    if (int rc = DownloadGuards(rt, buffer, guards); rc != 0) return rc;
    // resize, not assign: every byte is overwritten by the copy.
    contents->resize(buffer.bytes);
    if (buffer.bytes == 0) return 0;
    return rt.aclrtMemcpy(contents->data(), contents->size(), buffer.data, buffer.bytes, ACL_MEMCPY_DEVICE_TO_HOST);
}

std::string GuardDamage(const std::vector<uint8_t> &guards, size_t bytes) {
    size_t before = 0, after = 0;
    int64_t first_before = -1, first_after = -1;
    for (size_t i = 0; i < kGuardBytes; ++i) {
        // Nearest the data first: the byte just before the buffer is offset -1.
        const size_t b = kGuardBytes - 1 - i;
        if (guards[b] != GuardByte(b)) {
            ++before;
            if (first_before < 0) first_before = -static_cast<int64_t>(i) - 1;
        }
        const size_t a = kGuardBytes + i;
        if (guards[a] != GuardByte(a)) {
            ++after;
            if (first_after < 0) first_after = static_cast<int64_t>(i);
        }
    }
    std::string out;
    if (after > 0) {
        out = std::to_string(after) + " guard byte(s) after the end changed, first at byte " +
              std::to_string(static_cast<int64_t>(bytes) + first_after) + " (end+" + std::to_string(first_after) + ")";
    }
    if (before > 0) {
        out += std::string(out.empty() ? "" : "; ") + std::to_string(before) +
               " guard byte(s) before the start changed, nearest at byte " + std::to_string(first_before);
    }
    return out;
}

int64_t FirstDifference(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) {
    const size_t n = std::min(a.size(), b.size());
    // Equal buffers (the common answer) in one memcmp: the byte loop below, with a coverage
    // callback per byte in the fuzzers' instrumented build, was 3 % of api_fuzzer's CPU time.
    if (n == 0 || std::memcmp(a.data(), b.data(), n) == 0) return a.size() == b.size() ? -1 : static_cast<int64_t>(n);
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return static_cast<int64_t>(i);
    }
    return a.size() == b.size() ? -1 : static_cast<int64_t>(n);
}

}  // namespace mc2::harness
