// tools/mc2conf/bundle.h — the case bundle shared by `mc2conf export` and `mc2conf judge`
// (docs/case-bundles.md): where each file lives, and a tensor's storage as a .npy array. An
// implementation that is not a C library (a Python framework, a simulator, a remote device)
// runs the exported cases with its own adapter and writes its answers next to them.
#ifndef MC2_TOOLS_MC2CONF_BUNDLE_H_
#define MC2_TOOLS_MC2CONF_BUNDLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/case.h"
#include "tools/mc2conf/npy.h"

namespace mc2::tools {

// manifest.json's "schema" and "version"; a change an old reader would misread bumps it.
inline constexpr const char *kBundleSchema = "mc2conf.case-bundle";
inline constexpr int kBundleVersion = 1;

// Paths relative to the bundle directory.
std::string CaseDir(int index);                                    // "case-00042"
std::string TensorPath(int index, int rank, const std::string &name);  // ".../rank0/x1.npy"
std::string ResultPath(int index, int rank, const std::string &name);  // ".../rank0/result/x1.npy"
std::string StatusPath(int index, int rank);                       // ".../rank0/result/status.json"

// The .npy shape of a tensor's storage: its storage shape when that covers the storage exactly,
// else one dimension of StorageCapacity elements.
std::vector<int64_t> NpyShape(const harness::TensorSpec &spec);

// A tensor's storage bytes as one code per storage element (npy.h).
NpyArray StorageToNpy(const harness::TensorSpec &spec, const std::vector<uint8_t> &storage);

// An adapter's array back into storage bytes, starting from `initial` (the poison: padding bits
// of sub-byte formats stay as they were). False with *error when the numpy type or the shape is
// not the manifest's, or a code does not fit the format's width.
bool NpyToStorage(const harness::TensorSpec &spec, const NpyArray &array, const std::vector<uint8_t> &initial,
                  std::vector<uint8_t> *storage, std::string *error);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_BUNDLE_H_
