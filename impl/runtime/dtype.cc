// impl/runtime/dtype.cc — element widths (DataTypeBits) and aclDataTypeSize.
#include "runtime/dtype.h"

#include "runtime/enum_bits.h"
#include "runtime/runtime.h"

namespace mc2::impl {

uint32_t DataTypeBits(int32_t dataType) {
    switch (dataType) {
        case ACL_BOOL:
        case ACL_INT8:
        case ACL_UINT8:
        case ACL_HIFLOAT8:
        case ACL_FLOAT8_E5M2:
        case ACL_FLOAT8_E4M3FN:
        case ACL_FLOAT8_E8M0:
            return 8;
        case ACL_FLOAT16:
        case ACL_BF16:
        case ACL_INT16:
        case ACL_UINT16:
            return 16;
        case ACL_FLOAT:
        case ACL_INT32:
        case ACL_UINT32:
        case ACL_COMPLEX32:
            return 32;
        case ACL_INT64:
        case ACL_UINT64:
        case ACL_DOUBLE:
        case ACL_COMPLEX64:
            return 64;
        case ACL_COMPLEX128:
            return 128;
        case ACL_INT4:
        case ACL_FLOAT4_E2M1:
        case ACL_FLOAT4_E1M2:
            return 4;
        case ACL_FLOAT6_E3M2:
        case ACL_FLOAT6_E2M3:
            // Packed 6-bit codes; no MC2 operator of the documents uses them.
            return 6;
        case ACL_UINT1:
            return 1;
        case ACL_STRING:
        case ACL_DT_UNDEFINED:
            return 0;
    }
    return 0;  // an integer that is not an aclDataType
}

}  // namespace mc2::impl

extern "C" ACL_FUNC_VISIBILITY size_t aclDataTypeSize(aclDataType dataType) {
    uint32_t bits = mc2::impl::DataTypeBits(mc2::impl::EnumBits(dataType));
    return bits % 8 == 0 ? bits / 8 : 0;  // sub-byte types have no whole-byte size
}
