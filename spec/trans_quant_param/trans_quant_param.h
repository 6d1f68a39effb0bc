// spec/trans_quant_param/trans_quant_param.h — the aclnnTransQuantParamV2 / V3 family: rule table
// in the vendor's op_api order (null → dtype → format → shape → roundMode, then this suite's
// hardening), the dtype tables, generators. The binding (harness/ops/trans_quant_param.cc)
// registers Family() for both operators.
//
// The operator runs on one device and talks to no other rank: in a case of world W every rank
// converts its own scale, and nothing depends on the other ranks' calls (no cross-rank rule).
#ifndef MC2_SPEC_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_
#define MC2_SPEC_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_

#include <optional>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::trans_quant_param {

inline constexpr const char *kOpV2 = "trans_quant_param_v2";
inline constexpr const char *kOpV3 = "trans_quant_param_v3";

OpFamily Family();

// ---- tables ----
// out: UINT64 or INT64 (the same words; the vendor's op_api relabels out as UINT64).
const std::vector<aclDataType> &OutDtypes();
// World sizes the generators use: the operator is per device, so these only show that ranks
// converting at once do not disturb each other.
const std::vector<int> &WorldSizes();

// ---- rules ----
const std::vector<Rule> &Rules();

// ---- generators ----
harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

// One rank's arguments (shared by the generator and violate()): scale (t), (1, n) or (g, n);
// offset absent, (t) or (1, n); out of the documented shape, contiguous or with its last dim
// strided by `out_step`; roundMode (V3 only).
struct Layout {
    std::vector<int64_t> scale = {1};
    std::optional<std::vector<int64_t>> offset;
    aclDataType out_dtype = ACL_UINT64;
    int64_t out_step = 1;
    int64_t round_mode = 0;
};
// The documented out shape: 1-D max(scale, offset) for a 1-D scale, the scale's shape for a 2-D one.
std::vector<int64_t> OutShape(const Layout &l);
void WriteLayout(ParamMap &params, const Layout &l, bool v3);
std::optional<Layout> ReadLayout(const ParamMap &params);

}  // namespace mc2::spec::trans_quant_param

#endif  // MC2_SPEC_TRANS_QUANT_PARAM_TRANS_QUANT_PARAM_H_
