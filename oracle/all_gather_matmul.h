// oracle/all_gather_matmul.h — acceptance intervals for aclnnAllGatherMatmul with fp16 or bf16
// inputs: gatherOut = the ranks' x1 stacked in rank order, output_r = gatherOut @ x2_r + bias_r
// on every rank r in the output dtype T.
//
// gatherOut is data movement: its answer is the exact codes (bit-exact comparison).
// output follows the numerics contract (oracle/contract.h) of one rank of the matmul family
// with no reduction: the k-sum (+ bias) accumulated with unit roundoff u_acc in any order, then
// one rounding to T. That is exactly MatmulAllReduceBounds over a world of one whose x1 is the
// gathered matrix (the reduction of a single addend is exact, and rounding an already rounded
// partial to T again changes nothing), so the derivation in matmul_all_reduce.cc applies.
#ifndef MC2_ORACLE_ALL_GATHER_MATMUL_H_
#define MC2_ORACLE_ALL_GATHER_MATMUL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::oracle {

// One rank's inputs, decoded: x1 (m×k), x2 (k×n), bias (its first n values) optional.
struct AllGatherMatmulRank {
    Matrix x1;
    Matrix x2;
    std::optional<std::vector<double>> bias;
};

// The ranks' x1 stacked in rank order (m·R × k). Throws std::invalid_argument when the ranks'
// x1 shapes differ.
Matrix AllGatherMatmulGathered(const std::vector<AllGatherMatmulRank> &ranks);

// gatherOut's element codes (row-major): every rank's x1 codes (row-major, as many each)
// stacked in rank order. Throws std::invalid_argument when a rank's count differs.
std::vector<uint64_t> AllGatherMatmulGatherCodes(const std::vector<std::vector<uint64_t>> &x1_codes);

// output's bounds on rank `rank` (its own x2 and bias).
Bounds AllGatherMatmulOutputBounds(const std::vector<AllGatherMatmulRank> &ranks, int rank, aclDataType out,
                                   const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_ALL_GATHER_MATMUL_H_
