// harness/fill/fill.cc — the input distributions (fill.h).
#include "harness/fill/fill.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>

#include "harness/fill/element.h"
#include "harness/fill/half.h"
#include "harness/fill/storage.h"
#include "oracle/internal/parallel.h"

namespace mc2::harness {
namespace {

uint64_t SplitMix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t HashName(std::string_view name) {
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char ch : name) {
        h ^= static_cast<unsigned char>(ch);
        h *= 0x100000001B3ull;
    }
    return h;
}

// A small portable generator: <random>'s distributions differ between standard libraries, and
// a descriptor must reproduce the same data wherever it runs.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    // Moves on as `calls` calls of Next would (the state is a counter).
    void Skip(uint64_t calls) { state_ += calls * 0x9E3779B97F4A7C15ull; }
    uint64_t Next() {
        state_ += 0x9E3779B97F4A7C15ull;
        return SplitMix(state_);
    }
    double Unit() { return static_cast<double>(Next() >> 11) * 0x1p-53; }  // [0, 1)
    double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
    int64_t Int(int64_t lo, int64_t hi) {  // inclusive
        if (hi <= lo) return lo;
        return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
    }
    double Normal() {  // Box-Muller
        const double u1 = 1.0 - Unit();
        const double u2 = Unit();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    bool Coin() { return (Next() & 1) != 0; }

private:
    uint64_t state_;
};

// [rows, cols] view of a tensor as the role sees it: lhs contracts its last dim, rhs its first.
struct Grid {
    int64_t rows = 1;
    int64_t cols = 1;
};
Grid GridOf(const TensorSpec &t, Role role) {
    const int64_t n = t.NumElements();
    Grid g;
    if (n <= 0) return {0, 0};
    if (t.shape.empty()) return {1, 1};
    if (role == Role::kRhs) {
        g.rows = t.shape.front();
        g.cols = g.rows == 0 ? 0 : n / g.rows;
    } else {
        g.cols = t.shape.back();
        g.rows = g.cols == 0 ? 0 : n / g.cols;
    }
    return g;
}

double One(aclDataType dtype) { return RoundTo(dtype, 1.0); }

// Scale of typical values: unit for float formats (a quarter of max for the narrow ones),
// a few bits for integers.
double TypicalScaleOf(const FormatInfo &info) {
    if (info.is_integer) return std::max(1.0, std::min(16.0, std::floor(info.max_finite / 8)));
    return std::min(1.0, info.max_finite / 4);
}

double TypicalScale(aclDataType dtype) { return TypicalScaleOf(Info(dtype)); }

// Typical values of one dtype: its format looked up once, not per element (Info copies the
// format's description out of a per-thread cache; twice per element it was 1.4 % of
// api_fuzzer's CPU, session 14).
struct TypicalDraw {
    explicit TypicalDraw(aclDataType d) : dtype(d), info(Info(d)), scale(TypicalScaleOf(info)) {}
    double operator()(Rng &rng, bool uniform) const {
        if (!info.numeric) return static_cast<double>(rng.Next());
        if (dtype == ACL_FLOAT8_E8M0) return RoundTo(dtype, std::ldexp(1.0, static_cast<int>(rng.Int(-4, 4))));
        const double x = uniform ? rng.Uniform(-scale, scale) : rng.Normal() * scale;
        return RoundTo(dtype, info.min_value >= 0 ? std::fabs(x) : x);
    }
    aclDataType dtype;
    FormatInfo info;
    double scale;
};

// The representable value next to `a` (away from zero), for nearly-equal pairs.
double Perturb(aclDataType dtype, double a) {
    for (double d = 0x1p-30; d <= 1.0; d *= 2) {
        const double b = RoundTo(dtype, a * (1 + d));
        if (b != a) return b;
    }
    return a;
}

// k distinct positions out of n (partial Fisher-Yates), in increasing order.
std::vector<int64_t> Choose(Rng &rng, int64_t n, int64_t k) {
    std::vector<int64_t> idx(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = i;
    k = std::min(k, n);
    for (int64_t i = 0; i < k; ++i) std::swap(idx[static_cast<size_t>(i)], idx[static_cast<size_t>(rng.Int(i, n - 1))]);
    idx.resize(static_cast<size_t>(k));
    std::sort(idx.begin(), idx.end());
    return idx;
}

double IntLimit(aclDataType dtype) { return std::max(1.0, std::floor(Info(dtype).exact_int_limit)); }

// Integers for the exact and ties distributions; `nonneg` for ties (sums must stay ≥ 2^p).
void FillIntegers(std::vector<double> &v, const TensorSpec &t, Role role, const ExactPlan &plan, bool nonneg,
                  Rng &rng) {
    const Grid g = GridOf(t, role);
    auto draw = [&](double r) {
        const auto ir = static_cast<int64_t>(r);
        return static_cast<double>(nonneg ? rng.Int(0, ir) : rng.Int(-ir, ir));
    };
    switch (role) {
        case Role::kLhs: {
            const double r = std::min(plan.lhs, IntLimit(t.dtype));
            for (int64_t i = 0; i < g.rows; ++i) {
                if (plan.per_row >= g.cols) {
                    for (int64_t j = 0; j < g.cols; ++j) v[static_cast<size_t>(i * g.cols + j)] = draw(r);
                } else {
                    // Sparse rows hold exactly per_row non-zero values.
                    for (int64_t j : Choose(rng, g.cols, plan.per_row)) {
                        double x = 0;
                        while (x == 0) x = draw(r);
                        v[static_cast<size_t>(i * g.cols + j)] = x;
                    }
                }
            }
            break;
        }
        case Role::kRhs: {
            const double r = std::min(plan.rhs, IntLimit(t.dtype));
            for (double &x : v) x = draw(r);
            break;
        }
        case Role::kAddend: {
            const double r = std::min(plan.lhs * plan.rhs, IntLimit(t.dtype));
            for (double &x : v) x = draw(r);
            break;
        }
        case Role::kOther:
        case Role::kData:
        case Role::kQuantScaleIn:
        case Role::kQuantScaleOut: {
            const TypicalDraw typical(t.dtype);
            for (double &x : v) x = typical(rng, false);
            break;
        }
    }
}

void FillExact(std::vector<double> &v, const TensorSpec &t, Role role, const ContractionSpec &c, Rng &rng) {
    FillIntegers(v, t, role, PlanExact(c, ExactBudget(c.out_dtype)), false, rng);
}

// Output digits p when the ties construction applies (float output whose exact-integer limit
// is 2^p, carriers representable in the operand formats), else 0.
int TiesDigits(const ContractionSpec &c) {
    const FormatInfo out = Info(c.out_dtype);
    if (!out.numeric || out.is_integer || c.k < 1) return 0;
    int p = 0;
    const double lim = std::frexp(out.exact_int_limit, &p);  // limit = 0.5 · 2^p
    if (lim != 0.5) return 0;
    p -= 1;
    if (p < 2 || p > 24) return 0;
    const double cl = std::ldexp(1.0, p - p / 2);
    const double cr = std::ldexp(1.0, p / 2);
    if (RoundTo(c.lhs_dtype, cl) != cl || RoundTo(c.rhs_dtype, cr) != cr) return 0;
    return p;
}

void FillTies(std::vector<double> &v, const TensorSpec &t, Role role, const ContractionSpec &c, int rank, Rng &rng) {
    const int p = TiesDigits(c);
    if (p == 0) {
        FillExact(v, t, role, c, rng);
        return;
    }
    // T = Σ of the non-carrier terms stays below 2^p - 1, so S = 2^p + T ± 1/4 keeps the
    // output's ulp at 2 (fp16: S in [2048, 4096)).
    FillIntegers(v, t, role, PlanExact(c, std::ldexp(1.0, p) - 2), true, rng);
    if (rank != 0) return;
    const Grid g = GridOf(t, role);
    const bool quarter = c.k >= 2 && RoundTo(c.lhs_dtype, 0.25) == 0.25;
    if (role == Role::kLhs && g.cols == c.k) {
        for (int64_t i = 0; i < g.rows; ++i) {
            v[static_cast<size_t>(i * g.cols)] = std::ldexp(1.0, p - p / 2);
            if (quarter) v[static_cast<size_t>(i * g.cols + 1)] = rng.Coin() ? 0.25 : -0.25;
        }
    } else if (role == Role::kRhs && g.rows == c.k) {
        for (int64_t j = 0; j < g.cols; ++j) {
            v[static_cast<size_t>(j)] = std::ldexp(1.0, p / 2);
            if (quarter) v[static_cast<size_t>(g.cols + j)] = rng.Coin() ? 1.0 : 0.0;
        }
    }
}

void FillCancel(std::vector<double> &v, const TensorSpec &t, Role role, int rank, uint64_t pair_seed, Rng &rng) {
    const Grid g = GridOf(t, role);
    const TypicalDraw typical(t.dtype);  // the format looked up once per tensor, not per element
    switch (role) {
        case Role::kLhs:
            for (int64_t i = 0; i < g.rows; ++i) {
                for (int64_t j = 0; j < g.cols; ++j) {
                    double &x = v[static_cast<size_t>(i * g.cols + j)];
                    if (j % 2 == 1) {
                        x = Perturb(t.dtype, v[static_cast<size_t>(i * g.cols + j - 1)]);
                    } else {
                        x = typical(rng, false);
                        if (x == 0) x = One(t.dtype);
                    }
                }
            }
            break;
        case Role::kRhs:
            for (int64_t i = 0; i < g.rows; ++i) {
                for (int64_t j = 0; j < g.cols; ++j) {
                    double &x = v[static_cast<size_t>(i * g.cols + j)];
                    if (i % 2 == 1) {
                        x = RoundTo(t.dtype, -v[static_cast<size_t>((i - 1) * g.cols + j)]);
                    } else {
                        x = typical(rng, false);
                    }
                }
            }
            break;
        case Role::kAddend: {
            // Ranks 2q and 2q+1 add nearly opposite values: both draw from rank 2q's stream.
            Rng pair(MixSeed(pair_seed, static_cast<uint64_t>(rank & ~1)));
            for (double &x : v) {
                const double base = typical(pair, false);
                x = (rank % 2 == 1) ? RoundTo(t.dtype, -Perturb(t.dtype, base)) : base;
            }
            break;
        }
        case Role::kOther:
        case Role::kData:
        case Role::kQuantScaleIn:
        case Role::kQuantScaleOut:
            for (double &x : v) x = typical(rng, false);
            break;
    }
}

double ExtremeMagnitude(aclDataType dtype, double limit, Rng &rng) {
    const FormatInfo info = Info(dtype);
    const double m = std::min(info.max_finite, limit);
    const double u = rng.Unit();
    double mag = 0;
    if (m <= info.min_normal) {
        mag = m;
    } else if (u < 0.2) {  // near the budget's maximum
        mag = m * rng.Uniform(0.5, 1.0);
    } else if (u < 0.4 && info.min_positive < info.min_normal) {  // subnormal
        mag = info.min_positive * std::floor(1 + rng.Unit() * (info.min_normal / info.min_positive - 1));
    } else if (u < 0.5) {  // smallest normals
        mag = info.min_normal * rng.Uniform(1.0, 2.0);
    } else {  // log-uniform over the whole normal range
        mag = std::exp2(rng.Uniform(std::log2(info.min_normal), std::log2(m)));
    }
    const double sign = (info.min_value < 0 && rng.Coin()) ? -1.0 : 1.0;
    double x = 0;
    do {  // rounding may step just above the limit: shrink until the value stays within it
        if (info.is_integer) mag = std::max(1.0, std::floor(mag));
        x = RoundTo(dtype, sign * mag);
        mag *= 0.75;
    } while (std::fabs(x) > m && mag >= info.min_positive);
    return x;
}

void FillExtreme(std::vector<double> &v, const TensorSpec &t, Role role, const ContractionSpec &c, Rng &rng) {
    // Σ|terms| ≤ world·(k + addends)·L ≤ max/4: the exact result and every partial sum stay finite.
    // In double: k is the case's last x1 dim, which may be anything up to INT64_MAX.
    const double terms = static_cast<double>(std::max(c.world, 1)) *
                         (static_cast<double>(std::max<int64_t>(c.k, 1)) + static_cast<double>(std::max(c.addends, 0)));
    const double out_max = Info(c.out_dtype).max_finite;
    const double budget = (c.result_max > 0 ? std::min(c.result_max, out_max) : out_max) / (4 * terms);
    const double limit = (role == Role::kLhs || role == Role::kRhs) ? std::sqrt(budget) : budget;
    const TypicalDraw typical(t.dtype);
    for (double &x : v) x = (role == Role::kOther || role == Role::kData) ? typical(rng, false) : ExtremeMagnitude(t.dtype, limit, rng);
}

// kQuantScaleIn/Out (fill.h): one rank's |result| is estimated from what every rank shares:
// typical operands of the distribution over k products add up like a random walk (sqrt(k)),
// times the post-contraction scales. In and Out draw the same per-element factors from `shared`
// (seeded without the rank and the name), Out one more factor from its own `own` stream, so the
// requantisation ratio In/Out stays near 1/sqrt(world) and the reduced sums keep their size.
void FillQuantScale(std::vector<double> &v, const TensorSpec &t, Role role, const ContractionSpec &c, Dist dist,
                    Rng &shared, Rng &own) {
    const int64_t k = std::max<int64_t>(c.shared_k > 0 ? c.shared_k : c.k, 1);
    double lhs = TypicalScale(c.lhs_dtype), rhs = TypicalScale(c.rhs_dtype), terms = static_cast<double>(k);
    if (dist == Dist::kUniform) {
        lhs /= std::sqrt(3.0);
        rhs /= std::sqrt(3.0);
    } else if (dist == Dist::kExact || dist == Dist::kTies) {
        ContractionSpec one = c;
        one.k = k;
        one.addends = 0;  // each rank's own: the scales must not depend on it
        const ExactPlan plan = PlanExact(one, ExactBudget(c.out_dtype));
        lhs = plan.lhs / 2;
        rhs = plan.rhs / 2;
        terms = static_cast<double>(std::min(plan.per_row, k));
    } else if (dist == Dist::kCancel) {
        terms = std::max(1.0, terms / 64);  // pairs nearly cancel
    }
    const double base = lhs * rhs * std::sqrt(terms) / 32;
    for (size_t e = 0; e < v.size(); ++e) {
        const double post = c.post_scale.empty() ? 1.0 : c.post_scale[e % c.post_scale.size()];
        double s = std::max(base * post, 0x1p-20) * std::exp2(shared.Uniform(-4.0, 1.0));
        if (role == Role::kQuantScaleOut) {
            s *= std::sqrt(static_cast<double>(std::max(c.world, 1))) * std::exp2(own.Uniform(-1.0, 1.0));
        }
        double &x = v[e];
        x = RoundTo(t.dtype, s);
        if (!(x > 0)) x = Info(t.dtype).min_positive;
    }
}

// Elements per thread below which FillTypical runs on the caller's thread alone.
constexpr int64_t kMinFillPerThread = int64_t{1} << 15;

// Typical values for every element, in element order from `rng`'s stream. Typical draws a fixed
// number of values per element (one for uniform and E8M0, two for normal), so element e's draws
// are the stream's from call e·draws on: the elements split over threads, each starting its own
// generator there, get exactly the values one thread gets (tests/harness/fill_digest_test.cc).
void FillTypical(std::vector<double> &v, aclDataType dtype, bool uniform, Rng &rng) {
    const auto n = static_cast<int64_t>(v.size());
    const TypicalDraw draw(dtype);
    if (n < 2 * kMinFillPerThread) {
        for (double &x : v) x = draw(rng, uniform);
        return;
    }
    const uint64_t draws = (uniform || dtype == ACL_FLOAT8_E8M0) ? 1 : 2;
    const Rng start = rng;
    oracle::internal::ParallelFor(n, kMinFillPerThread, [&](int64_t begin, int64_t end) {
        Rng local = start;
        local.Skip(static_cast<uint64_t>(begin) * draws);
        for (int64_t e = begin; e < end; ++e) v[static_cast<size_t>(e)] = draw(local, uniform);
    });
}

}  // namespace

uint64_t MixSeed(uint64_t seed, uint64_t a, uint64_t b) {
    return SplitMix(SplitMix(SplitMix(seed) ^ a) ^ (b * 0xD6E8FEB86659FD93ull));
}

double ExactBudget(aclDataType out_dtype) {
    const FormatInfo out = Info(out_dtype);
    const double lim = out.numeric ? out.exact_int_limit : 2048;
    return std::min(lim, 16777216.0);  // fp32 accumulation keeps every partial sum exact too
}

ExactPlan PlanExact(const ContractionSpec &c, double budget) {
    ExactPlan plan;
    plan.budget = budget;
    plan.lhs = std::min(4.0, IntLimit(c.lhs_dtype));
    plan.rhs = std::min(2.0, IntLimit(c.rhs_dtype));
    const int64_t k = std::max<int64_t>(c.k, 0);
    const double world = std::max(1, c.world);
    auto total = [&](double per_row) { return world * (per_row + c.addends) * plan.lhs * plan.rhs; };
    while (total(static_cast<double>(k)) > budget && (plan.lhs > 1 || plan.rhs > 1)) {
        if (plan.lhs >= plan.rhs) {
            plan.lhs = std::floor(plan.lhs / 2);
        } else {
            plan.rhs = std::floor(plan.rhs / 2);
        }
    }
    plan.per_row = k;
    if (total(static_cast<double>(k)) > budget) {
        const double fit = std::floor(budget / (world * plan.lhs * plan.rhs)) - c.addends;
        plan.per_row = std::max<int64_t>(1, static_cast<int64_t>(fit));
    }
    return plan;
}

std::vector<uint8_t> FillCodes(const TensorSpec &t, uint64_t seed, int rank, std::string_view name) {
    const int bits = StorageBits(t.dtype);
    const int64_t capacity = StorageCapacity(t);
    std::vector<uint8_t> bytes(BytesFor(bits, capacity), 0);
    const uint64_t canary = GapCode(t);
    for (int64_t i = 0; i < capacity; ++i) StoreCode(bytes.data(), bits, i, canary);
    Rng rng(MixSeed(MixSeed(seed, HashName(name), 0xDA7A), static_cast<uint64_t>(rank) + 1));
    for (int64_t where : ViewIndices(t)) {
        if (where >= 0) StoreCode(bytes.data(), bits, where, rng.Next());
    }
    return bytes;
}

std::vector<uint8_t> FillStorage(const TensorSpec &t, Role role, const ContractionSpec &c, Dist dist, uint64_t seed,
                                 int rank, std::string_view name) {
    const int64_t n = std::max<int64_t>(t.NumElements(), 0);
    const bool typical = (dist == Dist::kNormal || dist == Dist::kUniform) && role != Role::kQuantScaleIn &&
                         role != Role::kQuantScaleOut;
    if (!typical || !HasHalfCodec(t.dtype) || n < 2 * kMinFillPerThread || !ContiguousView(t)) {
        return EncodeStorage(t, FillValues(t, role, c, dist, seed, rank, name));
    }
    // FillValues' generator and draws (FillTypical), each value encoded where it is made.
    const uint64_t tensor_seed = MixSeed(seed, HashName(name), static_cast<uint64_t>(dist));
    const Rng start(MixSeed(tensor_seed, static_cast<uint64_t>(rank) + 1));
    const bool uniform = dist == Dist::kUniform;
    std::vector<uint8_t> bytes = GapStorage(t);
    uint8_t *const at = bytes.data() + static_cast<size_t>(t.offset) * 2;
    std::atomic<bool> any_non_zero{false};
    const TypicalDraw draw_typical(t.dtype);
    oracle::internal::ParallelFor(n, kMinFillPerThread, [&](int64_t begin, int64_t end) {
        Rng local = start;
        local.Skip(static_cast<uint64_t>(begin) * (uniform ? 1 : 2));  // FillTypical's draws per element
        bool non_zero = false;
        for (int64_t e = begin; e < end; ++e) {
            const double x = draw_typical(local, uniform);
            non_zero = non_zero || x != 0;
            const uint16_t code = EncodeHalf(t.dtype, x);
            at[2 * e] = static_cast<uint8_t>(code), at[2 * e + 1] = static_cast<uint8_t>(code >> 8);
        }
        if (non_zero) any_non_zero = true;
    });
    // All zeros (never seen at these sizes): FillValues' rule changes element 0.
    if (!any_non_zero) return EncodeStorage(t, FillValues(t, role, c, dist, seed, rank, name));
    return bytes;
}

std::vector<double> FillValues(const TensorSpec &t, Role role, const ContractionSpec &c, Dist dist, uint64_t seed,
                               int rank, std::string_view name) {
    const int64_t n = std::max<int64_t>(t.NumElements(), 0);
    std::vector<double> v(static_cast<size_t>(n), 0.0);
    if (n == 0) return v;
    const uint64_t tensor_seed = MixSeed(seed, HashName(name), static_cast<uint64_t>(dist));
    Rng rng(MixSeed(tensor_seed, static_cast<uint64_t>(rank) + 1));
    const FormatInfo info = Info(t.dtype);
    if (!info.numeric) {
        for (double &x : v) x = static_cast<double>(rng.Next() & 0xFF);
        return v;
    }
    if (role == Role::kQuantScaleIn || role == Role::kQuantScaleOut) {
        // No rank in either seed: identical on every rank.
        Rng shared(MixSeed(seed, 0x5CA1E, static_cast<uint64_t>(dist)));
        Rng own(MixSeed(tensor_seed, 0x5CA1E));
        FillQuantScale(v, t, role, c, dist, shared, own);
        return v;
    }
    switch (dist) {
        case Dist::kNormal:
        case Dist::kUniform: FillTypical(v, t.dtype, dist == Dist::kUniform, rng); break;
        case Dist::kCancel: FillCancel(v, t, role, rank, tensor_seed, rng); break;
        case Dist::kTies: FillTies(v, t, role, c, rank, rng); break;
        case Dist::kExtreme: FillExtreme(v, t, role, c, rng); break;
        case Dist::kExact: FillExact(v, t, role, c, rng); break;
    }
    // Never all zeros (an all-zero input makes any comparison vacuous). Sparse exact rows draw
    // non-zero values only, so an all-zero tensor here is dense and position 0 may change.
    if (std::all_of(v.begin(), v.end(), [](double x) { return x == 0; })) {
        v[0] = One(t.dtype) != 0 ? One(t.dtype) : info.min_positive;
    }
    return v;
}

}  // namespace mc2::harness
