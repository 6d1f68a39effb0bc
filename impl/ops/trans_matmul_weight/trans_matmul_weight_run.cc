// impl/ops/trans_matmul_weight/trans_matmul_weight_run.cc — the conversion on the stream: the ND
// view (any strides) is staged densely in the workspace, then every position of the NZ storage is
// written from the stage, padding with zeros. Source and destination are the same memory, so
// nothing is written before everything has been read.
#include <cstring>
#include <string>
#include <utility>

#include "ops/common/faults.h"
#include "ops/common/memory_checks.h"
#include "ops/trans_matmul_weight/trans_matmul_weight.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

class TransMatmulWeightRun final : public OpRun {
public:
    explicit TransMatmulWeightRun(TransMatmulWeightPlan p) : p_(std::move(p)) {}

    aclError Run(void *workspace) override {
        const uint64_t bytes = static_cast<uint64_t>(p_.nz.Elements()) * static_cast<uint64_t>(p_.elementBytes);
        // The view is read and the NZ weight written from the storage base: both must be device
        // memory (the vendor-faithful variant checks neither at GetWorkspaceSize).
        if (!IsDeviceMemory(p_.weight.data, bytes) ||
            (p_.weight.spanBytes > 0 && !IsDeviceMemory(p_.weight.data, p_.weight.spanBytes))) {
            ReportError("aclnnTransMatmulWeight: mmWeightRef memory was freed before the operator ran");
            return ACL_ERROR_INVALID_PARAM;
        }
        const size_t eb = static_cast<size_t>(p_.elementBytes);
        auto *stage = static_cast<uint8_t *>(workspace);
        auto *data = static_cast<uint8_t *>(p_.weight.data);
        const int64_t cols = p_.nz.w;
        const int64_t rows = p_.nz.batch * p_.nz.h;  // every dim but the last
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t base = p_.weight.RowOffset(r);
            for (int64_t j = 0; j < cols; ++j) {
                const int64_t at = base + j * p_.weight.ColStride();
                std::memcpy(stage + static_cast<size_t>(r * cols + j) * eb, data + static_cast<size_t>(at) * eb, eb);
            }
        }
        const int64_t total = p_.nz.Elements();
        for (int64_t s = 0; s < total; ++s) {
            int64_t b = 0, row = 0, col = 0;
            uint8_t *dst = data + static_cast<size_t>(s) * eb;
            if (Source(s, &b, &row, &col)) {
                std::memcpy(dst, stage + static_cast<size_t>((b * p_.nz.h + row) * cols + col) * eb, eb);
            } else if (kFault != Fault::kNzPaddingNotZeroed) {
                std::memset(dst, 0, eb);
            }
        }
        return ACL_SUCCESS;
    }

private:
    // The logical element storage index `s` receives (NzPlan::At); false for padding.
    bool Source(int64_t s, int64_t *b, int64_t *row, int64_t *col) const {
        if (kFault != Fault::kNzTilesTransposed) return p_.nz.At(s, b, row, col);
        // Fault: the tiles in row-of-tiles order (b, H1, W1, 16, C0).
        const NzPlan &z = p_.nz;
        const int64_t inCol = s % z.c0, inRow = s / z.c0 % kNzH0, tile = s / (z.c0 * kNzH0);
        *b = tile / (z.w1 * z.h1);
        *row = tile % (z.w1 * z.h1) / z.w1 * kNzH0 + inRow;
        *col = tile % z.w1 * z.c0 + inCol;
        return *row < z.h && *col < z.w;
    }

    TransMatmulWeightPlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeTransMatmulWeightRun(TransMatmulWeightPlan plan) {
    return std::make_unique<TransMatmulWeightRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
