// atb/operation.h — the ATB operation interface: InferShape, Setup (checks and workspace
// size), Execute (launch on the context's stream). Operations are made by CreateOperation
// and freed by DestroyOperation. The virtual functions are declared in the public ATB
// header's order (GetName, InferShape, GetInputNum, GetOutputNum, Setup, Execute): the vtable
// layout is ABI, since a program calls them on objects another library made.
#ifndef MC2_INCLUDE_ATB_OPERATION_H_
#define MC2_INCLUDE_ATB_OPERATION_H_

#include <cstdint>
#include <string>

#include "atb/context.h"
#include "atb/svector.h"
#include "atb/types.h"

namespace atb {

class Operation {
public:
    Operation() = default;
    virtual ~Operation() = default;
    virtual std::string GetName() const = 0;
    virtual Status InferShape(const SVector<TensorDesc> &inTensorDescs,
                              SVector<TensorDesc> &outTensorDescs) const = 0;
    virtual uint32_t GetInputNum() const = 0;
    virtual uint32_t GetOutputNum() const = 0;
    virtual Status Setup(const VariantPack &variantPack, uint64_t &workspaceSize, Context *context) = 0;
    virtual Status Execute(const VariantPack &variantPack, uint8_t *workspace, uint64_t workspaceSize,
                           Context *context) = 0;
};

// Defined (specialised) by the library for each parameter type it supports.
template <typename OpParam>
Status CreateOperation(const OpParam &opParam, Operation **operation);

__attribute__((visibility("default"))) Status DestroyOperation(Operation *operation);

// A copy of the parameters `operation` was created (or last updated) with.
template <typename OpParam>
Status CloneOperationParam(const Operation *operation, OpParam &opParam);

// Replaces the parameters of `operation` (checked as CreateOperation checks them).
template <typename OpParam>
Status UpdateOperationParam(Operation *operation, const OpParam &opParam);

// Which of the context's execute streams (Context::SetExecuteStreams) `operation` runs on.
__attribute__((visibility("default"))) Status SetExecuteStreamId(Operation *operation, uint32_t streamId);
__attribute__((visibility("default"))) uint32_t GetExecuteStreamId(Operation *operation);

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_OPERATION_H_
