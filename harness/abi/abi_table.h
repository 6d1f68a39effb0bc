// harness/abi/abi_table.h — the implementation under test as the harness sees it: a table of
// ABI entry points resolved with dlsym from one or more shared libraries (DESIGN.md, rule 3).
// The harness never links an implementation; the built-in libmc2impl.so gets no privileged
// path, so a vendor runtime, a port or a deliberately broken build is driven the same way.
//
// Libraries are searched in the order given: a symbol comes from the first library that
// exports it, so `--impl vendor.so --impl shim.so` lets a later library fill what an earlier
// one lacks. The runtime and HCCL entry points a run needs are required (Load fails with a
// one-line message naming the missing symbol); operator entry points are looked up per call
// (Find), so a library lacking one operator still runs every other operator's cases.
#ifndef MC2_HARNESS_ABI_ABI_TABLE_H_
#define MC2_HARNESS_ABI_ABI_TABLE_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "hccl/hccl.h"

namespace mc2::harness {

// X-macro of the required entry points: what the CANN examples call around an operator.
#define MC2_HARNESS_REQUIRED_SYMBOLS(X) \
    X(aclInit)                          \
    X(aclrtSetDevice)                   \
    X(aclrtResetDevice)                 \
    X(aclrtCreateContext)               \
    X(aclrtDestroyContext)              \
    X(aclrtSetCurrentContext)           \
    X(aclrtCreateStream)                \
    X(aclrtDestroyStream)               \
    X(aclrtSynchronizeStreamWithTimeout) \
    X(aclrtMalloc)                      \
    X(aclrtFree)                        \
    X(aclrtMemcpy)                      \
    X(aclCreateTensor)                  \
    X(aclDestroyTensor)                 \
    X(aclGetRecentErrMsg)               \
    X(HcclCommInitAll)                  \
    X(HcclGetCommName)                  \
    X(HcclCommDestroy)

// Typed pointers to the required entry points (member names = ABI names).
struct RuntimeFns {
#define MC2_HARNESS_DECLARE_FN(name) decltype(&::name) name = nullptr;
    MC2_HARNESS_REQUIRED_SYMBOLS(MC2_HARNESS_DECLARE_FN)
#undef MC2_HARNESS_DECLARE_FN
};

class AbiTable {
public:
    // Opens every library (RTLD_NOW | RTLD_LOCAL, so two implementations can coexist in one
    // process) and resolves the required symbols. On failure returns nullptr and sets *error to
    // one line (which library failed to open, or which symbol no library exports).
    static std::unique_ptr<AbiTable> Load(const std::vector<std::string> &paths, std::string *error);

    AbiTable(const AbiTable &) = delete;
    AbiTable &operator=(const AbiTable &) = delete;
    // The libraries stay mapped: stream worker threads of the implementation may outlive a
    // case (a timed-out run), and unmapping code they execute would turn a hang into a crash.
    ~AbiTable() = default;

    const RuntimeFns &rt() const { return rt_; }
    // The first library's definition of `symbol`, or nullptr when none exports it.
    void *Find(const std::string &symbol) const;
    const std::vector<std::string> &libraries() const { return paths_; }
    // "a.so, b.so" — for messages.
    std::string LibraryList() const;
    // The one-line message for an operator symbol no library exports.
    std::string MissingSymbolMessage(std::string_view symbol) const;

    // aclInit once per table (per process, as CANN requires); a repeated-initialisation answer
    // counts as success. Returns the first call's status.
    aclError EnsureInit() const;

private:
    AbiTable() = default;
    std::vector<std::string> paths_;
    std::vector<void *> handles_;
    RuntimeFns rt_;
    mutable std::once_flag init_once_;
    mutable aclError init_status_ = ACL_SUCCESS;
};

// The default implementation: <directory of the running executable>/../lib/libmc2impl.so when
// that file exists (build and install trees), else the path CMake configured
// (MC2_DEFAULT_IMPL_PATH), else the bare name for the dynamic loader's search.
std::string DefaultImplPath();

}  // namespace mc2::harness

#endif  // MC2_HARNESS_ABI_ABI_TABLE_H_
