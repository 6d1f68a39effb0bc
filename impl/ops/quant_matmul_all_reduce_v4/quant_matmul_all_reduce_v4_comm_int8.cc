// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_comm_int8.cc — the int8 low-bit
// communication of aclnnQuantMatmulAllReduceV4 on Ascend 950 (both comm scales, commQuantMode 0):
// the quantisation, requantisation and dequantisation of Atlas A2's scheme (QuantMatmulAllReduce's
// comm_int8.cc, reused), over a different transport (ops.md §4.2):
//   quantise       q = sat8(RINT(f16(Y / s1)))            (CommInt8Quantise)
//   ReduceScatter  the int8 rows reduced with an fp32 sum: the vendor sends int8 and sets the
//                  reduce type to FP32 (SetReduceDataTypeAbility(SUM, FP32, INT8)); the HCCL
//                  emulation has no mixed-type reduce, so each int8 is widened to fp32 here (exact)
//                  and reduced as FP32 — the same sums (|S| <= 128·64, exact in fp32)
//   requantise     q2 = sat8(RINT(f16(S · fp32(s1/s2))))  (CommInt8Cast)
//   AllGather      the int8 row blocks in rank order
//   dequantise     round_T(q2 · s2)                        (CommInt8Dequantise)
// Rows are padded per piece to a multiple of the world size (pad rows are zero and discarded).
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/codecs.h"
#include "ops/common/faults.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"

namespace mc2::impl::ops {
namespace {

constexpr uint64_t kAlign = 64;

uint64_t AlignUp(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

}  // namespace

uint64_t CommInt8ReduceScatterBytes(int64_t padRows, int64_t n, int64_t world) {
    const auto elems = static_cast<uint64_t>(padRows) * static_cast<uint64_t>(n);
    // [gathered int8: padRows·n][fp32 send: padRows·n][fp32 receive: padRows/world·n]
    return AlignUp(elems) + AlignUp(elems * 4) + elems / static_cast<uint64_t>(std::max<int64_t>(world, 1)) * 4;
}

hccl::Status CommInt8ReduceScatterPiece(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, uint16_t *rowsT,
                                        int64_t rows, int8_t *buffers) {
    hccl::Communicator &comm = *p.comm;
    const int64_t n = p.n;
    const auto world = static_cast<int64_t>(comm.Size());
    const auto rank = static_cast<int64_t>(comm.Rank());
    const int64_t padRows = (rows + world - 1) / world * world;
    const int64_t blockElems = padRows / world * n;
    const auto capElems = static_cast<uint64_t>(p.commPadRows) * static_cast<uint64_t>(n);
    int8_t *gathered = buffers;
    auto *send = reinterpret_cast<float *>(buffers + AlignUp(capElems));
    float *recv = send + AlignUp(capElems * 4) / 4;

    // 1. Quantise this rank's rows (into the gather buffer, free until step 4).
    CommInt8Quantise(p, s, rowsT, rows, padRows, gathered);
    // 2. ReduceScatter: row block q of the sum to rank q, reduced in fp32 (fault 97: in T, so a
    //    sum beyond T's integer range is rounded — bf16 holds integers up to 256 only).
    hccl::Status st;
    if (kFault == Fault::kV4CommInt8ReduceInOutput) {
        const bool half = p.outType == ACL_FLOAT16;
        auto *sendT = reinterpret_cast<uint16_t *>(send);
        auto *recvT = reinterpret_cast<uint16_t *>(recv);
        for (int64_t e = 0; e < padRows * n; ++e) {
            const auto v = static_cast<float>(gathered[e]);
            sendT[e] = half ? codec::FloatToHalf(v) : codec::FloatToBf16(v);
        }
        st = comm.ReduceScatter(sendT, recvT, static_cast<uint64_t>(blockElems),
                                half ? HCCL_DATA_TYPE_FP16 : HCCL_DATA_TYPE_BFP16, HCCL_REDUCE_SUM);
        for (int64_t e = blockElems - 1; e >= 0; --e)  // widened in place, from the end
            recv[e] = half ? codec::HalfToFloat(recvT[e]) : codec::Bf16ToFloat(recvT[e]);
    } else {
        for (int64_t e = 0; e < padRows * n; ++e) send[e] = static_cast<float>(gathered[e]);
        st = comm.ReduceScatter(send, recv, static_cast<uint64_t>(blockElems), HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM);
    }
    if (!st.ok()) return st;
    // 3. Requantise the owned block with the fp32 ratio s1/s2 into its place of the gather buffer.
    int8_t *mine = gathered + rank * blockElems;
    for (int64_t e = 0; e < blockElems; ++e) mine[e] = CommInt8Cast(recv[e] * s.ratio[static_cast<size_t>(e % n)]);
    // 4. AllGather the blocks in rank order.
    st = comm.AllGather(mine, gathered, static_cast<uint64_t>(blockElems), HCCL_DATA_TYPE_INT8);
    if (!st.ok()) return st;
    // 5. Dequantise the piece's own rows.
    CommInt8Dequantise(p, s, gathered, rowsT, rows);
    return st;
}

}  // namespace mc2::impl::ops
