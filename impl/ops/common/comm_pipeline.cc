// impl/ops/common/comm_pipeline.cc — the communication thread of the MC2 operators (see
// comm_pipeline.h).
#include "ops/common/comm_pipeline.h"

#include <exception>
#include <utility>

namespace mc2::impl::ops {

CommPipeline::CommPipeline() { thread_ = std::thread([this] { Loop(); }); }

CommPipeline::~CommPipeline() { Finish(); }

int64_t CommPipeline::Push(Step step, std::string what) {
    int64_t index;
    {
        std::lock_guard lock(mu_);
        queue_.emplace_back(std::move(step), std::move(what));
        index = pushed_++;
    }
    cv_.notify_one();
    return index;
}

bool CommPipeline::WaitFor(int64_t index) {
    std::unique_lock lock(mu_);
    doneCv_.wait(lock, [&] { return done_ > index || failed_ || stopped_; });
    return done_ > index;
}

bool CommPipeline::Failed() {
    std::lock_guard lock(mu_);
    return failed_;
}

hccl::Status CommPipeline::Finish(std::string *failedWhat) {
    {
        std::lock_guard lock(mu_);
        closed_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (failedWhat != nullptr) *failedWhat = failedWhat_;
    return error_;
}

void CommPipeline::Loop() {
    for (;;) {
        std::pair<Step, std::string> step;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return closed_ || !queue_.empty(); });
            if (queue_.empty()) break;
            step = std::move(queue_.front());
            queue_.pop_front();
        }
        hccl::Status st;
        try {
            st = step.first();
        } catch (const std::exception &e) {
            // Nothing may escape the thread; the operator reports the failure and aborts the group.
            st = hccl::Status::Error(HCCL_E_INTERNAL, std::string("internal error: ") + e.what());
        }
        std::lock_guard lock(mu_);
        if (!st.ok()) {
            error_ = std::move(st);
            failedWhat_ = std::move(step.second);
            failed_ = true;
            break;
        }
        ++done_;
        doneCv_.notify_all();
    }
    std::lock_guard lock(mu_);
    stopped_ = true;
    doneCv_.notify_all();
}

}  // namespace mc2::impl::ops
