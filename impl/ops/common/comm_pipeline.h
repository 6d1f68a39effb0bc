// impl/ops/common/comm_pipeline.h — the communication thread of a fused compute + communication
// operator: collective steps run in order on their own thread while the stream's worker
// computes, so communication overlaps compute (the point of an MC2 operator).
//
// MatmulAllReduce pushes "all-reduce rows [a, b)" after computing each piece; AllGatherMatmul
// pushes its gather steps up front and waits for each before multiplying the block it brought.
// The pipeline stops at the first failed step: later steps are dropped (every rank's group is
// broken by then, see hccl/transport.h), and waiters are released.
//
// The thread is borrowed from a process-wide pool of idle workers and handed back by Finish():
// a thread created and joined per execute was, with its stack's map and unmap, one of the
// largest costs of a small case (fuzz/README.md "Throughput", session 7).
#ifndef MC2_IMPL_OPS_COMMON_COMM_PIPELINE_H_
#define MC2_IMPL_OPS_COMMON_COMM_PIPELINE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "hccl/status.h"

namespace mc2::impl::ops {

class PipelineWorker;  // a pooled thread (comm_pipeline.cc)

class CommPipeline {
public:
    using Step = std::function<hccl::Status()>;

    // Starts the communication loop on an idle pooled worker, or on a new one
    // (std::system_error when it cannot be started).
    CommPipeline();
    // Finish()es: a pipeline is never abandoned with its loop running.
    ~CommPipeline();
    CommPipeline(const CommPipeline &) = delete;
    CommPipeline &operator=(const CommPipeline &) = delete;

    // Queues `step` behind the others; `what` names it in the failure message ("all-reduce of
    // rows [0, 8)"). Returns its position (0, 1, ...).
    int64_t Push(Step step, std::string what);

    // Blocks until step `index` has run. False when it, or a step before it, failed (or the
    // pipeline was finished before it ran).
    bool WaitFor(int64_t index);

    // True once a step has failed.
    bool Failed();

    // Closes the queue, runs what is queued (up to the first failure), waits for the loop to end
    // and returns its worker to the pool.
    // Returns the first failure (OK when none) and, in *failedWhat, the failing step's name.
    hccl::Status Finish(std::string *failedWhat = nullptr);

private:
    void Loop();

    std::mutex mu_;
    std::condition_variable cv_;     // the thread waits for steps or the close
    std::condition_variable doneCv_; // waiters wait for progress
    std::deque<std::pair<Step, std::string>> queue_;
    int64_t pushed_ = 0;
    int64_t done_ = 0;  // steps that ran successfully, in order
    bool closed_ = false;
    bool failed_ = false;
    bool stopped_ = false;  // the loop has ended
    hccl::Status error_;
    std::string failedWhat_;
    PipelineWorker *worker_ = nullptr;  // pooled, never freed; null once handed back
};

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_COMM_PIPELINE_H_
