// impl/runtime/stream_workers.cc — see stream_workers.h.
#include "runtime/stream_workers.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mc2::impl {
namespace {

struct Worker {
    std::mutex mu;
    std::condition_variable wake;
    std::function<void()> job;  // set by RunOnStreamWorker, taken by the worker
    std::function<void()> released;
};

struct Parking {
    std::mutex mu;
    std::vector<Worker *> parked;
};

// Never destroyed: parked workers wait on their own condition variables until the process exits,
// and a worker finishing a job at exit must still find the parking.
Parking &TheParking() {
    static Parking *parking = new Parking;
    return *parking;
}

void Serve(Worker *w) {
    for (;;) {
        std::function<void()> job, released;
        {
            std::unique_lock lock(w->mu);
            w->wake.wait(lock, [&] { return static_cast<bool>(w->job); });
            job = std::move(w->job);
            released = std::move(w->released);
            w->job = nullptr;
            w->released = nullptr;
        }
        job();
        job = nullptr;  // what the job captured goes before the thread is offered again
        bool parked = false;
        {
            Parking &p = TheParking();
            std::lock_guard lock(p.mu);
            if (p.parked.size() < kMaxParkedStreamWorkers) {
                p.parked.push_back(w);
                parked = true;
            }
        }
        // Parked: a new job may be handed over already; it waits in w->job for the next turn.
        if (released) released();
        released = nullptr;
        if (!parked) break;
    }
    delete w;
}

}  // namespace

void RunOnStreamWorker(std::function<void()> job, std::function<void()> released) {
    Parking &p = TheParking();
    {
        std::unique_lock lock(p.mu);
        if (!p.parked.empty()) {
            Worker *w = p.parked.back();
            p.parked.pop_back();
            lock.unlock();
            std::lock_guard wl(w->mu);
            w->job = std::move(job);
            w->released = std::move(released);
            w->wake.notify_one();
            return;
        }
    }
    auto w = std::make_unique<Worker>();
    w->job = std::move(job);
    w->released = std::move(released);
    std::thread(Serve, w.get()).detach();  // throws before the detach when no thread can be made
    w.release();                            // the thread owns it now
}

size_t ParkedStreamWorkers() {
    Parking &p = TheParking();
    std::lock_guard lock(p.mu);
    return p.parked.size();
}

}  // namespace mc2::impl
