// impl/ops/trans_quant_param/trans_quant_param.h — aclnnTransQuantParamV2 / V3: an fp32 scale
// (and an optional fp32 offset) packed into the 64-bit dequant-scale words the quantised matmuls
// read (spec-notes/ops.md §3, formats.md §9):
//   word = fp19(scale) bits 0..31 (low 13 mantissa bits zero) | 1 << 46 | int9(offset) << 37.
//
// Decisions beyond the vendor's op_api (this suite's hardening, refused with 161002): scale and
// offset must be contiguous (the document's 非连续Tensor ×); an offset's element count must be 1
// or the scale's last dim; an offset goes with a 1-D or (1, n) scale only (the document's shapes
// "with offset"); out must have the documented shape (1-D max(scale, offset) for a 1-D scale,
// the scale's shape for a 2-D one); out may be strided but must not overlap itself or reach past
// its storage. V2 is V3 with roundMode 0.
#ifndef MC2_IMPL_OPS_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_
#define MC2_IMPL_OPS_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_

#include <cstdint>
#include <memory>

#include "aclnn/acl_meta.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

struct TransQuantParamArgs {
    const aclTensor *scale = nullptr;
    const aclTensor *offset = nullptr;
    int64_t roundMode = 0;
    const aclTensor *out = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
};

// What the stream task needs, copied at GetWorkspaceSize.
struct TransQuantParamPlan {
    const char *api = "";
    TensorDesc scale;   // fp32, contiguous
    TensorDesc offset;  // fp32, contiguous (when hasOffset)
    TensorDesc out;     // 64-bit words, any non-overlapping strides
    bool hasOffset = false;
    int64_t roundMode = 0;
};

aclnnStatus TransQuantParamPrepare(const char *api, const TransQuantParamArgs &a);

std::unique_ptr<OpRun> MakeTransQuantParamRun(TransQuantParamPlan plan);

// One word from an fp32 scale's bits and an optional fp32 offset (the run's element step,
// exposed for the implementation's unit tests).
uint64_t PackTransQuantWord(uint32_t scaleBits, bool hasOffset, float offset, int64_t roundMode);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_
