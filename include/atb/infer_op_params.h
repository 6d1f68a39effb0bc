// atb/infer_op_params.h — parameters of the ATB inference operations this project covers.
// AllToAllVV2: variable all-to-all; counts and displacements arrive as host tensors, not as
// parameters (seed 003, spec-notes/ops.md §7). Members in the public header's order.
#ifndef MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_
#define MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_

#include <cstdint>
#include <string>

#include "acl/acl.h"
#include "atb/operation.h"
#include "atb/svector.h"
#include "hccl/hccl_types.h"

namespace atb {
namespace infer {

enum CommMode : int {
    COMM_UNDEFINED = -1,
    COMM_MULTI_PROCESS,  // ATB creates the communicator (one rank per process)
    COMM_MULTI_THREAD,   // ranks are threads of one process; needs an external hcclComm
};

struct AllToAllVV2Param {
    int rank = -1;                         // this rank; -1 = unspecified (only with rankSize 1)
    int rankSize = 0;                      // ranks in the group
    int rankRoot = 0;                      // root rank of the communicator set-up
    std::string backend = "hccl";          // only "hccl"
    HcclComm hcclComm = nullptr;           // external communicator; null = ATB creates one
    CommMode commMode = COMM_MULTI_PROCESS;
    std::string rankTableFile;             // cluster description file (multi-machine)
    std::string commDomain;                // communicator name, at most 128 characters
    uint8_t rsv[64] = {0};                 // reserved, must stay zero
};

// Every member but rsv.
inline bool operator==(const AllToAllVV2Param &left, const AllToAllVV2Param &right) {
    return left.rank == right.rank && left.rankSize == right.rankSize && left.rankRoot == right.rankRoot &&
           left.hcclComm == right.hcclComm && left.commMode == right.commMode && left.backend == right.backend &&
           left.rankTableFile == right.rankTableFile && left.commDomain == right.commDomain;
}

}  // namespace infer

template <>
__attribute__((visibility("default"))) Status CreateOperation(const infer::AllToAllVV2Param &opParam,
                                                              Operation **operation);
template <>
__attribute__((visibility("default"))) Status CloneOperationParam(const Operation *operation,
                                                                  infer::AllToAllVV2Param &opParam);
template <>
__attribute__((visibility("default"))) Status UpdateOperationParam(Operation *operation,
                                                                   const infer::AllToAllVV2Param &opParam);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_INFER_OP_PARAMS_H_
