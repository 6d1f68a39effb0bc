// oracle/all_to_all_vv2.h — the bit-exact answer for ATB AllToAllVV2Operation (spec-notes/ops.md
// §7): rank r's output element rdispls_r[j] + i holds element sdispls_j[r] + i of rank j's flat
// x, for i < recvCount_r[j]. Pure data movement: the answer is element codes, not intervals.
// Where receive windows overlap, every code sent there is allowed (HCCL does not order the
// blocks); an element no window covers is unconstrained.
#ifndef MC2_ORACLE_ALL_TO_ALL_VV2_H_
#define MC2_ORACLE_ALL_TO_ALL_VV2_H_

#include <cstdint>
#include <vector>

namespace mc2::oracle {

// One rank's call: x as element codes (each element's bytes, little endian, as an integer) and
// its four count arrays (rank-size entries each).
struct AllToAllVV2Rank {
    std::vector<uint64_t> x;
    std::vector<int64_t> send, sdispls, recv, rdispls;
};

// The codes allowed at each of the `out_len` elements of rank `r`'s output (empty list: no
// window covers the element). Throws std::invalid_argument when the counts are inconsistent
// (recvCount_r[j] != sendCount_j[r]), negative, or reach outside x or the output: such a call
// has no defined result.
std::vector<std::vector<uint64_t>> AllToAllVV2Allowed(const std::vector<AllToAllVV2Rank> &ranks, int r,
                                                      int64_t out_len);

// The same when the rank at each position j of the group may be any one of sources[j] (ATB's
// group of an over-subscribed commDomain: which claimant of rank j joins rank r's group is not
// documented). sources[r] holds rank r's own call first (its recvCount and rdispls place the
// blocks; any other entry there is ignored: r receives from itself). Element codes are the union
// over the choices; every source must be consistent with rank r, as above.
std::vector<std::vector<uint64_t>> AllToAllVV2AllowedFromAny(const std::vector<std::vector<AllToAllVV2Rank>> &sources,
                                                             int r, int64_t out_len);

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_ALL_TO_ALL_VV2_H_
