// harness/fill/element.h — single elements of any aclDataType the harness stores: value <->
// code (the oracle's codebook codecs for the narrow float formats, native conversions for
// float32/float64 and the integers), rounding to a format, and the facts about a format the
// fillers size their values with. Dtypes the harness cannot represent (strings, complex,
// fp6, unknown integers a fuzzer invents) only occur in cases that must be rejected; they get
// one byte per element and raw random codes.
#ifndef MC2_HARNESS_FILL_ELEMENT_H_
#define MC2_HARNESS_FILL_ELEMENT_H_

#include <cstddef>
#include <cstdint>

#include "acl/acl_base.h"

namespace mc2::harness {

struct FormatInfo {
    bool numeric = false;     // values can be encoded (false: raw random codes only)
    bool is_integer = false;  // integer dtype (int4/8/16/32/64, uint*, bool)
    double max_finite = 0;    // largest finite value
    double min_value = 0;     // most negative value (integers; -max_finite for floats)
    double min_positive = 0;  // smallest positive value (a subnormal where the format has them)
    double min_normal = 0;    // smallest positive normal value (= min_positive for integers)
    // Largest n such that every integer in [0, n] is exactly representable.
    double exact_int_limit = 0;
};

FormatInfo Info(aclDataType dtype);

// Storage bits per element: DtypeBits(), except that dtypes without a byte-or-nibble width
// (0, 1, 6 bits) take one byte each.
int StorageBits(aclDataType dtype);

// The nearest value of the format (floats: the format's own rounding rule, finite overflow
// saturates to ±max; integers: nearest, ties to even, clamped). Non-numeric dtypes: x.
double RoundTo(aclDataType dtype, double x);

// The code of a representable value (x is rounded first, as RoundTo does).
uint64_t EncodeElement(aclDataType dtype, double x);
// The value of a code (NaN codes decode to NaN). Non-numeric dtypes: the code as a number.
double DecodeElement(aclDataType dtype, uint64_t code);

// A code no conforming implementation writes into an output of this dtype, used to poison
// outputs: a signalling NaN with an odd payload where the format has one (arithmetic only
// produces quiet NaNs, and these formats' conversions give canonical ones), else the format's
// only NaN, else a fixed byte pattern. `impossible` is false when every code of the format is
// a legal result (integers, fp4): then "left untouched" is still checked bytewise, but an
// element holding the poison after a successful run is not proof that it was never written.
struct Poison {
    uint64_t code = 0;
    bool impossible = false;
};
Poison PoisonFor(aclDataType dtype);

// A NaN-or-extreme code for storage the view does not reach: an implementation that reads
// outside the view (ignoring strides or the offset) propagates it into its result.
uint64_t CanaryFor(aclDataType dtype);

// Element `index` of packed storage (little-endian codes; 4-bit codes low nibble first).
void StoreCode(uint8_t *base, int bits, int64_t index, uint64_t code);
uint64_t LoadCode(const uint8_t *base, int bits, int64_t index);
// Bytes for `elements` elements of `bits` each; SIZE_MAX when the count does not fit in size_t
// (callers compare it with a limit: such storage can never be allocated).
size_t BytesFor(int bits, int64_t elements);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_FILL_ELEMENT_H_
