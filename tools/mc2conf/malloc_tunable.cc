// tools/mc2conf/malloc_tunable.cc — see malloc_tunable.h.
#include "tools/mc2conf/malloc_tunable.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

namespace mc2::tools {
namespace {

constexpr const char *kTunable = "glibc.malloc.hugetlb";

bool GlibcHasTunable() {
#if defined(__GLIBC__)
    int major = 0, minor = 0;
    if (std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2) return false;
    return major > 2 || (major == 2 && minor >= 35);
#else
    return false;
#endif
}

bool UnderMpiLauncher() {
    for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMIX_RANK"})
        if (std::getenv(name) != nullptr) return true;
    return false;
}

}  // namespace

void ReexecWithHugePageMalloc(char **argv) {
    const char *opt = std::getenv("MC2CONF_MALLOC_HUGETLB");
    if (opt != nullptr && std::strcmp(opt, "0") == 0) return;
    const char *tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, kTunable) != nullptr) return;  // the user's choice, or done
    if (!GlibcHasTunable() || UnderMpiLauncher()) return;
    std::string value = std::string(kTunable) + "=1";
    if (tunables != nullptr && *tunables != '\0') value = std::string(tunables) + ":" + value;
    if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
    execv("/proc/self/exe", argv);
    // Not restarted (no /proc?): go on with the default malloc; the tunable in the
    // environment still reaches the case children.
}

}  // namespace mc2::tools
