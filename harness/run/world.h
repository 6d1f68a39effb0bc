// harness/run/world.h — ranks that live across cases, for callers that run many cases in one
// process (the fuzzers; issue 12 item 1). RunCase (run_case.h) otherwise sets every device,
// creates the communicators, one thread per rank and each rank's context and stream anew for
// every case and destroys them afterwards: per input, a fuzzer paid for ~3 thread creations per
// rank (ASan maps and unmaps each thread's stack and bookkeeping) and HcclCommInitAll.
//
// A World keeps, per rank index, one worker thread whose context stays current and whose stream
// stays open, and per world size the communicators of HcclCommInitAll over devices 0..size-1.
// Between cases it is reset and checked (Settle): state one input leaves behind is a finding for
// that input, never something the next one silently inherits.
//   - A stream whose rank ran without an error must synchronise at once with status 0 and
//     leave no error message; otherwise Settle reports it ("state left for the next input").
//     A rank whose execute or synchronisation failed (an expected runtime error, say) gets a new
//     stream: what a stream keeps of a failed task is the implementation's business.
//   - Communicators are kept only when every rank still holds its own and no rank's execute or
//     synchronisation failed; otherwise the survivors are destroyed and the next case of that
//     size makes new ones. A rank leaving its group (RunOptions::release_peers_of_refused)
//     therefore costs one HcclCommInitAll, as before.
//   - A case that hung (a stream that did not drain) leaves everything it touched to the
//     implementation, as RunCase does without a World: streams, contexts and communicators are
//     abandoned, never destroyed, and made anew.
// Devices are set once (aclrtSetDevice) and never reset while the World lives.
//
// One case at a time: a World is not for concurrent RunCase calls.
#ifndef MC2_HARNESS_RUN_WORLD_H_
#define MC2_HARNESS_RUN_WORLD_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/abi/abi_table.h"
#include "harness/run/result.h"

namespace mc2::harness {

class World {
public:
    explicit World(const AbiTable &abi) : abi_(abi) {}
    World(const World &) = delete;
    World &operator=(const World &) = delete;
    // Stops the workers. A process-wide World is never destroyed (the implementation's own
    // threads may outlive static destructors); nothing is released through the ABI here.
    ~World();

    // Ranks 0..size-1 ready for a case: devices set, the size's communicators made, and a worker
    // per rank with its context current and a stream. "" or the failing call and its status.
    std::string Ready(int size);
    const std::vector<HcclComm> &Comms(int size) { return comms_[size]; }
    aclrtContext Context(int rank) const { return workers_[static_cast<size_t>(rank)]->context; }
    aclrtStream Stream(int rank) const { return workers_[static_cast<size_t>(rank)]->stream; }

    // Runs job(rank) for ranks 0..size-1, each on its own worker thread, all at once; returns
    // when every one has returned.
    void Run(int size, const std::function<void(int rank)> &job);

    // After a case of `size` ranks: `comms` as the ranks left them (null = destroyed), `ranks`
    // their reports. Resets what the case used (see the file comment) and returns "" when the
    // state was clean, else one line saying what was left behind.
    std::string Settle(int size, const std::vector<HcclComm> &comms, const std::vector<RankReport> &ranks);

private:
    // Each worker sleeps on its own condition variable, so Run wakes exactly the ranks it gives a
    // job: one shared one woke every worker (up to 8 after the fuzzers' warm-up) for every Run,
    // and they fought for one mutex — 97 of a world-≤8 api_fuzzer input's ~160 context switches
    // (fuzz/README.md "Session 13").
    struct Worker {
        std::thread thread;
        std::mutex mu;
        std::condition_variable wake;
        std::function<void()> job;  // set by Run, cleared by the worker when it takes it
        bool stopping = false;
        aclrtContext context = nullptr;
        aclrtStream stream = nullptr;
    };
    void Loop(Worker &w);
    // On rank's worker: a context (when it has none) made current, and a stream.
    std::string Open(int rank);

    const AbiTable &abi_;
    // Run's wait: the jobs not finished yet, and the last one's signal.
    std::mutex done_mu_;
    std::condition_variable done_;
    int pending_ = 0;  // guarded by done_mu_
    int devices_set_ = 0;  // devices 0..devices_set_-1 have been set
    std::vector<std::unique_ptr<Worker>> workers_;
    std::map<int, std::vector<HcclComm>> comms_;  // per world size; absent = to be made
};

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_WORLD_H_
