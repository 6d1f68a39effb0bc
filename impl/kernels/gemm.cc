// impl/kernels/gemm.cc — the cache-blocked fp32-accumulating GEMM behind GemmAccumulate.
//
// Structure (the classic packed-panel scheme): B is decoded to fp32 once per KC x NC block into
// panels of NR columns, A once per MC x KC block into panels of MR rows, and a register-tiled
// micro-kernel updates an MR x NR tile of C over the KC block. The micro-kernel is written with
// GCC vector extensions (no intrinsics) and compiled three times: for the baseline x86-64 ISA,
// for AVX2 and for AVX-512F; the widest one the CPU supports is picked at run time.
//
// Why every variant gives identical bits (gemm.h promises it): each C element is loaded into an
// accumulator at the start of a KC block and stored back at its end, and inside the block it
// gets acc = acc + a * b in increasing k. The file is compiled with -ffp-contract=off (see
// impl/kernels/CMakeLists.txt), so no variant fuses the multiply and the add; vector lanes are
// independent IEEE operations. Padded rows and columns of partial tiles hold zeros and are
// never stored.
#include "kernels/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "kernels/codecs.h"

namespace mc2::impl::kernels {
namespace {

constexpr int64_t kKc = 256;   // depth of a packed block: one B micro-panel (KC x NR) stays in L1
constexpr int64_t kNc = 1024;  // columns of a packed B block (a multiple of every NR)
constexpr int64_t kMc = 96;    // rows of a packed A block (a multiple of every MR)

// Decoding tables built from the codecs, so the GEMM decodes exactly as codec:: does while
// paying one load per element instead of a call.
const float *HalfTable() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i) t[i] = codec::HalfToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

const float *Bf16Table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i) t[i] = codec::Bf16ToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

// Element decoder for one operand, chosen once per packing call (not per element).
struct Decoder {
    const unsigned char *base;
    GemmElement type;
    const float *table;

    explicit Decoder(const GemmOperand &op)
        : base(static_cast<const unsigned char *>(op.data)),
          type(op.type),
          table(op.type == GemmElement::kFloat16    ? HalfTable()
                : op.type == GemmElement::kBfloat16 ? Bf16Table()
                                                    : nullptr) {}

    float operator()(int64_t index) const {
        if (table != nullptr) {
            uint16_t code;
            std::memcpy(&code, base + index * 2, sizeof code);
            return table[code];
        }
        float f;
        std::memcpy(&f, base + index * 4, sizeof f);
        return f;
    }
};

// Packs rows [i0, i0 + mc) x columns [p0, p0 + kc) of A into panels of MR rows:
// dst[panel * MR * kc + p * MR + r]. Rows past mc are zero.
template <int MR>
void PackA(const GemmOperand &a, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float *dst) {
    const Decoder load(a);
    for (int64_t ir = 0; ir < mc; ir += MR) {
        float *panel = dst + ir * kc;
        const int64_t rows = std::min<int64_t>(MR, mc - ir);
        for (int64_t r = 0; r < rows; ++r) {
            // A row is usually contiguous along k: read it in order, write with stride MR.
            const int64_t rowBase = (i0 + ir + r) * a.rowStride + p0 * a.colStride;
            for (int64_t p = 0; p < kc; ++p) panel[p * MR + r] = load(rowBase + p * a.colStride);
        }
        for (int64_t r = rows; r < MR; ++r) {
            for (int64_t p = 0; p < kc; ++p) panel[p * MR + r] = 0.0f;
        }
    }
}

// Packs rows [p0, p0 + kc) x columns [j0, j0 + nc) of B into panels of NR columns:
// dst[panel * NR * kc + p * NR + j]. Columns past nc are zero.
template <int NR>
void PackB(const GemmOperand &b, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float *dst) {
    const Decoder load(b);
    // A transposed weight is contiguous along k: walk it that way for locality.
    const bool alongK = b.rowStride == 1 && b.colStride != 1;
    for (int64_t jr = 0; jr < nc; jr += NR) {
        float *panel = dst + jr * kc;
        const int64_t cols = std::min<int64_t>(NR, nc - jr);
        if (alongK) {
            for (int64_t j = 0; j < cols; ++j) {
                const int64_t colBase = p0 * b.rowStride + (j0 + jr + j) * b.colStride;
                for (int64_t p = 0; p < kc; ++p) panel[p * NR + j] = load(colBase + p * b.rowStride);
            }
            for (int64_t j = cols; j < NR; ++j) {
                for (int64_t p = 0; p < kc; ++p) panel[p * NR + j] = 0.0f;
            }
        } else {
            for (int64_t p = 0; p < kc; ++p) {
                const int64_t rowBase = (p0 + p) * b.rowStride + (j0 + jr) * b.colStride;
                float *out = panel + p * NR;
                for (int64_t j = 0; j < cols; ++j) out[j] = load(rowBase + j * b.colStride);
                for (int64_t j = cols; j < NR; ++j) out[j] = 0.0f;
            }
        }
    }
}

// The register tile: MR rows x NV vectors of V. Vectors never cross a function boundary (only
// pointers do), so the baseline build does not change its ABI for them (-Wpsabi).
template <int MR, int NV, typename V>
inline __attribute__((always_inline)) void MicroBody(int64_t kc, const float *ap, const float *bp, float *c,
                                                     int64_t ldc) {
    constexpr int kLanes = static_cast<int>(sizeof(V) / sizeof(float));
    constexpr int kNr = NV * kLanes;
    V acc[MR][NV];
    for (int r = 0; r < MR; ++r) {
        for (int v = 0; v < NV; ++v) std::memcpy(&acc[r][v], c + r * ldc + v * kLanes, sizeof(V));
    }
    for (int64_t p = 0; p < kc; ++p) {
        V bv[NV];
        for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], bp + p * kNr + v * kLanes, sizeof(V));
        for (int r = 0; r < MR; ++r) {
            // scalar * vector broadcasts the scalar (a true splat, so the sign of zero is kept).
            const float a = ap[p * MR + r];
            for (int v = 0; v < NV; ++v) acc[r][v] = acc[r][v] + a * bv[v];
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int v = 0; v < NV; ++v) std::memcpy(c + r * ldc + v * kLanes, &acc[r][v], sizeof(V));
    }
}

typedef float V4 __attribute__((vector_size(16)));
typedef float V8 __attribute__((vector_size(32)));
typedef float V16 __attribute__((vector_size(64)));

// Tile shapes sized to the register file: 4 x 8 in 16 SSE registers, 6 x 16 in 16 AVX2
// registers, 6 x 32 in 32 AVX-512 registers (accumulators + one row of B + the broadcast).
constexpr int kMrBaseline = 4;
constexpr int kNrBaseline = 8;
constexpr int kMr = 6;
constexpr int kNrNarrow = 16;  // AVX2: two 8-lane vectors per row
constexpr int kNrWide = 32;    // AVX-512: two 16-lane vectors per row

void MicroBaseline(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc) {
    MicroBody<kMrBaseline, 2, V4>(kc, ap, bp, c, ldc);
}

#if defined(__x86_64__) || defined(__i386__)
#define MC2_GEMM_X86 1
__attribute__((target("avx2"))) void MicroAvx2(int64_t kc, const float *ap, const float *bp, float *c,
                                               int64_t ldc) {
    MicroBody<kMr, 2, V8>(kc, ap, bp, c, ldc);
}

__attribute__((target("avx512f"))) void MicroAvx512(int64_t kc, const float *ap, const float *bp, float *c,
                                                    int64_t ldc) {
    MicroBody<kMr, 2, V16>(kc, ap, bp, c, ldc);
}
#else
// Other architectures run the baseline variant only (GemmIsaSupported reports the x86 ones as
// unsupported, so these are never called); the generic vector code still vectorises there.
#define MC2_GEMM_X86 0
void MicroAvx2(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc) {
    MicroBody<kMr, 2, V8>(kc, ap, bp, c, ldc);
}
void MicroAvx512(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc) {
    MicroBody<kMr, 2, V16>(kc, ap, bp, c, ldc);
}
#endif

using MicroFn = void (*)(int64_t, const float *, const float *, float *, int64_t);

struct Scratch {
    std::vector<float> a;
    std::vector<float> b;
};

Scratch &ThreadScratch() {
    thread_local Scratch scratch;
    return scratch;
}

// Offset (in floats) of the packed B block starting at (row pc, column jc) in a whole-matrix
// packing: every earlier column block is kNc wide (a multiple of NR, so unpadded) and k deep.
int64_t PackedBlockOffset(int64_t jc, int64_t pc, int64_t k, int64_t nc, int64_t nr) {
    return jc * k + pc * ((nc + nr - 1) / nr * nr);
}

// The blocked loops. B comes either from `packedB` (the whole matrix packed by GemmPackB with
// this NR) or, when that is null, from `b`, packed block by block into per-thread scratch.
template <int MR, int NR>
void Blocked(MicroFn micro, int64_t m, int64_t n, int64_t k, const GemmOperand &a, const GemmOperand *b,
             const float *packedB, float *c, int64_t ldc) {
    Scratch &s = ThreadScratch();
    s.a.resize(static_cast<size_t>(kMc * kKc));
    if (packedB == nullptr) s.b.resize(static_cast<size_t>(kKc * kNc));
    float *ap = s.a.data();
    alignas(64) float tile[MR * NR];
    for (int64_t jc = 0; jc < n; jc += kNc) {
        const int64_t nc = std::min(kNc, n - jc);
        for (int64_t pc = 0; pc < k; pc += kKc) {
            const int64_t kc = std::min(kKc, k - pc);
            const float *bp;
            if (packedB != nullptr) {
                bp = packedB + PackedBlockOffset(jc, pc, k, nc, NR);
            } else {
                PackB<NR>(*b, pc, kc, jc, nc, s.b.data());
                bp = s.b.data();
            }
            for (int64_t ic = 0; ic < m; ic += kMc) {
                const int64_t mc = std::min(kMc, m - ic);
                PackA<MR>(a, ic, mc, pc, kc, ap);
                for (int64_t jr = 0; jr < nc; jr += NR) {
                    const int64_t nr = std::min<int64_t>(NR, nc - jr);
                    const float *bpanel = bp + jr * kc;
                    for (int64_t ir = 0; ir < mc; ir += MR) {
                        const int64_t mr = std::min<int64_t>(MR, mc - ir);
                        const float *apanel = ap + ir * kc;
                        float *cp = c + (ic + ir) * ldc + jc + jr;
                        if (mr == MR && nr == NR) {
                            micro(kc, apanel, bpanel, cp, ldc);
                            continue;
                        }
                        // Edge tile: run the same kernel on a padded copy, store the valid part.
                        std::fill(tile, tile + MR * NR, 0.0f);
                        for (int64_t r = 0; r < mr; ++r) {
                            std::memcpy(tile + r * NR, cp + r * ldc, static_cast<size_t>(nr) * sizeof(float));
                        }
                        micro(kc, apanel, bpanel, tile, NR);
                        for (int64_t r = 0; r < mr; ++r) {
                            std::memcpy(cp + r * ldc, tile + r * NR, static_cast<size_t>(nr) * sizeof(float));
                        }
                    }
                }
            }
        }
    }
}

template <int NR>
void PackWhole(const GemmOperand &b, int64_t k, int64_t n, float *dst) {
    for (int64_t jc = 0; jc < n; jc += kNc) {
        const int64_t nc = std::min(kNc, n - jc);
        for (int64_t pc = 0; pc < k; pc += kKc) {
            PackB<NR>(b, pc, std::min(kKc, k - pc), jc, nc, dst + PackedBlockOffset(jc, pc, k, nc, NR));
        }
    }
}

// MC2_GEMM_ISA=baseline|avx2|avx512 forces a variant (tests, performance comparisons); an
// unsupported or unknown value falls back to the automatic choice.
GemmIsa AutoIsa() {
    static const GemmIsa isa = [] {
        const bool has512 = GemmIsaSupported(GemmIsa::kAvx512);
        const bool has2 = GemmIsaSupported(GemmIsa::kAvx2);
        if (const char *env = std::getenv("MC2_GEMM_ISA")) {
            const std::string_view v(env);
            if (v == "baseline") return GemmIsa::kBaseline;
            if (v == "avx2" && has2) return GemmIsa::kAvx2;
            if (v == "avx512" && has512) return GemmIsa::kAvx512;
        }
        return has512 ? GemmIsa::kAvx512 : has2 ? GemmIsa::kAvx2 : GemmIsa::kBaseline;
    }();
    return isa;
}

}  // namespace

bool GemmIsaSupported(GemmIsa isa) {
    switch (isa) {
        case GemmIsa::kAuto:
        case GemmIsa::kBaseline:
            return true;
        case GemmIsa::kAvx2:
#if MC2_GEMM_X86
            __builtin_cpu_init();
            return __builtin_cpu_supports("avx2");
#else
            return false;
#endif
        case GemmIsa::kAvx512:
#if MC2_GEMM_X86
            __builtin_cpu_init();
            return __builtin_cpu_supports("avx512f");
#else
            return false;
#endif
    }
    return false;
}

GemmIsa ResolveIsa(GemmIsa isa) { return (isa == GemmIsa::kAuto || !GemmIsaSupported(isa)) ? AutoIsa() : isa; }

void GemmAccumulateWith(GemmIsa isa, int64_t m, int64_t n, int64_t k, const GemmOperand &a, const GemmOperand &b,
                        float *c, int64_t ldc) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    switch (ResolveIsa(isa)) {
        case GemmIsa::kAvx512:
            Blocked<kMr, kNrWide>(MicroAvx512, m, n, k, a, &b, nullptr, c, ldc);
            return;
        case GemmIsa::kAvx2:
            Blocked<kMr, kNrNarrow>(MicroAvx2, m, n, k, a, &b, nullptr, c, ldc);
            return;
        case GemmIsa::kAuto:
        case GemmIsa::kBaseline:
            Blocked<kMrBaseline, kNrBaseline>(MicroBaseline, m, n, k, a, &b, nullptr, c, ldc);
            return;
    }
}

void GemmAccumulate(int64_t m, int64_t n, int64_t k, const GemmOperand &a, const GemmOperand &b, float *c,
                    int64_t ldc) {
    GemmAccumulateWith(GemmIsa::kAuto, m, n, k, a, b, c, ldc);
}

uint64_t GemmPackedBFloats(int64_t k, int64_t n) {
    if (k <= 0 || n <= 0) return 0;
    const int64_t widest = kNrWide;  // every NR divides it, so it bounds every variant's padding
    return static_cast<uint64_t>(k) * static_cast<uint64_t>((n + widest - 1) / widest * widest);
}

GemmPackedB GemmPackB(GemmIsa isa, int64_t k, int64_t n, const GemmOperand &b, float *dst) {
    GemmPackedB packed;
    packed.data = dst;
    packed.k = k;
    packed.n = n;
    packed.isa = ResolveIsa(isa);
    if (k <= 0 || n <= 0) return packed;
    switch (packed.isa) {
        case GemmIsa::kAvx512:
            PackWhole<kNrWide>(b, k, n, dst);
            break;
        case GemmIsa::kAvx2:
            PackWhole<kNrNarrow>(b, k, n, dst);
            break;
        case GemmIsa::kAuto:
        case GemmIsa::kBaseline:
            PackWhole<kNrBaseline>(b, k, n, dst);
            break;
    }
    return packed;
}

void GemmAccumulatePacked(int64_t m, const GemmOperand &a, const GemmPackedB &b, float *c, int64_t ldc) {
    if (m <= 0 || b.n <= 0 || b.k <= 0) return;
    switch (b.isa) {
        case GemmIsa::kAvx512:
            Blocked<kMr, kNrWide>(MicroAvx512, m, b.n, b.k, a, nullptr, b.data, c, ldc);
            return;
        case GemmIsa::kAvx2:
            Blocked<kMr, kNrNarrow>(MicroAvx2, m, b.n, b.k, a, nullptr, b.data, c, ldc);
            return;
        case GemmIsa::kAuto:
        case GemmIsa::kBaseline:
            Blocked<kMrBaseline, kNrBaseline>(MicroBaseline, m, b.n, b.k, a, nullptr, b.data, c, ldc);
            return;
    }
}

void GemmAccumulatePackedParallel(int threads, int64_t m, const GemmOperand &a, const GemmPackedB &b, float *c,
                                  int64_t ldc) {
    if (m <= 0 || b.n <= 0 || b.k <= 0) return;
    // Pieces of whole A blocks (kMc rows), so no thread packs a partial block it need not.
    const int64_t blocks = (m + kMc - 1) / kMc;
    const int64_t parts = std::clamp<int64_t>(threads, 1, blocks);
    if (parts == 1) {
        GemmAccumulatePacked(m, a, b, c, ldc);
        return;
    }
    const int64_t elementBytes = a.type == GemmElement::kFloat32 ? 4 : 2;
    std::exception_ptr error;
    std::mutex errorMutex;
    auto run = [&](int64_t part) {
        const int64_t r0 = std::min(m, blocks * part / parts * kMc), r1 = std::min(m, blocks * (part + 1) / parts * kMc);
        if (r1 <= r0) return;
        GemmOperand piece = a;
        piece.data = static_cast<const unsigned char *>(a.data) + r0 * a.rowStride * elementBytes;
        try {
            GemmAccumulatePacked(r1 - r0, piece, b, c + r0 * ldc, ldc);
        } catch (...) {
            const std::lock_guard<std::mutex> lock(errorMutex);
            if (!error) error = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(parts - 1));
    for (int64_t part = 1; part < parts; ++part) pool.emplace_back(run, part);
    run(0);
    for (auto &t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

void GemmAccumulateParallel(int threads, GemmIsa isa, int64_t m, int64_t n, int64_t k, const GemmOperand &a,
                            const GemmOperand &b, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    if (threads <= 1 || m <= kMc) {
        GemmAccumulateWith(isa, m, n, k, a, b, c, ldc);
        return;
    }
    std::vector<float> packed(GemmPackedBFloats(k, n));
    GemmAccumulatePackedParallel(threads, m, a, GemmPackB(isa, k, n, b, packed.data()), c, ldc);
}

float LoadElement(const void *data, GemmElement type, int64_t index) {
    const auto *p = static_cast<const unsigned char *>(data);
    switch (type) {
        case GemmElement::kFloat16: {
            uint16_t code;
            std::memcpy(&code, p + index * 2, sizeof code);
            return codec::HalfToFloat(code);
        }
        case GemmElement::kBfloat16: {
            uint16_t code;
            std::memcpy(&code, p + index * 2, sizeof code);
            return codec::Bf16ToFloat(code);
        }
        case GemmElement::kFloat32:
            break;
    }
    float f;
    std::memcpy(&f, p + index * 4, sizeof f);
    return f;
}

}  // namespace mc2::impl::kernels
