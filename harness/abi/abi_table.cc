// harness/abi/abi_table.cc — dlopen/dlsym loader of the implementation under test (abi_table.h).
#include "harness/abi/abi_table.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace mc2::harness {

std::unique_ptr<AbiTable> AbiTable::Load(const std::vector<std::string> &paths, std::string *error) {
    std::unique_ptr<AbiTable> table(new AbiTable());
    table->paths_ = paths.empty() ? std::vector<std::string>{DefaultImplPath()} : paths;
    for (const std::string &path : table->paths_) {
        // RTLD_NODELETE: see the destructor comment; the handle is never closed anyway.
        void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (handle == nullptr) {
            const char *why = dlerror();
            *error = "cannot load implementation library " + path + ": " + (why ? why : "unknown dlopen error");
            return nullptr;
        }
        table->handles_.push_back(handle);
    }
    std::string missing;
#define MC2_HARNESS_RESOLVE_FN(name)                                                       \
    table->rt_.name = reinterpret_cast<decltype(&::name)>(table->Find(#name));            \
    if (table->rt_.name == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(#name);
    MC2_HARNESS_REQUIRED_SYMBOLS(MC2_HARNESS_RESOLVE_FN)
#undef MC2_HARNESS_RESOLVE_FN
    if (!missing.empty()) {
        *error = "implementation (" + table->LibraryList() + ") does not export required symbol(s): " + missing;
        return nullptr;
    }
    return table;
}

void *AbiTable::Find(const std::string &symbol) const {
    for (void *handle : handles_) {
        // dlsym on a handle searches that library and its dependencies only; RTLD_LOCAL keeps
        // another implementation's definitions out of the way.
        if (void *p = dlsym(handle, symbol.c_str())) return p;
    }
    return nullptr;
}

std::string AbiTable::LibraryList() const {
    std::string out;
    for (const auto &p : paths_) out += (out.empty() ? "" : ", ") + p;
    return out;
}

std::string AbiTable::MissingSymbolMessage(std::string_view symbol) const {
    return "symbol " + std::string(symbol) + " not exported by the implementation (" + LibraryList() + ")";
}

aclError AbiTable::EnsureInit() const {
    std::call_once(init_once_, [this] {
        aclError rc = rt_.aclInit(nullptr);
        if (rc == ACL_ERROR_REPEAT_INITIALIZE) rc = ACL_SUCCESS;
        init_status_ = rc;
        if (rc != ACL_SUCCESS) (void)rt_.aclGetRecentErrMsg();  // the caller reports the code
    });
    return init_status_;
}

std::string DefaultImplPath() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::filesystem::path candidate = exe.parent_path() / ".." / "lib" / "libmc2impl.so";
        if (std::filesystem::exists(candidate, ec)) return candidate.lexically_normal().string();
    }
#ifdef MC2_DEFAULT_IMPL_PATH
    if (std::filesystem::exists(MC2_DEFAULT_IMPL_PATH, ec)) return MC2_DEFAULT_IMPL_PATH;
#endif
    return "libmc2impl.so";
}

}  // namespace mc2::harness
