// atb/infer_op_params.h — parameters of the ATB inference operations this project covers.
// AllToAllVV2: variable all-to-all; counts and displacements arrive as host tensors
// (seed 003, spec-notes/ops.md §7).
#ifndef MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_
#define MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_

#include <string>

#include "atb/operation.h"
#include "hccl/hccl_types.h"

namespace atb {
namespace infer {

enum CommMode : int {
    COMM_UNDEFINED = -1,
    COMM_MULTI_PROCESS,
    COMM_MULTI_THREAD,
};

struct AllToAllVV2Param {
    int rank = -1;
    int rankSize = 0;
    int rankRoot = 0;
    std::string backend = "hccl";
    HcclComm hcclComm = nullptr;
    CommMode commMode = COMM_MULTI_PROCESS;
    std::string rankTableFile;
    std::string commDomain;
    uint8_t rsv[64] = {0};
};

}  // namespace infer

template <>
__attribute__((visibility("default"))) Status CreateOperation(const infer::AllToAllVV2Param &opParam,
                                                              Operation **operation);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_
