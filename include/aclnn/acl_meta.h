// aclnn/acl_meta.h — tensor and array handles of the aclnn ABI, and aclnnStatus codes.
// Shapes are "view" shapes; a tensor also carries strides (in elements), an offset (in
// elements) into its storage, a storage shape and a storage format, as in CANN.
#ifndef MC2_INCLUDE_ACLNN_ACL_META_H_
#define MC2_INCLUDE_ACLNN_ACL_META_H_

#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#include "acl/acl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t aclnnStatus;

#define ACLNN_SUCCESS 0
#define ACLNN_ERR_PARAM_NULLPTR 161001
#define ACLNN_ERR_PARAM_INVALID 161002
#define ACLNN_ERR_RUNTIME_ERROR 361001
#define ACLNN_ERR_INNER 561000
#define ACLNN_ERR_INNER_INFERSHAPE_ERROR 561001
#define ACLNN_ERR_INNER_TILING_ERROR 561002
#define ACLNN_ERR_INNER_FIND_KERNEL_ERROR 561003
#define ACLNN_ERR_INNER_CREATE_EXECUTOR 561101
#define ACLNN_ERR_INNER_NOT_TRANS_EXECUTOR 561102
#define ACLNN_ERR_INNER_NULLPTR 561103
#define ACLNN_ERR_INNER_WRONG_ATTR_INFO_SIZE 561104
#define ACLNN_ERR_INNER_KEY_CONFILICT 561105
#define ACLNN_ERR_INNER_INVALID_IMPL_MODE 561106
#define ACLNN_ERR_INNER_OPP_PATH_NOT_FOUND 561107
#define ACLNN_ERR_INNER_LOAD_JSON_FAILED 561108
#define ACLNN_ERR_INNER_JSON_VALUE_NOT_FOUND 561109
#define ACLNN_ERR_INNER_JSON_FORMAT_INVALID 561110
#define ACLNN_ERR_INNER_JSON_DTYPE_INVALID 561111
#define ACLNN_ERR_INNER_OPP_KERNEL_PKG_NOT_FOUND 561112
#define ACLNN_ERR_INNER_OP_FILE_INVALID 561113
#define ACLNN_ERR_INNER_ATTR_NUM_OUT_OF_BOUND 561114
#define ACLNN_ERR_INNER_ATTR_LEN_NOT_ENOUGH 561115
#define ACLNN_ERR_INNER_INPUT_NUM_IN_JSON_TOO_LARGE 561116
#define ACLNN_ERR_INNER_INPUT_JSON_IS_NULL 561117
#define ACLNN_ERR_INNER_STATIC_WORKSPACE_INVALID 561118
#define ACLNN_ERR_INNER_STATIC_BLOCK_DIM_INVALID 561119

typedef struct aclTensor aclTensor;
typedef struct aclIntArray aclIntArray;
typedef struct aclFloatArray aclFloatArray;
typedef struct aclBoolArray aclBoolArray;
typedef struct aclTensorList aclTensorList;
typedef struct aclOpExecutor aclOpExecutor;

// Creates a tensor descriptor over `tensorData` (a device address, may be nullptr for an
// empty tensor). The descriptor copies the dims/strides and does not own the memory.
//
// Only structurally unusable arguments are rejected here (nullptr returned, the reason through
// aclGetRecentErrMsg()):
//   - viewDimsNum > 8 or storageDimsNum > 8;
//   - viewDims == nullptr with viewDimsNum > 0, storageDims == nullptr with storageDimsNum > 0;
//   - stride == nullptr with viewDimsNum > 0 (strides has viewDimsNum entries, in elements);
//   - a negative view or storage dimension;
//   - a negative offset (in elements).
// Everything else is accepted and carried unjudged: any dataType/format integer (also values
// that are not enumerators), any strides (negative, zero, overlapping), zero-sized dimensions,
// a 0-d tensor (viewDimsNum 0, dims/strides may be nullptr), storage shapes that do not match
// the view. Operators judge them later (161001/161002 from their GetWorkspaceSize).
ACL_FUNC_VISIBILITY aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum,
                                               aclDataType dataType, const int64_t *stride, int64_t offset,
                                               aclFormat format, const int64_t *storageDims,
                                               uint64_t storageDimsNum, void *tensorData);
// nullptr -> ACLNN_ERR_PARAM_NULLPTR; a destroyed or unknown handle -> ACLNN_ERR_PARAM_INVALID.
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensor(const aclTensor *tensor);

// Arrays copy `value`; value == nullptr is accepted only with size 0 (an empty array),
// otherwise nullptr is returned. Destroy: nullptr -> ACLNN_ERR_PARAM_NULLPTR; a destroyed
// handle, or one of another array kind -> ACLNN_ERR_PARAM_INVALID.

ACL_FUNC_VISIBILITY aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyIntArray(const aclIntArray *array);
ACL_FUNC_VISIBILITY aclFloatArray *aclCreateFloatArray(const float *value, uint64_t size);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyFloatArray(const aclFloatArray *array);
ACL_FUNC_VISIBILITY aclBoolArray *aclCreateBoolArray(const bool *value, uint64_t size);
ACL_FUNC_VISIBILITY aclnnStatus aclDestroyBoolArray(const aclBoolArray *array);
ACL_FUNC_VISIBILITY aclnnStatus aclGetIntArraySize(const aclIntArray *array, uint64_t *size);

// Accessors. Arrays returned through `int64_t **` are allocated with new[] and owned by the
// caller (release with delete[]), as the CANN documents specify; a 0-d tensor yields count 0
// and an empty new[] array (still to be delete[]d).
// Errors: a null tensor or null output pointer -> ACLNN_ERR_PARAM_NULLPTR; a handle that is
// not a live tensor (never created, or destroyed) -> ACLNN_ERR_PARAM_INVALID, without reading
// it. aclSetRawTensorAddr accepts addr == nullptr (as aclCreateTensor does).
ACL_FUNC_VISIBILITY aclnnStatus aclGetViewShape(const aclTensor *tensor, int64_t **viewDims, uint64_t *viewDimsNum);
ACL_FUNC_VISIBILITY aclnnStatus aclGetStorageShape(const aclTensor *tensor, int64_t **storageDims,
                                                   uint64_t *storageDimsNum);
ACL_FUNC_VISIBILITY aclnnStatus aclGetViewStrides(const aclTensor *tensor, int64_t **stridesValue,
                                                  uint64_t *stridesNum);
ACL_FUNC_VISIBILITY aclnnStatus aclGetViewOffset(const aclTensor *tensor, int64_t *offset);
ACL_FUNC_VISIBILITY aclnnStatus aclGetFormat(const aclTensor *tensor, aclFormat *format);
ACL_FUNC_VISIBILITY aclnnStatus aclGetDataType(const aclTensor *tensor, aclDataType *dataType);
ACL_FUNC_VISIBILITY aclnnStatus aclGetRawTensorAddr(const aclTensor *tensor, void **addr);
ACL_FUNC_VISIBILITY aclnnStatus aclSetRawTensorAddr(aclTensor *tensor, void *addr);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNN_ACL_META_H_
