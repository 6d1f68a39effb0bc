// spec/common/antiquant_layout.h — the layout this suite demands of a weight-quant
// antiquantScale / antiquantOffset: WeightQuantMatmulAllReduce states it (`wqmar.shape.scale_strides`),
// and the AddRmsNorm weight-quant variants meet it again through the WeightQuantMatmulAllReduce they
// embed (`arn.shape.wq_scale_strides`). One predicate and one edit, so the two tables cannot judge
// a scale layout differently.
#ifndef MC2_SPEC_COMMON_ANTIQUANT_LAYOUT_H_
#define MC2_SPEC_COMMON_ANTIQUANT_LAYOUT_H_

#include <cstdint>

#include "harness/case.h"
#include "spec/case_edit.h"

namespace mc2::spec::common {

// Whether rank `rank`'s antiquantScale or antiquantOffset (each when present) is neither dense
// nor, when 2-D, the transpose of a dense matrix (spec/tensor_layout.h Dense, TransposedDense).
bool AntiquantLayoutBroken(const harness::Case &c, int rank);

// Gives every present antiquantScale and antiquantOffset of `params` the one stride 1 + pad
// (pad ≥ 1): a padded per-channel (n) scale, which breaks the layout above when n ≥ 2 (the
// caller makes the scales per channel first). Returns whether antiquantScale was there.
bool PadAntiquantStrides(ParamMap &params, int64_t pad);

}  // namespace mc2::spec::common

#endif  // MC2_SPEC_COMMON_ANTIQUANT_LAYOUT_H_
