// tests/ops/gemm_test.cc — impl/kernels/gemm: every ISA variant gives the bits of the plain
// fp32 loop (c = c + a * b in increasing k) for fp16 / bf16 / fp32 operands behind arbitrary
// strides and at every edge-tile size; plus a throughput figure (printed, not asserted).
#include "kernels/gemm.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/codecs.h"

namespace mc2::impl::kernels {
namespace {

struct Matrix {
    std::vector<uint16_t> codes16;
    std::vector<float> f32;
    GemmOperand op;
    std::vector<float> values;  // decoded, row-major rows x cols, for the reference
    int64_t cols = 0;
};

// rows x cols matrix stored with the given element strides (the buffer spans them all).
Matrix MakeMatrix(std::mt19937 &rng, GemmElement type, int64_t rows, int64_t cols, int64_t rowStride,
                  int64_t colStride) {
    Matrix mat;
    mat.cols = cols;
    const int64_t span = (rows - 1) * rowStride + (cols - 1) * colStride + 1;
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    mat.values.resize(static_cast<size_t>(rows * cols));
    if (type == GemmElement::kFloat32) {
        mat.f32.assign(static_cast<size_t>(span), NAN);
    } else {
        mat.codes16.assign(static_cast<size_t>(span), 0x7E00);
    }
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) {
            const float x = dist(rng);
            const int64_t at = r * rowStride + c * colStride;
            float v;
            if (type == GemmElement::kFloat16) {
                mat.codes16[at] = codec::FloatToHalf(x);
                v = codec::HalfToFloat(mat.codes16[at]);
            } else if (type == GemmElement::kBfloat16) {
                mat.codes16[at] = codec::FloatToBf16(x);
                v = codec::Bf16ToFloat(mat.codes16[at]);
            } else {
                mat.f32[at] = x;
                v = x;
            }
            mat.values[r * cols + c] = v;
        }
    }
    mat.op.data = type == GemmElement::kFloat32 ? static_cast<const void *>(mat.f32.data())
                                                : static_cast<const void *>(mat.codes16.data());
    mat.op.type = type;
    mat.op.rowStride = rowStride;
    mat.op.colStride = colStride;
    return mat;
}

std::vector<float> Reference(const Matrix &a, const Matrix &b, int64_t m, int64_t n, int64_t k,
                             const std::vector<float> &c0) {
    std::vector<float> c = c0;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            float acc = c[i * n + j];
            for (int64_t p = 0; p < k; ++p) {
                const float prod = a.values[i * k + p] * b.values[p * n + j];
                acc = acc + prod;
            }
            c[i * n + j] = acc;
        }
    }
    return c;
}

const GemmIsa kIsas[] = {GemmIsa::kBaseline, GemmIsa::kAvx2, GemmIsa::kAvx512};

void CheckCase(std::mt19937 &rng, GemmElement type, int64_t m, int64_t n, int64_t k, bool transB, int64_t aColStride) {
    const Matrix a = MakeMatrix(rng, type, m, k, k * aColStride + 3, aColStride);
    const Matrix b = transB ? MakeMatrix(rng, type, k, n, 1, k) : MakeMatrix(rng, type, k, n, n, 1);
    std::vector<float> c0(static_cast<size_t>(m * n));
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    for (auto &x : c0) x = dist(rng);
    const std::vector<float> want = Reference(a, b, m, n, k, c0);
    for (GemmIsa isa : kIsas) {
        if (!GemmIsaSupported(isa)) continue;
        std::vector<float> c = c0;
        GemmAccumulateWith(isa, m, n, k, a.op, b.op, c.data(), n);
        ASSERT_EQ(std::memcmp(c.data(), want.data(), c.size() * sizeof(float)), 0)
            << "isa " << static_cast<int>(isa) << " m=" << m << " n=" << n << " k=" << k << " transB=" << transB;
        // The same through a B packed once, applied in two row pieces.
        std::vector<float> packed(GemmPackedBFloats(k, n) + 1, NAN);
        const GemmPackedB pb = GemmPackB(isa, k, n, b.op, packed.data());
        ASSERT_EQ(pb.isa, isa);
        EXPECT_TRUE(std::isnan(packed.back())) << "GemmPackB wrote past GemmPackedBFloats";
        c = c0;
        const int64_t half = m / 2;
        GemmOperand lower = a.op;
        lower.data = static_cast<const unsigned char *>(a.op.data) +
                     half * a.op.rowStride * (type == GemmElement::kFloat32 ? 4 : 2);
        GemmAccumulatePacked(half, a.op, pb, c.data(), n);
        GemmAccumulatePacked(m - half, lower, pb, c.data() + half * n, n);
        ASSERT_EQ(std::memcmp(c.data(), want.data(), c.size() * sizeof(float)), 0)
            << "packed, isa " << static_cast<int>(isa) << " m=" << m << " n=" << n << " k=" << k;
        // Split over threads (row pieces of whole A blocks; 3 threads leave uneven pieces).
        for (int threads : {2, 3}) {
            c = c0;
            GemmAccumulateParallel(threads, isa, m, n, k, a.op, b.op, c.data(), n);
            ASSERT_EQ(std::memcmp(c.data(), want.data(), c.size() * sizeof(float)), 0)
                << "parallel " << threads << ", isa " << static_cast<int>(isa) << " m=" << m << " n=" << n;
        }
    }
}

TEST(GemmTest, MatchesPlainLoopBitForBitFp16) {
    std::mt19937 rng(1);
    for (int64_t m : {1, 5, 6, 7, 13, 97}) {
        for (int64_t n : {1, 15, 16, 17, 33, 70}) {
            for (int64_t k : {1, 3, 255, 257}) CheckCase(rng, GemmElement::kFloat16, m, n, k, false, 1);
        }
    }
}

TEST(GemmTest, MatchesPlainLoopBf16TransposedAndStrided) {
    std::mt19937 rng(2);
    CheckCase(rng, GemmElement::kBfloat16, 31, 45, 300, true, 1);
    CheckCase(rng, GemmElement::kBfloat16, 12, 1030, 17, false, 2);
    CheckCase(rng, GemmElement::kFloat16, 100, 64, 520, true, 3);
    CheckCase(rng, GemmElement::kFloat32, 19, 40, 70, false, 1);
}

TEST(GemmTest, ParallelSplitsManyBlocksBitForBit) {
    // Enough rows for several A blocks per thread, with a ragged last block.
    std::mt19937 rng(4);
    CheckCase(rng, GemmElement::kFloat16, 300, 40, 33, false, 1);
    CheckCase(rng, GemmElement::kBfloat16, 197, 19, 260, true, 1);
}

TEST(GemmTest, ZeroSizesLeaveCUnchanged) {
    std::vector<float> c = {1.0f, -0.0f};
    GemmOperand op;
    GemmAccumulate(1, 2, 0, op, op, c.data(), 2);
    EXPECT_EQ(c[0], 1.0f);
    EXPECT_TRUE(std::signbit(c[1]));
}

TEST(GemmTest, SignedZeroAndNanFollowThePlainLoop) {
    // -0 + (-0 * x) stays -0 in the plain loop; a NaN input poisons its row and column only.
    std::vector<uint16_t> a = {0x8000, 0x8000, 0x7E00, 0x3C00};  // [[-0, -0], [NaN, 1]]
    std::vector<uint16_t> b = {0x3C00, 0x3C00, 0x0000, 0x0000};  // [[1, 1], [0, 0]]
    GemmOperand ao{a.data(), GemmElement::kFloat16, 2, 1};
    GemmOperand bo{b.data(), GemmElement::kFloat16, 2, 1};
    for (GemmIsa isa : kIsas) {
        if (!GemmIsaSupported(isa)) continue;
        std::vector<float> c = {-0.0f, -0.0f, 0.0f, 0.0f};
        GemmAccumulateWith(isa, 2, 2, 2, ao, bo, c.data(), 2);
        EXPECT_TRUE(c[0] == 0.0f && std::signbit(c[0]));  // -0 + -0*1 + -0*0 = -0
        EXPECT_TRUE(c[1] == 0.0f && std::signbit(c[1]));
        EXPECT_TRUE(std::isnan(c[2]));
        EXPECT_TRUE(std::isnan(c[3]));
    }
}

TEST(GemmTest, Throughput512) {
    std::mt19937 rng(3);
    const int64_t s = 512;
    const Matrix a = MakeMatrix(rng, GemmElement::kFloat16, s, s, s, 1);
    const Matrix b = MakeMatrix(rng, GemmElement::kFloat16, s, s, s, 1);
    for (GemmIsa isa : kIsas) {
        if (!GemmIsaSupported(isa)) continue;
        std::vector<float> c(static_cast<size_t>(s * s), 0.0f);
        GemmAccumulateWith(isa, s, s, s, a.op, b.op, c.data(), s);  // warm-up (tables, scratch)
        const auto t0 = std::chrono::steady_clock::now();
        const int reps = 3;
        for (int r = 0; r < reps; ++r) GemmAccumulateWith(isa, s, s, s, a.op, b.op, c.data(), s);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("gemm fp16 512^3 isa=%d: %.1f GFLOP/s\n", static_cast<int>(isa),
                    2.0 * s * s * s * reps / secs * 1e-9);
    }
}

}  // namespace
}  // namespace mc2::impl::kernels
