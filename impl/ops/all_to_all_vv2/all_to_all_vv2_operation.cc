// impl/ops/all_to_all_vv2/all_to_all_vv2_operation.cc — AllToAllVV2Operation: creation and
// parameter checks, tensor names and ini rows, shape inference and the operation's Setup
// checks (spec-notes/ops.md §7, in the order of ATB's all_to_allvv2_operation.cpp).
#include <sys/stat.h>

#include <exception>
#include <initializer_list>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "atbfw/product.h"
#include "atbfw/report.h"
#include "atbfw/tensor_util.h"
#include "ops/common/faults.h"
#include "ops/all_to_all_vv2/all_to_all_vv2.h"

namespace mc2::impl::ops {
namespace {

constexpr size_t kMaxCommDomainLength = 128;  // ops.md §7 DistributedInitCheck
const char *const kInNames[] = {"x", "sendCount", "sdispls", "recvCount", "rdispls", "tensorForInferShape"};

bool PathExists(const std::string &path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

// The ini rows of [AllToAllVV2Operation] and [AllToAllVV2Operation310p] (ops.md §7): x and the
// output share a dtype; the counts are int64, tensorForInferShape int8.
std::vector<atbfw::IniRow> RowsFor(std::initializer_list<aclDataType> dtypes) {
    std::vector<atbfw::IniRow> rows;
    for (aclDataType d : dtypes) rows.push_back({{d, ACL_INT64, ACL_INT64, ACL_INT64, ACL_INT64, ACL_INT8}, {d}});
    return rows;
}

}  // namespace

bool AllToAllVV2ParamCheck(const atb::infer::AllToAllVV2Param &p, std::string *why) {
    if (p.backend != "hccl") {
        *why = "backend is \"" + p.backend + "\"; only \"hccl\" is supported";
        return false;
    }
    if (p.rank == -1 && p.rankSize > 1) {
        *why = "rank is -1 (unspecified) with rankSize " + std::to_string(p.rankSize) + " > 1";
        return false;
    }
    // ATB's DistributedInitCheck.
    if (p.commMode != atb::infer::COMM_MULTI_PROCESS && p.commMode != atb::infer::COMM_MULTI_THREAD) {
        *why = "commMode " + std::to_string(static_cast<int>(p.commMode)) +
               " is neither COMM_MULTI_PROCESS nor COMM_MULTI_THREAD";
        return false;
    }
    if (p.commDomain.size() > kMaxCommDomainLength) {
        *why = "commDomain has " + std::to_string(p.commDomain.size()) + " characters; at most 128 are allowed";
        return false;
    }
    if (!p.rankTableFile.empty()) {
        if (PathExists(p.rankTableFile)) return true;  // a rank table skips the remaining checks
        *why = "rankTableFile \"" + p.rankTableFile + "\" does not exist";
        return false;
    }
    if (p.hcclComm != nullptr) return true;  // an external communicator skips them too
    uint32_t devices = 0;
    if (aclrtGetDeviceCount(&devices) != ACL_SUCCESS) {
        *why = "aclrtGetDeviceCount failed (aclInit not called?)";
        return false;
    }
    if (p.rankSize <= 0 || p.rankSize > static_cast<int>(devices)) {
        *why = "rankSize " + std::to_string(p.rankSize) + " is outside [1, " + std::to_string(devices) +
               "] (the visible devices)";
        return false;
    }
    if (p.rank < 0 || p.rank >= p.rankSize) {
        *why = "rank " + std::to_string(p.rank) + " is outside [0, rankSize " + std::to_string(p.rankSize) + ")";
        return false;
    }
    if (p.rankRoot < 0 || p.rankRoot >= p.rankSize) {
        *why = "rankRoot " + std::to_string(p.rankRoot) + " is outside [0, rankSize " + std::to_string(p.rankSize) +
               ")";
        return false;
    }
    return true;
}

AllToAllVV2Operation::AllToAllVV2Operation(const atb::infer::AllToAllVV2Param &param, atbfw::Product product)
    : OperationBase("AllToAllVV2Operation", product), param_(param) {}

AllToAllVV2Operation::~AllToAllVV2Operation() { ReleaseOwnComm(); }

void AllToAllVV2Operation::SetParam(const atb::infer::AllToAllVV2Param &param) {
    param_ = param;
    // An unspecified rank of a one-rank group is rank 0 (ATB's SetParam).
    if (param.rank == -1 && param.rankSize == 1) param_.rank = 0;
    ReleaseOwnComm();
    ForgetSetup();
}

const char *AllToAllVV2Operation::InName(size_t i) const { return i < 6 ? kInNames[i] : "?"; }

const char *AllToAllVV2Operation::OutName(size_t i) const { return i == 0 ? "output" : "?"; }

const std::vector<atbfw::IniRow> &AllToAllVV2Operation::IniRows() const {
    static const std::vector<atbfw::IniRow> full =
        RowsFor({ACL_FLOAT16, ACL_FLOAT, ACL_INT8, ACL_INT32, ACL_INT16, ACL_INT64, ACL_BF16});
    static const std::vector<atbfw::IniRow> inference = RowsFor({ACL_FLOAT16, ACL_INT8});
    return product() == atbfw::Product::kAtlasInference ? inference : full;
}

// output = x's descriptor reshaped to [1, tensorForInferShape.dims[0]].
atb::Status AllToAllVV2Operation::InferShapeImpl(const atb::SVector<atb::TensorDesc> &inTensorDescs,
                                                 atb::SVector<atb::TensorDesc> &outTensorDescs) const {
    atb::TensorDesc &out = outTensorDescs.at(0);
    out = inTensorDescs.at(0);
    out.shape.dimNum = 2;
    out.shape.dims[0] = 1;
    out.shape.dims[1] = inTensorDescs.at(5).shape.dims[0];
    return atb::NO_ERROR;
}

atb::Status AllToAllVV2Operation::SetupCheckImpl(const atb::SVector<atb::Tensor> &in,
                                                 const atb::SVector<atb::Tensor> &out) const {
    const std::string where = Where("Setup");
    for (size_t i = 1; i <= 4; ++i) {
        if (in[i].desc.shape.dims[0] != param_.rankSize) {
            return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                               "inTensor %zu (%s) has dims[0] = %lld; expected rankSize %d", i, kInNames[i],
                               static_cast<long long>(in[i].desc.shape.dims[0]), param_.rankSize);
        }
    }
    int64_t sum = 0;
    if (atb::Status st = CheckWindows(in, -1, where, &sum); st != atb::NO_ERROR) return st;
    // ATB reads dims[1] whatever the rank; a 1-D output has no dims[1] here.
    const atb::Tensor &output = out[0];
    if (output.desc.shape.dimNum < 2 || output.desc.shape.dims[1] != sum) {
        return atbfw::Fail(atb::ERROR_INVALID_TENSOR_DIM, where.c_str(),
                           "output %s: dims[1] must equal sum(recvCount) = %lld",
                           atbfw::DescString(output.desc).c_str(), static_cast<long long>(sum));
    }
    return atb::NO_ERROR;
}

// In ATB's order: count values >= 0, sum(recvCount) without int64 overflow and > 0, then per
// rank j: recvCount[j] + rdispls[j] <= sum(recvCount) and sendCount[j] + sdispls[j] <=
// numel(x), each sum overflow-checked. All ERROR_INVALID_PARAM. `outLen` < 0 means "the sum";
// Execute passes Setup's sum so that counts changed in between cannot reach past the output.
atb::Status AllToAllVV2Operation::CheckWindows(const atb::SVector<atb::Tensor> &in, int64_t outLen,
                                               const std::string &where, int64_t *recvSum) const {
    const int64_t *arrays[4];
    for (size_t i = 1; i <= 4; ++i) {
        // ATB reads hostData without a check (a null pointer crashes there).
        if (in[i].hostData == nullptr) {
            return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                               "inTensor %zu (%s) has no hostData; the counts are read on the host", i, kInNames[i]);
        }
        arrays[i - 1] = static_cast<const int64_t *>(in[i].hostData);
    }
    const int64_t *send = arrays[0];
    const int64_t *sdispls = arrays[1];
    const int64_t *recv = arrays[2];
    const int64_t *rdispls = arrays[3];
    const int n = param_.rankSize;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (int j = 0; j < n && kFault != Fault::kA2avSkipNegativeCheck; ++j) {
        for (size_t a = 0; a < 4; ++a) {
            if (arrays[a][j] < 0) {
                return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "%s[%d] = %lld is negative",
                                   kInNames[a + 1], j, static_cast<long long>(arrays[a][j]));
            }
        }
    }
    int64_t sum = 0;
    for (int j = 0; j < n; ++j) {
        if (sum > kMax - recv[j]) {
            return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "sum(recvCount) overflows int64 at rank %d",
                               j);
        }
        sum += recv[j];
    }
    if (sum <= 0) return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(), "sum(recvCount) is 0; must be > 0");
    *recvSum = sum;
    const int64_t limit = outLen < 0 ? sum : outLen;
    int64_t xLen = 1;
    for (uint64_t d = 0; d < in[0].desc.shape.dimNum; ++d) xLen *= in[0].desc.shape.dims[d];
    for (int j = 0; j < n; ++j) {
        if (recv[j] > kMax - rdispls[j] || recv[j] + rdispls[j] > limit) {
            return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                               "recvCount[%d] + rdispls[%d] = %lld + %lld reaches past the output (%lld elements)", j,
                               j, static_cast<long long>(recv[j]), static_cast<long long>(rdispls[j]),
                               static_cast<long long>(limit));
        }
        if (send[j] > kMax - sdispls[j] || send[j] + sdispls[j] > xLen) {
            return atbfw::Fail(atb::ERROR_INVALID_PARAM, where.c_str(),
                               "sendCount[%d] + sdispls[%d] = %lld + %lld reaches past x (%lld elements)", j, j,
                               static_cast<long long>(send[j]), static_cast<long long>(sdispls[j]),
                               static_cast<long long>(xLen));
        }
    }
    return atb::NO_ERROR;
}

}  // namespace mc2::impl::ops

namespace atb {

using mc2::impl::ops::AllToAllVV2Operation;

// ATB's order: operation null; rsv; the parameter checks. All ERROR_INVALID_PARAM.
template <>
Status CreateOperation(const infer::AllToAllVV2Param &opParam, Operation **operation) {
    const char *kWhere = "CreateOperation(AllToAllVV2Param)";
    try {
        if (operation == nullptr) return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, kWhere, "operation is null");
        for (size_t i = 0; i < sizeof opParam.rsv; ++i) {
            if (opParam.rsv[i] != 0) {
                return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, kWhere,
                                              "rsv[%zu] = %u; the reserved bytes must be zero", i,
                                              static_cast<unsigned>(opParam.rsv[i]));
            }
        }
        std::string why;
        if (!mc2::impl::ops::AllToAllVV2ParamCheck(opParam, &why)) {
            return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, kWhere, "%s", why.c_str());
        }
        mc2::impl::atbfw::Product product;
        if (!mc2::impl::atbfw::CurrentProduct(&product, &why)) {
            return mc2::impl::atbfw::Fail(ERROR_RT_FAIL, kWhere, "%s", why.c_str());
        }
        auto *op = new AllToAllVV2Operation(opParam, product);
        mc2::impl::atbfw::RegisterOperation(op);
        *operation = op;
        return NO_ERROR;
    } catch (const std::bad_alloc &) {
        return mc2::impl::atbfw::Fail(ERROR_OUT_OF_HOST_MEMORY, kWhere, "out of host memory");
    } catch (const std::exception &e) {
        return mc2::impl::atbfw::Fail(ERROR_OUT_OF_HOST_MEMORY, kWhere, "exception: %s", e.what());
    }
}

template <>
Status CloneOperationParam(const Operation *operation, infer::AllToAllVV2Param &opParam) {
    const auto *op = dynamic_cast<const AllToAllVV2Operation *>(mc2::impl::atbfw::LiveOperation(operation));
    if (op == nullptr) {
        return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, "CloneOperationParam(AllToAllVV2Param)",
                                      "operation %p is not a live AllToAllVV2Operation",
                                      static_cast<const void *>(operation));
    }
    opParam = op->param();
    return NO_ERROR;
}

template <>
Status UpdateOperationParam(Operation *operation, const infer::AllToAllVV2Param &opParam) {
    const char *kWhere = "UpdateOperationParam(AllToAllVV2Param)";
    try {
        auto *op = dynamic_cast<AllToAllVV2Operation *>(mc2::impl::atbfw::LiveOperation(operation));
        if (op == nullptr) {
            return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, kWhere,
                                          "operation %p is not a live AllToAllVV2Operation",
                                          static_cast<void *>(operation));
        }
        std::string why;
        if (!mc2::impl::ops::AllToAllVV2ParamCheck(opParam, &why)) {
            return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, kWhere, "%s", why.c_str());
        }
        if (!(opParam == op->param())) op->SetParam(opParam);
        return NO_ERROR;
    } catch (const std::exception &e) {
        return mc2::impl::atbfw::Fail(ERROR_OUT_OF_HOST_MEMORY, kWhere, "exception: %s", e.what());
    }
}

}  // namespace atb
