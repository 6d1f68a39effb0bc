// harness/run/schedule.cc — seeded rank schedules (schedule.h).
#include "harness/run/schedule.h"

#include <algorithm>
#include <cstdio>

#include "harness/fill/fill.h"

namespace mc2::harness {
namespace {

std::string Ms(std::chrono::microseconds us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fms", static_cast<double>(us.count()) / 1000.0);
    return buf;
}

}  // namespace

Schedule MakeSchedule(uint64_t seed, int world) {
    Schedule s;
    s.seed = seed;
    const int n = std::max(world, 1);
    s.ranks.assign(static_cast<size_t>(n), RankPlan{});
    if (seed == 0) return s;
    uint64_t counter = 0;
    auto next = [&] { return MixSeed(seed, 0x5C4ED, ++counter); };
    // Entry order: a seeded permutation.
    s.order.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) s.order[static_cast<size_t>(i)] = i;
    for (int i = n - 1; i > 0; --i) {
        std::swap(s.order[static_cast<size_t>(i)], s.order[static_cast<size_t>(next() % static_cast<uint64_t>(i + 1))]);
    }
    // Small jitter everywhere (0-1 ms), so the relative timing differs between seeds.
    for (RankPlan &p : s.ranks) {
        p.before_prepare = std::chrono::microseconds(next() % 1000);
        p.before_execute = std::chrono::microseconds(next() % 1000);
        p.before_sync = std::chrono::microseconds(next() % 500);
    }
    // One straggler: 3-15 ms late into one phase.
    s.straggler = static_cast<int>(next() % static_cast<uint64_t>(n));
    const auto late = std::chrono::microseconds(3000 + next() % 12000);
    RankPlan &p = s.ranks[static_cast<size_t>(s.straggler)];
    switch (next() % 3) {
        case 0: p.before_prepare += late; break;
        case 1: p.before_execute += late; break;
        default: p.before_sync += late; break;
    }
    return s;
}

Schedule Compressed(Schedule s) {
    for (RankPlan &p : s.ranks) {
        p.before_prepare /= 1000;
        p.before_execute /= 1000;
        p.before_sync /= 1000;
    }
    return s;
}

std::string Schedule::Describe() const {
    if (!Active()) return "";
    std::string out = "order=";
    for (size_t i = 0; i < order.size(); ++i) out += (i ? "," : "") + std::to_string(order[i]);
    out += " straggler=" + std::to_string(straggler);
    for (size_t r = 0; r < ranks.size(); ++r) {
        const RankPlan &p = ranks[r];
        out += " r" + std::to_string(r) + "=" + Ms(p.before_prepare) + "/" + Ms(p.before_execute) + "/" +
               Ms(p.before_sync);
    }
    return out;
}

}  // namespace mc2::harness
