// impl/atbfw/operation_base.h — what every ATB operation of this library shares: the framework
// checks of InferShape, Setup and Execute in ATB's order, with ATB's ErrorTypes
// (spec-notes/ops.md §7 "Setup / InferShape"), and the Setup/Execute state machine. An
// operation adds its names, its ini rows (the supported dtype/format combinations), its own
// checks (InferShapeImpl, SetupCheckImpl) and its runner (SetupRunner, Launch).
//
// InferShape: input count → ERROR_INVALID_IN_TENSOR_NUM; per input: rank in [1, 8] →
// ERROR_INVALID_TENSOR_DIM, byte size in (0, 256 GiB] → ERROR_INVALID_TENSOR_SIZE; the inputs'
// (dtype, format) against the ini rows → ERROR_INVALID_TENSOR_INI_MATCH; bf16 on the inference
// product → ERROR_INVALID_TENSOR_DTYPE; then the operation's checks and shape inference.
// Setup: context null or not live → ERROR_INVALID_PARAM; input and output counts →
// ERROR_INVALID_IN_TENSOR_NUM; rank and size of every input, then every output; ini rows over
// inputs and outputs; bf16; SetupCheckImpl; then SetupRunner. A failed Setup forgets any earlier
// successful one, so Execute cannot run on stale checks.
// Execute: see Execute() in operation_base.cc for the order (ATB's ExecuteCheck).
#ifndef MC2_IMPL_ATBFW_OPERATION_BASE_H_
#define MC2_IMPL_ATBFW_OPERATION_BASE_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "atb/operation.h"
#include "atbfw/context.h"
#include "atbfw/product.h"

namespace mc2::impl::atbfw {

// One supported combination of the ini file: a dtype per input and per output, format ND.
struct IniRow {
    std::vector<aclDataType> in;
    std::vector<aclDataType> out;
};

class OperationBase : public atb::Operation {
public:
    OperationBase(std::string name, Product product);
    ~OperationBase() override;

    std::string GetName() const final { return name_; }
    atb::Status InferShape(const atb::SVector<atb::TensorDesc> &inTensorDescs,
                           atb::SVector<atb::TensorDesc> &outTensorDescs) const final;
    atb::Status Setup(const atb::VariantPack &variantPack, uint64_t &workspaceSize, atb::Context *context) final;
    atb::Status Execute(const atb::VariantPack &variantPack, uint8_t *workspace, uint64_t workspaceSize,
                        atb::Context *context) final;

    void SetStreamId(uint32_t id) { streamId_ = id; }
    uint32_t StreamId() const { return streamId_; }

protected:
    Product product() const { return product_; }
    // Forgets the last Setup (new parameters): Execute then needs a new Setup.
    void ForgetSetup() {
        setUp_ = false;
        preLaunched_ = false;
    }
    // "<name> <phase>", the prefix of every message.
    std::string Where(const char *phase) const { return name_ + " " + phase; }

    virtual const char *InName(size_t i) const = 0;
    virtual const char *OutName(size_t i) const = 0;
    // The supported combinations on product().
    virtual const std::vector<IniRow> &IniRows() const = 0;
    // The operation's own InferShape checks, after the framework's.
    virtual atb::Status InferShapeCheckImpl(const atb::SVector<atb::TensorDesc> &inTensorDescs) const;
    // Fills outTensorDescs (already sized GetOutputNum()).
    virtual atb::Status InferShapeImpl(const atb::SVector<atb::TensorDesc> &inTensorDescs,
                                       atb::SVector<atb::TensorDesc> &outTensorDescs) const = 0;
    virtual atb::Status SetupCheckImpl(const atb::SVector<atb::Tensor> &inTensors,
                                       const atb::SVector<atb::Tensor> &outTensors) const = 0;
    // After every check passed: prepares the runner (a communicator, ...) and says how much
    // workspace Execute needs.
    virtual atb::Status SetupRunner(const atb::VariantPack &variantPack, uint64_t *workspaceSize) = 0;
    // Launches on `stream`. `pack` has Setup's descriptors with Execute's data pointers and
    // sizes (as ATB runs a runner: shapes are fixed at Setup).
    virtual atb::Status Launch(const atb::VariantPack &pack, uint8_t *workspace, uint64_t workspaceSize,
                               aclrtStream stream) = 0;

private:
    atb::Status CheckShapes(const atb::SVector<atb::TensorDesc> &descs, bool outputs, const std::string &where) const;
    atb::Status CheckIni(const atb::SVector<atb::TensorDesc> &in, const atb::SVector<atb::TensorDesc> *out,
                         const std::string &where) const;
    atb::Status CheckBf16(const atb::SVector<atb::TensorDesc> &descs, bool outputs, const std::string &where) const;
    atb::Status SetupChecked(const atb::VariantPack &variantPack, uint64_t &workspaceSize, atb::Context *context);
    atb::Status ExecuteCheck(const atb::VariantPack &variantPack, const uint8_t *workspace, uint64_t workspaceSize,
                             ContextImpl *context, atb::VariantPack *merged, aclrtStream *stream) const;

    const std::string name_;
    const Product product_;
    std::atomic<uint32_t> streamId_{0};

    // State of the last successful Setup.
    bool setUp_ = false;
    ContextImpl *setupContext_ = nullptr;
    uint64_t workspaceSize_ = 0;
    atb::VariantPack setupPack_;

    // What an EXECUTE_PRELAUNCH call prepared for the next EXECUTE_LAUNCH.
    bool preLaunched_ = false;
    atb::VariantPack launchPack_;
    uint8_t *launchWorkspace_ = nullptr;
    uint64_t launchWorkspaceSize_ = 0;
    aclrtStream launchStream_ = nullptr;
};

// Registers a new operation as live (CreateOperation's last step).
void RegisterOperation(atb::Operation *operation);
// `operation` as one of this library's live operations, or nullptr (never dereferenced then).
OperationBase *LiveOperation(const atb::Operation *operation);

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_OPERATION_BASE_H_
