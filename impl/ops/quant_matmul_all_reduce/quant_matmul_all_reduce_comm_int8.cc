// impl/ops/quant_matmul_all_reduce/quant_matmul_all_reduce_comm_int8.cc — aclnnQuantMatmulAllReduceV3's
// int8 low-bit communication on Atlas A2 (both commQuantScale1/2 given), replacing the all-reduce of
// one piece of rows: the kernel recipe of ops.md §4.1, step by step.
//
//   quantise   q = sat8(RINT(f16(f32(Y) / f32(s1))))     per channel j (bf16: fp32 Div then the
//              fp32→fp16 cast; fp16: the fp16 Div, which the fp32 quotient rounded once to fp16
//              reproduces: fp32 holds 2·11 + 2 bits)
//   pad        rows up to a multiple of the world size R (pad rows are 0 here; the vendor's are
//              unwritten workspace, they only reach discarded rows)
//   AllToAll   row block q of every rank goes to rank q
//   ReduceSum  S = Σ of the R received int8 values in fp32 (exact), × the fp32 ratio s1/s2,
//              q2 = sat8(RINT(f16(...)))
//   AllGather  the reduced row blocks, in rank order
//   dequantise out = round_T(q2 · s2) (bf16: fp32 Mul then RINT; fp16: the fp16 Mul, again one
//              rounding of the exact product)
// Every step after the quantisation is element-wise and the integer sum is exact, so the result
// does not depend on the piece size or the world's reduction order.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/codecs.h"
#include "ops/common/faults.h"
#include "ops/common/view_copy.h"
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::impl::ops {

// fp32 → fp16 (RNE; the Cast saturates, ops.md §4.1) → int8 with RINT, saturating. NaN is not
// documented (UNVERIFIED): this implementation sends 0.
int8_t CommInt8Cast(float v) {
    const float h = codec::HalfToFloat(codec::FloatToHalf(v, codec::Saturation::kFinite));
    if (std::isnan(h)) return 0;
    // RINT is the default rounding mode's nearbyint (ties to even); fault 71 rounds ties away.
    const float r = kFault == Fault::kQmarCommRoundHalfAway ? std::round(h) : std::nearbyint(h);
    return static_cast<int8_t>(std::clamp(r, -128.0f, 127.0f));
}

CommInt8Scales LoadCommInt8Scales(const QuantMatmulAllReducePlan &p) {
    const bool half = p.outType == ACL_FLOAT16;
    auto decode = [&](const TensorDesc &t, int64_t j) {
        const uint16_t code = LoadCode16(t, t.offset + j * t.ColStride());
        return half ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code);
    };
    CommInt8Scales s;
    s.s1.resize(static_cast<size_t>(p.n));
    s.s2.resize(static_cast<size_t>(p.n));
    s.ratio.resize(static_cast<size_t>(p.n));
    for (int64_t j = 0; j < p.n; ++j) {
        const auto u = static_cast<size_t>(j);
        s.s1[u] = decode(p.commScale1, j);
        s.s2[u] = decode(p.commScale2, j);
        s.ratio[u] = s.s1[u] / s.s2[u];  // one vector Div per channel, in fp32
    }
    return s;
}

hccl::Status CommInt8Piece(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, uint16_t *rowsT, int64_t rows,
                           int8_t *buffers) {
    hccl::Communicator &comm = *p.comm;
    const int64_t n = p.n;
    const auto world = static_cast<int64_t>(comm.Size());
    const auto rank = static_cast<int64_t>(comm.Rank());
    const int64_t padRows = (rows + world - 1) / world * world;
    const int64_t blockElems = padRows / world * n;
    int8_t *send = buffers;
    int8_t *recv = buffers + p.commPadRows * n;
    int8_t *gathered = recv + p.commPadRows * n;

    // 1-2. Quantise this rank's rows; pad rows are zero.
    CommInt8Quantise(p, s, rowsT, rows, padRows, send);
    // 3. AllToAll: row block q to rank q (fault 72 sends block R-1-q instead).
    std::vector<uint64_t> counts(static_cast<size_t>(world), static_cast<uint64_t>(blockElems));
    std::vector<uint64_t> sdispls(static_cast<size_t>(world)), rdispls(static_cast<size_t>(world));
    for (int64_t q = 0; q < world; ++q) {
        const int64_t block = kFault == Fault::kQmarCommBlocksReversed ? world - 1 - q : q;
        sdispls[static_cast<size_t>(q)] = static_cast<uint64_t>(block * blockElems);
        rdispls[static_cast<size_t>(q)] = static_cast<uint64_t>(q * blockElems);
    }
    hccl::Status st = comm.AllToAllV(send, counts.data(), sdispls.data(), recv, counts.data(), rdispls.data(),
                                     HCCL_DATA_TYPE_INT8);
    if (!st.ok()) return st;
    // 4. ReduceSum of the owned block, requantised with s1/s2, into its place of the gather buffer.
    int8_t *mine = gathered + rank * blockElems;
    for (int64_t e = 0; e < blockElems; ++e) {
        float sum = 0;  // |sum| <= 128·R: exact in fp32
        for (int64_t q = 0; q < world; ++q) sum += static_cast<float>(recv[q * blockElems + e]);
        mine[e] = CommInt8Cast(sum * s.ratio[static_cast<size_t>(e % n)]);
    }
    // 5. AllGather the blocks in rank order.
    st = comm.AllGather(mine, gathered, static_cast<uint64_t>(blockElems), HCCL_DATA_TYPE_INT8);
    if (!st.ok()) return st;
    // 6. Dequantise the piece's own rows.
    CommInt8Dequantise(p, s, gathered, rowsT, rows);
    return st;
}

void CommInt8Quantise(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, const uint16_t *rowsT, int64_t rows,
                      int64_t padRows, int8_t *dst) {
    const bool half = p.outType == ACL_FLOAT16;
    const int64_t n = p.n;
    std::fill(dst, dst + padRows * n, int8_t{0});
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            const uint16_t y = rowsT[i * n + j];
            const float yf = half ? codec::HalfToFloat(y) : codec::Bf16ToFloat(y);
            dst[i * n + j] = CommInt8Cast(yf / s.s1[static_cast<size_t>(j)]);
        }
    }
}

void CommInt8Dequantise(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, const int8_t *gathered,
                        uint16_t *rowsT, int64_t rows) {
    const bool half = p.outType == ACL_FLOAT16;
    const int64_t n = p.n;
    // The product of an int8 and a T value is exact in fp32: one rounding, to T.
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            const float v = static_cast<float>(gathered[i * n + j]) * s.s2[static_cast<size_t>(j)];
            rowsT[i * n + j] = half ? codec::FloatToHalf(v) : codec::FloatToBf16(v);
        }
    }
}

}  // namespace mc2::impl::ops
