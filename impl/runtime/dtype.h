// impl/runtime/dtype.h — storage width of every aclDataType, including the sub-byte ones.
#ifndef MC2_IMPL_RUNTIME_DTYPE_H_
#define MC2_IMPL_RUNTIME_DTYPE_H_

#include <cstdint>

#include "acl/acl_base.h"

namespace mc2::impl {

// Bits one element occupies in memory (4 for INT4/FLOAT4_*, 6 for FLOAT6_*, 1 for UINT1);
// 0 for ACL_STRING, ACL_DT_UNDEFINED and values that are not an aclDataType. Takes the raw
// integer (see enum_bits.h): tensors carry whatever dtype value the caller passed.
uint32_t DataTypeBits(int32_t dataType);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_DTYPE_H_
