// spec/front_end/mindspore.cc — the front-end family of mindspore.ops.all_gather_matmul: the
// restrictions its document states (input and x2 2-D of one float dtype, world_size the group's
// and 2, 4 or 8, bias None, gather_index 0, comm_turn 0, trans_input False, k in [256, 65535)) and
// its dispatch to aclnnAllGatherMatmul (spec-notes/ops.md §5.2; seed 001 calls it). The aclnn
// cases it dispatches are judged by spec/all_gather_matmul/.
#include <optional>

#include "spec/all_gather_matmul/all_gather_matmul.h"
#include "spec/front_end/front_end.h"

namespace mc2::spec::front_end {
namespace {

using harness::TensorSpec;

constexpr const char *kFunction = "mindspore.ops.all_gather_matmul";
const std::string kCite = "shared/spec-notes/ops.md §5.2 (seed 001)";

bool Floating16(aclDataType d) { return d == ACL_FLOAT16 || d == ACL_BF16; }
size_t Dim(const Call &c, const char *name) { return c.T(name) ? c.T(name)->shape.size() : 0; }
int64_t K(const Call &c) { return c.T("input")->shape[1]; }
// x2's k as MindSpore reads it: dim 0, or dim 1 with trans_x2 (x2 given as (n, k)).
int64_t X2K(const Call &c) { return c.T("x2")->shape[c.B("trans_x2") ? 1 : 0]; }
int64_t X2N(const Call &c) { return c.T("x2")->shape[c.B("trans_x2") ? 0 : 1]; }

std::optional<Call> Edit(Call c, const char *name, const std::function<void(TensorSpec &)> &edit) {
    TensorSpec copy = *c.T(name);
    edit(copy);
    c.Set(name, copy);
    return c;
}
std::optional<Call> With(Call c, const char *name, Arg v) {
    c.Set(name, std::move(v));
    return c;
}

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> rules = {
        Check("ms.agmm.input_dim", "input must be 2-D (m, k).", kCite, [](const Call &c) { return Dim(c, "input") != 2; },
              [](Call c) { return Edit(c, "input", [](TensorSpec &t) { t.shape.insert(t.shape.begin(), 1); }); }),
        Check("ms.agmm.x2_dim", "x2 must be 2-D.", kCite, [](const Call &c) { return Dim(c, "x2") != 2; },
              [](Call c) { return Edit(c, "x2", [](TensorSpec &t) { t.shape.insert(t.shape.begin(), 1); }); }),
        Check("ms.agmm.dtype", "input must be float16 or bfloat16 and x2 of the same dtype.", kCite,
              [](const Call &c) { return !Floating16(c.T("input")->dtype) || c.T("x2")->dtype != c.T("input")->dtype; },
              [](Call c) {
                  const aclDataType other = c.T("input")->dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16;
                  return Edit(c, "x2", [&](TensorSpec &t) { t.dtype = other; });
              }),
        Check("ms.agmm.world_size", "world_size must be the group's rank count, and 2, 4 or 8.", kCite,
              [](const Call &c) {
                  const int64_t w = c.I("world_size");
                  return w != c.world || (w != 2 && w != 4 && w != 8);
              },
              [](Call c) { return With(c, "world_size", int64_t{c.world * 2}); }),
        Check("ms.agmm.bias", "bias must be None.", kCite, [](const Call &c) { return c.T("bias") != nullptr; },
              [](Call c) { return With(c, "bias", Tensor(c.T("input")->dtype, {X2N(c)})); }),
        Check("ms.agmm.gather_index", "gather_index must be 0.", kCite, [](const Call &c) { return c.I("gather_index") != 0; },
              [](Call c) { return With(c, "gather_index", int64_t{1}); }),
        Check("ms.agmm.comm_turn", "comm_turn must be 0.", kCite, [](const Call &c) { return c.I("comm_turn") != 0; },
              [](Call c) { return With(c, "comm_turn", int64_t{1}); }),
        Check("ms.agmm.trans_input", "trans_input must be False.", kCite, [](const Call &c) { return c.B("trans_input"); },
              [](Call c) { return With(c, "trans_input", true); }),
        Check("ms.agmm.k_match", "x2's k (dim 0, or dim 1 with trans_x2) must equal input's k.", kCite,
              [](const Call &c) { return K(c) != X2K(c); },
              [](Call c) {
                  const size_t at = c.B("trans_x2") ? 1 : 0;
                  return Edit(c, "x2", [&](TensorSpec &t) { t.shape[at] += 16; });
              }),
        Check("ms.agmm.k_range", "k must be in [256, 65535).", kCite,
              [](const Call &c) { return K(c) < all_gather_matmul::kMinK || K(c) >= all_gather_matmul::kMaxKExclusive; },
              [](Call c) {
                  const size_t at = c.B("trans_x2") ? 1 : 0;
                  c = *Edit(c, "input", [](TensorSpec &t) { t.shape[1] = 128; });
                  return Edit(c, "x2", [&](TensorSpec &t) { t.shape[at] = 128; });
              }),
        Route("ms.agmm.route",
              "→ aclnnAllGatherMatmul(input, x2 [a transposed (k, n) view of the (n, k) x2 when trans_x2], bias=None, group, "
              "gather_index=0, comm_turn=0, stream_mode=1, output (m·world_size, n), gather_out (m·world_size, k) or None "
              "when gather_output is False).",
              kCite, [](const Call &) { return true; }),
    };
    return rules;
}

// Where the route goes: input is the API's x1.
const std::vector<RouteTarget> &Targets() {
    static const std::vector<RouteTarget> targets = {
        {"ms.agmm.route", "", all_gather_matmul::kOp, {{"input", "x1"}, {"x2", "x2"}, {"bias", "bias"}}}};
    return targets;
}

Dispatch DispatchCall(const Call &c, std::string *route) {
    *route = FirstRoute(Rules(), c);
    Call forwarded = c;
    if (c.B("trans_x2")) {  // x2 given as (n, k): the API sees the (k, n) view of the same storage
        TensorSpec x2 = *c.T("x2");
        x2.storage_shape = x2.shape;
        x2.shape = {x2.shape[1], x2.shape[0]};
        x2.strides = {1, x2.shape[0]};
        forwarded.Set("x2", x2);
    }
    const TensorSpec &input = *c.T("input");
    const int64_t rows = input.shape[0] * c.world;
    std::map<std::string, TensorSpec> outputs = {{"output", Tensor(input.dtype, {rows, X2N(c)})}};
    std::vector<std::string> returns = {"output"};
    if (c.B("gather_output", true)) {
        outputs["gather_out"] = Tensor(input.dtype, {rows, K(c)});
        returns.push_back("gather_out");
    }
    // gather_index and comm_turn are 0 here (checked above).
    harness::ParamMap attrs = CommAttrs(c);
    attrs["gather_index"] = int64_t{0};
    const RouteTarget &target = FindTarget(Targets(), *route, c);
    return ToApi(forwarded, target.op, target.tensor_args, attrs, outputs, returns);
}

Call Base(uint64_t seed, aclDataType dtype, int world, TensorSpec x2, bool trans_x2, bool gather_output) {
    Call c;
    c.function = kFunction;
    c.seed = seed;
    c.world = world;
    c.args = {{"input", Tensor(dtype, {16, 256})}, {"x2", std::move(x2)}, {"group", Group{}},
              {"world_size", int64_t{world}}, {"gather_index", int64_t{0}}, {"gather_output", gather_output},
              {"comm_turn", int64_t{0}}, {"trans_input", false}, {"trans_x2", trans_x2}};
    return c;
}

std::vector<Call> ValidCalls() {
    return {Base(31, ACL_FLOAT16, 2, Tensor(ACL_FLOAT16, {256, 24}), false, true),
            Base(32, ACL_BF16, 4, Tensor(ACL_BF16, {24, 256}), true, true),
            Base(33, ACL_FLOAT16, 2, Tensor(ACL_FLOAT16, {256, 24}), false, false)};
}

}  // namespace

Family MindSporeFamily() {
    Family f;
    f.name = "mindspore";
    f.framework = "MindSpore";
    f.functions = {kFunction};
    f.rules = &Rules();
    f.valid_calls = ValidCalls;
    f.dispatch = DispatchCall;
    f.decisions = {
        "MindSpore documents these restrictions without saying which layer raises (its Python front-end, its "
        "primitive's infer function or the kernel): the family asks that such a call fail before producing a result, "
        "whichever layer refuses.",
        "gather_output=False is taken to pass no gather output (gatherOut None) to aclnnAllGatherMatmul; the shape-(0) "
        "gather_out MindSpore returns is not judged.",
    };
    return f;
}

}  // namespace mc2::spec::front_end
