// impl/hccl/dtypes.h — facts about HcclDataType / HcclReduceOp values: element sizes, names,
// and which (type, op) pairs the reductions support.
#ifndef MC2_IMPL_HCCL_DTYPES_H_
#define MC2_IMPL_HCCL_DTYPES_H_

#include <cstddef>

#include "hccl/hccl_types.h"

namespace mc2::impl::hccl {

// Bytes per element; 0 for a value outside the enum (invalid type).
size_t ElementSize(HcclDataType type);
const char *DataTypeName(HcclDataType type);
const char *ReduceOpName(HcclReduceOp op);
bool IsValidReduceOp(HcclReduceOp op);
// Every valid type except INT128 (data movement only: no arithmetic defined for it here).
bool IsReducible(HcclDataType type);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_DTYPES_H_
