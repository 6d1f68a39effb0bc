// spec/choices.h — the source of decisions a case generator draws from. One generator serves
// three drivers: a seeded RNG (CLI gates), RapidCheck (property tests; choices drawn through
// rc::gen so failures shrink), and libFuzzer (choices read from the fuzz input bytes).
#ifndef MC2_SPEC_CHOICES_H_
#define MC2_SPEC_CHOICES_H_

#include <cstdint>
#include <random>
#include <vector>

namespace mc2::spec {

class Choices {
public:
    virtual ~Choices() = default;
    // A value in [lo, hi] (inclusive). Implementations that shrink prefer values near lo.
    virtual int64_t Int(int64_t lo, int64_t hi) = 0;

    bool Bool() { return Int(0, 1) == 1; }
    template <typename T>
    const T &Pick(const std::vector<T> &options) {
        return options[static_cast<size_t>(Int(0, static_cast<int64_t>(options.size()) - 1))];
    }
};

// Deterministic choices from a seed (std::mt19937_64; the sequence is part of a gate's contract).
class SeededChoices final : public Choices {
public:
    explicit SeededChoices(uint64_t seed) : rng_(seed) {}
    int64_t Int(int64_t lo, int64_t hi) override {
        if (hi <= lo) return lo;
        std::uniform_int_distribution<int64_t> d(lo, hi);
        return d(rng_);
    }

private:
    std::mt19937_64 rng_;
};

}  // namespace mc2::spec

#endif  // MC2_SPEC_CHOICES_H_
