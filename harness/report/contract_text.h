// harness/report/contract_text.h — oracle/contract.md, the human-readable numerics contract,
// embedded at build time so every report states the contract it was judged under (and a
// report rendered by an installed binary needs no source tree).
#ifndef MC2_HARNESS_REPORT_CONTRACT_TEXT_H_
#define MC2_HARNESS_REPORT_CONTRACT_TEXT_H_

#include <string_view>

namespace mc2::harness::report {

// The whole file.
std::string_view ContractMarkdown();
// Its summary: everything before the "## How the oracle computes it" section (title, notation,
// the table of steps and the freedoms granted).
std::string_view ContractSummary();

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_CONTRACT_TEXT_H_
