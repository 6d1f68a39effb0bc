// impl/runtime/live_set.h — a thread-safe set of live handle addresses (tensors, arrays), so a
// destroy or accessor can tell a live handle from a destroyed or forged one without touching it.
// Addresses may be reused by a later allocation; that case is indistinguishable, as in CANN.
#ifndef MC2_IMPL_RUNTIME_LIVE_SET_H_
#define MC2_IMPL_RUNTIME_LIVE_SET_H_

#include <mutex>
#include <unordered_set>

namespace mc2::impl {

class LiveSet {
public:
    void Add(const void *p) {
        std::lock_guard lock(mu_);
        live_.insert(p);
    }
    // False when `p` was not live.
    bool Remove(const void *p) {
        std::lock_guard lock(mu_);
        return live_.erase(p) != 0;
    }
    bool Contains(const void *p) const {
        std::lock_guard lock(mu_);
        return live_.count(p) != 0;
    }

private:
    mutable std::mutex mu_;
    std::unordered_set<const void *> live_;
};

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_LIVE_SET_H_
