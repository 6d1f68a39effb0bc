// tests/oracle/bounds_digest.cc — oracle_bounds_digest: prints an FNV-1a digest of every bound
// (lo, hi, exact, scale) the MatmulAllReduce oracle gives over ~3000 random small cases (fast
// and exact mode: NaN/Inf inputs, subnormal and overflowing ranges, every contract field
// varied, world 1–8, n up to 40 so that vector bodies and tails both run) and ten medium ones
// (several threads, bias, x3). Not a test: a speed-up of the oracle must leave the digest of
// the build before it unchanged. The fast mode's bits depend on OpenBLAS's summation order, so
// compare two builds on the same machine with OPENBLAS_NUM_THREADS=1.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "oracle/codecs/codebook.h"
#include "oracle/matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

struct Digest {
    uint64_t h = 1469598103934665603ULL;
    void Add(double d) {
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        h = (h ^ bits) * 1099511628211ULL;
    }
    void Add(const Bounds &b) {
        Add(static_cast<double>(b.rows));
        Add(static_cast<double>(b.cols));
        for (size_t e = 0; e < b.lo.size(); ++e) {
            Add(b.lo[e]);
            Add(b.hi[e]);
            Add(b.exact[e]);
            Add(b.scale[e]);
        }
    }
};

Allowance AnyAllowance(uint64_t x) {
    return x % 3 == 0 ? Allowance::kNo : x % 3 == 1 ? Allowance::kYes : Allowance::kEither;
}

int Main() {
    std::mt19937_64 rng(20261205);
    Digest digest;
    const double inf = std::numeric_limits<double>::infinity();
    for (int cs = 0; cs < 3000; ++cs) {
        const int world = 1 + static_cast<int>(rng() % 8);
        const int64_t m = 1 + static_cast<int64_t>(rng() % 6);
        const int64_t n = 1 + static_cast<int64_t>(rng() % (cs % 3 == 0 ? 40 : 9));
        const int64_t k = static_cast<int64_t>(rng() % 40);
        const aclDataType t = rng() % 2 ? ACL_FLOAT16 : ACL_BF16;
        const Format &f = t == ACL_BF16 ? kBf16 : kFloat16;
        const bool bf16 = t == ACL_BF16;
        double scale = std::ldexp(1.0, static_cast<int>(rng() % 60) - (bf16 ? 30 : 20));
        if (rng() % 4 == 0) scale = std::ldexp(1.0, static_cast<int>(rng() % 40) - 30);
        if (rng() % 8 == 0)  // near overflow
            scale = bf16 ? std::ldexp(1.0, static_cast<int>(rng() % 20) + 55) : std::ldexp(1.0, static_cast<int>(rng() % 8) + 5);
        if (rng() % 8 == 0)  // subnormal range
            scale = bf16 ? std::ldexp(1.0, -static_cast<int>(rng() % 40) - 50) : std::ldexp(1.0, -static_cast<int>(rng() % 8) - 6);
        const uint64_t specials = rng() % 3;  // none, rare, frequent
        auto value = [&] {
            std::normal_distribution<double> nd(0.0, scale);
            double x = nd(rng);
            if (specials != 0 && rng() % (specials == 1 ? 500 : 40) == 0) x = rng() % 2 ? inf : -inf;
            if (specials != 0 && rng() % (specials == 1 ? 800 : 60) == 0) x = std::nan("");
            if (rng() % 50 == 0) x = rng() % 2 ? 0.0 : -0.0;
            return Decode(f, Encode(f, x));
        };
        std::vector<MatmulAllReduceRank> ranks;
        for (int r = 0; r < world; ++r) {
            MatmulAllReduceRank rk;
            const int64_t kk = rng() % 3 ? k : static_cast<int64_t>(rng() % 10);
            rk.x1 = Matrix{m, kk, {}};
            rk.x2 = Matrix{kk, n, {}};
            for (int64_t q = 0; q < m * kk; ++q) rk.x1.v.push_back(value());
            for (int64_t q = 0; q < kk * n; ++q) rk.x2.v.push_back(value());
            if (rng() % 2) {
                std::vector<double> bias;
                for (int64_t q = 0; q < n; ++q) bias.push_back(value());
                rk.bias = bias;
            }
            if (rng() % 3 == 0) {
                Matrix x3{m, n, {}};
                for (int64_t q = 0; q < m * n; ++q) x3.v.push_back(value());
                rk.x3 = x3;
            }
            ranks.push_back(rk);
        }
        Contract c;
        switch (rng() % 8) {
            case 1: c.reduction = ReductionPrecision::kFp32OrWider; break;
            case 2: c.reduction = ReductionPrecision::kExact; break;
            case 3: c.subnormal_flush_allowed = true; break;
            case 4: c.overflow_saturation_allowed = false; break;
            case 5: c.acc_probabilistic_lambda = 8; break;
            case 6:
                c.subnormal_flush_allowed = rng() % 2;
                c.overflow_saturation_allowed = rng() % 2;
                c.reduction = static_cast<ReductionPrecision>(rng() % 3);
                c.acc_unit_roundoff = rng() % 2 ? 0x1p-23 : 0x1p-11;
                break;
            default: break;
        }
        if (rng() % 3 == 0) c.partial_rounded_to_output = AnyAllowance(rng());
        if (rng() % 3 == 0) c.x3_sum_rounded_to_fp32 = AnyAllowance(rng());
        if (rng() % 3 == 0) c.x3_sum_rounded_to_output = AnyAllowance(rng());
        digest.Add(MatmulAllReduceBounds(ranks, t, c));
        digest.Add(MatmulAllReduceBoundsExact(ranks, t, c));
    }
    std::printf("small %016llx\n", static_cast<unsigned long long>(digest.h));
    for (int cs = 0; cs < 10; ++cs) {
        const int world = 1 + cs % 8;
        const int64_t m = 70 + cs, n = 300 + 7 * cs, k = 64;
        const aclDataType t = cs % 2 ? ACL_FLOAT16 : ACL_BF16;
        const Format &f = t == ACL_BF16 ? kBf16 : kFloat16;
        std::normal_distribution<double> nd(0.0, cs >= 8 ? 40.0 : 1.0);
        auto value = [&] { return Decode(f, Encode(f, nd(rng))); };
        std::vector<MatmulAllReduceRank> ranks;
        for (int r = 0; r < world; ++r) {
            MatmulAllReduceRank rk;
            rk.x1 = Matrix{m, k, {}};
            rk.x2 = Matrix{k, n, {}};
            for (int64_t q = 0; q < m * k; ++q) rk.x1.v.push_back(value());
            for (int64_t q = 0; q < k * n; ++q) rk.x2.v.push_back(value());
            if (cs % 3 == 1) {
                std::vector<double> bias;
                for (int64_t q = 0; q < n; ++q) bias.push_back(value());
                rk.bias = bias;
            }
            if (cs % 3 == 2) {
                Matrix x3{m, n, {}};
                for (int64_t q = 0; q < m * n; ++q) x3.v.push_back(value());
                rk.x3 = x3;
            }
            if (cs >= 5) rk.x1.v[static_cast<size_t>(rng() % static_cast<uint64_t>(m * k))] = cs % 2 ? std::nan("") : -inf;
            ranks.push_back(rk);
        }
        Contract c;
        if (cs == 3) c.reduction = ReductionPrecision::kFp32OrWider;
        if (cs == 4) c.subnormal_flush_allowed = true;
        digest.Add(MatmulAllReduceBounds(ranks, t, c));
    }
    std::printf("medium %016llx\n", static_cast<unsigned long long>(digest.h));
    return 0;
}

}  // namespace
}  // namespace mc2::oracle

int main() { return mc2::oracle::Main(); }
