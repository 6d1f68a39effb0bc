// bench/main.cc — mc2bench: runs the registered benchmarks (5 repetitions each, randomly
// interleaved, unless the command line says otherwise) and prints the ratio table of
// bench/summary.h from the medians. Any Google Benchmark flag works (--benchmark_filter=...).
#include <benchmark/benchmark.h>

#include <cblas.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench/summary.h"

namespace mc2::bench {
namespace {

std::vector<RatioRow> &Rows() {
    static std::vector<RatioRow> rows;
    return rows;
}

// Console output as usual, plus each benchmark's median real time per iteration (or its only
// run's time without repetitions) and, where it has one, its "min" aggregate's CPU time.
class CollectingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &run : runs) {
            const std::string name = run.run_name.str();
            if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "min") {
                min_cpu_[name] = run.GetAdjustedCPUTime();
            } else if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
                median_[name] = run.GetAdjustedRealTime();
            } else if (run.run_type == Run::RT_Iteration && !median_.contains(name)) {
                single_[name] = run.GetAdjustedRealTime();
            }
        }
    }
    // Seconds per iteration, or a negative value when the benchmark did not run.
    double Seconds(const std::string &name, Measure measure) const {
        const double unit = 1e-3;  // every benchmark reports in milliseconds (bench/*.cc)
        if (measure == Measure::kMinCpuTime) {
            const auto it = min_cpu_.find(name);
            return it != min_cpu_.end() ? it->second * unit : -1.0;
        }
        if (auto it = median_.find(name); it != median_.end()) return it->second * unit;
        if (auto it = single_.find(name); it != single_.end()) return it->second * unit;
        return -1.0;
    }

  private:
    std::map<std::string, double> median_, single_, min_cpu_;
};

}  // namespace

void MinCpuTime(benchmark::internal::Benchmark *b) {
    b->MeasureProcessCPUTime()->ComputeStatistics("min", [](const std::vector<double> &v) {
        return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
    });
}

void AddRatio(RatioRow row) { Rows().push_back(std::move(row)); }
const std::vector<RatioRow> &Ratios() { return Rows(); }

}  // namespace mc2::bench

int main(int argc, char **argv) {
    // Defaults first so that the command line overrides them.
    std::vector<char *> args{argv[0]};
    std::string reps = "--benchmark_repetitions=5", interleave = "--benchmark_enable_random_interleaving=true",
                agg = "--benchmark_report_aggregates_only=true";
    args.push_back(reps.data());
    args.push_back(interleave.data());
    args.push_back(agg.data());
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
    std::printf("OpenBLAS threads (OPENBLAS_NUM_THREADS / default): %d; oracle threads: all cores\n",
                openblas_get_num_threads());
    mc2::bench::CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    std::printf("\n%-64s %12s %12s %8s  %s\n", "ratio (same run; medians unless said)", "numerator", "denominator", "ratio",
                "goal");
    for (const auto &row : mc2::bench::Ratios()) {
        const double a = reporter.Seconds(row.numerator, row.measure);
        const double b = row.denominator.empty() ? 1.0 : reporter.Seconds(row.denominator, row.measure);
        if (a < 0 || b < 0) continue;
        std::printf("%-64s %10.4f s %10.4f s %8.3f  %s\n", row.label.c_str(), a, b, a / b, row.goal.c_str());
    }
    return 0;
}
