// harness/fill/storage.h — tensor storage as the device sees it: logical values encoded into
// the bytes of a strided view (strides, offset, storage shape), and back. Element (i0..in) of
// the view lives at storage element offset + Σ ik·stride_k (the ABI's addressing; include/
// aclnn/acl_meta.h). Storage elements the view does not reach are filled with a canary for
// inputs (an implementation that ignores strides or the offset reads it) and with the poison
// for outputs (an implementation that writes outside the view changes it).
//
// FRACTAL_NZ weights: a tensor whose format is FRACTAL_NZ, whose offset is 0 and whose storage
// shape is exactly the NZ storage of its view shape and dtype (…, ceil(n/C0), ceil(k/16), 16, C0;
// oracle/internal/nz_layout.h) holds its logical (…, k, n) matrix in NZ order: view element
// (…, h, w) lives at the NZ offset, not at offset + Σ ik·stride_k (the view's strides address
// nothing), and the padding holds zeros. Every function below follows that addressing, so a spec
// that declares such an x2 gets its logical matrix filled, laid out NZ, and decoded back for the
// oracle with no change in the binding.
#ifndef MC2_HARNESS_FILL_STORAGE_H_
#define MC2_HARNESS_FILL_STORAGE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "harness/case.h"
#include "oracle/reference.h"

namespace mc2::harness {

// Elements of storage the harness allocates: enough for the declared storage shape and for
// everything the view reaches (an inconsistent case must be rejected, not read out of bounds).
int64_t StorageCapacity(const TensorSpec &t);
size_t StorageBytes(const TensorSpec &t);

// Whether `t` is an NZ weight in the sense above.
bool HoldsNzWeight(const TensorSpec &t);
// What an input's storage holds where no view element lives: the dtype's canary, or zero in an
// NZ weight (its padding).
uint64_t GapCode(const TensorSpec &t);

// Storage element index of each view element, in row-major view order (-1 when the index
// falls outside [0, capacity): only in cases that must be rejected). NZ offsets for an NZ weight.
std::vector<int64_t> ViewIndices(const TensorSpec &t);

// Whether view element e lives at storage element offset + e for every e (row-major strides,
// not an NZ weight, the whole view inside the storage): the big inputs' layout, which the
// codecs below encode and decode on every core.
bool ContiguousView(const TensorSpec &t);
// Storage bytes holding GapCode(t) in every element (what EncodeStorage starts from).
std::vector<uint8_t> GapStorage(const TensorSpec &t);

// Storage bytes holding `logical` (row-major over the view) with the canary in the gaps.
std::vector<uint8_t> EncodeStorage(const TensorSpec &t, std::span<const double> logical);
// Storage bytes holding the tensor's explicit integer contents (TensorSpec::values, written
// exactly as two's-complement codes, never through a double) with the canary in the gaps.
std::vector<uint8_t> EncodeExplicit(const TensorSpec &t);
// Storage bytes holding the dtype's poison everywhere.
std::vector<uint8_t> PoisonStorage(const TensorSpec &t);

// The view's values as a row-major matrix: rows = product of all dims but the last, cols = the
// last dim (a 1-D tensor is one row; a 0-D tensor is 1x1).
oracle::Matrix DecodeStorage(const TensorSpec &t, std::span<const uint8_t> bytes);
// The view's raw element codes, row-major.
std::vector<uint64_t> ViewCodes(const TensorSpec &t, std::span<const uint8_t> bytes);
// Every storage element's code, the whole StorageCapacity (an in-place output whose storage
// layout the operator changes is judged on all of it: harness/ops/binding.h OutputDecl).
std::vector<uint64_t> StorageCodes(const TensorSpec &t, std::span<const uint8_t> bytes);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_FILL_STORAGE_H_
