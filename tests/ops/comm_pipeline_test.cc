// tests/ops/comm_pipeline_test.cc — the fused operators' communication thread
// (impl/ops/common/comm_pipeline.h): steps in order, the stop at the first failure, and the
// pooled worker that a pipeline borrows and hands back instead of a thread per execute.
#include "ops/common/comm_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mc2::impl::ops {
namespace {

TEST(CommPipeline, RunsStepsInOrderAndWaitsForEach) {
    CommPipeline pipe;
    std::vector<int> order;
    for (int i = 0; i < 5; ++i) {
        pipe.Push(
            [&order, i] {
                order.push_back(i);  // one worker runs the steps, in order
                return hccl::Status{};
            },
            "step " + std::to_string(i));
    }
    EXPECT_TRUE(pipe.WaitFor(4));
    std::string what = "unchanged";
    EXPECT_TRUE(pipe.Finish(&what).ok());
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(what, "");
}

TEST(CommPipeline, StopsAtTheFirstFailureAndReleasesWaiters) {
    CommPipeline pipe;
    int ran = 0;
    pipe.Push(
        [&] {
            ++ran;
            return hccl::Status{};
        },
        "first");
    pipe.Push(
        [&] {
            ++ran;
            return hccl::Status::Error(HCCL_E_TIMEOUT, "peer gone");
        },
        "second");
    const int64_t third = pipe.Push(
        [&] {
            ++ran;
            return hccl::Status{};
        },
        "third");
    EXPECT_FALSE(pipe.WaitFor(third));
    EXPECT_TRUE(pipe.Failed());
    std::string what;
    const hccl::Status st = pipe.Finish(&what);
    EXPECT_EQ(st.code, HCCL_E_TIMEOUT);
    EXPECT_EQ(what, "second");
    EXPECT_EQ(ran, 2);
}

TEST(CommPipeline, AnExceptionInAStepIsAnInternalError) {
    CommPipeline pipe;
    pipe.Push([]() -> hccl::Status { throw std::runtime_error("boom"); }, "throws");
    const hccl::Status st = pipe.Finish();
    EXPECT_EQ(st.code, HCCL_E_INTERNAL);
    EXPECT_NE(st.message.find("boom"), std::string::npos);
}

// Consecutive pipelines run on one pooled thread: a thread_local counter that the steps of
// every pipeline increment keeps counting, where a thread per pipeline would restart it at 1.
TEST(CommPipeline, ConsecutivePipelinesReuseOneWorker) {
    static thread_local int steps_on_this_thread = 0;
    int last = 0;
    for (int i = 0; i < 4; ++i) {
        CommPipeline pipe;
        pipe.Push(
            [&last] {
                last = ++steps_on_this_thread;
                return hccl::Status{};
            },
            "count");
        ASSERT_TRUE(pipe.Finish().ok());
    }
    EXPECT_EQ(last, 4);
}

// Pipelines on several rank threads at once (each borrows its own worker) and one destroyed
// without Finish: every step runs exactly once, and a TSan build sees the hand-offs.
TEST(CommPipeline, ConcurrentPipelinesEachRunTheirOwnSteps) {
    constexpr int kRanks = 4;
    constexpr int kRounds = 25;
    std::vector<std::atomic<int>> counts(kRanks);
    std::vector<std::thread> ranks;
    for (int r = 0; r < kRanks; ++r) {
        ranks.emplace_back([&counts, r] {
            for (int round = 0; round < kRounds; ++round) {
                CommPipeline pipe;
                for (int s = 0; s < 3; ++s) {
                    pipe.Push(
                        [&counts, r] {
                            counts[r].fetch_add(1);
                            return hccl::Status{};
                        },
                        "add");
                }
                if (round % 2 == 0) pipe.Finish();  // else the destructor finishes it
            }
        });
    }
    for (std::thread &t : ranks) t.join();
    for (int r = 0; r < kRanks; ++r) EXPECT_EQ(counts[r].load(), kRounds * 3) << "rank " << r;
}

}  // namespace
}  // namespace mc2::impl::ops
