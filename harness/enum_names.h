// harness/enum_names.h — one table per enum of the names the suite prints and parses (gates, case
// kinds, distributions, platforms, verdicts ...), so that a name is written once and both
// directions read the same table:
//
//     constexpr EnumNames<Dist, 2> kDistNames{{{{Dist::kNormal, "normal"}, {Dist::kExact, "exact"}}}};
//     kDistNames.Name(d, "normal");   kDistNames.Parse("exact");
#ifndef MC2_HARNESS_ENUM_NAMES_H_
#define MC2_HARNESS_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace mc2::harness {

template <typename E, size_t N>
struct EnumNames {
    std::array<std::pair<E, std::string_view>, N> entries;

    // The name of `value`, or `fallback` for a value the table does not list.
    constexpr std::string_view Name(E value, std::string_view fallback = "?") const {
        for (const auto &[e, name] : entries) {
            if (e == value) return name;
        }
        return fallback;
    }
    constexpr std::optional<E> Parse(std::string_view name) const {
        for (const auto &[e, n] : entries) {
            if (n == name) return e;
        }
        return std::nullopt;
    }
};

}  // namespace mc2::harness

#endif  // MC2_HARNESS_ENUM_NAMES_H_
