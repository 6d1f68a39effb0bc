// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_comm_pertile.cc — the dynamic FP8
// "pertile" communication of aclnnQuantMatmulAllReduceV4 on Ascend 950 (commQuantMode = 1,
// seed 004 formula 8; the kernel's steps: ops.md §4.3), replacing the all-reduce of one piece of
// rows of fp32 partial results:
//   quantise     per row, per tile of 128 columns: amax = max|x| (0 → fpMax), the multiplier
//                s = fpMax / amax (fp32 Div; 0 → 1), q = fp8(x · s) with RINT, saturating;
//                fpMax = 448 (E4M3FN) or 57344 (E5M2), the format is x1's
//   pack         each row: n fp8 codes, then its ceil(n/128) fp32 multipliers
//   AllToAll     padRows/R packed rows to each rank (pad rows hold zeros)
//   dequantise   the R received blocks: fp32(q) / s (fp32 Div)
//   reduce       the R blocks summed in fp32 by the kernel's pairwise tree: neighbours added
//                (x0+x1, x2+x3, ...), an odd count first folding its last block into the one before
//   requantise   the reduced rows, as above, into this rank's packed block
//   AllGather    the packed blocks in rank order
//   dequantise   the piece's own rows: fp32(q) / s (the caller casts them to the output dtype)
// The emulated HCCL has no FP8 data types: the packed bytes move as UINT8 (movement only, no
// arithmetic, so the same bytes arrive).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/codecs.h"
#include "ops/common/faults.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"

namespace mc2::impl::ops {
namespace {

constexpr int64_t kTile = 128;

int64_t Tiles(int64_t n) { return (n + kTile - 1) / kTile; }

float FpMax(aclDataType fp8) { return fp8 == ACL_FLOAT8_E5M2 ? 57344.0f : 448.0f; }

uint8_t ToFp8(float v, aclDataType fp8) {
    return fp8 == ACL_FLOAT8_E5M2 ? codec::FloatToE5m2(v, codec::Saturation::kFinite)
                                  : codec::FloatToE4m3(v, codec::Saturation::kFinite);
}

float FromFp8(uint8_t c, aclDataType fp8) {
    return fp8 == ACL_FLOAT8_E5M2 ? codec::E5m2ToFloat(c) : codec::E4m3ToFloat(c);
}

// `rows` rows of n fp32 values quantised into packed rows at dst.
void QuantiseRows(const float *src, int64_t rows, int64_t n, aclDataType fp8, uint8_t *dst) {
    const int64_t rowBytes = PertileRowBytes(n);
    const float fpMax = FpMax(fp8);
    for (int64_t i = 0; i < rows; ++i) {
        const float *x = src + i * n;
        uint8_t *row = dst + i * rowBytes;
        for (int64_t t = 0; t < Tiles(n); ++t) {
            const int64_t j0 = t * kTile, j1 = std::min(n, j0 + kTile);
            float amax = 0;
            for (int64_t j = j0; j < j1; ++j) amax = std::max(amax, std::fabs(x[j]));
            if (amax == 0) amax = fpMax;
            float s = fpMax / amax;
            if (s == 0) s = 1;
            for (int64_t j = j0; j < j1; ++j) row[j] = ToFp8(x[j] * s, fp8);
            // The stored value is the multiplier itself (fault 94: its inverse, amax / fpMax).
            const float stored = kFault == Fault::kV4PertileMultiplierInverted ? amax / fpMax : s;
            std::memcpy(row + n + 4 * t, &stored, 4);
        }
    }
}

// `rows` packed rows dequantised into fp32 values.
void DequantiseRows(const uint8_t *src, int64_t rows, int64_t n, aclDataType fp8, float *dst) {
    const int64_t rowBytes = PertileRowBytes(n);
    for (int64_t i = 0; i < rows; ++i) {
        const uint8_t *row = src + i * rowBytes;
        for (int64_t t = 0; t < Tiles(n); ++t) {
            float s = 0;
            std::memcpy(&s, row + n + 4 * t, 4);
            const int64_t j0 = t * kTile, j1 = std::min(n, j0 + kTile);
            for (int64_t j = j0; j < j1; ++j) dst[i * n + j] = FromFp8(row[j], fp8) / s;
        }
    }
}

// blocks[0..count) (each `elems` fp32) summed into blocks[0] by the kernel's pairwise tree
// (fault 95: left to right).
void ReduceBlocks(std::vector<float *> blocks, int64_t elems) {
    auto add = [elems](float *into, const float *from) {
        for (int64_t e = 0; e < elems; ++e) into[e] += from[e];
    };
    if (kFault == Fault::kV4PertileSequentialSum) {
        for (size_t b = 1; b < blocks.size(); ++b) add(blocks[0], blocks[b]);
        return;
    }
    while (blocks.size() > 1) {
        if (blocks.size() % 2 == 1) {  // odd: the last block into the one before it
            add(blocks[blocks.size() - 2], blocks.back());
            blocks.pop_back();
        }
        for (size_t b = 0; b < blocks.size() / 2; ++b) {
            add(blocks[2 * b], blocks[2 * b + 1]);
            blocks[b] = blocks[2 * b];
        }
        blocks.resize(blocks.size() / 2);
    }
}

}  // namespace

int64_t PertileRowBytes(int64_t n) { return n + 4 * Tiles(n); }

uint64_t PertileBufferBytes(int64_t padRows, int64_t n) {
    return 3 * static_cast<uint64_t>(padRows) * static_cast<uint64_t>(PertileRowBytes(n));
}

hccl::Status PertilePiece(hccl::Communicator &comm, aclDataType fp8, float *values, int64_t rows, int64_t n,
                          int64_t capRows, uint8_t *buffers) {
    const auto world = static_cast<int64_t>(comm.Size());
    const auto rank = static_cast<int64_t>(comm.Rank());
    const int64_t padRows = (rows + world - 1) / world * world;
    const int64_t blockRows = padRows / world;
    const int64_t rowBytes = PertileRowBytes(n);
    const int64_t blockBytes = blockRows * rowBytes;
    uint8_t *send = buffers;
    uint8_t *recv = send + capRows * rowBytes;
    uint8_t *gathered = recv + capRows * rowBytes;

    // 1-2. Quantise and pack this rank's rows; pad rows are zeros (multiplier 1).
    QuantiseRows(values, rows, n, fp8, send);
    const std::vector<float> zeros(static_cast<size_t>(n), 0.0f);
    for (int64_t i = rows; i < padRows; ++i) QuantiseRows(zeros.data(), 1, n, fp8, send + i * rowBytes);
    // 3. AllToAll: packed row block q to rank q.
    std::vector<uint64_t> counts(static_cast<size_t>(world), static_cast<uint64_t>(blockBytes));
    std::vector<uint64_t> displs(static_cast<size_t>(world));
    for (int64_t q = 0; q < world; ++q) displs[static_cast<size_t>(q)] = static_cast<uint64_t>(q * blockBytes);
    hccl::Status st = comm.AllToAllV(send, counts.data(), displs.data(), recv, counts.data(), displs.data(),
                                     HCCL_DATA_TYPE_UINT8);
    if (!st.ok()) return st;
    // 4-5. Dequantise the R received blocks and reduce them in fp32.
    std::vector<float> blocks(static_cast<size_t>(world * blockRows * n));
    std::vector<float *> order;
    for (int64_t q = 0; q < world; ++q) {
        float *b = blocks.data() + q * blockRows * n;
        DequantiseRows(recv + q * blockBytes, blockRows, n, fp8, b);
        order.push_back(b);
    }
    ReduceBlocks(order, blockRows * n);
    if (kFault == Fault::kV4PertileNoRequant) {
        // The fp32 sums gathered as they are (a broken copy: host scratch instead of workspace).
        std::vector<float> all(static_cast<size_t>(padRows * n));
        st = comm.AllGather(blocks.data(), all.data(), static_cast<uint64_t>(blockRows * n), HCCL_DATA_TYPE_FP32);
        if (st.ok()) std::copy(all.begin(), all.begin() + rows * n, values);
        return st;
    }
    // 6. Requantise the reduced rows into this rank's place of the gather buffer.
    uint8_t *mine = gathered + rank * blockBytes;
    QuantiseRows(blocks.data(), blockRows, n, fp8, mine);
    // 7. AllGather the packed blocks in rank order.
    st = comm.AllGather(mine, gathered, static_cast<uint64_t>(blockBytes), HCCL_DATA_TYPE_UINT8);
    if (!st.ok()) return st;
    // 8. Dequantise the piece's own rows.
    DequantiseRows(gathered, rows, n, fp8, values);
    return st;
}

}  // namespace mc2::impl::ops
