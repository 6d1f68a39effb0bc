// atb/context.h — the execution context an ATB operation runs in (it names the stream).
#ifndef MC2_INCLUDE_ATB_CONTEXT_H_
#define MC2_INCLUDE_ATB_CONTEXT_H_

#include "atb/types.h"

namespace atb {

class Context {
public:
    virtual ~Context() = default;
    virtual Status SetExecuteStream(aclrtStream stream) = 0;
    virtual aclrtStream GetExecuteStream() const = 0;
};

__attribute__((visibility("default"))) Status CreateContext(Context **context);
__attribute__((visibility("default"))) Status DestroyContext(Context *context);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_CONTEXT_H_
