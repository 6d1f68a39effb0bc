// tools/mc2conf/mpi_pool.h — `mc2conf run --mpi`: a gate whose ranks are processes, one MPI
// process per rank (`mpirun -np W [--hostfile hosts] mc2conf run --mpi --gate quick`), as on a
// real cluster. One case at a time across the MPI world: rank 0 picks the case, every MPI
// process r < world starts that rank's child (harness/supervise/rank_child.h: the library under
// test is loaded there, never in the MPI process), rank 0's child makes the HCCL root info, MPI
// broadcasts it, the other children join with it; each MPI process waits for its child (a crash
// or a hang is that rank's outcome, the child is killed at the case's timeout), MPI gathers the
// outcomes on rank 0, which judges the case with the threaded runner's judgement and writes the
// reports. A case needing more ranks than the MPI world has is left out (counted on stderr).
//
// Only mc2conf-mpi (built when CMake finds MPI) holds the MPI code: the plain mc2conf stays free
// of libmpi and, given --mpi, re-executes mc2conf-mpi from its own folder with the same
// arguments (mpirun's environment, and so the MPI job, carries over the exec).
#ifndef MC2_TOOLS_MC2CONF_MPI_POOL_H_
#define MC2_TOOLS_MC2CONF_MPI_POOL_H_

#include <functional>
#include <string>
#include <vector>

#include "harness/case.h"
#include "harness/run/result.h"
#include "tools/mc2conf/case_pool.h"

namespace mc2::tools {

struct MpiWorld {
    int rank = 0;
    int size = 1;
};

// Whether this executable holds the MPI code (mc2conf-mpi).
bool MpiBuilt();
// The plain mc2conf: replaces this process with mc2conf-mpi, same arguments. Returns only when
// that is impossible, with the reason.
std::string ExecMpiBuild();

// MPI_Init (once); this process's rank and the world's size.
MpiWorld MpiStart();
// Rank 0: runs every case as RunPool does (same callbacks, on this thread); then tells the
// other ranks to stop.
void MpiRunPool(const std::vector<harness::Case> &cases, const PoolOptions &options,
                const std::function<void(size_t, harness::CaseResult)> &on_done, const std::function<void()> &on_tick);
// Ranks > 0: takes part in the cases rank 0 picks from the same list until it says stop.
void MpiFollow(const std::vector<harness::Case> &cases, const PoolOptions &options);
// Rank 0: tells the followers to stop (once; MpiRunPool does it at its end). A rank 0 that
// stops early (a bad library, a usage error) must call it, or MpiFinish, or they wait forever.
void MpiRelease();
// MpiRelease, then MPI_Finalize.
void MpiFinish();

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_MPI_POOL_H_
