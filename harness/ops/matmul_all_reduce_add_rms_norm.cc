// harness/ops/matmul_all_reduce_add_rms_norm.cc — bindings of aclnn[Quant|WeightQuant]
// MatmulAllReduceAddRmsNorm (outputs y and normOut) and their aclnnInplace… variants (y written
// into residual, declared as an in-place output): signatures, fill roles, the oracle (the
// embedded matmul's: oracle/matmul_all_reduce.h, quant_matmul_all_reduce.h or
// weight_quant_matmul_all_reduce.h, then oracle/matmul_all_reduce_add_rms_norm.h), and the
// registration with the spec family.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aclnnop/aclnn_inplace_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_inplace_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_inplace_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "harness/ops/aclnn_api.h"
#include "harness/ops/registry.h"
#include "harness/run/case_scratch.h"
#include "oracle/matmul_all_reduce_add_rms_norm.h"
#include "oracle/quant_matmul_all_reduce.h"
#include "oracle/weight_quant_matmul_all_reduce.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"

namespace mc2::harness {
namespace {

namespace arn = spec::matmul_all_reduce_add_rms_norm;

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = c.world;
    if (const TensorSpec *res = c.Tensor(rank, "residual")) s.out_dtype = res->dtype;
    if (const TensorSpec *x1 = c.Tensor(rank, "x1")) {
        s.lhs_dtype = x1->dtype;
        s.k = x1->shape.empty() ? 1 : x1->shape.back();
    }
    if (const TensorSpec *x2 = c.Tensor(rank, "x2")) s.rhs_dtype = x2->dtype;
    s.addends = (c.Tensor(rank, "bias") ? 1 : 0) + 1;  // bias and residual
    // The documented kernel squares y in fp32 (contract.md, AddRmsNorm): from |y| ≥ 2^64 a square
    // is +Inf, rstd = 1/sqrt(Inf) = 0 and the whole normOut row ±0 — what the vendor's kernel
    // returns, so the oracle must admit it, and a row of zeros judges nothing (MISTRUSTED). bf16
    // extreme data reach 2^125; capped at 2^60, Σ y²·(1/n) < 2^120 stays finite in any order and
    // normOut is judged. fp16 (max 65504) is unaffected.
    s.result_max = 0x1p60;
    return s;
}

Role RoleOf(const std::string &name) {
    if (name == "x1") return Role::kLhs;
    if (name == "x2") return Role::kRhs;
    if (name == "bias" || name == "residual") return Role::kAddend;
    return Role::kOther;  // gamma, dequant_scale, antiquant_scale, antiquant_offset
}

// The all-reduced mm is the same for every rank's y and normOut: the runner asks for 2 outputs ×
// 2 contracts × world ranks, so the last answer per contract is kept (per thread) while the case
// is judged, keyed by the case, the contract and a hash of every rank's decoded inputs, and
// dropped when its judgement ends (harness/run/case_scratch.h). The case is kept as a value and
// compared, not printed: a descriptor per question was a tenth of the CPU of a small world-4
// api_fuzzer input (fuzz/README.md "Session 12").
// The element bytes go to the standard library's hash in one call: a loop over them here was
// 1.8 % of differential_fuzzer's CPU, most of it libFuzzer's comparison tracing of the loop.
uint64_t InputsHash(const std::vector<RankInputs> &inputs) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](uint64_t bits) { h = (h ^ bits) * 1099511628211ull; };
    for (const RankInputs &r : inputs) {
        for (const auto &[name, m] : r) {
            mix(std::hash<std::string_view>{}(name));
            mix(std::hash<std::string_view>{}(
                std::string_view(reinterpret_cast<const char *>(m.v.data()), m.v.size() * sizeof(double))));
            mix(static_cast<uint64_t>(m.rows)), mix(static_cast<uint64_t>(m.cols));
        }
    }
    return h;
}

// Each entry also keeps, per rank, the y and normOut bounds computed from it: the runner asks
// for the two outputs separately, and AddRmsNormFromMatmulBounds gives both at once (computing
// them per output was 2.5 % of differential_fuzzer's CPU, session 14).
struct SharedEntry {
    std::optional<Case> c;
    uint64_t inputs = 0;
    oracle::Contract contract;
    oracle::Bounds mm;
    std::vector<std::optional<oracle::AddRmsNormBounds>> per_rank;
};

SharedEntry &SharedMatmulBounds(const Case &c, const std::vector<RankInputs> &inputs, const oracle::Contract &contract,
                                const std::function<oracle::Bounds()> &compute) {
    thread_local SharedEntry entries[2];  // the runner's two contracts (worst case, statistical)
    thread_local int next = 0;
    static const bool registered = [] {
        RegisterCaseScratch([] {
            for (SharedEntry &e : entries) e = SharedEntry{};  // frees the case and the bounds' vectors
            next = 0;
        });
        return true;
    }();
    (void)registered;
    const uint64_t hash = InputsHash(inputs);
    for (SharedEntry &e : entries) {
        if (e.c && e.inputs == hash && e.contract == contract && *e.c == c) return e;
    }
    SharedEntry &e = entries[next];
    next = 1 - next;
    e.c.reset();
    e.per_rank.clear();
    e.mm = compute();
    e.c = c;
    e.inputs = hash;
    e.contract = contract;
    return e;
}

const oracle::Matrix &Input(const RankInputs &r, const char *name) {
    auto it = r.find(name);
    if (it == r.end()) throw std::invalid_argument(std::string(name) + " missing");
    return it->second;
}

// mm of the plain variant: MatmulAllReduce's model (oracle/matmul_all_reduce.h).
oracle::Bounds PlainMatmul(const Case &, const std::vector<RankInputs> &inputs, aclDataType out,
                           const oracle::Contract &contract) {
    std::vector<oracle::MatmulAllReduceRank> ranks;
    for (const RankInputs &r : inputs) {
        oracle::MatmulAllReduceRank mm;
        mm.x1 = Input(r, "x1");
        mm.x2 = Input(r, "x2");
        if (auto b = r.find("bias"); b != r.end()) mm.bias = b->second.v;
        ranks.push_back(std::move(mm));
    }
    return oracle::MatmulAllReduceBounds(ranks, out, contract);
}

// mm of the quant variant: QuantMatmulAllReduce's model without x3 (ops.md §6.1 math).
oracle::Bounds QuantMatmul(const Case &c, const std::vector<RankInputs> &inputs, aclDataType out,
                           const oracle::Contract &contract) {
    std::vector<oracle::QuantMatmulAllReduceRank> ranks;
    for (size_t r = 0; r < inputs.size(); ++r) {
        const TensorSpec *scale = c.Tensor(static_cast<int>(r), "dequant_scale");
        if (scale == nullptr) throw std::invalid_argument("dequant_scale missing");
        oracle::QuantMatmulAllReduceRank rk;
        rk.x1 = Input(inputs[r], "x1");
        rk.x2 = Input(inputs[r], "x2");
        rk.dequant = Input(inputs[r], "dequant_scale").v;
        rk.dequant_dtype = scale->dtype;
        if (auto b = inputs[r].find("bias"); b != inputs[r].end()) rk.bias = b->second.v;
        ranks.push_back(std::move(rk));
    }
    return oracle::QuantMatmulAllReduceBounds(ranks, out, contract);
}

// mm of the weight-quant variant: WeightQuantMatmulAllReduce's model without x3.
oracle::Bounds WeightQuantMatmul(const Case &c, const std::vector<RankInputs> &inputs, aclDataType out,
                                 const oracle::Contract &contract) {
    std::vector<oracle::WeightQuantMatmulAllReduceRank> ranks;
    for (size_t r = 0; r < inputs.size(); ++r) {
        oracle::WeightQuantMatmulAllReduceRank rk;
        rk.x1 = Input(inputs[r], "x1");
        rk.x2 = Input(inputs[r], "x2");
        rk.scale = Input(inputs[r], "antiquant_scale");
        if (auto o = inputs[r].find("antiquant_offset"); o != inputs[r].end()) rk.offset = o->second;
        if (auto b = inputs[r].find("bias"); b != inputs[r].end()) rk.bias = b->second.v;
        const Value &g = c.Get(static_cast<int>(r), "antiquant_group_size");
        rk.group_size = std::holds_alternative<int64_t>(g) ? std::get<int64_t>(g) : 0;
        ranks.push_back(std::move(rk));
    }
    return oracle::WeightQuantMatmulAllReduceBounds(ranks, out, contract);
}

oracle::Bounds MatmulOf(const Case &c, const std::vector<RankInputs> &inputs, aclDataType out,
                        const oracle::Contract &contract) {
    switch (arn::VariantOf(c.op)) {
        case arn::Variant::kQuant: return QuantMatmul(c, inputs, out, contract);
        case arn::Variant::kWeightQuant: return WeightQuantMatmul(c, inputs, out, contract);
        case arn::Variant::kPlain: break;
    }
    return PlainMatmul(c, inputs, out, contract);
}

// y and normOut of rank `rank`: the all-reduced mm is the same everywhere, residual, gamma and
// epsilon are the rank's own (each rank adds and normalises its own residual).
oracle::Bounds Bounds(const Case &c, const std::vector<RankInputs> &inputs, const std::string &output, int rank,
                      const oracle::Contract &contract) {
    const TensorSpec *res = c.Tensor(rank, "residual");
    if (res == nullptr) throw std::invalid_argument("no residual tensor");
    if (output != "norm_out" && output != "y" && output != "residual") {
        throw std::invalid_argument("no interval output " + output);
    }
    const RankInputs &own = inputs.at(static_cast<size_t>(rank));
    SharedEntry &shared =
        SharedMatmulBounds(c, inputs, contract, [&] { return MatmulOf(c, inputs, res->dtype, contract); });
    if (shared.per_rank.size() <= static_cast<size_t>(rank)) shared.per_rank.resize(static_cast<size_t>(rank) + 1);
    std::optional<oracle::AddRmsNormBounds> &b = shared.per_rank[static_cast<size_t>(rank)];
    if (!b) {
        oracle::AddRmsNormInputs in;  // in.ranks stays empty: the mm bounds come from MatmulOf
        auto residual = own.find("residual");
        auto gamma = own.find("gamma");
        if (residual == own.end() || gamma == own.end()) throw std::invalid_argument("residual or gamma missing");
        in.residual = residual->second;
        in.gamma = gamma->second.v;
        const auto *eps = std::get_if<double>(&c.Get(rank, "epsilon"));
        if (eps == nullptr) throw std::invalid_argument("epsilon is not a number");
        in.epsilon = *eps;
        b = oracle::AddRmsNormFromMatmulBounds(in, shared.mm, res->dtype, contract);
    }
    return output == "norm_out" ? b->norm_out : b->y;
}

// normOut rows the oracle cannot bound (harness/compare.h): MISTRUSTED when they are most.
constexpr double kMistrustUnbounded = 0.5;

OpBinding Common(std::string op, ApiBinding api, bool in_place) {
    OpBinding b;
    b.op = std::move(op);
    b.api = std::move(api);
    const OutputDecl y = in_place
                             ? OutputDecl{"residual", OutputKind::kInterval, /*replicated=*/false, /*in_place=*/true}
                             : OutputDecl{"y", OutputKind::kInterval, /*replicated=*/false};
    b.outputs = {y, {"norm_out", OutputKind::kInterval, /*replicated=*/false, false, false, kMistrustUnbounded}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.bounds = Bounds;
    return b;
}

OpBinding OutOfPlace() {
    return Common(arn::kArn,
                  AclnnApi<decltype(&aclnnMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnMatmulAllReduceAddRmsNorm", {"x1", "x2", "bias", "residual", "gamma", "epsilon", "group",
                                                         "reduce_op", "comm_turn", "stream_mode", "y", "norm_out"}),
                  false);
}

OpBinding InPlace() {
    return Common(arn::kInplace,
                  AclnnApi<decltype(&aclnnInplaceMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnInplaceMatmulAllReduceAddRmsNorm", {"x1", "x2", "bias", "residual", "gamma", "epsilon",
                                                                "group", "reduce_op", "comm_turn", "stream_mode",
                                                                "norm_out"}),
                  true);
}

OpBinding Quant() {
    return Common(arn::kQuant,
                  AclnnApi<decltype(&aclnnQuantMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnQuantMatmulAllReduceAddRmsNorm",
                      {"x1", "x2", "bias", "dequant_scale", "residual", "gamma", "epsilon", "group", "reduce_op",
                       "comm_turn", "stream_mode", "y", "norm_out"}),
                  false);
}

OpBinding InPlaceQuant() {
    return Common(arn::kInplaceQuant,
                  AclnnApi<decltype(&aclnnInplaceQuantMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnInplaceQuantMatmulAllReduceAddRmsNorm",
                      {"x1", "x2", "bias", "dequant_scale", "residual", "gamma", "epsilon", "group", "reduce_op",
                       "comm_turn", "stream_mode", "norm_out"}),
                  true);
}

OpBinding WeightQuant() {
    return Common(arn::kWeightQuant,
                  AclnnApi<decltype(&aclnnWeightQuantMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnWeightQuantMatmulAllReduceAddRmsNorm",
                      {"x1", "x2", "bias", "antiquant_scale", "antiquant_offset", "residual", "gamma", "epsilon",
                       "group", "reduce_op", "comm_turn", "stream_mode", "antiquant_group_size", "y", "norm_out"}),
                  false);
}

OpBinding InPlaceWeightQuant() {
    return Common(arn::kInplaceWeightQuant,
                  AclnnApi<decltype(&aclnnInplaceWeightQuantMatmulAllReduceAddRmsNormGetWorkspaceSize)>(
                      "aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm",
                      {"x1", "x2", "bias", "antiquant_scale", "antiquant_offset", "residual", "gamma", "epsilon",
                       "group", "reduce_op", "comm_turn", "stream_mode", "antiquant_group_size", "norm_out"}),
                  true);
}

}  // namespace

MC2_REGISTER_OPERATOR(OutOfPlace, arn::Family);
MC2_REGISTER_OPERATOR(InPlace, arn::Family);
MC2_REGISTER_OPERATOR(Quant, arn::Family);
MC2_REGISTER_OPERATOR(InPlaceQuant, arn::Family);
MC2_REGISTER_OPERATOR(WeightQuant, arn::Family);
MC2_REGISTER_OPERATOR(InPlaceWeightQuant, arn::Family);

}  // namespace mc2::harness
