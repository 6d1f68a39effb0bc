// impl/kernels/gemm.h — the fp32-accumulating matrix multiply the floating-point MC2 operators
// run per rank: C (fp32) += A @ B with A and B stored as fp16, bf16 or fp32 behind arbitrary
// element strides (a transposed weight is just a view with swapped strides).
//
// Numerics, which callers and tests may rely on: every output element is accumulated in fp32
// in increasing k, starting from the value already in C, one rounded multiply and one rounded
// add per step (no fused multiply-add, no reassociation), exactly as the plain loop
//     for k in [0, K): c = c + float(a[i][k]) * float(b[k][j])
// would compute it. The blocking and vectorisation only change which elements are computed
// together, never the operations applied to one element, so the result does not depend on how
// a caller splits the rows (MatmulAllReduce's commTurn pieces give identical bits).
#ifndef MC2_IMPL_KERNELS_GEMM_H_
#define MC2_IMPL_KERNELS_GEMM_H_

#include <cstdint>

namespace mc2::impl::kernels {

enum class GemmElement { kFloat16, kBfloat16, kFloat32 };

// A read-only matrix view: element (r, c) is at `data` + r * rowStride + c * colStride, strides
// in elements (not bytes). Strides must be non-negative.
struct GemmOperand {
    const void *data = nullptr;
    GemmElement type = GemmElement::kFloat16;
    int64_t rowStride = 0;
    int64_t colStride = 0;
};

// C[i * ldc + j] += sum over p < k of A(i, p) * B(p, j) for i < m, j < n, with the numerics
// described above. C must already hold the starting values (zero, or a broadcast bias). k == 0
// leaves C unchanged. Single-threaded; uses a per-thread scratch buffer (about 1.2 MiB).
// Throws std::bad_alloc when that buffer cannot be allocated.
void GemmAccumulate(int64_t m, int64_t n, int64_t k, const GemmOperand &a, const GemmOperand &b, float *c,
                    int64_t ldc);

// Which micro-kernel variant runs (all give identical bits; see above). kAuto picks the widest
// the CPU supports, or the one named by env MC2_GEMM_ISA=baseline|avx2|avx512.
enum class GemmIsa { kAuto, kBaseline, kAvx2, kAvx512 };
bool GemmIsaSupported(GemmIsa isa);
// GemmAccumulate with a chosen variant (an unsupported one falls back to kAuto); for tests and
// performance comparisons.
void GemmAccumulateWith(GemmIsa isa, int64_t m, int64_t n, int64_t k, const GemmOperand &a, const GemmOperand &b,
                        float *c, int64_t ldc);

// B decoded to fp32 and packed once, for many GemmAccumulatePacked calls over the same B (an
// operator multiplying its weight by row pieces of x1 decodes the weight once, not per piece).
// The layout belongs to the ISA variant that packed it; `isa` is never kAuto.
struct GemmPackedB {
    const float *data = nullptr;
    int64_t k = 0;
    int64_t n = 0;
    GemmIsa isa = GemmIsa::kBaseline;
};
// Floats a packed k x n B needs, for every variant (0 when k or n is 0).
uint64_t GemmPackedBFloats(int64_t k, int64_t n);
// Packs `b` (k x n) into `dst` (GemmPackedBFloats(k, n) floats) for the variant `isa` resolves
// to (kAuto: as GemmAccumulate would).
GemmPackedB GemmPackB(GemmIsa isa, int64_t k, int64_t n, const GemmOperand &b, float *dst);
// GemmAccumulate(m, b.n, b.k, a, <the matrix b was packed from>, c, ldc), same bits.
void GemmAccumulatePacked(int64_t m, const GemmOperand &a, const GemmPackedB &b, float *c, int64_t ldc);

// The two calls above split by rows over `threads` threads (the caller's thread is one of
// them; threads ≤ 1 runs inline), for a caller that owns more than one core — at world 1 the
// operator's single rank could. Same bits as the single-threaded calls: every C element is
// computed by one thread with exactly the operations described at the top. The unpacked form
// packs B once (GemmPackedBFloats(k, n) floats of heap) and shares it. Throws std::bad_alloc
// (from any thread) when memory runs out.
void GemmAccumulateParallel(int threads, GemmIsa isa, int64_t m, int64_t n, int64_t k, const GemmOperand &a,
                            const GemmOperand &b, float *c, int64_t ldc);
void GemmAccumulatePackedParallel(int threads, int64_t m, const GemmOperand &a, const GemmPackedB &b, float *c,
                                  int64_t ldc);

// Decodes one element of `type` at `data` (index in elements) to float: the decoding the GEMM
// uses, exposed so operators can read bias / x3 with the same codec.
float LoadElement(const void *data, GemmElement type, int64_t index);

}  // namespace mc2::impl::kernels

#endif  // MC2_IMPL_KERNELS_GEMM_H_
