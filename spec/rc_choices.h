// spec/rc_choices.h — Choices backed by RapidCheck generators (rc::gen::inRange), so that a
// property failing on a generated case shrinks to a small one. Header-only: include it only
// from code that links rapidcheck (property tests); must be used inside a property.
#ifndef MC2_SPEC_RC_CHOICES_H_
#define MC2_SPEC_RC_CHOICES_H_

#include <rapidcheck.h>

#include <limits>

#include "spec/choices.h"

namespace mc2::spec {

class RcChoices final : public Choices {
public:
    int64_t Int(int64_t lo, int64_t hi) override {
        if (hi <= lo) return lo;
        // inRange is half-open; [lo, hi] never reaches INT64_MAX in the generators.
        if (hi == std::numeric_limits<int64_t>::max()) --hi;
        return *rc::gen::inRange<int64_t>(lo, hi + 1);
    }
};

}  // namespace mc2::spec

#endif  // MC2_SPEC_RC_CHOICES_H_
