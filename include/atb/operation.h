// atb/operation.h — the ATB operation interface: InferShape, Setup (checks and workspace
// size), Execute (enqueue on the context's stream). Operations are made by CreateOperation.
#ifndef MC2_INCLUDE_ATB_OPERATION_H_
#define MC2_INCLUDE_ATB_OPERATION_H_

#include <string>

#include "atb/context.h"
#include "atb/types.h"

namespace atb {

class Operation {
public:
    virtual ~Operation() = default;
    virtual std::string GetName() const = 0;
    virtual uint32_t GetInputNum() const = 0;
    virtual uint32_t GetOutputNum() const = 0;
    virtual Status InferShape(const SVector<TensorDesc> &inTensorDescs,
                              SVector<TensorDesc> &outTensorDescs) const = 0;
    virtual Status Setup(const VariantPack &variantPack, uint64_t &workspaceSize, Context *context) = 0;
    virtual Status Execute(const VariantPack &variantPack, uint8_t *workspace, uint64_t workspaceSize,
                           Context *context) = 0;
};

template <typename OpParam>
Status CreateOperation(const OpParam &opParam, Operation **operation);

__attribute__((visibility("default"))) Status DestroyOperation(Operation *operation);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_OPERATION_H_
