// harness/dtype_names.h — the names the suite prints and parses for aclDataType and aclFormat:
// the enum name without ACL_ / ACL_FORMAT_, lower case (float16, bf16, float8_e4m3fn; nd,
// fractal_nz). Values outside the enums print as dt<N> / fmt<N> so that any integer a fuzzer
// produces survives a round trip through a descriptor.
#ifndef MC2_HARNESS_DTYPE_NAMES_H_
#define MC2_HARNESS_DTYPE_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "acl/acl_base.h"

namespace mc2::harness {

std::string DtypeName(aclDataType dtype);
std::optional<aclDataType> ParseDtype(std::string_view name);

std::string FormatName(aclFormat format);
std::optional<aclFormat> ParseFormat(std::string_view name);

// Bits per element (4 for int4/fp4, 0 for types without a fixed element size).
int DtypeBits(aclDataType dtype);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_DTYPE_NAMES_H_
