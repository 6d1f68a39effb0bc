// harness/run/verdict.cc — the two-level judgement of one rank's answer (verdict.h).
#include "harness/run/verdict.h"

#include <algorithm>
#include <vector>

namespace mc2::harness {
namespace {

bool IsInner(int32_t code) { return code >= 561000 && code <= 561999; }

bool Contains(const std::vector<int32_t> &v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string Quote(const std::string &text) {
    std::string one;
    for (char ch : text) one += (ch == '\n' || ch == '\r') ? ' ' : ch;
    if (one.size() > 200) one = one.substr(0, 200) + "…";
    return "\"" + one + "\"";
}

std::string DescribeAnswer(const spec::Answer &a, const ApiBinding &api) {
    std::string out;
    switch (a.outcome) {
        case spec::Outcome::kSuccess: out = "success"; break;
        case spec::Outcome::kStatus: {
            out = std::to_string(a.status);
            for (int32_t code : a.also_accepted) out += "|" + std::to_string(code);
            if (a.inner_error_accepted) out += "|561xxx";
            out += " from " + api.prepare_phase;
            break;
        }
        case spec::Outcome::kInnerError: {
            out = "an inner error (561xxx)";
            for (int32_t code : a.also_accepted) out += " or " + std::to_string(code) + " from " + api.prepare_phase;
            break;
        }
        case spec::Outcome::kRuntimeError:
            out = "a runtime error from the " + api.execute_phase + " phase or sync";
            break;
        case spec::Outcome::kUndefined: out = "anything (undefined behaviour)"; break;
    }
    if (a.outcome == spec::Outcome::kSuccess && a.inner_error_accepted) out += " (or a 561xxx refusal)";
    if (!a.rule_id.empty()) out += " [" + a.rule_id + "]";
    return out;
}

// Whether `a` admits the phase statuses; *defined_success when it does so as a success whose
// outputs are defined (then they are compared).
bool StatusesAdmitted(const spec::Answer &a, const RankReport &r, bool *defined_success) {
    *defined_success = false;
    if (a.outcome == spec::Outcome::kUndefined) return true;
    if (!r.descriptor_refused.empty()) return a.outcome != spec::Outcome::kSuccess;
    if (!r.prepare_called) return false;
    const bool ok_all = r.prepare_status == 0 && r.execute_called && r.execute_status == 0 && r.sync_called &&
                        r.sync_status == 0;
    const bool any_inner = IsInner(r.prepare_status) || IsInner(r.execute_status) || IsInner(r.sync_status);
    if (a.inner_error_accepted && any_inner) return true;
    switch (a.outcome) {
        case spec::Outcome::kSuccess:
            *defined_success = ok_all && !a.writes_nothing;  // a short-cut computed nothing to compare
            return ok_all;
        case spec::Outcome::kStatus:
            return r.prepare_status != 0 &&
                   (r.prepare_status == a.status || Contains(a.also_accepted, r.prepare_status));
        case spec::Outcome::kInnerError:
            // A refusal in the first phase with one of the rule's documented op_api codes is
            // admitted too (e.g. an empty output: 161002 in newer op_api, 561xxx in older).
            return any_inner || (r.prepare_status != 0 && Contains(a.also_accepted, r.prepare_status));
        case spec::Outcome::kRuntimeError:
            if (r.prepare_status != 0) return Contains(a.also_accepted, r.prepare_status);
            return r.execute_status != 0 || r.sync_status != 0;
        case spec::Outcome::kUndefined: return true;
    }
    return false;
}

bool CallFailed(const RankReport &r) {
    return !r.prepare_called || r.prepare_status != 0 || !r.execute_called || r.execute_status != 0 ||
           !r.sync_called || r.sync_status != 0;
}

// The first answer of `e` that admits the rank: statuses, and an untouched output after a
// failed call (nothing is written on an error, DESIGN.md "ABI fidelity") unless the behaviour
// is undefined. nullptr if none; *statuses_only when some answer admitted the statuses but the
// outputs were modified.
const spec::Answer *FirstAdmitting(const spec::Expectation &e, const RankReport &r, bool *compare,
                                   bool *statuses_only) {
    for (const spec::Answer *a : e.All()) {
        bool defined_success = false;
        if (!StatusesAdmitted(*a, r, &defined_success)) continue;
        // A short-cut success (Answer::writes_nothing) owes untouched outputs like a failure.
        if (a->outcome != spec::Outcome::kUndefined && (CallFailed(r) || a->writes_nothing) && !r.outputs_untouched) {
            *statuses_only = true;
            continue;
        }
        *compare = defined_success;
        return a;
    }
    return nullptr;
}

}  // namespace

RankAdmission Admit(const spec::Expectation &strict, const spec::Expectation &vendor, const RankReport &rank,
                    const ApiBinding &api) {
    RankAdmission out;
    bool modified = false;
    if (FirstAdmitting(strict, rank, &out.compare, &modified) != nullptr) {
        out.admission = Admission::kStrict;
        return out;
    }
    bool unused = false;
    if (const spec::Answer *a = FirstAdmitting(vendor, rank, &unused, &modified); a != nullptr) {
        out.admission = Admission::kVendorOnly;
        out.compare = false;  // only an undefined answer separates the profiles: nothing to compare
        out.why = "[" + (a->rule_id.empty() ? strict.rule_id : a->rule_id) + "] hardening rule not met: expected " +
                  DescribeExpectation(strict, api) + ", got " + DescribeObserved(rank, api);
        return out;
    }
    out.why = modified ? "call failed (" + DescribeObserved(rank, api) + ") but an output was modified"
                       : "expected " + DescribeExpectation(strict, api) + ", got " + DescribeObserved(rank, api);
    if (!rank.descriptor_refused.empty() && !modified) {
        out.why = "aclCreateTensor refused a descriptor the spec accepts: " + rank.descriptor_refused;
    }
    return out;
}

bool MemoryErrorOnlyWarns(const spec::Expectation &, const spec::Expectation &vendor) {
    return vendor.outcome == spec::Outcome::kUndefined;
}

std::string DescribeExpectation(const spec::Expectation &e, const ApiBinding &api) {
    std::string out;
    for (const spec::Answer *a : e.All()) out += (out.empty() ? "" : " or ") + DescribeAnswer(*a, api);
    return out;
}

std::string DescribeObserved(const RankReport &r, const ApiBinding &api) {
    std::string out = api.prepare_phase + " " + std::to_string(r.prepare_status);
    if (r.execute_called) out += ", " + api.execute_phase + " " + std::to_string(r.execute_status);
    if (r.sync_called) out += ", sync " + std::to_string(r.sync_status);
    if (!r.prepare_called) {
        out = "no call (" +
              (r.descriptor_refused.empty() ? r.setup_error : "aclCreateTensor refused " + r.descriptor_refused) + ")";
    }
    if (!r.messages.empty()) out += " " + Quote(r.messages);
    return out;
}

bool ApplyWarnings(CaseResult &result) {
    for (const RankReport &rank : result.ranks) {
        if (!rank.verdict.empty()) return false;
    }
    for (const RankReport &rank : result.ranks) {
        if (rank.warning.empty()) continue;
        result.status = Status::kWarning;
        result.reason = rank.warning;
        return true;
    }
    return false;
}

void ApplyStrict(CaseResult &result) {
    if (result.status != Status::kWarning) return;
    result.status = Status::kFailed;
    result.reason = "--strict: " + result.reason;
}

std::string WarningRule(const CaseResult &result) {
    const size_t open = result.reason.find("[");
    const size_t close = result.reason.find("] hardening rule not met");
    if (open == std::string::npos || close == std::string::npos || close < open) return "";
    return result.reason.substr(open + 1, close - open - 1);
}

}  // namespace mc2::harness
