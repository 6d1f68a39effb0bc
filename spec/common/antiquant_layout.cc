// spec/common/antiquant_layout.cc — the weight-quant scale layout demand (antiquant_layout.h).
#include "spec/common/antiquant_layout.h"

#include "spec/tensor_layout.h"

namespace mc2::spec::common {
namespace {

const char *const kScales[] = {"antiquant_scale", "antiquant_offset"};

}  // namespace

bool AntiquantLayoutBroken(const harness::Case &c, int rank) {
    for (const char *name : kScales) {
        const harness::TensorSpec *s = c.Tensor(rank, name);
        if (s && !Dense(*s) && !TransposedDense(*s)) return true;
    }
    return false;
}

bool PadAntiquantStrides(ParamMap &params, int64_t pad) {
    for (const char *name : kScales) {
        if (harness::TensorSpec *s = TensorIn(params, name)) s->strides = {1 + pad};
    }
    return TensorIn(params, "antiquant_scale") != nullptr;
}

}  // namespace mc2::spec::common
