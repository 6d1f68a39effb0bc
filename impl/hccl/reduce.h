// impl/hccl/reduce.h — element-wise reduction of one block per rank, in rank order.
//
// Numerics (the contract the oracle's interval for "all-reduce in T" relies on):
//   fp32        accumulated in fp32 in rank order: ((b0 op b1) op b2) ...
//   fp64        same in fp64.
//   fp16, bf16  every element decoded to fp32, accumulated in fp32 in rank order, rounded
//               once to the type at the end (round to nearest, ties to even). The result is
//               therefore independent of how the implementation splits the data into chunks.
//   integers    two's-complement wrap-around for sum and prod (no undefined behaviour).
//   max / min   exact; a NaN in any block makes the float result NaN.
// Every rank computes its result with the same rule, so all ranks agree bit for bit.
#ifndef MC2_IMPL_HCCL_REDUCE_H_
#define MC2_IMPL_HCCL_REDUCE_H_

#include <cstddef>
#include <cstdint>

#include "hccl/hccl_types.h"

namespace mc2::impl::hccl {

// out[i] = blocks[0][i] op blocks[1][i] op ... op blocks[n_blocks-1][i], i < count.
// `out` may alias blocks[0] (and only blocks[0]). Returns false for an unsupported (type, op).
bool ReduceBlocks(HcclDataType type, HcclReduceOp op, const void *const *blocks, size_t n_blocks, uint64_t count,
                  void *out);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_REDUCE_H_
