// property_tests/support.h — what every operator's property file shares: the implementation
// under test (loaded only through the ABI: the built-in libmc2impl.so, or the libraries named by
// MC2CONF_IMPL), the platform profile and size limits the properties generate for, per-property
// iteration counts that RC_PARAMS can override, in-process runs that keep the outputs, the
// decoded inputs the runner fed a case, and a one-rank call with explicit input values (for
// metamorphic relations whose second case cannot be described by a seed).
#ifndef MC2_PROPERTY_TESTS_SUPPORT_H_
#define MC2_PROPERTY_TESTS_SUPPORT_H_

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/ops/registry.h"
#include "harness/run/result.h"
#include "oracle/reference.h"
#include "spec/generate.h"

namespace mc2::properties {

// The implementation under test, loaded once per process. MC2CONF_IMPL (libraries separated by
// ':', searched in that order like the CLI's repeated --impl) overrides the built-in library
// whose path CMake compiled in, so the same properties judge any library exporting the ABI.
// A load failure fails the calling test (gtest) and returns nullptr.
const harness::AbiTable *Impl();

// The profile the implementation emulates: MC2CONF_PLATFORM, else MC2_PLATFORM (the built-in
// implementation's own switch), else atlas_a2 (also, with a warning on stderr, when the variable
// names no profile: this runs during test registration, before any test can fail).
harness::Platform ProfilePlatform();

// Generated sizes: the spec's defaults (quick gate), larger with MC2CONF_PROP_FULL=1 (the full
// gate). The documented limits (dims up to INT32_MAX) are far beyond what 2 cores can run per
// property iteration; the spec's tiling-limit rules are still violated by the invalid cases.
spec::Limits PropertyLimits();

// Iteration count of one property: `quick` unless RC_PARAMS sets max_success, which then
// applies to every property (the full gate), capped at `cap` for properties whose iterations
// are expensive by nature (a cross-rank failure waits out HCCL_EXEC_TIMEOUT). Everything else
// (seed, reproduce=, noshrink, ...) comes from RC_PARAMS as usual.
rc::detail::TestParams ParamsFor(int quick, int cap = 1 << 30);

// Runs `property` as the current gtest test with ParamsFor(quick, cap), reporting like
// rapidcheck/gtest.h does (the failure message carries the minimal case's RC_LOG output).
void CheckProperty(int quick, const std::function<void()> &property, int cap = 1 << 30);

// RC_GTEST_PROP with a per-property iteration count.
#define MC2_PROPERTY(Suite, Name, quick)                                   \
    void mc2PropertyImpl_##Suite##_##Name();                               \
    TEST(Suite, Name) { ::mc2::properties::CheckProperty((quick), mc2PropertyImpl_##Suite##_##Name); } \
    void mc2PropertyImpl_##Suite##_##Name()

// `mc2conf run '<descriptor>'` for a case that has not run yet.
std::string Repro(const harness::Case &c);

// Runs a case in-process through the runner (spec expectation + oracle judgement), keeping the
// outputs. In-process means an implementation that crashes takes the property test down with
// it; that is accepted here because the supervised CLI gate (forked child per case) is the one
// that turns crashes into CRASH verdicts.
harness::CaseResult RunKeep(const harness::Case &c);

// Output `name` of rank `rank` as decoded values (row-major over the view); empty when the
// rank wrote none.
oracle::Matrix DecodedOutput(const harness::Case &c, const harness::CaseResult &r, int rank,
                             const std::string &name);
// Raw element codes of the same output, for bitwise comparisons.
std::vector<uint64_t> OutputCodes(const harness::Case &c, const harness::CaseResult &r, int rank,
                                  const std::string &name);

// The decoded inputs the runner feeds rank `rank` of `c` (the same fill, encoded and decoded,
// so the values are exactly what the implementation received).
harness::RankInputs InputsOf(const harness::Case &c, int rank);

// ---- judgements every property file uses ----------------------------------------------------

// Fails the property with the runner's report line (which ends in `mc2conf run '…'`); a WARNING
// fails too for the built-in library (no MC2CONF_IMPL).
void RequireConforming(const harness::CaseResult &r, const char *what);
// Every rank completed the call. The runner has judged the run; a permitted refusal (a 561xxx
// for commTurn > 0, which the documents call unsupported) also conforms but leaves nothing to
// compare, so relations then pass vacuously and say so in their tags.
bool AllRanksSucceeded(const harness::CaseResult &r);
// Bitwise equality, rank by rank, of every output of the binding between two runs of cases with
// the same output geometry.
void RequireSameBits(const harness::Case &a, const harness::CaseResult &ra, const harness::Case &b,
                     const harness::CaseResult &rb, const char *what);
// The dtype of the case's first tensor parameter (for tags).
std::string DtypeOf(const harness::Case &c);
// The operators the generic properties cover: every registered binding with a spec family.
const std::vector<std::string> &RegisteredOps();

// One call of a world-1 case with explicit logical input values (name -> row-major values over
// the view shape); the data seed and distribution of `c` are ignored.
struct DirectResult {
    int32_t prepare_status = 0;
    int32_t execute_status = 0;
    int32_t sync_status = 0;
    bool ok = false;            // every phase returned 0
    std::string error;          // harness-side failure or the implementation's message
    oracle::Matrix output;      // the binding's first output, decoded
    std::vector<uint64_t> codes;  // its raw element codes
};
// `output` picks the output read back (default: the binding's first); the others, if any, are
// treated as inputs and need values too (their contents are overwritten by the call).
DirectResult RunOneRank(const harness::Case &c, const std::map<std::string, std::vector<double>> &values,
                        const std::string &output = "");

}  // namespace mc2::properties

#endif  // MC2_PROPERTY_TESTS_SUPPORT_H_
