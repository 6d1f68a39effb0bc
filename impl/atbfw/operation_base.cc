// impl/atbfw/operation_base.cc — the ATB framework checks and the Setup/Execute state machine
// (see operation_base.h), DestroyOperation and the stream-id functions.
#include "atbfw/operation_base.h"

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "atbfw/report.h"
#include "atbfw/tensor_util.h"
#include "ops/common/checks.h"
#include "runtime/live_set.h"

namespace mc2::impl::atbfw {
namespace {

LiveSet &LiveOperations() {
    static LiveSet *set = new LiveSet;  // never destroyed
    return *set;
}

// Nothing may throw out of an atb:: call. ATB itself turns exceptions of InferShape/Setup into
// ERROR_OUT_OF_HOST_MEMORY; the same here for every phase.
template <typename F>
atb::Status Guarded(const std::string &where, F &&body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        return Fail(atb::ERROR_OUT_OF_HOST_MEMORY, where.c_str(), "out of host memory");
    } catch (const std::exception &e) {
        return Fail(atb::ERROR_OUT_OF_HOST_MEMORY, where.c_str(), "exception: %s", e.what());
    } catch (...) {
        return Fail(atb::ERROR_OUT_OF_HOST_MEMORY, where.c_str(), "unknown exception");
    }
}

atb::SVector<atb::TensorDesc> Descs(const atb::SVector<atb::Tensor> &tensors) {
    atb::SVector<atb::TensorDesc> descs;
    for (const atb::Tensor &t : tensors) descs.push_back(t.desc);
    return descs;
}

std::string RowString(const IniRow &row) {
    std::string s = "(";
    for (size_t i = 0; i < row.in.size(); ++i) s += (i ? ", " : "") + ops::DataTypeName(row.in[i]);
    s += " -> ";
    for (size_t i = 0; i < row.out.size(); ++i) s += (i ? ", " : "") + ops::DataTypeName(row.out[i]);
    return s + ")";
}

bool RowMatches(const std::vector<aclDataType> &dtypes, const atb::SVector<atb::TensorDesc> &descs) {
    for (size_t i = 0; i < descs.size(); ++i) {
        if (i >= dtypes.size() || descs[i].dtype != dtypes[i] || descs[i].format != ACL_FORMAT_ND) return false;
    }
    return true;
}

}  // namespace

OperationBase::OperationBase(std::string name, Product product) : name_(std::move(name)), product_(product) {}

OperationBase::~OperationBase() = default;

atb::Status OperationBase::InferShapeCheckImpl(const atb::SVector<atb::TensorDesc> &inTensorDescs) const {
    (void)inTensorDescs;
    return atb::NO_ERROR;
}

atb::Status OperationBase::CheckShapes(const atb::SVector<atb::TensorDesc> &descs, bool outputs,
                                       const std::string &where) const {
    for (size_t i = 0; i < descs.size(); ++i) {
        const atb::TensorDesc &d = descs[i];
        const char *kind = outputs ? "outTensor" : "inTensor";
        const char *name = outputs ? OutName(i) : InName(i);
        if (d.shape.dimNum == 0 || d.shape.dimNum > atb::MAX_DIM) {
            return Fail(atb::ERROR_INVALID_TENSOR_DIM, where.c_str(), "%s %zu (%s) has %llu dims; expected 1 to %u",
                        kind, i, name, static_cast<unsigned long long>(d.shape.dimNum), atb::MAX_DIM);
        }
        const uint64_t bytes = Bytes(d);
        if (bytes == 0 || bytes > kMaxTensorBytes) {
            return Fail(atb::ERROR_INVALID_TENSOR_SIZE, where.c_str(),
                        "%s %zu (%s) %s has a byte size of %llu; expected more than 0 and at most 256 GiB "
                        "(every dim > 0, a sized dtype)",
                        kind, i, name, DescString(d).c_str(), static_cast<unsigned long long>(bytes));
        }
    }
    return atb::NO_ERROR;
}

atb::Status OperationBase::CheckIni(const atb::SVector<atb::TensorDesc> &in, const atb::SVector<atb::TensorDesc> *out,
                                    const std::string &where) const {
    const std::vector<IniRow> &rows = IniRows();
    for (const IniRow &row : rows) {
        if (RowMatches(row.in, in) && (out == nullptr || RowMatches(row.out, *out))) return atb::NO_ERROR;
    }
    std::string actual;
    for (size_t i = 0; i < in.size(); ++i) {
        actual += std::string(i ? ", " : "") + InName(i) + " " + ops::DataTypeName(in[i].dtype) + " " +
                  ops::FormatName(in[i].format);
    }
    for (size_t i = 0; out != nullptr && i < out->size(); ++i) {
        actual += std::string(", ") + OutName(i) + " " + ops::DataTypeName((*out)[i].dtype) + " " +
                  ops::FormatName((*out)[i].format);
    }
    std::string supported;
    for (const IniRow &row : rows) supported += (supported.empty() ? "" : ", ") + RowString(row);
    return Fail(atb::ERROR_INVALID_TENSOR_INI_MATCH, where.c_str(),
                "no supported combination on %s matches %s; supported (all ND): %s", ProductName(product_),
                actual.c_str(), supported.c_str());
}

atb::Status OperationBase::CheckBf16(const atb::SVector<atb::TensorDesc> &descs, bool outputs,
                                     const std::string &where) const {
    if (product_ != Product::kAtlasInference) return atb::NO_ERROR;
    for (size_t i = 0; i < descs.size(); ++i) {
        if (descs[i].dtype == ACL_BF16) {
            return Fail(atb::ERROR_INVALID_TENSOR_DTYPE, where.c_str(),
                        "%s %zu (%s) is BFLOAT16, which Atlas inference products do not support",
                        outputs ? "outTensor" : "inTensor", i, outputs ? OutName(i) : InName(i));
        }
    }
    return atb::NO_ERROR;
}

atb::Status OperationBase::InferShape(const atb::SVector<atb::TensorDesc> &inTensorDescs,
                                      atb::SVector<atb::TensorDesc> &outTensorDescs) const {
    const std::string where = Where("InferShape");
    return Guarded(where, [&]() -> atb::Status {
        if (inTensorDescs.size() != GetInputNum()) {
            return Fail(atb::ERROR_INVALID_IN_TENSOR_NUM, where.c_str(), "%zu input descriptors; expected %u",
                        inTensorDescs.size(), GetInputNum());
        }
        if (atb::Status st = CheckShapes(inTensorDescs, false, where); st != atb::NO_ERROR) return st;
        if (atb::Status st = CheckIni(inTensorDescs, nullptr, where); st != atb::NO_ERROR) return st;
        if (atb::Status st = CheckBf16(inTensorDescs, false, where); st != atb::NO_ERROR) return st;
        if (atb::Status st = InferShapeCheckImpl(inTensorDescs); st != atb::NO_ERROR) return st;
        outTensorDescs.resize(GetOutputNum());
        return InferShapeImpl(inTensorDescs, outTensorDescs);
    });
}

atb::Status OperationBase::Setup(const atb::VariantPack &variantPack, uint64_t &workspaceSize,
                                 atb::Context *context) {
    return Guarded(Where("Setup"), [&]() -> atb::Status {
        // A failed Setup leaves no usable state behind, whatever an earlier call set up.
        setUp_ = false;
        preLaunched_ = false;
        return SetupChecked(variantPack, workspaceSize, context);
    });
}

atb::Status OperationBase::SetupChecked(const atb::VariantPack &variantPack, uint64_t &workspaceSize,
                                        atb::Context *context) {
    const std::string where = Where("Setup");
    if (context == nullptr) return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "context is null");
    ContextImpl *ctx = LiveContext(context);
    if (ctx == nullptr) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                    "context %p is not live (destroyed, or not made by CreateContext)", static_cast<void *>(context));
    }
    const auto &in = variantPack.inTensors;
    const auto &out = variantPack.outTensors;
    if (in.size() != GetInputNum()) {
        return Fail(atb::ERROR_INVALID_IN_TENSOR_NUM, where.c_str(), "%zu inTensors; expected %u", in.size(),
                    GetInputNum());
    }
    if (out.size() != GetOutputNum()) {
        return Fail(atb::ERROR_INVALID_IN_TENSOR_NUM, where.c_str(), "%zu outTensors; expected %u", out.size(),
                    GetOutputNum());
    }
    const atb::SVector<atb::TensorDesc> inDescs = Descs(in);
    const atb::SVector<atb::TensorDesc> outDescs = Descs(out);
    if (atb::Status st = CheckShapes(inDescs, false, where); st != atb::NO_ERROR) return st;
    if (atb::Status st = CheckShapes(outDescs, true, where); st != atb::NO_ERROR) return st;
    if (atb::Status st = CheckIni(inDescs, &outDescs, where); st != atb::NO_ERROR) return st;
    if (atb::Status st = CheckBf16(inDescs, false, where); st != atb::NO_ERROR) return st;
    if (atb::Status st = CheckBf16(outDescs, true, where); st != atb::NO_ERROR) return st;
    if (atb::Status st = SetupCheckImpl(in, out); st != atb::NO_ERROR) return st;
    uint64_t need = 0;
    if (atb::Status st = SetupRunner(variantPack, &need); st != atb::NO_ERROR) return st;
    setupPack_ = variantPack;
    setupContext_ = ctx;
    workspaceSize_ = need;
    workspaceSize = need;
    setUp_ = true;
    return atb::NO_ERROR;
}

// ATB's ExecuteCheck, in its order, plus what keeps this library from calling through a
// destroyed context. On success *merged holds Setup's descriptors with Execute's data.
atb::Status OperationBase::ExecuteCheck(const atb::VariantPack &variantPack, const uint8_t *workspace,
                                        uint64_t workspaceSize, ContextImpl *context, atb::VariantPack *merged,
                                        aclrtStream *stream) const {
    const std::string where = Where("Execute");
    if (!setUp_) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "no successful Setup precedes this Execute");
    }
    if (LiveContext(setupContext_) == nullptr) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "the context Setup ran with was destroyed");
    }
    *stream = setupContext_->StreamFor(streamId_);
    if (*stream == nullptr) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                    "execute stream %u of the context is null (Context::SetExecuteStream not called?)",
                    static_cast<unsigned>(streamId_));
    }
    if (context != setupContext_) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "Execute's context differs from Setup's");
    }
    if (workspaceSize < workspaceSize_) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "workspaceSize %llu is smaller than Setup's %llu",
                    static_cast<unsigned long long>(workspaceSize), static_cast<unsigned long long>(workspaceSize_));
    }
    if (workspaceSize_ != 0 && workspace == nullptr) {
        return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "workspace is null but Setup asked for %llu bytes",
                    static_cast<unsigned long long>(workspaceSize_));
    }
    *merged = setupPack_;
    // An empty variant pack runs on the tensors Setup saw (as ATB does).
    if (variantPack.inTensors.size() == 0 && variantPack.outTensors.size() == 0) return atb::NO_ERROR;
    const std::pair<const atb::SVector<atb::Tensor> *, atb::SVector<atb::Tensor> *> sides[] = {
        {&variantPack.inTensors, &merged->inTensors}, {&variantPack.outTensors, &merged->outTensors}};
    for (int s = 0; s < 2; ++s) {
        const auto &given = *sides[s].first;
        auto &target = *sides[s].second;
        const char *kind = s == 0 ? "inTensor" : "outTensor";
        if (given.size() != target.size()) {
            return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "%zu %ss; Setup had %zu", given.size(), kind,
                        target.size());
        }
        for (size_t i = 0; i < given.size(); ++i) {
            const char *name = s == 0 ? InName(i) : OutName(i);
            const uint64_t expected = Bytes(target[i].desc);
            if (given[i].dataSize != expected) {
                return Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                            "%s %zu (%s) dataSize is %llu; Setup's descriptor %s needs %llu", kind, i, name,
                            static_cast<unsigned long long>(given[i].dataSize), DescString(target[i].desc).c_str(),
                            static_cast<unsigned long long>(expected));
            }
            if (given[i].deviceData == nullptr && given[i].hostData == nullptr) {
                return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "%s %zu (%s) has neither deviceData nor hostData",
                            kind, i, name);
            }
            target[i].deviceData = given[i].deviceData;
            target[i].hostData = given[i].hostData;
            target[i].dataSize = given[i].dataSize;
        }
    }
    return atb::NO_ERROR;
}

// Order: context (null or not live: ERROR_INVALID_PARAM, where ATB would dereference it); then
// by execute type: NORMAL checks and launches, PRELAUNCH checks and keeps the call, LAUNCH
// launches the kept call.
atb::Status OperationBase::Execute(const atb::VariantPack &variantPack, uint8_t *workspace, uint64_t workspaceSize,
                                   atb::Context *context) {
    const std::string where = Where("Execute");
    return Guarded(where, [&]() -> atb::Status {
        if (context == nullptr) return Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "context is null");
        ContextImpl *ctx = LiveContext(context);
        if (ctx == nullptr) {
            return Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                        "context %p is not live (destroyed, or not made by CreateContext)",
                        static_cast<void *>(context));
        }
        const atb::ExecuteType type = ctx->GetExecuteType();
        if (type == atb::EXECUTE_LAUNCH) {
            if (!preLaunched_) {
                return Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                            "EXECUTE_LAUNCH without a preceding EXECUTE_PRELAUNCH call");
            }
            preLaunched_ = false;
            return Launch(launchPack_, launchWorkspace_, launchWorkspaceSize_, launchStream_);
        }
        atb::VariantPack merged;
        aclrtStream stream = nullptr;
        if (atb::Status st = ExecuteCheck(variantPack, workspace, workspaceSize, ctx, &merged, &stream);
            st != atb::NO_ERROR) {
            return st;
        }
        if (type == atb::EXECUTE_PRELAUNCH) {
            launchPack_ = merged;
            launchWorkspace_ = workspace;
            launchWorkspaceSize_ = workspaceSize;
            launchStream_ = stream;
            preLaunched_ = true;
            return atb::NO_ERROR;
        }
        return Launch(merged, workspace, workspaceSize, stream);
    });
}

void RegisterOperation(atb::Operation *operation) { LiveOperations().Add(operation); }

OperationBase *LiveOperation(const atb::Operation *operation) {
    if (operation == nullptr || !LiveOperations().Contains(operation)) return nullptr;
    return static_cast<OperationBase *>(const_cast<atb::Operation *>(operation));
}

}  // namespace mc2::impl::atbfw

namespace atb {

// A null operation is a no-op (as in ATB); one that is not live is refused instead of freed
// twice. Work already queued on a stream does not refer to the operation.
Status DestroyOperation(Operation *operation) {
    if (operation == nullptr) return NO_ERROR;
    if (!mc2::impl::atbfw::LiveOperations().Remove(operation)) {
        return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, "DestroyOperation",
                                      "operation %p is not live (destroyed already, or not made by CreateOperation)",
                                      static_cast<void *>(operation));
    }
    delete operation;
    return NO_ERROR;
}

Status SetExecuteStreamId(Operation *operation, uint32_t streamId) {
    mc2::impl::atbfw::OperationBase *op = mc2::impl::atbfw::LiveOperation(operation);
    if (op == nullptr) {
        return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, "SetExecuteStreamId",
                                      "operation %p is not a live operation of this library",
                                      static_cast<void *>(operation));
    }
    op->SetStreamId(streamId);
    return NO_ERROR;
}

uint32_t GetExecuteStreamId(Operation *operation) {
    mc2::impl::atbfw::OperationBase *op = mc2::impl::atbfw::LiveOperation(operation);
    return op == nullptr ? 0 : op->StreamId();
}

}  // namespace atb
