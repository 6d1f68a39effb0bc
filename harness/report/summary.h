// harness/report/summary.h — the numbers every report format shows, computed once: status counts
// per op × platform × dtype × world size (cases that are expected to run: valid, edge, typical),
// per rule family (invalid cases: "mar.dtype", "mar.shape", ...), totals, the failures, and the
// error statistics of passing cases per op × dtype (ulps, observed/bound, vendor criterion,
// the histogram of errors in output ulps). Also the plain-text table the CLI prints.
#ifndef MC2_HARNESS_REPORT_SUMMARY_H_
#define MC2_HARNESS_REPORT_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/report/results.h"

namespace mc2::harness::report {

struct Counts {
    int cases = 0;
    int passed = 0;
    int failed = 0;
    int crash = 0;
    int timeout = 0;
    int mistrusted = 0;
    int not_supported = 0;
    int warning = 0;  // met the documents, not a hardening rule (passing; FAILED under --strict)
    void Add(Status status);
    int failures() const { return failed + crash + timeout; }
};

struct GroupRow {
    std::string op, platform, dtype;
    int world = 0;
    Counts counts;
};

struct FamilyRow {
    std::string family;  // rule id without its last component
    int rules = 0;       // distinct rule ids seen
    Counts counts;
};

// One point of the observed/bound plot: a case's worst output check.
struct RatioPoint {
    size_t case_index = 0;
    double ratio = 0;       // worst observed/bound over ranks and outputs
    double ulp_max = 0;
    bool vendor_pass = true;
};

// Error statistics over the output checks of passing (or mistrusted) non-invalid cases.
struct ErrorStats {
    std::string op, dtype;
    int cases = 0;
    int64_t checks = 0;            // rank × output comparisons
    int64_t elements = 0;
    int64_t exact_checked = 0;     // elements judged by equality (a one-value interval or code)
    double ulp_median = 0;         // median of the checks' medians
    double ulp_p99 = 0;            // largest p99 of any check
    double ulp_max = 0;
    double ratio_max = 0;          // largest observed/bound
    int64_t vendor_passed = 0;     // checks passing the vendor criterion
    double vendor_fail_share_max = 0;
    std::vector<int64_t> histogram;  // summed ulp histograms (harness/report/ulp_histogram.h bins)
    std::vector<RatioPoint> points;
    // Readings of UNVERIFIED steps (oracle::Bounds::readings), in the oracle's order: per reading,
    // the checks that had readings and those whose every element was consistent with it.
    struct ReadingRow {
        std::string name;
        int64_t checks = 0;
        int64_t consistent_in_full = 0;
    };
    std::vector<ReadingRow> readings;
};

struct Summary {
    std::vector<GroupRow> groups;
    std::vector<FamilyRow> families;
    Counts valid_total;    // the groups' cases
    Counts invalid_total;  // the families' cases
    Counts total;
    std::vector<size_t> failures;  // indexes into Results::cases, in run order
    std::vector<size_t> warnings;  // WARNING cases, in run order
    std::vector<ErrorStats> errors;
};

Summary Summarize(const Results &results);

// The closing table of `mc2conf run`: one row per group, a totals row, then one row per rule
// family; fixed-width columns.
std::string RenderSummaryText(const Summary &summary);

// "matmul_all_reduce.atlas_a2.float16.w2" for a record, or "unparsed" when the descriptor no
// longer parses (results written by another version).
std::string ClassName(const CaseRecord &record);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_SUMMARY_H_
