// tools/mc2conf/mpi_pool.cc — the MPI driver of `mc2conf run --mpi` (mpi_pool.h), in
// mc2conf-mpi only.
//
// Every collective is non-blocking and polled with a 1 ms sleep: an MPI process waiting for
// its turn (or for a peer's case to end) must not spin a core that the ranks' children need
// (`mpirun --oversubscribe` on a small machine).
#include "tools/mc2conf/mpi_pool.h"

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <thread>

#include "harness/supervise/rank_child.h"

namespace mc2::tools {
namespace {

using harness::Case;
using harness::RankChild;
using harness::RankOutcome;
using Clock = std::chrono::steady_clock;

void Wait(MPI_Request *request) {
    for (;;) {
        int done = 0;
        MPI_Test(request, &done, MPI_STATUS_IGNORE);
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

int64_t BcastInt(int64_t value) {
    MPI_Request request;
    MPI_Ibcast(&value, 1, MPI_INT64_T, 0, MPI_COMM_WORLD, &request);
    Wait(&request);
    return value;
}

std::string BcastString(std::string text) {
    const auto size = static_cast<size_t>(BcastInt(static_cast<int64_t>(text.size())));
    text.resize(size);
    if (size == 0) return text;
    MPI_Request request;
    MPI_Ibcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD, &request);
    Wait(&request);
    return text;
}

// Every process's `mine`, on rank 0 (elsewhere empty).
std::vector<std::string> GatherStrings(const std::string &mine, const MpiWorld &world) {
    int64_t length = static_cast<int64_t>(mine.size());
    std::vector<int64_t> lengths(static_cast<size_t>(world.size));
    MPI_Request request;
    MPI_Igather(&length, 1, MPI_INT64_T, lengths.data(), 1, MPI_INT64_T, 0, MPI_COMM_WORLD, &request);
    Wait(&request);
    std::vector<int> counts(static_cast<size_t>(world.size)), displs(static_cast<size_t>(world.size));
    int total = 0;
    for (int r = 0; r < world.size; ++r) {
        counts[static_cast<size_t>(r)] = static_cast<int>(lengths[static_cast<size_t>(r)]);
        displs[static_cast<size_t>(r)] = total;
        total += counts[static_cast<size_t>(r)];
    }
    std::string all(world.rank == 0 ? static_cast<size_t>(total) : 0, '\0');
    MPI_Igatherv(mine.data(), static_cast<int>(mine.size()), MPI_CHAR, all.data(), counts.data(), displs.data(),
                 MPI_CHAR, 0, MPI_COMM_WORLD, &request);
    Wait(&request);
    std::vector<std::string> out;
    if (world.rank != 0) return out;
    for (int r = 0; r < world.size; ++r) {
        out.push_back(all.substr(static_cast<size_t>(displs[static_cast<size_t>(r)]),
                                 static_cast<size_t>(counts[static_cast<size_t>(r)])));
    }
    return out;
}

// This process's part of one case (every process calls it, in step); rank 0 gets the result.
std::optional<harness::CaseResult> RunStep(const Case &c, const PoolOptions &options, const MpiWorld &world) {
    const bool mine = world.rank < c.world;
    const Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(options.supervise.timeout_s));
    RankChild child;
    std::string error;
    bool started = false;
    std::string root_info;
    if (world.rank == 0) {
        started = child.Start(c, 0, options.run, options.supervise, "", &error);
        if (started) root_info = child.ReadRootInfo(deadline);
    }
    root_info = BcastString(root_info);
    RankOutcome outcome;
    if (mine && world.rank > 0) {
        if (root_info.empty()) {
            outcome.kind = RankOutcome::Kind::kNoReport;
            outcome.report.setup_error = "harness: no root info (rank 0 could not make one)";
        } else {
            started = child.Start(c, world.rank, options.run, options.supervise, root_info, &error);
        }
    }
    if (mine && started) {
        outcome = child.Finish(deadline);
    } else if (mine && !error.empty()) {
        outcome.kind = RankOutcome::Kind::kNoReport;
        outcome.report.setup_error = error;
    }
    outcome.report.rank = world.rank;
    const std::vector<std::string> all = GatherStrings(mine ? harness::EncodeRankOutcome(outcome) : "", world);
    if (world.rank != 0) return std::nullopt;
    std::vector<RankOutcome> outcomes;
    for (int r = 0; r < c.world; ++r) {
        std::optional<RankOutcome> o = harness::DecodeRankOutcome(all[static_cast<size_t>(r)]);
        if (!o) {
            o.emplace();
            o->report.setup_error = "harness: rank " + std::to_string(r) + "'s outcome did not arrive whole";
        }
        outcomes.push_back(std::move(*o));
    }
    return harness::JudgeRankOutcomes(c, std::move(outcomes), options.run);
}

}  // namespace

bool MpiBuilt() { return true; }

std::string ExecMpiBuild() { return ""; }

MpiWorld MpiStart() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) MPI_Init(nullptr, nullptr);
    MpiWorld w;
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    return w;
}

void MpiRunPool(const std::vector<Case> &cases, const PoolOptions &options,
                const std::function<void(size_t, harness::CaseResult)> &on_done, const std::function<void()> &on_tick) {
    const MpiWorld world = MpiStart();
    for (size_t i = 0; i < cases.size(); ++i) {
        (void)BcastInt(static_cast<int64_t>(i));
        const auto t0 = Clock::now();
        std::optional<harness::CaseResult> r = RunStep(cases[i], options, world);
        r->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        on_done(i, std::move(*r));
        on_tick();
    }
    MpiRelease();
}

void MpiRelease() {
    static bool released = false;
    if (released || MpiStart().rank != 0) return;
    released = true;
    (void)BcastInt(-1);
}

void MpiFollow(const std::vector<Case> &cases, const PoolOptions &options) {
    const MpiWorld world = MpiStart();
    for (;;) {
        const int64_t i = BcastInt(0);
        if (i < 0 || static_cast<size_t>(i) >= cases.size()) return;
        (void)RunStep(cases[static_cast<size_t>(i)], options, world);
    }
}

void MpiFinish() {
    int initialised = 0, finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    if (initialised && !finalised) {
        MpiRelease();
        MPI_Finalize();
    }
}

}  // namespace mc2::tools
