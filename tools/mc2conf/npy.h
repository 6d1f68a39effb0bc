// tools/mc2conf/npy.h — numpy's .npy format (version 1.0: magic, a little-endian header length,
// a Python-dict header with 'descr', 'fortran_order' and 'shape', then the raw data) for the case
// bundles of `mc2conf export` / `judge` (docs/case-bundles.md). A tensor's storage is written
// as one integer or float code per element: numpy's own type where it has one (float16 "<f2",
// float32 "<f4", int8 "|i1", ...), the raw code as an unsigned integer of the next byte width
// otherwise (bf16 "<u2", the 8-bit floats "|u1", the 4-bit ones "|u1" one code per element,
// unpacked), with the real dtype named in the manifest.
#ifndef MC2_TOOLS_MC2CONF_NPY_H_
#define MC2_TOOLS_MC2CONF_NPY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::tools {

// The numpy type string of one element of `dtype` ("<f2", "<u2", "|u1"); empty when the dtype
// has no fixed-width code (string, sub-byte types other than 4-bit, complex32, ...).
std::string NpyDescr(aclDataType dtype);

struct NpyArray {
    std::string descr;
    std::vector<int64_t> shape;
    std::vector<uint64_t> codes;  // one per element, row-major, zero-extended
};

// Writes `a` (codes narrowed to the descr's width). False with *error on an I/O failure.
bool WriteNpy(const std::string &path, const NpyArray &a, std::string *error);

// Reads a .npy file of any version 1.x/2.x/3.x in C order with a fixed-width little-endian (or
// single-byte) integer, float or bool descr. False with *error (one line: what is wrong) for a
// missing, truncated or malformed file; never throws for bad contents.
bool ReadNpy(const std::string &path, NpyArray *a, std::string *error);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_NPY_H_
