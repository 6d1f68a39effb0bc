// harness/report/summary.cc — the shared report figures and the CLI's closing table (summary.h).
#include "harness/report/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "harness/case.h"
#include "harness/gates/gates.h"
#include "harness/report/ulp_histogram.h"

namespace mc2::harness::report {
namespace {

std::string Family(const std::string &rule_id) {
    const size_t dot = rule_id.rfind('.');
    return dot == std::string::npos ? rule_id : rule_id.substr(0, dot);
}

struct Parsed {
    std::string op = "?", platform = "?", dtype = "?";
    int world = 0;
};

Parsed ParseRecord(const CaseRecord &r) {
    Parsed p;
    CaseParse c = ParseCase(r.result.descriptor);
    if (!c.value) return p;
    p.op = c.value->op;
    p.platform = PlatformName(c.value->platform);
    p.dtype = gates::DtypeLabel(*c.value);
    p.world = c.value->world;
    return p;
}

double Median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

void Counts::Add(Status status) {
    ++cases;
    switch (status) {
        case Status::kPassed: ++passed; break;
        case Status::kFailed: ++failed; break;
        case Status::kCrash: ++crash; break;
        case Status::kTimeout: ++timeout; break;
        case Status::kMistrusted: ++mistrusted; break;
        case Status::kNotSupported: ++not_supported; break;
        case Status::kWarning: ++warning; break;
    }
}

std::string ClassName(const CaseRecord &record) {
    CaseParse c = ParseCase(record.result.descriptor);
    return c.value ? gates::GroupLabel(*c.value) : "unparsed";
}

Summary Summarize(const Results &results) {
    Summary s;
    std::map<std::tuple<std::string, std::string, std::string, int>, Counts> groups;
    std::map<std::string, std::pair<std::set<std::string>, Counts>> families;
    std::map<std::pair<std::string, std::string>, ErrorStats> errors;
    std::map<std::pair<std::string, std::string>, std::vector<double>> medians;
    for (size_t i = 0; i < results.cases.size(); ++i) {
        const CaseRecord &r = results.cases[i];
        const Status status = r.result.status;
        s.total.Add(status);
        if (IsFailure(status)) s.failures.push_back(i);
        if (status == Status::kWarning) s.warnings.push_back(i);
        if (r.kind == gates::KindName(gates::CaseKind::kInvalid)) {
            auto &f = families[Family(r.rule_id)];
            f.first.insert(r.rule_id);
            f.second.Add(status);
            s.invalid_total.Add(status);
            continue;
        }
        const Parsed p = ParseRecord(r);
        groups[{p.op, p.platform, p.dtype, p.world}].Add(status);
        s.valid_total.Add(status);
        if (status != Status::kPassed && status != Status::kMistrusted) continue;
        // Error statistics of cases that produced outputs (an edge case may expect a refusal:
        // no checks, nothing to add).
        RatioPoint point{i, 0, 0, true};
        bool any = false;
        ErrorStats &e = errors[{p.op, p.dtype}];
        for (const RankReport &rank : r.result.ranks) {
            for (const OutputCheck &c : rank.checks) {
                any = true;
                ++e.checks;
                e.elements += c.elements;
                e.exact_checked += c.exact_checked;
                for (const OutputCheck::Reading &rd : c.readings) {
                    auto row = std::find_if(e.readings.begin(), e.readings.end(),
                                            [&](const ErrorStats::ReadingRow &x) { return x.name == rd.name; });
                    if (row == e.readings.end()) row = e.readings.insert(e.readings.end(), {rd.name, 0, 0});
                    ++row->checks;
                    if (rd.consistent == c.elements) ++row->consistent_in_full;
                }
                e.ulp_p99 = std::max(e.ulp_p99, c.ulp_p99);
                e.ulp_max = std::max(e.ulp_max, c.ulp_max);
                if (std::isfinite(c.ratio_max)) e.ratio_max = std::max(e.ratio_max, c.ratio_max);
                if (c.vendor_pass) ++e.vendor_passed;
                e.vendor_fail_share_max = std::max(e.vendor_fail_share_max, c.vendor_fail_share);
                medians[{p.op, p.dtype}].push_back(c.ulp_median);
                if (!c.ulp_histogram.empty()) {
                    if (e.histogram.size() < c.ulp_histogram.size()) e.histogram.resize(c.ulp_histogram.size(), 0);
                    for (size_t b = 0; b < c.ulp_histogram.size(); ++b) e.histogram[b] += c.ulp_histogram[b];
                }
                point.ratio = std::max(point.ratio, c.ratio_max);
                point.ulp_max = std::max(point.ulp_max, c.ulp_max);
                point.vendor_pass = point.vendor_pass && c.vendor_pass;
            }
        }
        if (any) {
            ++e.cases;
            e.points.push_back(point);
        }
    }
    for (auto &[key, counts] : groups) {
        s.groups.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), counts});
    }
    for (auto &[name, f] : families) {
        s.families.push_back({name, static_cast<int>(f.first.size()), f.second});
    }
    for (auto &[key, e] : errors) {
        if (e.checks == 0) continue;
        e.op = key.first;
        e.dtype = key.second;
        e.ulp_median = Median(medians[key]);
        s.errors.push_back(std::move(e));
    }
    return s;
}

std::string RenderSummaryText(const Summary &s) {
    std::string out;
    char line[256];
#define MC2_SUMMARY_HEAD "%-22s %-10s %-9s %5s %6s %6s %7s %6s %5s %7s %10s %13s\n"
#define MC2_SUMMARY_ROW "%-22s %-10s %-9s %5s %6d %6d %7d %6d %5d %7d %10d %13d\n"
    auto add_row = [&](const std::string &a, const std::string &b, const std::string &c, const std::string &d,
                       const Counts &n) {
        std::snprintf(line, sizeof line, MC2_SUMMARY_ROW, a.c_str(), b.c_str(), c.c_str(), d.c_str(), n.cases, n.passed,
                      n.warning, n.failed, n.crash, n.timeout, n.mistrusted, n.not_supported);
        out += line;
    };
    std::snprintf(line, sizeof line, MC2_SUMMARY_HEAD, "op", "platform", "dtype", "world", "cases", "passed", "warning",
                  "failed", "crash", "timeout", "mistrusted", "not supported");
    out += line;
    for (const GroupRow &g : s.groups) add_row(g.op, g.platform, g.dtype, "w" + std::to_string(g.world), g.counts);
    if (!s.families.empty()) {
        add_row("invalid cases", "", "", "", s.invalid_total);
        for (const FamilyRow &f : s.families) {
            add_row("  " + f.family, std::to_string(f.rules) + " rules", "", "", f.counts);
        }
    }
    add_row("total", "", "", "", s.total);
#undef MC2_SUMMARY_HEAD
#undef MC2_SUMMARY_ROW
    return out;
}

}  // namespace mc2::harness::report
