// impl/atbfw/report.h — how the ATB framework reports a failure: the ErrorType it returns and
// one line for aclGetRecentErrMsg ("<operation> <phase>: <what> (<ERROR_NAME>)"), so a caller
// learns which check refused the call, not only its code.
#ifndef MC2_IMPL_ATBFW_REPORT_H_
#define MC2_IMPL_ATBFW_REPORT_H_

#include "atb/types.h"

namespace mc2::impl::atbfw {

// "ERROR_INVALID_PARAM", ...; "ERROR_<n>" for values that are no enumerator.
const char *ErrorTypeName(atb::Status status);

// Appends "<where>: <formatted> (<ErrorTypeName(code)>)" to this thread's error messages and
// returns `code`.
atb::Status Fail(atb::Status code, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_REPORT_H_
