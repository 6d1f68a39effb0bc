// impl/runtime/enum_bits.h — reads and writes ABI enum arguments as the raw integers a C caller
// may pass. C allows any int in an enum-typed parameter, C++ does not (loading a value outside
// the enum's range is undefined, and UBSan's -fsanitize=enum traps on it), so the runtime never
// loads an ABI enum as its enum type before it has been validated.
#ifndef MC2_IMPL_RUNTIME_ENUM_BITS_H_
#define MC2_IMPL_RUNTIME_ENUM_BITS_H_

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mc2::impl {

template <typename E>
int32_t EnumBits(const E &e) {
    static_assert(std::is_enum_v<E> && sizeof(E) == sizeof(int32_t));
    int32_t v;
    std::memcpy(&v, &e, sizeof v);
    return v;
}

template <typename E>
void StoreEnumBits(E *out, int32_t v) {
    static_assert(std::is_enum_v<E> && sizeof(E) == sizeof(int32_t));
    std::memcpy(out, &v, sizeof v);
}

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_ENUM_BITS_H_
