// property_tests/quant_matmul_all_reduce_properties.cc — RapidCheck metamorphic relations of
// aclnnQuantMatmulAllReduce V1/V2/V3 against the implementation under test (through the ABI
// only); the generic properties (valid cases, every rule's code, schedules) are in
// generic_properties.cc.
//   PerTensorScaleEqualsEqualPerChannel  a dequant scale (1) and the same value repeated as (n)
//                                        or (1, n) give the same bits
//   NzWeightEqualsNd                     the same INT8 weight in FRACTAL_NZ (format fractal_nz,
//                                        its NZ storage) and in ND give the same bits: the layout
//                                        moves bytes, it computes nothing
// The relation is bit-exact at world 1, where the contract pins every step before the
// all-reduce (oracle/contract.md "Quantised"); the same inputs are fed to both calls.
#include <sstream>

#include "harness/dtype_names.h"
#include "harness/ops/registry.h"
#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "spec/rc_choices.h"

namespace mc2::properties {
namespace {

using harness::Case;
namespace qmar = spec::quant_matmul_all_reduce;

Case WithScaleShape(const Case &c, qmar::ScaleShape shape) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        auto g = qmar::ReadGeometry(p);
        if (!g) continue;
        g->scale_shape = shape;
        qmar::WriteGeometry(p, *g, c.op);
    }
    Case out = c;
    spec::AssignPerRank(out, per);
    return out;
}

MC2_PROPERTY(QuantMatmulAllReduceProperty, PerTensorScaleEqualsEqualPerChannel, 40) {
    spec::RcChoices ch;
    const std::string op = ch.Pick(std::vector<std::string>{qmar::kV1, qmar::kV2, qmar::kV3});
    spec::Limits limits = PropertyLimits();
    limits.max_world = 1;
    const Case drawn = spec::GenerateValid(op, ProfilePlatform(), ch, limits);
    const Case tensor = WithScaleShape(drawn, qmar::ScaleShape::kTensor);
    const qmar::ScaleShape channel_shape = ch.Bool() ? qmar::ScaleShape::kChannel : qmar::ScaleShape::kRowChannel;
    const Case channel = WithScaleShape(drawn, channel_shape);
    RC_LOG() << Repro(tensor) << "\n" << Repro(channel) << "\n";

    // The per-tensor case's own inputs, and the same with its one scale value repeated n times.
    std::map<std::string, std::vector<double>> values;
    for (auto &[name, m] : InputsOf(tensor, 0)) values[name] = m.v;
    const harness::TensorSpec *scale = channel.Tensor(0, "dequant_scale");
    RC_ASSERT(scale != nullptr && values.count("dequant_scale") == 1 && values["dequant_scale"].size() == 1);
    RC_TAG(op, harness::DtypeName(scale->dtype));
    const DirectResult a = RunOneRank(tensor, values);
    values["dequant_scale"] =
        std::vector<double>(static_cast<size_t>(scale->NumElements()), values["dequant_scale"].front());
    const DirectResult b = RunOneRank(channel, values);
    if (!a.ok || !b.ok) {
        std::ostringstream ss;
        ss << "per-tensor: " << a.prepare_status << "/" << a.execute_status << " " << a.error
           << "; per-channel: " << b.prepare_status << "/" << b.execute_status << " " << b.error;
        RC_FAIL(ss.str());
    }
    RC_ASSERT(a.codes == b.codes);
}

// The case with every rank's x2 in FRACTAL_NZ (nz) or ND, not transposed.
Case WithNz(const Case &c, bool nz) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        auto g = qmar::ReadGeometry(p);
        if (!g) continue;
        g->nz = nz;
        g->transposed = false;
        qmar::WriteGeometry(p, *g, c.op);
    }
    Case out = c;
    spec::AssignPerRank(out, per);
    out.Normalize();
    return out;
}

MC2_PROPERTY(QuantMatmulAllReduceProperty, NzWeightEqualsNd, 40) {
    spec::RcChoices ch;
    const std::string op = ch.Pick(std::vector<std::string>{qmar::kV1, qmar::kV2, qmar::kV3});
    spec::Limits limits = PropertyLimits();
    limits.max_world = 1;
    const Case drawn = spec::GenerateValid(op, ProfilePlatform(), ch, limits);
    const Case nd = WithNz(drawn, false);
    const Case nz = WithNz(drawn, true);
    RC_LOG() << Repro(nd) << "\n" << Repro(nz) << "\n";
    std::map<std::string, std::vector<double>> values;
    for (auto &[name, m] : InputsOf(nd, 0)) values[name] = m.v;
    RC_TAG(op);
    const DirectResult a = RunOneRank(nd, values);
    const DirectResult b = RunOneRank(nz, values);
    if (!a.ok || !b.ok) {
        std::ostringstream ss;
        ss << "ND: " << a.prepare_status << "/" << a.execute_status << " " << a.error << "; NZ: " << b.prepare_status
           << "/" << b.execute_status << " " << b.error;
        RC_FAIL(ss.str());
    }
    RC_ASSERT(a.codes == b.codes);
}

}  // namespace
}  // namespace mc2::properties
