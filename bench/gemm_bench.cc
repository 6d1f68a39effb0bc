// bench/gemm_bench.cc — the implementation's GEMM kernel (impl/kernels/gemm.h, called
// directly) against OpenBLAS sgemm on the same shapes, both on one thread: the kernel is
// single-threaded by contract (the operator runs one per rank thread), so sgemm is pinned to
// one thread here (openblas_set_num_threads(1)) and restored after. The bench links impl's
// kernel objects: it is not part of the suite's independence boundary (DESIGN.md) — it only
// measures, it judges nothing. Issue 7 asks for ≥ 0.7 (kernel speed / sgemm speed), i.e.
// time ratio kernel / sgemm ≤ 1/0.7 ≈ 1.43.
#include <benchmark/benchmark.h>

#include <cblas.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/summary.h"
#include "kernels/gemm.h"

namespace mc2::bench {
namespace {

namespace k = mc2::impl::kernels;

// fp16 codes of normal values (via fp32 bits: the sign/exponent/mantissa of a float rounded
// to 10 bits is exact enough for timing; nothing is compared).
std::vector<uint16_t> Fp16Codes(size_t count, uint64_t seed) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    std::uniform_int_distribution<int> mant(0, 1023), exp(13, 16), sign(0, 1);
    std::vector<uint16_t> v(count);
    for (auto &c : v) c = static_cast<uint16_t>(sign(rng) << 15 | exp(rng) << 10 | mant(rng));
    return v;
}

std::vector<float> Floats(const std::vector<uint16_t> &codes) {
    std::vector<float> f(codes.size());
    for (size_t q = 0; q < codes.size(); ++q) f[q] = k::LoadElement(codes.data(), k::GemmElement::kFloat16, q);
    return f;
}

struct OneThreadBlas {
    int saved = openblas_get_num_threads();
    OneThreadBlas() { openblas_set_num_threads(1); }
    ~OneThreadBlas() { openblas_set_num_threads(saved); }
};

void ImplGemm(benchmark::State &state) {
    const int64_t n = state.range(0);
    const auto a = Fp16Codes(static_cast<size_t>(n * n), 1), b = Fp16Codes(static_cast<size_t>(n * n), 2);
    std::vector<float> c(static_cast<size_t>(n * n), 0.0f);
    const k::GemmOperand ao{a.data(), k::GemmElement::kFloat16, n, 1}, bo{b.data(), k::GemmElement::kFloat16, n, 1};
    for (auto _ : state) {
        k::GemmAccumulate(n, n, n, ao, bo, c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
}

void Sgemm(benchmark::State &state) {
    const OneThreadBlas one;
    const auto n = static_cast<blasint>(state.range(0));
    const auto a = Floats(Fp16Codes(static_cast<size_t>(n) * n, 1)), b = Floats(Fp16Codes(static_cast<size_t>(n) * n, 2));
    std::vector<float> c(static_cast<size_t>(n) * n, 0.0f);
    for (auto _ : state) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 1.0f,
                    c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
}

BENCHMARK(ImplGemm)->Arg(64)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Sgemm)->Arg(64)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();

[[maybe_unused]] const bool kRows = [] {
    for (const char *n : {"1024", "2048"})
        AddRatio({std::string("impl GEMM (1 thread) / sgemm (1 thread), ") + n + "^3",
                  std::string("ImplGemm/") + n + "/real_time", std::string("Sgemm/") + n + "/real_time",
                  "<= 1.43 (speed >= 0.7x)"});
    return true;
}();

}  // namespace
}  // namespace mc2::bench
