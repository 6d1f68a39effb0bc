// impl/hccl/dtypes.h — facts about HcclDataType / HcclReduceOp values: element sizes, names,
// and which (type, op) pairs the reductions support.
#ifndef MC2_IMPL_HCCL_DTYPES_H_
#define MC2_IMPL_HCCL_DTYPES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hccl/hccl_types.h"

namespace mc2::impl::hccl {

// The integer value of an enum argument, read without an enum load: a C caller may pass any
// int, and loading an out-of-range value as the enum type is undefined behaviour in C++. The
// ABI layer checks the raw value before it uses the argument as an enum.
template <typename E>
int32_t RawEnum(const E &e) {
    static_assert(sizeof(E) == sizeof(int32_t));
    int32_t v;
    std::memcpy(&v, &e, sizeof v);
    return v;
}
inline bool IsValidDataTypeValue(int32_t v) { return v >= 0 && v < static_cast<int32_t>(HCCL_DATA_TYPE_RESERVED); }
inline bool IsValidReduceOpValue(int32_t v) { return v >= 0 && v < static_cast<int32_t>(HCCL_REDUCE_RESERVED); }

// Bytes per element; 0 for a value outside the enum (invalid type).
size_t ElementSize(HcclDataType type);
const char *DataTypeName(HcclDataType type);
const char *ReduceOpName(HcclReduceOp op);
bool IsValidReduceOp(HcclReduceOp op);
// Every valid type except INT128 (data movement only: no arithmetic defined for it here).
bool IsReducible(HcclDataType type);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_DTYPES_H_
