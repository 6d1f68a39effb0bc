// spec/all_to_all_vv2/all_to_all_vv2.h — the ATB AllToAllVV2Operation family: rule table in
// ATB's check order (CreateOperation, then Setup's framework and operation checks, then the
// cross-rank consequences), the ini dtype rows, generators. The binding
// (harness/ops/all_to_all_vv2.cc) registers Family().
//
// Codes are ATB ErrorTypes (include/atb/types.h): Prepare is CreateOperation + Setup, so a
// refused call returns the first failing check's ErrorType from either.
#ifndef MC2_SPEC_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_
#define MC2_SPEC_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::all_to_all_vv2 {

inline constexpr const char *kOp = "all_to_all_vv2";

// Input tensors in the order of the variant pack's inTensors, then the output.
inline constexpr const char *kInputs[] = {"x", "send_counts", "sdispls", "recv_counts", "rdispls",
                                          "tensor_for_infer_shape"};
inline constexpr const char *kOutput = "output";

OpFamily Family();

// The dtypes of x (and output) in the ini rows ([AllToAllVV2Operation], ops.md §7).
const std::vector<aclDataType> &XDtypes();

const std::vector<Rule> &Rules();

// Whose data rank `r`'s all-to-all may receive: for each rank of its communicator, in their
// order there, the world ranks that may be that rank (rules.cc). One each for a group that
// forms as written: the whole world with the caller's communicator (hcclComm), the ATB-made
// group of (commDomain, rankSize) without one (GroupOf). Several where the domain is contested
// (a2av.xrank.domain_contested: any claimant of a rank whose call passes and whose counts agree
// with r's). nullopt when no group is judged (it cannot form, or a rank table names it, which is
// not modelled): then no output is judged as data.
struct GroupSources {
    int me = 0;                             // r's rank in its communicator
    std::vector<std::vector<int>> sources;  // per rank of the communicator; sources[me] == {r}
};
std::optional<GroupSources> SourcesOf(const harness::Case &c, int r);

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// Consistent counts for `world` ranks: c[j][r] elements go from rank j to rank r. Writes every
// rank's x, the four count tensors (values), tensor_for_infer_shape and output into per_rank;
// send windows in a random order with gaps (or all at one offset: overlapping sends), receive
// windows tiling the output in a random order.
void WriteCounts(std::vector<ParamMap> &per_rank, const std::vector<std::vector<int64_t>> &c, aclDataType dtype,
                 Choices &choices);

}  // namespace mc2::spec::all_to_all_vv2

#endif  // MC2_SPEC_ALL_TO_ALL_VV2_ALL_TO_ALL_VV2_H_
