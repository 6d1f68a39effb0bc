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

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_SCHEDULE_H_
