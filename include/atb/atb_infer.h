// atb/atb_infer.h — umbrella header for ATB inference operations.
#ifndef MC2_INCLUDE_ATB_ATB_INFER_H_
#define MC2_INCLUDE_ATB_ATB_INFER_H_

#include "atb/context.h"
#include "atb/infer_op_params.h"
#include "atb/operation.h"
#include "atb/svector.h"
#include "atb/types.h"
#include "atb/utils.h"

#endif  // MC2_INCLUDE_ATB_ATB_INFER_H_
