// spec/choices.h — the source of decisions a case generator draws from. One generator serves
// three drivers: a seeded RNG (CLI gates), RapidCheck (property tests; choices drawn through
// rc::gen so failures shrink), and libFuzzer (choices read from the fuzz input bytes).
#ifndef MC2_SPEC_CHOICES_H_
#define MC2_SPEC_CHOICES_H_

#include <cstddef>
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

// Choices read from a byte string (libFuzzer's input): each decision consumes just enough
// bytes for its range, little-endian, reduced modulo the range; an exhausted input answers `lo`,
// so short inputs make small cases and every input is a valid sequence of decisions.
class ByteChoices final : public Choices {
public:
    ByteChoices(const uint8_t *data, size_t size) : data_(data), size_(size) {}
    int64_t Int(int64_t lo, int64_t hi) override {
        if (hi <= lo) return lo;
        const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // hi - lo, no overflow
        uint64_t v = 0;
        for (uint64_t r = range; r != 0 && pos_ < size_; r >>= 8) v = (v << 8) | data_[pos_++];
        const uint64_t off = range == UINT64_MAX ? v : v % (range + 1);
        return static_cast<int64_t>(static_cast<uint64_t>(lo) + off);
    }
    size_t consumed() const { return pos_; }

private:
    const uint8_t *data_;
    size_t size_;
    size_t pos_ = 0;
};

}  // namespace mc2::spec

#endif  // MC2_SPEC_CHOICES_H_
