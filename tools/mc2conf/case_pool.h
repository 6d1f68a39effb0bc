// tools/mc2conf/case_pool.h — runs many cases, `jobs` at a time: in the supervised mode `jobs`
// forked children run at once; results are handed to the caller's thread (progress display,
// collection) in completion order.
//
// Every case runs with MC2_PLATFORM set to its platform (atlas_a2, ascend_950): that is how the
// built-in implementation picks the product profile it emulates (impl/ops/common/platform.h),
// as a vendor library is built for its hardware. A library that does not read it is unaffected.
#ifndef MC2_TOOLS_MC2CONF_CASE_POOL_H_
#define MC2_TOOLS_MC2CONF_CASE_POOL_H_

#include <functional>
#include <optional>
#include <vector>

#include "harness/case.h"
#include "harness/run/result.h"
#include "harness/run/run_case.h"
#include "harness/supervise/supervise.h"

namespace mc2::tools {

struct PoolOptions {
    int jobs = 1;
    harness::SuperviseOptions supervise;
    harness::RunOptions run;
};

// One case, supervised or in-process as the options say; nullopt when the run was stopped
// (harness/supervise/stop.h) while it ran.
std::optional<harness::CaseResult> RunOneCase(const harness::Case &c, const PoolOptions &options);

// Calls on_done(index, result) for every case and on_tick() about five times a second, both on
// the calling thread. Returns when every case has a result, or, after a stop
// (harness::RequestStop), when the cases in flight have been killed: those get no on_done.
void RunPool(const std::vector<harness::Case> &cases, const PoolOptions &options,
             const std::function<void(size_t, harness::CaseResult)> &on_done, const std::function<void()> &on_tick);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_CASE_POOL_H_
