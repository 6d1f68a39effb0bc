// spec/front_end/front_end.h — framework front-end rule families: what torch_npu, MindSpeed and
// MindSpore check and where they dispatch before any aclnn call (spec-notes/ops.md §2.6, §5.2,
// §6.2). A front-end call is the Python-level call (kwargs as the framework names them); a
// family's check rules say which calls the front-end must refuse (one rule per documented check,
// in the framework's order), its dispatch rules say which aclnn API a call it accepts reaches and
// with which arguments. The aclnn case a dispatch produces is then judged as that API's case by
// the operator families of spec/<op>/. Front-ends are not ABI entry points: they are judged
// through case bundles only (`mc2conf export --front-end`, docs/case-bundles.md).
#ifndef MC2_SPEC_FRONT_END_FRONT_END_H_
#define MC2_SPEC_FRONT_END_FRONT_END_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "harness/case.h"
#include "spec/expectation.h"

namespace mc2::spec::front_end {

// One framework-level argument: None, a tensor, an int, a float, a str, a bool, a list of ints,
// or the rank's communicator (torch_npu's `hcom` name, MindSpore's `group`).
struct None {
    bool operator==(const None &) const = default;
};
struct Group {
    bool operator==(const Group &) const = default;
};
using Arg = std::variant<None, harness::TensorSpec, int64_t, double, std::string, bool, std::vector<int64_t>, Group>;
std::string ArgToString(const Arg &arg);

// One front-end call, the same on every rank (the data differ per rank through the seed).
struct Call {
    std::string function;  // e.g. "torch_npu.npu_mm_all_reduce_base"
    harness::Platform platform = harness::Platform::kAtlasA2;
    int world = 2;
    uint64_t seed = 1;
    std::vector<std::pair<std::string, Arg>> args;  // the framework's order: positional, then keywords

    const Arg *Find(const std::string &name) const;
    const harness::TensorSpec *T(const std::string &name) const;  // nullptr for None or absent
    int64_t I(const std::string &name, int64_t otherwise = 0) const;
    bool B(const std::string &name, bool otherwise = false) const;
    void Set(const std::string &name, Arg value);  // replaces, or appends a keyword
    // "torch_npu.npu_mm_all_reduce_base(x1=int8[16,32], x2=int8[32,24], hcom=<group>, ...) platform=atlas_a2 world=2 seed=1"
    std::string ToString() const;
};

// Where an accepted call goes: the aclnn case it becomes (tensors as passed, attributes as
// forwarded, outputs as the front-end allocates them), and the function's return values.
struct Dispatch {
    std::string api;                          // e.g. "aclnnQuantMatmulAllReduceV2"
    harness::Case target;                     // judged as that API's case (spec/<op>/)
    std::map<std::string, std::string> tensor_args;  // front-end kwarg -> aclnn parameter
    std::vector<std::string> returns;         // aclnn output parameters, in the function's return order
};

// A check the front-end makes (kCheck) or a dispatch route it takes (kDispatch).
struct Rule {
    enum class Kind { kCheck, kDispatch };
    std::string id;        // e.g. "tnpu.mmar.x2_dim"
    Kind kind = Kind::kCheck;
    Level level = Level::kDocumented;  // documented behaviour of the front-end
    std::string text;      // one line
    std::string citation;  // spec-notes section / seed
    // kCheck: whether the call breaks the check; kDispatch: whether the route applies.
    std::function<bool(const Call &)> applies;
    // kCheck: turns a valid call into one breaking this check and no earlier one (nullopt when
    // that valid call cannot be bent so).
    std::function<std::optional<Call>(const Call &valid)> violate;
};

struct Family {
    std::string name;       // "torch_npu"
    std::string framework;  // "torch_npu (op-plugin)"
    std::vector<std::string> functions;  // the Python functions it covers
    const std::vector<Rule> *rules = nullptr;  // checks in the framework's order, then dispatch routes
    // The valid calls the cases start from: at least one per dispatch route (the nearest call the
    // front-end must accept beside each refusal).
    std::vector<Call> (*valid_calls)() = nullptr;
    // The dispatch of a call that passes every check (the route's rule id in *rule).
    Dispatch (*dispatch)(const Call &call, std::string *rule) = nullptr;
    std::vector<std::string> decisions;  // where the sources are silent and what the family chose
};

// The front-end families, sorted by name (torch_npu, mindspeed, mindspore).
const std::vector<Family> &AllFamilies();
const Family *FindFamily(const std::string &name);
const Rule *FindRule(const std::string &id);

// The front-end's answer for a call: the first check it breaks, or where it dispatches.
struct Verdict {
    const Rule *refused = nullptr;
    std::optional<Dispatch> dispatch;
    std::string route;  // the dispatch rule's id
};
Verdict Evaluate(const Family &family, const Call &call);

// A family's cases: every valid call (dispatched) and each check's violation of every valid call
// it can bend (refused), deduplicated by call text.
struct FrontEndCase {
    Call call;
    bool valid = true;
    std::string rule_id;  // the check a refused call breaks; the route a valid call takes
};
std::vector<FrontEndCase> Cases(const Family &family);

// A plain listing and a Markdown table of the families (mc2conf spec).
std::string RenderPlain(const Family &family);
std::string RenderMarkdown();

// ---- the families (one file each) ----
Family TorchNpuFamily();   // torch_npu.npu_mm_all_reduce_base (ops.md §2.6)
Family MindSpeedFamily();  // mindspeed npu_mm_all_reduce_add_rms_norm[_] (ops.md §6.2)
Family MindSporeFamily();  // mindspore.ops.all_gather_matmul (ops.md §5.2)

// ---- helpers for the family files ----
harness::TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape);
std::vector<int64_t> OutputShape(const harness::TensorSpec &x1, int64_t n);  // x1's shape, last dim n
// A check rule built from its predicate and a violation that edits the valid call.
Rule Check(std::string id, std::string text, std::string citation, std::function<bool(const Call &)> refuses,
           std::function<std::optional<Call>(Call)> violate);
Rule Route(std::string id, std::string text, std::string citation, std::function<bool(const Call &)> applies);
// The dispatch to aclnn operator `op` (a registered signature): each of its tensor parameters
// from the kwarg `tensor_args` maps to it (None when absent), its other parameters from `attrs`
// (the communicator for kComm ones), its outputs from `outputs`; the data seed is the call's.
Dispatch ToApi(const Call &call, const std::string &op, const std::map<std::string, std::string> &tensor_args,
               const harness::ParamMap &attrs,
               const std::map<std::string, harness::TensorSpec> &outputs, std::vector<std::string> returns);
// The mapping table a family's dispatch reads: for each route (the route rule's id) and function,
// the aclnn operator it reaches (a registered signature) and which front-end kwarg becomes which
// of that operator's tensor parameters. The route rule's text says the same in words.
struct RouteTarget {
    std::string route;
    std::string function;  // the front-end function it holds for; empty: every function of the family
    std::string op;
    std::map<std::string, std::string> tensor_args;  // front-end kwarg -> aclnn parameter
};
// The id of the first of `rules`' dispatch rules that applies to `call` (empty when none does).
std::string FirstRoute(const std::vector<Rule> &rules, const Call &call);
// The entry of `table` for `route` and the call's function; std::logic_error when there is none
// (a call that passes every check reaches a route, or the family is wrong).
const RouteTarget &FindTarget(const std::vector<RouteTarget> &table, const std::string &route, const Call &call);
// The attributes the MC2 front-ends forward: the rank's communicator as `group`, reduce_op and
// comm_turn as given ("sum" and 0 when absent) and stream_mode ACL_STOP_ON_FAILURE (1). ToApi
// passes an operator only the attributes it has (AllGatherMatmul has no reduce_op).
harness::ParamMap CommAttrs(const Call &call);
bool IsIntegral(aclDataType dtype);  // torch's isIntegralType (bool excluded)
bool IsFloating(aclDataType dtype);  // float16, bfloat16, float32

}  // namespace mc2::spec::front_end

#endif  // MC2_SPEC_FRONT_END_FRONT_END_H_
