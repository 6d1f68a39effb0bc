// harness/run/schedule.h — the seeded rank schedule (Case::schedule): how the rank threads'
// calls interleave. Real clusters never start ranks together; a rank that enters the fused
// call late (a straggler) or in a different order is where synchronisation bugs show (the
// straggler injection of Triton-distributed's stress tests, as a reproducible schedule here).
//
// From the seed: an entry order (rank order[i] enters GetWorkspaceSize after order[i-1] has
// returned from it, or after a bounded wait, so an implementation whose first phase is itself
// collective cannot deadlock the harness), a small start delay per rank and phase, and one
// straggler that sleeps a few milliseconds before one phase. Seed 0 = everyone at once.
#ifndef MC2_HARNESS_RUN_SCHEDULE_H_
#define MC2_HARNESS_RUN_SCHEDULE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mc2::harness {

struct RankPlan {
    std::chrono::microseconds before_prepare{0};
    std::chrono::microseconds before_execute{0};
    std::chrono::microseconds before_sync{0};
};

struct Schedule {
    uint64_t seed = 0;
    std::vector<int> order;        // entry order into the first phase (empty: no ordering)
    std::vector<RankPlan> ranks;   // one per rank
    int straggler = -1;            // the late rank, -1 = none
    // How long a rank waits for its predecessor in `order` before going ahead anyway.
    std::chrono::milliseconds order_wait{20};

    bool Active() const { return seed != 0; }
    std::string Describe() const;  // "order=1,0 straggler=1@execute+7.3ms delays=..."
};

Schedule MakeSchedule(uint64_t seed, int world);

// The same schedule with every delay divided by 1000 (milliseconds become microseconds): the
// entry order and the ranks' relative lateness stay, the sleeps go. For the fuzzers
// (RunOptions::compress_schedule), whose inputs must take microseconds, not the 3-15 ms of a
// straggler; the gates keep the real sleeps, which is where ordering bugs show. order_wait is
// kept: it costs nothing unless a first phase blocks, and a shorter one would let a rank that
// is merely descheduled lose its place in the order. Describe() is unchanged, so a reproducer
// names the same schedule.
Schedule Compressed(Schedule s);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_SCHEDULE_H_
