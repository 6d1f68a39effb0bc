// harness/run/guarded.cc — guarded device buffers (guarded.h).
#include "harness/run/guarded.h"

#include <algorithm>

namespace mc2::harness {

uint8_t GuardByte(size_t i) {
    // A byte sequence that no constant fill matches and no shifted copy of itself matches.
    return static_cast<uint8_t>(0xA5 ^ (i * 0x3B) ^ (i >> 3));
}

namespace {

std::vector<uint8_t> Image(const std::vector<uint8_t> &contents) {
    std::vector<uint8_t> image(contents.size() + 2 * kGuardBytes);
    for (size_t i = 0; i < kGuardBytes; ++i) {
        image[i] = GuardByte(i);
        image[kGuardBytes + contents.size() + i] = GuardByte(kGuardBytes + i);
    }
    std::copy(contents.begin(), contents.end(), image.begin() + static_cast<std::ptrdiff_t>(kGuardBytes));
    return image;
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

}  // namespace

int AllocateGuarded(const RuntimeFns &rt, const std::vector<uint8_t> &contents, GuardedBuffer *out, std::string *what) {
    if (int rc = Allocate(rt, contents.size(), out, what); rc != 0) return rc;
    const std::vector<uint8_t> image = Image(contents);
    if (int rc = rt.aclrtMemcpy(out->base, image.size(), image.data(), image.size(), ACL_MEMCPY_HOST_TO_DEVICE); rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    return 0;
}

int AllocateGuardedUninitialised(const RuntimeFns &rt, size_t bytes, GuardedBuffer *out, std::string *what) {
    if (int rc = Allocate(rt, bytes, out, what); rc != 0) return rc;
    const std::vector<uint8_t> image = Image(std::vector<uint8_t>());
    // The two guards, uploaded separately around the untouched bytes.
    auto *base = static_cast<uint8_t *>(out->base);
    if (int rc = rt.aclrtMemcpy(base, kGuardBytes, image.data(), kGuardBytes, ACL_MEMCPY_HOST_TO_DEVICE); rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    if (int rc = rt.aclrtMemcpy(base + kGuardBytes + bytes, kGuardBytes, image.data() + kGuardBytes, kGuardBytes,
                                ACL_MEMCPY_HOST_TO_DEVICE);
        rc != 0) {
        *what = "aclrtMemcpy(H2D)";
        return rc;
    }
    return 0;
}

int DownloadGuarded(const RuntimeFns &rt, const GuardedBuffer &buffer, std::vector<uint8_t> *image) {
    image->assign(buffer.bytes + 2 * kGuardBytes, 0);
    return rt.aclrtMemcpy(image->data(), image->size(), buffer.base, image->size(), ACL_MEMCPY_DEVICE_TO_HOST);
}

std::vector<uint8_t> GuardedContents(const std::vector<uint8_t> &image, size_t bytes) {
    const auto first = image.begin() + static_cast<std::ptrdiff_t>(kGuardBytes);
    return std::vector<uint8_t>(first, first + static_cast<std::ptrdiff_t>(bytes));
}

std::string GuardDamage(const std::vector<uint8_t> &image, size_t bytes) {
    size_t before = 0, after = 0;
    int64_t first_before = -1, first_after = -1;
    for (size_t i = 0; i < kGuardBytes; ++i) {
        // Nearest the data first: the byte just before the buffer is offset -1.
        const size_t b = kGuardBytes - 1 - i;
        if (image[b] != GuardByte(b)) {
            ++before;
            if (first_before < 0) first_before = -static_cast<int64_t>(i) - 1;
        }
        const size_t a = kGuardBytes + bytes + i;
        if (image[a] != GuardByte(kGuardBytes + i)) {
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
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return static_cast<int64_t>(i);
    }
    return a.size() == b.size() ? -1 : static_cast<int64_t>(n);
}

}  // namespace mc2::harness
