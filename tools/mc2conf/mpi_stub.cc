// tools/mc2conf/mpi_stub.cc — the plain mc2conf's side of `run --mpi` (mpi_pool.h): no MPI
// here, so the program runs where no MPI is installed; --mpi hands over to mc2conf-mpi.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "tools/mc2conf/mpi_pool.h"

namespace mc2::tools {

bool MpiBuilt() { return false; }

std::string ExecMpiBuild() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "cannot find this executable (/proc/self/exe)";
    std::filesystem::path mpi = exe.parent_path() / "mc2conf-mpi";
    if (!std::filesystem::exists(mpi, ec)) {
        return mpi.string() + " does not exist (it is built when CMake finds MPI, e.g. Debian's libopenmpi-dev)";
    }
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    for (size_t at = 0; at < all.size();) {
        const size_t end = all.find('\0', at);
        args.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos) break;
        at = end + 1;
    }
    if (args.empty()) return "cannot read this process's arguments";
    args[0] = mpi.string();
    std::vector<char *> argv;
    for (std::string &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    return "cannot run " + mpi.string() + ": " + std::strerror(errno);
}

MpiWorld MpiStart() { throw std::logic_error("mc2conf was built without MPI"); }
void MpiRunPool(const std::vector<harness::Case> &, const PoolOptions &,
                const std::function<void(size_t, harness::CaseResult)> &, const std::function<void()> &) {
    throw std::logic_error("mc2conf was built without MPI");
}
void MpiFollow(const std::vector<harness::Case> &, const PoolOptions &) {
    throw std::logic_error("mc2conf was built without MPI");
}
void MpiRelease() {}
void MpiFinish() {}

}  // namespace mc2::tools
