// tools/mc2conf/install_paths.cc — the install layout seen from the running executable
// (install_paths.h).
#include "tools/mc2conf/install_paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "harness/abi/abi_table.h"
#include "harness/supervise/case_child.h"

// Relative to bin/, set by cmake/Install.cmake for the configured GNU install directories.
#ifndef MC2_INSTALLED_CHILD
#error "MC2_INSTALLED_CHILD and MC2_INSTALLED_IMPL come from cmake/Install.cmake"
#endif

namespace mc2::tools {
namespace {

// <directory of /proc/self/exe>/<relative>, when that file exists; "" otherwise.
std::string BesideExecutable(const char *relative) {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "";
    const std::filesystem::path candidate = (exe.parent_path() / relative).lexically_normal();
    return std::filesystem::is_regular_file(candidate, ec) ? candidate.string() : "";
}

}  // namespace

void UseInstalledCaseChild() {
    const char *env = std::getenv("MC2_CASE_CHILD");
    if (env != nullptr && *env != '\0') return;  // the user's choice wins
    const std::string child = BesideExecutable(MC2_INSTALLED_CHILD);
    if (!child.empty()) setenv("MC2_CASE_CHILD", child.c_str(), 1);
}

std::string DefaultImpl() {
    const std::string installed = BesideExecutable(MC2_INSTALLED_IMPL);
    return installed.empty() ? harness::DefaultImplPath() : installed;
}

std::string CaseChild() { return harness::CaseChildPath(); }

}  // namespace mc2::tools
