// harness/fill/half.h — direct codecs for the two 16-bit float inputs (fp16, bf16): the fill
// encodes hundreds of millions of them for the big cases (a GPT-3 world-8 case: 358 M input
// elements), and the oracle codebook's nearest-value search (element.h's general path) was most
// of that time. Encode rounds the double's significand with integer operations; Decode reads a
// table built from the codebook itself. Both are defined to give exactly the codebook's answer
// (oracle::Encode with Saturation::kFinite, oracle::Decode); tests/harness/half_test.cc proves it
// over every code, every midpoint between neighbouring codes and the doubles next to them.
// Harness code (DESIGN.md rule 2): nothing here is shared with impl/'s conversions.
#ifndef MC2_HARNESS_FILL_HALF_H_
#define MC2_HARNESS_FILL_HALF_H_

#include <cstdint>

#include "acl/acl_base.h"

namespace mc2::harness {

// Whether dtype has a direct codec here (ACL_FLOAT16, ACL_BF16).
bool HasHalfCodec(aclDataType dtype);

// The code of x rounded to nearest, ties to even; finite overflow and ±Inf saturate to ±max;
// NaN gives the codebook's NaN code with x's sign. dtype must satisfy HasHalfCodec.
uint16_t EncodeHalf(aclDataType dtype, double x);

// The exact value of a code (NaN codes: a positive quiet NaN, as the codebook decodes them).
double DecodeHalf(aclDataType dtype, uint16_t code);

// DecodeHalf(EncodeHalf(x)): the nearest value, as RoundTo gives it.
inline double RoundHalf(aclDataType dtype, double x) { return DecodeHalf(dtype, EncodeHalf(dtype, x)); }

}  // namespace mc2::harness

#endif  // MC2_HARNESS_FILL_HALF_H_
