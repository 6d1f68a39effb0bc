// tools/mc2conf/malloc_tunable.h — `mc2conf run` / `judge` restart themselves once with glibc's
// malloc asking for transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), because
// the big cases spend much of their CPU in page faults on fresh buffers of hundreds of MB:
// measured on the GPT-3 world-8 case at S = 256, 25× fewer page faults and 40 % less CPU
// (README "Performance"). The setting reaches the supervised case children through the
// environment.
#ifndef MC2_TOOLS_MC2CONF_MALLOC_TUNABLE_H_
#define MC2_TOOLS_MC2CONF_MALLOC_TUNABLE_H_

namespace mc2::tools {

// Re-executes this program (/proc/self/exe, same argv) with glibc.malloc.hugetlb=1 added to
// GLIBC_TUNABLES, unless the environment already names that tunable, MC2CONF_MALLOC_HUGETLB=0
// opts out, the C library is not glibc ≥ 2.35 (the tunable's first release), or an MPI
// launcher started this process (its rank bookkeeping is left alone). Returns (doing nothing)
// when it does not re-execute or the exec fails; call it before any thread starts.
void ReexecWithHugePageMalloc(char **argv);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_MALLOC_TUNABLE_H_
