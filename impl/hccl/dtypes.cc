// impl/hccl/dtypes.cc — element sizes and names of the HCCL enums; result-code names.
#include "hccl/dtypes.h"

#include "hccl/status.h"

namespace mc2::impl::hccl {

size_t ElementSize(HcclDataType type) {
    switch (type) {
        case HCCL_DATA_TYPE_INT8:
        case HCCL_DATA_TYPE_UINT8: return 1;
        case HCCL_DATA_TYPE_INT16:
        case HCCL_DATA_TYPE_UINT16:
        case HCCL_DATA_TYPE_FP16:
        case HCCL_DATA_TYPE_BFP16: return 2;
        case HCCL_DATA_TYPE_INT32:
        case HCCL_DATA_TYPE_UINT32:
        case HCCL_DATA_TYPE_FP32: return 4;
        case HCCL_DATA_TYPE_INT64:
        case HCCL_DATA_TYPE_UINT64:
        case HCCL_DATA_TYPE_FP64: return 8;
        case HCCL_DATA_TYPE_INT128: return 16;
        case HCCL_DATA_TYPE_RESERVED: break;
    }
    return 0;
}

const char *DataTypeName(HcclDataType type) {
    switch (type) {
        case HCCL_DATA_TYPE_INT8: return "int8";
        case HCCL_DATA_TYPE_INT16: return "int16";
        case HCCL_DATA_TYPE_INT32: return "int32";
        case HCCL_DATA_TYPE_FP16: return "fp16";
        case HCCL_DATA_TYPE_FP32: return "fp32";
        case HCCL_DATA_TYPE_INT64: return "int64";
        case HCCL_DATA_TYPE_UINT64: return "uint64";
        case HCCL_DATA_TYPE_UINT8: return "uint8";
        case HCCL_DATA_TYPE_UINT16: return "uint16";
        case HCCL_DATA_TYPE_UINT32: return "uint32";
        case HCCL_DATA_TYPE_FP64: return "fp64";
        case HCCL_DATA_TYPE_BFP16: return "bf16";
        case HCCL_DATA_TYPE_INT128: return "int128";
        case HCCL_DATA_TYPE_RESERVED: break;
    }
    return "invalid";
}

const char *ReduceOpName(HcclReduceOp op) {
    switch (op) {
        case HCCL_REDUCE_SUM: return "sum";
        case HCCL_REDUCE_PROD: return "prod";
        case HCCL_REDUCE_MAX: return "max";
        case HCCL_REDUCE_MIN: return "min";
        case HCCL_REDUCE_RESERVED: break;
    }
    return "invalid";
}

bool IsValidReduceOp(HcclReduceOp op) {
    return op == HCCL_REDUCE_SUM || op == HCCL_REDUCE_PROD || op == HCCL_REDUCE_MAX || op == HCCL_REDUCE_MIN;
}

bool IsReducible(HcclDataType type) { return ElementSize(type) != 0 && type != HCCL_DATA_TYPE_INT128; }

const char *ResultName(HcclResult code) {
    switch (code) {
        case HCCL_SUCCESS: return "HCCL_SUCCESS";
        case HCCL_E_PARA: return "HCCL_E_PARA";
        case HCCL_E_PTR: return "HCCL_E_PTR";
        case HCCL_E_MEMORY: return "HCCL_E_MEMORY";
        case HCCL_E_INTERNAL: return "HCCL_E_INTERNAL";
        case HCCL_E_NOT_SUPPORT: return "HCCL_E_NOT_SUPPORT";
        case HCCL_E_NOT_FOUND: return "HCCL_E_NOT_FOUND";
        case HCCL_E_UNAVAIL: return "HCCL_E_UNAVAIL";
        case HCCL_E_TIMEOUT: return "HCCL_E_TIMEOUT";
        case HCCL_E_RUNTIME: return "HCCL_E_RUNTIME";
        case HCCL_E_REMOTE: return "HCCL_E_REMOTE";
        default: break;
    }
    return "HCCL_E_OTHER";
}

}  // namespace mc2::impl::hccl
