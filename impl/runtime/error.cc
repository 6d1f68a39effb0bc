// impl/runtime/error.cc — per-thread error messages behind aclGetRecentErrMsg().
// CANN semantics: every failing call appends a description; aclGetRecentErrMsg returns all of
// them (newest first) and clears the list; the returned pointer stays valid until the next call
// on the same thread; nullptr when nothing was recorded.
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace mc2::impl {
namespace {

struct ThreadErrors {
    std::vector<std::string> pending;  // oldest first
    std::string returned;              // storage behind the last pointer handed out
};

ThreadErrors &Errors() {
    thread_local ThreadErrors errors;
    return errors;
}

}  // namespace

void ReportErrorString(const std::string &message) {
    // Called from catch handlers at the ABI boundary, so it must never throw: a message that
    // cannot be stored for lack of memory is dropped.
    try {
        auto &e = Errors();
        // Bound the backlog so a caller that never reads cannot grow it without limit.
        constexpr size_t kMaxPending = 64;
        if (e.pending.size() >= kMaxPending) e.pending.erase(e.pending.begin());
        e.pending.push_back(message);
    } catch (...) {
    }
}

std::vector<std::string> TakeThreadErrors() {
    std::vector<std::string> out;
    out.swap(Errors().pending);
    return out;
}

void ReportError(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    try {
        ReportErrorString(buf);
    } catch (...) {
    }
}

}  // namespace mc2::impl

extern "C" ACL_FUNC_VISIBILITY const char *aclGetRecentErrMsg() {
    auto &e = mc2::impl::Errors();
    if (e.pending.empty()) return nullptr;
    try {
        e.returned.clear();
        for (auto it = e.pending.rbegin(); it != e.pending.rend(); ++it) {
            if (!e.returned.empty()) e.returned += '\n';
            e.returned += *it;
        }
    } catch (...) {
        e.pending.clear();
        return "(error messages lost: out of host memory)";
    }
    e.pending.clear();
    return e.returned.c_str();
}
