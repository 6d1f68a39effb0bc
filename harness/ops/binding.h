// harness/ops/binding.h — the per-operator part of the harness, nccl-tests style: one small file
// per operator (harness/ops/<op>.cc) fills an OpBinding and registers it (registry.h); the shared
// runner (harness/run) does everything else — data, devices, ranks, the call, the checks.
//
// A binding is the single source of its operator's signature: ApiBinding::params is derived once
// (for aclnn operators from the C function type of <api>GetWorkspaceSize plus a list of names,
// aclnn_api.h) and every other part of the suite — the descriptor printer and parser, the runner,
// the fuzzers, the ABI-export test — reads it from here. A call is `Prepare` + `Execute` behind
// OpCall, so an aclnn two-phase operator and an ATB operation (CreateOperation + Setup, then
// Execute) are driven by the same runner.
#ifndef MC2_HARNESS_OPS_BINDING_H_
#define MC2_HARNESS_OPS_BINDING_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/fill/fill.h"
#include "hccl/hccl.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::harness {

// One tensor of one rank as the runner prepared it for the call.
struct BoundTensor {
    const TensorSpec *spec = nullptr;
    void *device = nullptr;                       // aclrtMalloc'd storage (nullptr when empty)
    const std::vector<uint8_t> *host = nullptr;   // the same bytes in host memory (inputs: data)
    aclTensor *acl = nullptr;                     // aclCreateTensor's handle (ApiBinding::acl_tensors)
};

// One rank's arguments, ready for the call.
struct CallArgs {
    const Case *c = nullptr;
    int rank = 0;
    std::string comm_name;                     // HcclGetCommName of this rank's communicator
    HcclComm comm = nullptr;                   // the communicator itself
    aclrtStream stream = nullptr;              // the rank's stream (Execute runs on it)
    std::map<std::string, BoundTensor> tensors;  // present tensors (a missing name = nullptr)

    aclTensor *T(const std::string &name) const;
    const BoundTensor *B(const std::string &name) const;
    // nullptr for a null string, the communicator's name for `comm`, else the raw text (which
    // may contain anything a fuzzer put there).
    const char *S(const std::string &name) const;
    // The whole text for a C++ std::string parameter (ATB's Param fields), embedded NULs
    // included, so the library sees exactly what the spec judges; "" for a null string.
    std::string Text(const std::string &name) const;
    int64_t I(const std::string &name) const;  // 0 when absent
    double D(const std::string &name) const;   // 0 when absent
    HcclComm Comm(const std::string &name) const;  // `comm` → the communicator, null → nullptr
};

// One rank's call in flight. The runner calls Prepare once; Execute only when Prepare returned 0,
// with a workspace of the size Prepare reported; then it synchronises the stream. The object is
// destroyed after synchronisation (an ATB call destroys its operation and context there).
class OpCall {
public:
    virtual ~OpCall() = default;
    virtual int32_t Prepare(uint64_t *workspace_size) = 0;
    virtual int32_t Execute(void *workspace, uint64_t workspace_size, aclrtStream stream) = 0;
};

// How the operator is called through the ABI.
struct ApiBinding {
    std::string api;                   // e.g. "aclnnMatmulAllReduceV2", "atb::AllToAllVV2Operation"
    std::vector<ParamDecl> params;     // the signature, in call order (outputs included)
    std::vector<std::string> symbols;  // every ABI symbol a call resolves (dlsym names)
    std::string prepare_phase = "GetWorkspaceSize";  // the first phase's name in messages
    std::string execute_phase = "execute";
    // The runner creates an aclTensor for every present tensor (aclnn); ATB takes raw tensors.
    bool acl_tensors = true;
    // Builds one rank's call; nullptr with *error set when a symbol is missing.
    std::function<std::unique_ptr<OpCall>(const AbiTable &, const CallArgs &, std::string *error)> bind;
};

// Decoded inputs of every rank: name -> row-major matrix (harness/fill/storage.h), present
// tensors only.
using RankInputs = std::map<std::string, oracle::Matrix>;
// Raw inputs of every rank (spec + stored bytes), for outputs the oracle predicts bit by bit.
struct RawTensor {
    TensorSpec spec;
    std::vector<uint8_t> bytes;
};
using RankRawInputs = std::map<std::string, RawTensor>;

// How an output is judged.
enum class OutputKind {
    kInterval,  // numerics: every element inside the oracle's interval (oracle::Bounds)
    kExact,     // data movement: every element one of the codes the oracle allows (ExactCodes)
};

struct OutputDecl {
    std::string name;
    OutputKind kind = OutputKind::kInterval;
    // Every rank receives the same value (the result of an all-reduce or all-gather): the oracle
    // is asked once, and the ranks' bytes must be identical to each other.
    bool replicated = false;
    // The output is an input updated in place (aclnnTransMatmulWeight's mmWeightRef, the
    // Inplace…AddRmsNorm variants): its storage is filled like an input's (fill role, seed), the
    // oracle sees those original contents among the inputs (RankInputs / RankRawInputs), and it
    // is read back and judged like an output instead of being required unchanged. Storage the
    // view does not reach must keep its original bytes (an ordinary output's must keep the
    // poison).
    bool in_place = false;
    // kExact only: the oracle answers for every element of the storage the harness allocated
    // (harness/fill/storage.h StorageCodes, StorageCapacity elements), not for the view: for an
    // operator that rewrites the storage in another layout (ND → FRACTAL_NZ, padding included).
    bool whole_storage = false;
    // kInterval only: the comparator's MISTRUSTED threshold on elements the oracle left
    // unbounded (CompareOptions::mistrust_unbounded_share); above 1 never.
    double mistrust_unbounded_share = 2.0;
};

// The oracle's bit-exact answer for an exact output of one rank: per view element (row-major;
// per storage element for a whole_storage output),
// the element codes a conforming implementation may leave there; an empty list = unconstrained
// (nothing is defined to land there: the element is not checked, not even for being written).
// Kept as one flat list of codes with each element's end in it: a list per element was one heap
// block per element (a gatherOut of 8,192 elements, 8,192 blocks per rank), the largest single
// source of allocations in an api_fuzzer input (fuzz/README.md "Session 12").
class ExactCodes {
  public:
    void Reserve(size_t elements) {
        codes_.reserve(elements);
        ends_.reserve(elements);
    }
    void Add(uint64_t code) {  // the next element must hold exactly `code`
        codes_.push_back(code);
        ends_.push_back(codes_.size());
    }
    void AddUnconstrained() { ends_.push_back(codes_.size()); }
    void AddAnyOf(const std::vector<uint64_t> &codes) {  // empty = unconstrained
        codes_.insert(codes_.end(), codes.begin(), codes.end());
        ends_.push_back(codes_.size());
    }
    size_t size() const { return ends_.size(); }
    std::span<const uint64_t> Allowed(size_t element) const {
        const size_t begin = element == 0 ? 0 : ends_[element - 1];
        return std::span<const uint64_t>(codes_).subspan(begin, ends_[element] - begin);
    }

  private:
    std::vector<uint64_t> codes_;
    std::vector<size_t> ends_;
};

struct OpBinding {
    std::string op;  // Case::op
    ApiBinding api;
    std::vector<OutputDecl> outputs;
    // The contraction the op's inputs feed and each input's role in it (harness/fill).
    ContractionSpec (*contraction)(const Case &c, int rank) = nullptr;
    Role (*role)(const std::string &name) = nullptr;
    // Acceptance intervals of interval output `output` of rank `rank` under `contract`. Throws
    // std::exception with a one-line message when the oracle cannot answer.
    oracle::Bounds (*bounds)(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output,
                             int rank, const oracle::Contract &contract) = nullptr;
    // Optional: the bounds under two contracts in one call (run_case asks for every interval
    // output under the contract and its statistical level), for an oracle whose costly part
    // does not depend on the contract (the k-sums' GEMMs). The pair is what two `bounds`
    // calls give, bit for bit; null: `bounds` is called twice.
    std::pair<oracle::Bounds, oracle::Bounds> (*bounds_pair)(const Case &c, const std::vector<RankInputs> &inputs,
                                                             const std::string &output, int rank,
                                                             const oracle::Contract &first,
                                                             const oracle::Contract &second) = nullptr;
    // The allowed codes of exact output `output` of rank `rank`.
    ExactCodes (*exact)(const Case &c, const std::vector<RankRawInputs> &inputs, const std::string &output,
                        int rank) = nullptr;

    const OutputDecl *Output(std::string_view name) const;
    bool IsOutput(std::string_view name) const { return Output(name) != nullptr; }
    OpSignature Signature() const { return OpSignature{op, api.api, api.params}; }
};

}  // namespace mc2::harness

#endif  // MC2_HARNESS_OPS_BINDING_H_
