// impl/ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm_run.cc — the execute
// phase of aclnn[Inplace][Quant|WeightQuant]MatmulAllReduceAddRmsNorm, one stream task: the
// embedded matmul's run (MatmulAllReduce's, QuantMatmulAllReduce's or WeightQuant's: matmul +
// all-reduce in T, written into normOut), then the add + RMS-norm pass per row.
//
// Numerics, the vendor's kernel order (ops.md §6.1 "Kernel numerics"), per row of n elements:
//   y_j = round_T(mm_j + residual_j)            (fp32 add then RNE; for fp16 this is the correctly
//                                                rounded fp16 add, see matmul_all_reduce_run.cc)
//   s = Σ_j (y_j · y_j) · (1/n)                  in fp32, the fp32 factor 1/n applied per term
//   rstd = 1 / sqrt(s + ε)                       in fp32
//   normOut_j = round_T(round_T(y_j · rstd) · γ_j)   (the product rounded to T before γ)
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/codecs.h"
#include "ops/common/faults.h"
#include "ops/common/memory_checks.h"
#include "ops/common/rank_failure.h"
#include "ops/common/view_copy.h"
#include "ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"

namespace mc2::impl::ops {
namespace {

class ArnRun final : public OpRun {
public:
    ArnRun(ArnPlan plan, std::unique_ptr<OpRun> mm) : p_(std::move(plan)), mm_(std::move(mm)) {}

    int32_t DeviceId() const override { return mm_->DeviceId(); }

    aclError Run(void *workspace) override {
        // MatmulAllReduce's run checks its own tensors and the workspace; these are the rest.
        std::string why;
        const NamedDesc rest[] = {{&p_.residual, "residual"}, {&p_.gamma, "gamma"}, {&p_.y, "y"}};
        if (!StillDeviceMemory(rest, workspace, p_.workspaceBytes, &why)) {
            return FailRank(p_.api, *p_.comm, why);
        }
        if (const aclError e = mm_->Run(workspace); e != ACL_SUCCESS) return e;
        AddRmsNorm();
        return ACL_SUCCESS;
    }

private:
    bool IsHalf() const { return p_.dataType == ACL_FLOAT16; }
    float Decode(uint16_t code) const { return IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code); }
    uint16_t Encode(float v) const { return IsHalf() ? codec::FloatToHalf(v) : codec::FloatToBf16(v); }

    void AddRmsNorm() const {
        const int64_t m = p_.m, n = p_.n;
        const TensorDesc &normOut = p_.normOut;
        std::vector<uint16_t> mm(static_cast<size_t>(n)), res(static_cast<size_t>(n)), y(static_cast<size_t>(n)),
            out(static_cast<size_t>(n)), gamma(static_cast<size_t>(n));
        std::vector<float> yf(static_cast<size_t>(n));
        ReadRows16(p_.gamma, 1, n, gamma.data());
        const float invN = kFault == Fault::kArnNoMean ? 1.0f : 1.0f / static_cast<float>(n);
        // Faults kArnInplaceFreshBuffer (plain) and kArnQuantInplaceFreshBuffer (quant): y lands in
        // a buffer nobody reads; residual keeps its values.
        const bool dropY =
            p_.inPlace && ((kFault == Fault::kArnInplaceFreshBuffer && p_.variant == ArnVariant::kPlain) ||
                           (kFault == Fault::kArnQuantInplaceFreshBuffer && p_.variant == ArnVariant::kQuant));
        for (int64_t i = 0; i < m; ++i) {
            // Whole rows are read before any is written: y may be residual itself (in place).
            for (int64_t j = 0; j < n; ++j) {
                mm[j] = LoadCode16(normOut, normOut.RowOffset(i) + j * normOut.ColStride());
                res[j] = LoadCode16(p_.residual, p_.residual.RowOffset(i) + j * p_.residual.ColStride());
            }
            float sum = 0.0f;
            for (int64_t j = 0; j < n; ++j) {
                y[j] = kFault == Fault::kArnResidualNotAdded ? mm[j] : Encode(Decode(mm[j]) + Decode(res[j]));
                yf[j] = Decode(y[j]);
                sum += yf[j] * yf[j] * invN;
            }
            const float rstd = kFault == Fault::kArnEpsAfterSqrt ? 1.0f / (std::sqrt(sum) + p_.epsilon)
                                                                 : 1.0f / std::sqrt(sum + p_.epsilon);
            for (int64_t j = 0; j < n; ++j) {
                const float g = Decode(gamma[j]);
                out[j] = kFault == Fault::kArnGammaBeforeRound ? Encode(yf[j] * rstd * g)
                         : kFault == Fault::kArnGammaIgnored   ? Encode(yf[j] * rstd)
                                                               : Encode(Decode(Encode(yf[j] * rstd)) * g);
            }
            if (!dropY) WriteRow(y, i, p_.y);
            WriteRow(out, i, normOut);
        }
    }

    static void WriteRow(const std::vector<uint16_t> &row, int64_t i, const TensorDesc &dst) {
        TensorDesc one = dst;
        one.offset = dst.RowOffset(i);
        one.shape = {1, static_cast<int64_t>(row.size())};
        one.strides = {0, dst.ColStride()};
        WriteRows16(row.data(), 1, static_cast<int64_t>(row.size()), one);
    }

    ArnPlan p_;
    std::unique_ptr<OpRun> mm_;
};

}  // namespace

std::unique_ptr<OpRun> MakeArnRun(ArnPlan plan, std::unique_ptr<OpRun> mm) {
    return std::make_unique<ArnRun>(std::move(plan), std::move(mm));
}

}  // namespace mc2::impl::ops
