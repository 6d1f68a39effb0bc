// impl/ops/all_to_all_vv2/all_to_all_vv2.h — ATB AllToAllVV2Operation (spec-notes/ops.md §7,
// seed 003): a variable all-to-all whose counts and displacements are int64 host tensors.
//
// Inputs: x (any rank, read as a flat array), sendCount, sdispls, recvCount, rdispls ([rankSize]
// int64, values read from hostData), tensorForInferShape (int8, dims[0] = Σ recvCount, only its
// shape is used). Output: [1, Σ recvCount], x's dtype. Rank r sends
// x[sdispls[j], + sendCount[j]) to rank j and places what rank j sends at
// output[rdispls[j], + recvCount[j]).
#ifndef MC2_IMPL_OPS_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_
#define MC2_IMPL_OPS_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_

#include <string>
#include <vector>

#include "atb/infer_op_params.h"
#include "atbfw/operation_base.h"

namespace mc2::impl::ops {

class AllToAllVV2Operation final : public atbfw::OperationBase {
public:
    AllToAllVV2Operation(const atb::infer::AllToAllVV2Param &param, atbfw::Product product);
    ~AllToAllVV2Operation() override;

    uint32_t GetInputNum() const override { return 6; }
    uint32_t GetOutputNum() const override { return 1; }

    const atb::infer::AllToAllVV2Param &param() const { return param_; }
    // UpdateOperationParam: new parameters; the next Setup starts from scratch.
    void SetParam(const atb::infer::AllToAllVV2Param &param);

protected:
    const char *InName(size_t i) const override;
    const char *OutName(size_t i) const override;
    const std::vector<atbfw::IniRow> &IniRows() const override;
    atb::Status InferShapeImpl(const atb::SVector<atb::TensorDesc> &inTensorDescs,
                               atb::SVector<atb::TensorDesc> &outTensorDescs) const override;
    atb::Status SetupCheckImpl(const atb::SVector<atb::Tensor> &inTensors,
                               const atb::SVector<atb::Tensor> &outTensors) const override;
    atb::Status SetupRunner(const atb::VariantPack &variantPack, uint64_t *workspaceSize) override;
    atb::Status Launch(const atb::VariantPack &pack, uint8_t *workspace, uint64_t workspaceSize,
                       aclrtStream stream) override;

private:
    // SetupCheckImpl's checks after the count-tensor shapes: the count values, Σ recvCount
    // (*recvSum), and every window against x and against `outLen` elements of output (Σ
    // recvCount when outLen < 0). `where` prefixes the message.
    atb::Status CheckWindows(const atb::SVector<atb::Tensor> &in, int64_t outLen, const std::string &where,
                             int64_t *recvSum) const;
    void ReleaseOwnComm();

    atb::infer::AllToAllVV2Param param_;
    HcclComm ownComm_ = nullptr;  // the communicator this operation created (MULTI_PROCESS)
    std::string noCommReason_;    // why there is no communicator, for Execute's message
};

// CreateOperation's parameter checks (ops.md §7 "CreateOperation"), after the rsv check; every
// failure is ERROR_INVALID_PARAM. False with the reason in *why.
bool AllToAllVV2ParamCheck(const atb::infer::AllToAllVV2Param &param, std::string *why);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_
