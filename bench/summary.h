// bench/summary.h — the end-of-run table of the benchmarks: each row is the ratio of two
// benchmarks' median times measured in the same process (Google Benchmark's repetitions, run
// randomly interleaved so that load from other processes hits both sides alike). Absolute
// times are printed for reference only; nothing here is a pass/fail threshold.
#ifndef MC2_BENCH_SUMMARY_H_
#define MC2_BENCH_SUMMARY_H_

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace mc2::bench {

// "numerator / denominator" (times; a speed ratio puts the reference's time on top), benchmark names as Google Benchmark prints them (without the
// aggregate suffix), and what the issue asks of the ratio (text only). An empty denominator
// prints the numerator's seconds per iteration instead (a rate).
// kMinCpuTime: the minimum over the repetitions of the process's CPU time (every thread's user +
// system time) per iteration, for benchmarks registered with MinCpuTime() below; the least
// disturbed repetition on a machine shared with other work, and work on helper threads counts.
enum class Measure { kMedianRealTime, kMinCpuTime };
struct RatioRow {
    std::string label;
    std::string numerator;
    std::string denominator;
    std::string goal;
    Measure measure = Measure::kMedianRealTime;
};

// Measures the process's CPU time and adds a "min" aggregate (for Measure::kMinCpuTime rows).
void MinCpuTime(benchmark::internal::Benchmark *b);

// Registers a row; benchmarks files call it from static initialisers next to their pairs.
void AddRatio(RatioRow row);
const std::vector<RatioRow> &Ratios();

}  // namespace mc2::bench

#endif  // MC2_BENCH_SUMMARY_H_
