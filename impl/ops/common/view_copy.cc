// impl/ops/common/view_copy.cc — strided view <-> dense buffer copies of 16-bit elements (see
// view_copy.h).
#include "ops/common/view_copy.h"

#include <cstring>

namespace mc2::impl::ops {

uint16_t LoadCode16(const TensorDesc &t, int64_t index) {
    uint16_t code;
    std::memcpy(&code, static_cast<const unsigned char *>(t.data) + index * 2, sizeof code);
    return code;
}

void WriteRows16(const uint16_t *src, int64_t rows, int64_t cols, const TensorDesc &dst) {
    if (rows == 0 || cols == 0) return;
    const int64_t col = dst.ColStride();
    auto *base = static_cast<unsigned char *>(dst.data);
    for (int64_t i = 0; i < rows; ++i) {
        unsigned char *row = base + dst.RowOffset(i) * 2;
        if (col == 1 || cols == 1) {
            std::memcpy(row, src + i * cols, static_cast<size_t>(cols) * 2);
            continue;
        }
        for (int64_t j = 0; j < cols; ++j) std::memcpy(row + j * col * 2, src + i * cols + j, 2);
    }
}

void ReadRows16(const TensorDesc &src, int64_t rows, int64_t cols, uint16_t *dst) {
    if (rows == 0 || cols == 0) return;
    const int64_t col = src.ColStride();
    const auto *base = static_cast<const unsigned char *>(src.data);
    for (int64_t i = 0; i < rows; ++i) {
        const unsigned char *row = base + src.RowOffset(i) * 2;
        if (col == 1 || cols == 1) {
            std::memcpy(dst + i * cols, row, static_cast<size_t>(cols) * 2);
            continue;
        }
        for (int64_t j = 0; j < cols; ++j) std::memcpy(dst + i * cols + j, row + j * col * 2, 2);
    }
}

}  // namespace mc2::impl::ops
