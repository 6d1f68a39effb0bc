// harness/supervise/result_json.h — CaseResult <-> JSON, the form a supervised child sends
// its parent (and that reports can store). Output bytes are not carried.
#ifndef MC2_HARNESS_SUPERVISE_RESULT_JSON_H_
#define MC2_HARNESS_SUPERVISE_RESULT_JSON_H_

#include <optional>
#include <string>

#include "harness/run/result.h"

namespace mc2::harness {

std::string ResultToJson(const CaseResult &result);
// nullopt when `text` is not a complete result (a child that died mid-write).
std::optional<CaseResult> ResultFromJson(const std::string &text);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_RESULT_JSON_H_
