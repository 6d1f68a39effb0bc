// property_tests/trans_matmul_weight_properties.cc — RapidCheck metamorphic relations of
// aclnnTransMatmulWeight against the implementation under test (through the ABI only); the
// generic properties (valid cases bit-exact on the whole storage, every rule's code, schedules)
// are in generic_properties.cc.
//   ViewFormKeepsTheNzBytes       the same logical matrix, contiguous or through a transposed view
//   TwoByteDtypesMoveTheSameBits  FLOAT16 and BFLOAT16 weights of the same codes
//   ExtraStorageKeepsTheNzPrefix  storage of exactly the NZ size, or larger
// In each pair the harness fills the same logical codes (FillCodes draws them in view order,
// whatever the strides or the 16-bit dtype), so the first NZ-size elements of the converted
// storage must be the same bytes in both runs: the layout depends on the logical matrix alone.
#include <algorithm>
#include <string>
#include <vector>

#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/rc_choices.h"
#include "spec/trans_matmul_weight/trans_matmul_weight.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
using harness::TensorSpec;
namespace tmw = spec::trans_matmul_weight;

// Every rank's weight edited by `edit`.
Case WithWeight(const Case &c, const std::function<void(TensorSpec &)> &edit) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        if (TensorSpec *w = spec::TensorIn(p, tmw::kWeight)) edit(*w);
    }
    Case out = c;
    spec::AssignPerRank(out, per);
    out.Normalize();
    return out;
}

// The 2-D weight of a drawn case (batch weights have no transposed form here).
Case DrawTwoD(spec::Choices &ch) {
    Case c = spec::GenerateValid(tmw::kOp, ProfilePlatform(), ch, PropertyLimits());
    return WithWeight(c, [](TensorSpec &w) {
        if (w.shape.size() > 2) w.shape.erase(w.shape.begin(), w.shape.end() - 2);
        w.strides.clear();
        w.storage_shape = {tmw::NzElements(w.shape, w.dtype)};
    });
}

void RequireSameNzPrefix(const Case &a, const Case &b, const char *what) {
    RC_LOG() << Repro(a) << "\n" << Repro(b) << "\n";
    const CaseResult ra = RunKeep(a);
    const CaseResult rb = RunKeep(b);
    RequireConforming(ra, what);
    RequireConforming(rb, what);
    RC_ASSERT(AllRanksSucceeded(ra) && AllRanksSucceeded(rb));
    const TensorSpec *w = a.Tensor(0, tmw::kWeight);
    RC_ASSERT(w != nullptr);
    const auto bytes = static_cast<size_t>(tmw::NzElements(w->shape, w->dtype)) * (w->dtype == ACL_INT8 ? 1 : 2);
    for (int r = 0; r < a.world; ++r) {
        const std::vector<uint8_t> &x = ra.ranks[static_cast<size_t>(r)].outputs.at(tmw::kWeight);
        const std::vector<uint8_t> &y = rb.ranks[static_cast<size_t>(r)].outputs.at(tmw::kWeight);
        RC_ASSERT(x.size() >= bytes && y.size() >= bytes);
        const auto diff = std::mismatch(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(bytes), y.begin());
        if (diff.first != x.begin() + static_cast<std::ptrdiff_t>(bytes)) {
            RC_FAIL(std::string(what) + ": rank " + std::to_string(r) + " byte " +
                    std::to_string(diff.first - x.begin()) + " differs");
        }
    }
}

MC2_PROPERTY(TransMatmulWeightProperty, ViewFormKeepsTheNzBytes, 40) {
    spec::RcChoices ch;
    const Case plain = DrawTwoD(ch);
    const Case trans = WithWeight(plain, [](TensorSpec &w) { w.strides = {1, w.shape[0]}; });
    RequireSameNzPrefix(plain, trans, "transposed vs contiguous view");
}

MC2_PROPERTY(TransMatmulWeightProperty, TwoByteDtypesMoveTheSameBits, 40) {
    spec::RcChoices ch;
    const Case fp16 = WithWeight(DrawTwoD(ch), [](TensorSpec &w) { w.dtype = ACL_FLOAT16; });
    const Case bf16 = WithWeight(fp16, [](TensorSpec &w) { w.dtype = ACL_BF16; });
    RequireSameNzPrefix(fp16, bf16, "FLOAT16 vs BFLOAT16 codes");
}

MC2_PROPERTY(TransMatmulWeightProperty, ExtraStorageKeepsTheNzPrefix, 40) {
    spec::RcChoices ch;
    const Case exact = DrawTwoD(ch);
    const int64_t extra = ch.Int(1, 64);
    const Case larger = WithWeight(exact, [extra](TensorSpec &w) { w.storage_shape[0] += extra; });
    RequireSameNzPrefix(exact, larger, "NZ-size vs larger storage");
}

}  // namespace
}  // namespace mc2::properties
