// harness/case.h — one Case value describes one call completely: operator, platform, world
// size, every parameter of the operator's signature (tensors with dtype/shape/strides/offset/
// format/storage shape or null; integer, double and string attributes) with optional per-rank
// overrides, and the data seed, distribution and rank schedule.
//
// Its canonical one-line text form (the "descriptor", in the spirit of benchdnn's problem
// descriptors) parses back to the same Case; every failure prints `mc2conf run '<descriptor>'`.
//
//   matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[32,64] x2=float16[64,128]s(1,64)
//     bias=float16[128] x3=- group=comm reduce_op="sum" comm_turn=0 stream_mode=1
//     output=float16[32,128] seed=7 dist=normal sched=0 x1@1=float16[16,64]
//
// Tensor values: `-` (nullptr) or `dtype[d0,d1,…]` followed by optional `s(strides)` (elements;
// omitted = contiguous), `o(offset)` (elements), `f(format)` (omitted = nd) and `st(storage
// shape)` (omitted = derived, see StorageShape()) and `v(values)` (explicit contents of an integer
// tensor, row-major over the view: counts and displacements that an operator reads from host
// memory; omitted = filled from the seed). String values: `"text"` (C escapes \" \\ \xHH),
// `null` (nullptr), or `comm` (the communicator's own name, as HcclGetCommName returns it).
#ifndef MC2_HARNESS_CASE_H_
#define MC2_HARNESS_CASE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::harness {

enum class Platform { kAtlasA2, kAscend950 };
std::string PlatformName(Platform platform);
std::optional<Platform> ParsePlatform(std::string_view name);

// Data distributions (harness/fill): typical values, adversarial values, exact-by-construction.
enum class Dist { kNormal, kUniform, kCancel, kTies, kExtreme, kExact };
std::string DistName(Dist dist);
std::optional<Dist> ParseDist(std::string_view name);

struct TensorSpec {
    aclDataType dtype = ACL_FLOAT16;
    std::vector<int64_t> shape;          // view shape
    std::vector<int64_t> strides;        // elements; empty = contiguous
    int64_t offset = 0;                  // elements into storage
    aclFormat format = ACL_FORMAT_ND;
    std::vector<int64_t> storage_shape;  // empty = derived
    std::vector<int64_t> values;         // explicit contents (integer dtypes); empty = seeded fill

    bool operator==(const TensorSpec &) const = default;

    int64_t NumElements() const;  // product of the view shape; 0 for an empty tensor
    std::vector<int64_t> Strides() const;       // explicit, or contiguous
    std::vector<int64_t> StorageShape() const;  // explicit, or derived from shape + strides
    // The same dims without a copy where they are the declared storage shape or the view's
    // shape (contiguous views, the common case); else StorageShape() written into `scratch`.
    const std::vector<int64_t> &StorageShapeIn(std::vector<int64_t> &scratch) const;
    // The product of StorageShape() (0 when a dim is ≤ 0, saturating), without building it.
    int64_t StorageShapeElements() const;
    bool IsContiguous() const;
    // Elements of storage the view reaches: offset + 1 + Σ (shape[i]-1)·|stride[i]| (0 if empty).
    int64_t StorageElementsNeeded() const;
    // Whether some view element lies before the storage's first element: a negative offset, or
    // negative strides that step back further than the offset reaches (0 if empty). Such a view
    // names memory that is not the tensor's; StorageCapacity covers only what lies after it.
    bool ReachesBeforeStorage() const;
    // Whether the view's contents are undefined: it reaches before its storage and has no
    // explicit values (explicit values are the view's contents whatever the storage; an
    // operator that takes raw tensors is given them as declared, harness/ops/all_to_all_vv2.cc).
    bool ContentsUndefined() const { return values.empty() && ReachesBeforeStorage(); }
};

// Contiguous (row-major) strides of `shape`.
std::vector<int64_t> ContiguousStrides(const std::vector<int64_t> &shape);

struct Null {
    bool operator==(const Null &) const = default;
};
struct CommName {
    bool operator==(const CommName &) const = default;
};
using Value = std::variant<Null, TensorSpec, int64_t, double, std::string, CommName>;

// kComm: a communicator handle (HcclComm) — `comm` passes the rank's communicator, `null` nullptr.
enum class ParamKind { kTensor, kInt, kDouble, kString, kComm };
struct ParamDecl {
    std::string name;
    ParamKind kind;
};
// The parameters of one ABI entry point, in call order (outputs included).
struct OpSignature {
    std::string op;  // e.g. "matmul_all_reduce_v2"
    std::string api;  // e.g. "aclnnMatmulAllReduceV2"
    std::vector<ParamDecl> params;
    const ParamDecl *Find(std::string_view name) const;
};

// The order of parameter names: std::string's (bytewise, unsigned), so a ParamMap iterates as
// it did with std::less<>. Transparent: the spec's rules ask for parameters by literal names many
// times per case, and a std::string key built from a literal longer than the short-string buffer
// ("comm_quant_scale_1") was a heap allocation per question. Compared out of line without memcmp
// (case.cc): in the fuzz builds a memcmp call feeds libFuzzer's table of compared operands
// (AddValueForMemcmp, 5.4 % of a coverage-only api_fuzzer's CPU in session 16) with names that
// are literals, not input.
struct ParamNameLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};
using ParamMap = std::map<std::string, Value, ParamNameLess>;

struct Case {
    std::string op;
    Platform platform = Platform::kAtlasA2;
    int world = 1;
    ParamMap params;                    // common to every rank
    std::map<int, ParamMap> overrides;  // rank -> param -> value
    uint64_t seed = 1;
    Dist dist = Dist::kNormal;
    uint64_t schedule = 0;  // seed of the rank interleaving / straggler schedule; 0 = none

    bool operator==(const Case &) const = default;

    // The value rank `rank` passes for `name` (its override, else the common value, else Null).
    const Value &Get(int rank, std::string_view name) const;
    const TensorSpec *Tensor(int rank, std::string_view name) const;  // nullptr when null
    // Sets the common value and drops overrides of `name`.
    void Set(const std::string &name, Value value);
    void SetForRank(int rank, const std::string &name, Value value);

    // Canonical form: normalised tensors (contiguous strides and derived storage shapes
    // dropped), overrides equal to the common value dropped.
    void Normalize();
    std::string ToString() const;
};

struct CaseParse {
    std::optional<Case> value;
    std::string error;  // one line, when !value
};
// Parses a descriptor; the operator must have a registered binding (harness/ops/registry.h).
CaseParse ParseCase(std::string_view text);

// Dtypes whose contents `v(...)` may give: the two's-complement and unsigned integers (values are
// stored as their low bits; the harness writes them exactly, never through a double). A
// descriptor gives exactly one value per element.
bool IsIntegerDtype(aclDataType d);

std::string ValueToString(const Value &value);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_CASE_H_
