// harness/signatures.h — the parameter lists of every ABI entry point the suite drives, in
// call order (from include/aclnnop/*.h and spec-notes/abi.md). A descriptor names its operator
// by the `op` key of one of these; the ABI bindings (harness/ops) call them in this order.
#ifndef MC2_HARNESS_SIGNATURES_H_
#define MC2_HARNESS_SIGNATURES_H_

#include <string_view>
#include <vector>

#include "harness/case.h"

namespace mc2::harness {

const OpSignature *FindSignature(std::string_view op);
const std::vector<OpSignature> &AllSignatures();

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SIGNATURES_H_
