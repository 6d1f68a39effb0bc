// tests/spec/vendor_replay.h — the replay of the vendor's op_api unit-test calls against the
// catalogue, shared by documented_cases_test.cc (the Y versions) and
// vendor_unit_test_calls_test.cc (the H versions). Those tests stub the generated inner layer
// (ops.md §1.2), so SUCCESS means "the op_api checks pass" — success, a tiling refusal (561xxx)
// or a failure at execution are all consistent with it —, and PARAM_INVALID / PARAM_NULLPTR mean
// GetWorkspaceSize's status. The vendor's group is a stubbed literal naming no communicator; the
// callers replay it as the live communicator `comm` (a literal name would admit 161002 for every
// call through the unknown-group rule, and the PARAM_INVALID rows would prove nothing).
#ifndef MC2_TESTS_SPEC_VENDOR_REPLAY_H_
#define MC2_TESTS_SPEC_VENDOR_REPLAY_H_

#include <string>

#include "harness/case.h"
#include "spec/catalogue.h"

namespace mc2::spec::testing {

// The descriptor parsed; a gtest failure (and an empty case) when it does not parse.
harness::Case ParseOrFail(const std::string &text);

// What the vendor's unit test expects of GetWorkspaceSize.
enum class UtWant { kSuccess, kParamInvalid, kParamNullptr };

// Whether some admitted answer lets GetWorkspaceSize's op_api checks pass.
bool AdmitsOpApiPass(const Expectation &e);

// What the strict profile must do with a replayed call. The vendor profile is the conformance
// verdict and must always admit the vendor's answer; strict adds hardening rules, so a caller
// either demands the same of it (kAdmits) or only that it does not call the call undefined
// (kDefinedOnly). Neither profile may call a documented call undefined.
enum class StrictCheck { kAdmits, kDefinedOnly };

// Checks one replayed call, `name` labelling its failures. Returns how many checks it made, so
// that a caller can tell a table emptied by mistake.
int ExpectAdmitted(const std::string &name, const std::string &text, UtWant want, StrictCheck strict);

}  // namespace mc2::spec::testing

#endif  // MC2_TESTS_SPEC_VENDOR_REPLAY_H_
