// fuzz/internal/warm_up.cc — start-up warm-up of the case-running fuzzers (warm_up.h).
#include "fuzz/internal/warm_up.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/internal/run_support.h"
#include "harness/run/run_case.h"
#include "harness/run/world.h"
#include "spec/choices.h"
#include "spec/expectation.h"
#include "spec/generate.h"

namespace mc2::fuzz {
namespace {

// Seeds per operator: a few reach its dtype rows (codebooks, decode tables) and world sizes;
// fixed, so that every process starts from the same state.
constexpr uint64_t kDefaultSeeds = 2;  // 1 left 2 of the 290 differential inputs re-run, 2 and 3 none

}  // namespace

void WarmUp(int max_world) {
    // Cases per operator: MC2_FUZZ_WARM_UP when it is a number (0 = no warm-up at all).
    uint64_t seeds = kDefaultSeeds;
    if (const char *env = std::getenv("MC2_FUZZ_WARM_UP"); env != nullptr && *env != '\0') {
        seeds = std::strtoull(env, nullptr, 10);
        if (seeds == 0) return;
    }
    const harness::RunOptions options = FuzzRunOptions();
    if (options.world != nullptr) {
        for (int size = 1; size <= max_world; ++size) (void)options.world->Ready(size);
    }
    // Small shapes: only the first use of each table matters, not the arithmetic.
    spec::Limits limits;
    limits.max_m = 8;
    limits.max_k = 16;
    limits.max_n = 8;
    limits.max_world = max_world;
    for (const std::string &op : spec::GeneratableOps()) {
        for (uint64_t seed = 1; seed <= seeds; ++seed) {
            // A valid case, then a refused one: refusals grow what only error paths use (each
            // rank thread's error-message buffers in the implementation, the spec's answers).
            spec::SeededChoices choices(seed);
            const harness::Case valid = spec::GenerateValid(op, Platform(), choices, limits);
            const harness::Case invalid = spec::GenerateInvalid(op, Platform(), choices, limits).value;
            for (const harness::Case *c : {&valid, &invalid}) {
                const spec::ExpectationScope expectations(*c);
                (void)harness::RunCase(*c, Abi(), options);
            }
        }
    }
}

}  // namespace mc2::fuzz
