// aclnn/aclnn_base.h — what every aclnnop header includes: tensor handles, status codes,
// and the runtime types (aclrtStream) of the two-phase call convention.
#ifndef MC2_INCLUDE_ACLNN_ACLNN_BASE_H_
#define MC2_INCLUDE_ACLNN_ACLNN_BASE_H_

#include "acl/acl.h"
#include "aclnn/acl_meta.h"

#endif  // MC2_INCLUDE_ACLNN_ACLNN_BASE_H_
