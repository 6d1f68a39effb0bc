// impl/ops/common/comm_pipeline.cc — the communication thread of the MC2 operators (see
// comm_pipeline.h), and the pool of idle workers it borrows that thread from.
#include "ops/common/comm_pipeline.h"

#include <exception>
#include <thread>
#include <utility>
#include <vector>

namespace mc2::impl::ops {

// One persistent thread that runs one job at a time. Its hand-off state lives in the worker
// itself, which is never freed: the owner waits on the worker's own mutex for the job's end, so
// nothing of the CommPipeline (which may be destroyed right after Finish) is touched after the
// loop has said it stopped.
class PipelineWorker {
public:
    PipelineWorker() { thread_ = std::thread([this] { Serve(); }); }

    void Start(std::function<void()> job) {
        {
            std::lock_guard lock(mu_);
            job_ = std::move(job);
            running_ = true;
        }
        cv_.notify_all();
    }

    void Wait() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !running_; });
    }

private:
    void Serve() {
        std::unique_lock lock(mu_);
        for (;;) {
            cv_.wait(lock, [this] { return job_ != nullptr; });
            std::function<void()> job = std::move(job_);
            job_ = nullptr;
            lock.unlock();
            job();  // CommPipeline::Loop, which lets nothing escape
            job = nullptr;
            lock.lock();
            running_ = false;
            cv_.notify_all();
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;  // a job arrived (worker) or ended (owner)
    std::function<void()> job_;
    bool running_ = false;
    std::thread thread_;  // never joined: idle workers wait for the next job until the process exits
};

namespace {

// The idle workers. Leaked on purpose: the library is never unloaded, and its workers must
// outlive static destructors (a rank thread may still be finishing an operator at exit). The
// pool grows to the largest number of pipelines that ever ran at once (one per rank and
// stream), and no further.
struct WorkerPool {
    std::mutex mu;
    std::vector<PipelineWorker *> idle;
};

WorkerPool &Pool() {
    static WorkerPool *const pool = new WorkerPool;
    return *pool;
}

}  // namespace

CommPipeline::CommPipeline() {
    {
        WorkerPool &pool = Pool();
        std::lock_guard lock(pool.mu);
        if (!pool.idle.empty()) {
            worker_ = pool.idle.back();
            pool.idle.pop_back();
        }
    }
    if (worker_ == nullptr) worker_ = new PipelineWorker;  // std::system_error propagates, nothing leaks
    worker_->Start([this] { Loop(); });
}

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
    if (worker_ != nullptr) {
        // The job's end, not only stopped_: after Wait() the worker touches nothing of ours.
        worker_->Wait();
        WorkerPool &pool = Pool();
        std::lock_guard lock(pool.mu);
        pool.idle.push_back(worker_);
        worker_ = nullptr;
    }
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
