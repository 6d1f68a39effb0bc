// property_tests/weight_quant_matmul_all_reduce_properties.cc — RapidCheck metamorphic relations
// of aclnnWeightQuantMatmulAllReduce against the implementation under test (through the ABI
// only); the generic properties (valid cases, every rule's code, schedules) are in
// generic_properties.cc.
//   PerTensorEqualsEqualPerChannel  a per-tensor scale (and offset) and a per-channel one whose
//                                   entries all equal it dequantise every weight identically:
//                                   bit-identical outputs (the contract fixes the antiquant per
//                                   element, whatever the layout of the scale)
//   UnitScaleEqualsMatmulAllReduce  INT8 weights with scale 1 and no offset are the weights
//                                   themselves: the output lies in MatmulAllReduceV2's interval for
//                                   x2 = those integers as T values (exact in fp16 and bf16), and
//                                   on exact data is bit-identical to MatmulAllReduceV2's output
//   NzWeightEqualsNd                the same INT8 weight in FRACTAL_NZ (format fractal_nz, its
//                                   NZ storage) and in ND, per-channel scales, give the same
//                                   bits: the layout moves bytes, it computes nothing
// All run one rank with explicit values (RunOneRank): the second case's data cannot be
// described by a seed.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "harness/compare.h"
#include "harness/ops/registry.h"
#include "oracle/contract.h"
#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/rc_choices.h"
#include "spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::Dist;
using harness::RankInputs;
namespace wq = spec::weight_quant_matmul_all_reduce;
namespace mar = spec::matmul_all_reduce;
using Values = std::map<std::string, std::vector<double>>;

// A valid one-rank case, its geometry edited, exact data half the time.
Case DrawOneRank(spec::Choices &ch, const std::function<void(wq::Geometry &)> &edit) {
    spec::Limits limits = PropertyLimits();
    limits.max_world = 1;
    Case c = spec::GenerateValid(wq::kOp, ProfilePlatform(), ch, limits);
    if (ch.Bool()) c.dist = Dist::kExact;
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        auto g = wq::ReadGeometry(p);
        if (!g) continue;
        edit(*g);
        wq::WriteGeometry(p, *g);
    }
    spec::AssignPerRank(c, per);
    c.Normalize();
    return c;
}

Values ValuesOf(const RankInputs &in) {
    Values v;
    for (const auto &[name, m] : in) v[name] = m.v;
    return v;
}

DirectResult RunOk(const Case &c, const Values &values, const char *what) {
    RC_LOG() << what << ": " << Repro(c) << "\n";
    const DirectResult d = RunOneRank(c, values);
    if (!d.ok) {
        RC_FAIL(std::string(what) + ": GetWorkspaceSize " + std::to_string(d.prepare_status) + ", execute " +
                std::to_string(d.execute_status) + ", sync " + std::to_string(d.sync_status) + " " + d.error);
    }
    return d;
}

MC2_PROPERTY(WeightQuantMatmulAllReduceProperty, PerTensorEqualsEqualPerChannel, 40) {
    spec::RcChoices ch;
    const Case tensor = DrawOneRank(ch, [](wq::Geometry &g) {
        g.mode = wq::ScaleMode::kTensor;
        g.group_size = 0;
        g.nz = false;  // an NZ weight takes per-channel scales only
    });
    const bool two_d = ch.Bool();
    Case channel = tensor;
    {
        std::vector<spec::ParamMap> per = spec::EffectiveParams(tensor);
        auto g = wq::ReadGeometry(per[0]);
        RC_ASSERT(g.has_value());
        g->mode = two_d ? wq::ScaleMode::kChannel2d : wq::ScaleMode::kChannel;
        wq::WriteGeometry(per[0], *g);
        spec::AssignPerRank(channel, per);
        channel.Normalize();
    }
    const Values a = ValuesOf(InputsOf(tensor, 0));
    Values b = a;
    const int64_t n = spec::TensorIn(spec::EffectiveParams(tensor)[0], "x2")->shape[1];
    b["antiquant_scale"] = std::vector<double>(static_cast<size_t>(n), a.at("antiquant_scale")[0]);
    if (a.count("antiquant_offset")) {
        b["antiquant_offset"] = std::vector<double>(static_cast<size_t>(n), a.at("antiquant_offset")[0]);
    }
    RC_TAG(two_d ? "(1, n)" : "(n)");
    const DirectResult ra = RunOk(tensor, a, "per tensor");
    const DirectResult rb = RunOk(channel, b, "per channel");
    RC_ASSERT(ra.codes == rb.codes);
}

MC2_PROPERTY(WeightQuantMatmulAllReduceProperty, UnitScaleEqualsMatmulAllReduce, 40) {
    spec::RcChoices ch;
    const Case q = DrawOneRank(ch, [](wq::Geometry &g) {
        g.weight = ACL_INT8;
        g.mode = wq::ScaleMode::kTensor;
        g.group_size = 0;
        g.offset = false;
        g.nz = false;  // an NZ weight takes per-channel scales only
    });
    Values values = ValuesOf(InputsOf(q, 0));
    values["antiquant_scale"] = {1.0};

    // The same call as MatmulAllReduceV2: x2 holds the integers as T values.
    const spec::ParamMap qp = spec::EffectiveParams(q)[0];
    const auto g = wq::ReadGeometry(qp);
    RC_ASSERT(g.has_value());
    Case m;
    m.op = mar::kV2;
    m.platform = q.platform;
    m.world = 1;
    m.seed = q.seed;
    m.dist = q.dist;
    spec::ParamMap mp;
    mp["group"] = harness::CommName{};
    mp["reduce_op"] = std::string("sum");
    mp["comm_turn"] = qp.at("comm_turn");
    mp["stream_mode"] = int64_t{1};
    mar::Geometry mg;
    mg.lead = g->lead;
    mg.k = g->k;
    mg.n = g->n;
    mg.transposed = g->transposed;
    mg.bias = g->bias;
    mg.x3 = g->x3;
    mg.dtype = g->dtype;
    mar::WriteGeometry(mp, mg, /*with_x3_param=*/true);
    spec::AssignPerRank(m, {mp});
    m.Normalize();
    Values mv;
    for (const char *name : {"x1", "x2", "bias", "x3"}) {
        if (values.count(name)) mv[name] = values.at(name);
    }

    const DirectResult rq = RunOk(q, values, "weight-quant, scale 1");
    const DirectResult rm = RunOk(m, mv, "MatmulAllReduceV2");
    RankInputs in;
    for (const auto &[name, v] : mv) {
        const harness::TensorSpec *t = spec::TensorIn(mp, name);
        const int64_t cols = t->shape.empty() ? 1 : t->shape.back();
        in[name] = oracle::Matrix{cols == 0 ? 0 : static_cast<int64_t>(v.size()) / cols, cols, v};
    }
    const oracle::Bounds bounds =
        harness::FindBinding(mar::kV2)->bounds(m, {in}, "output", 0, oracle::DefaultContract());
    const harness::CompareReport cmp = harness::Compare(bounds, rq.output.v);
    if (!cmp.pass) RC_FAIL("outside MatmulAllReduceV2's interval: " + cmp.summary);
    RC_TAG(q.dist == Dist::kExact ? "exact: bitwise" : "interval");
    if (q.dist == Dist::kExact) RC_ASSERT(rq.codes == rm.codes);
}

MC2_PROPERTY(WeightQuantMatmulAllReduceProperty, NzWeightEqualsNd, 40) {
    spec::RcChoices ch;
    // An NZ weight supports per-channel antiquant only (wqmar.nz.per_channel): n >= 2.
    const Case nd = DrawOneRank(ch, [](wq::Geometry &g) {
        g.weight = ACL_INT8;
        g.transposed = false;
        g.nz = false;
        g.n = std::max<int64_t>(g.n, 2);
        if (g.mode == wq::ScaleMode::kTensor || g.mode == wq::ScaleMode::kGroup) g.mode = wq::ScaleMode::kChannel;
        g.group_size = 0;
    });
    Case nz = nd;
    {
        std::vector<spec::ParamMap> per = spec::EffectiveParams(nd);
        auto g = wq::ReadGeometry(per[0]);
        RC_ASSERT(g.has_value());
        g->nz = true;
        wq::WriteGeometry(per[0], *g);
        spec::AssignPerRank(nz, per);
        nz.Normalize();
    }
    const Values values = ValuesOf(InputsOf(nd, 0));
    const DirectResult a = RunOk(nd, values, "ND");
    const DirectResult b = RunOk(nz, values, "NZ");
    RC_ASSERT(a.codes == b.codes);
}

}  // namespace
}  // namespace mc2::properties
