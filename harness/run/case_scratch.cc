// harness/run/case_scratch.cc — the registry of per-case caches (case_scratch.h).
#include "harness/run/case_scratch.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace mc2::harness {
namespace {

struct Registry {
    std::mutex mu;
    std::vector<void (*)()> forget;
};

Registry &TheRegistry() {
    static Registry *const r = new Registry;  // never destroyed: judged cases may outlive statics
    return *r;
}

}  // namespace

void RegisterCaseScratch(void (*forget)()) {
    Registry &r = TheRegistry();
    const std::lock_guard<std::mutex> lock(r.mu);
    if (std::find(r.forget.begin(), r.forget.end(), forget) == r.forget.end()) r.forget.push_back(forget);
}

void ForgetCaseScratch() {
    Registry &r = TheRegistry();
    std::vector<void (*)()> all;
    {
        const std::lock_guard<std::mutex> lock(r.mu);
        all = r.forget;
    }
    for (void (*f)() : all) f();
}

}  // namespace mc2::harness
