// harness/ops/binding.h — the per-operator part of the harness, nccl-tests style: one small
// file per operator (harness/ops/<op>.cc) fills this table, and the shared runner
// (harness/run) does everything else — data, devices, ranks, the call, the checks.
//
// A binding says which tensors are outputs and what role each input plays in the fill, turns
// a rank's arguments into the first-phase call in signature order (the function pointer comes
// from the ABI table, resolved by name), and assembles the oracle's inputs from the decoded
// input tensors. Every aclnn second phase has one signature, so the runner calls it directly.
// Adding an operator = one file here + one line in registry.cc.
#ifndef MC2_HARNESS_OPS_BINDING_H_
#define MC2_HARNESS_OPS_BINDING_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aclnn/acl_meta.h"
#include "harness/case.h"
#include "harness/fill/fill.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::harness {

// One rank's arguments, ready for the call.
struct CallArgs {
    const Case *c = nullptr;
    int rank = 0;
    std::string comm_name;                       // HcclGetCommName of this rank's communicator
    std::map<std::string, aclTensor *> tensors;  // present tensors (a missing name = nullptr)

    aclTensor *T(const std::string &name) const;
    // nullptr for a null string, the communicator's name for `comm`, else the raw text (which
    // may contain anything a fuzzer put there).
    const char *S(const std::string &name) const;
    int64_t I(const std::string &name) const;  // 0 when absent
    double D(const std::string &name) const;   // 0 when absent
};

// Decoded inputs of every rank: name -> row-major matrix (harness/fill/storage.h), present
// tensors only.
using RankInputs = std::map<std::string, oracle::Matrix>;

struct OpBinding {
    const char *op;   // Case::op
    const char *api;  // ABI entry point; the first phase is <api>GetWorkspaceSize
    std::vector<std::string> outputs;
    // The contraction the op's inputs feed and each input's role in it (harness/fill).
    ContractionSpec (*contraction)(const Case &c, int rank);
    Role (*role)(const std::string &name);
    // <api>GetWorkspaceSize(args in signature order..., workspaceSize, executor).
    aclnnStatus (*prepare)(void *fn, const CallArgs &args, uint64_t *workspace_size, aclOpExecutor **executor);
    // Acceptance intervals of output `output` under `contract` (the same on every rank for the
    // all-reduce family). Throws std::exception with a one-line message when the oracle cannot
    // answer.
    oracle::Bounds (*bounds)(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output,
                             const oracle::Contract &contract);
};

// The binding for an operator, or nullptr.
const OpBinding *FindBinding(std::string_view op);
const std::vector<const OpBinding *> &AllBindings();

// Bindings, one per file (registry.cc lists them).
const OpBinding &MatmulAllReduceBinding();
const OpBinding &MatmulAllReduceV2Binding();

}  // namespace mc2::harness

#endif  // MC2_HARNESS_OPS_BINDING_H_
