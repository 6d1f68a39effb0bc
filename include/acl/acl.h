// acl/acl.h — umbrella header of the ACL runtime ABI (as in CANN).
#ifndef MC2_INCLUDE_ACL_ACL_H_
#define MC2_INCLUDE_ACL_ACL_H_

#include "acl/acl_base.h"
#include "acl/acl_rt.h"

#endif  // MC2_INCLUDE_ACL_ACL_H_
