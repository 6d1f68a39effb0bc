// tests/common/sanitized_build.h — whether this test binary is built with sanitizers
// (mc2_add_unit_test defines MC2_SANITIZED_BUILD in the sanitize and tsan presets).
//
// Sanitized builds run 5-20x slower. Tests that sweep millions of values or build whole gates to
// prove arithmetic or determinism, which the default preset proves in full on every CI run, take
// a smaller sample there: every code path the sanitizers watch still runs, on fewer inputs.
#ifndef MC2_TESTS_COMMON_SANITIZED_BUILD_H_
#define MC2_TESTS_COMMON_SANITIZED_BUILD_H_

namespace mc2::tests {

#ifdef MC2_SANITIZED_BUILD
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// `full` in the default build, `sanitized` under sanitizers.
constexpr int ScaledForSanitizers(int full, int sanitized) { return kSanitizedBuild ? sanitized : full; }

}  // namespace mc2::tests

#endif  // MC2_TESTS_COMMON_SANITIZED_BUILD_H_
