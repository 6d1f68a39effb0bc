// impl/hccl/timeouts.cc — reads HCCL_CONNECT_TIMEOUT / HCCL_EXEC_TIMEOUT / MC2_HCCL_TIMEOUT_MS /
// MC2_HCCL_CONNECT_TIMEOUT_MS.
#include "hccl/timeouts.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace mc2::impl::hccl {
namespace {

constexpr int64_t kDefaultConnectSeconds = 120;
constexpr int64_t kDefaultExecSeconds = 1836;
// Longest accepted value: keeps deadline arithmetic far from overflow (about 3 years).
constexpr int64_t kMaxMs = int64_t{100000} * 1000 * 1000;

std::atomic<int64_t> g_override_ms{0};

// A positive integer from the environment, or `fallback` when unset or malformed (a typo in
// a timeout must not turn into "wait forever" or "fail at once").
int64_t EnvPositive(const char *name, int64_t fallback) {
    const char *text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v <= 0) return fallback;
    return v;
}

std::chrono::milliseconds Clamp(int64_t ms) { return std::chrono::milliseconds(ms > kMaxMs ? kMaxMs : ms); }

}  // namespace

Timeouts CurrentTimeouts() {
    if (const int64_t forced = g_override_ms.load(std::memory_order_relaxed); forced > 0) {
        return {Clamp(forced), Clamp(forced)};
    }
    Timeouts t;
    if (const int64_t ms = EnvPositive("MC2_HCCL_TIMEOUT_MS", 0); ms > 0) {
        t = {Clamp(ms), Clamp(ms)};
    } else {
        const int64_t connect_s = EnvPositive("HCCL_CONNECT_TIMEOUT", kDefaultConnectSeconds);
        const int64_t exec_s = EnvPositive("HCCL_EXEC_TIMEOUT", kDefaultExecSeconds);
        t = {Clamp(connect_s > kMaxMs / 1000 ? kMaxMs : connect_s * 1000),
             Clamp(exec_s > kMaxMs / 1000 ? kMaxMs : exec_s * 1000)};
    }
    if (const int64_t ms = EnvPositive("MC2_HCCL_CONNECT_TIMEOUT_MS", 0); ms > 0) t.connect = Clamp(ms);
    return t;
}

void SetTimeoutOverrideMs(int64_t ms) { g_override_ms.store(ms > 0 ? ms : 0, std::memory_order_relaxed); }

}  // namespace mc2::impl::hccl
