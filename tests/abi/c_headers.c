/* tests/abi/c_headers.c — the C-compatible ABI headers compile as C (CANN's do). */
#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "hccl/hccl.h"

int mc2_c_headers_compile(void) { return ACL_SUCCESS + HCCL_SUCCESS + (int)ACL_FORMAT_ND; }
