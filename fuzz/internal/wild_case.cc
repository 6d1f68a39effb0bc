// fuzz/internal/wild_case.cc — arbitrary calls built from fuzz decisions (wild_case.h).
#include "fuzz/internal/wild_case.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "fuzz/internal/run_support.h"
#include "harness/signatures.h"
#include "spec/generate.h"

namespace mc2::fuzz {
namespace {

using harness::Case;
using harness::ParamKind;
using harness::TensorSpec;
using harness::Value;

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

// Integers that sit on the edges implementations get wrong: sign, int32/uint32 limits, values
// whose products overflow, and the int64 extremes.
int64_t EdgeInt(spec::Choices &ch) {
    static const std::vector<int64_t> edges = {
        0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 64, 255, 256, 65535, 65536,
        std::numeric_limits<int32_t>::max(), int64_t{1} << 31, std::numeric_limits<uint32_t>::max(),
        int64_t{1} << 32, int64_t{1} << 40, int64_t{1} << 62, kI64Max, kI64Min, kI64Min + 1, -(int64_t{1} << 31)};
    return ch.Pick(edges);
}

int64_t WildInt(spec::Choices &ch) {
    switch (ch.Int(0, 3)) {
        case 0: return ch.Int(-4, 16);
        case 1: return ch.Int(kI64Min, kI64Max);
        default: return EdgeInt(ch);
    }
}

// Dims: mostly small (cases that run), sometimes an edge value (cases that must be refused).
int64_t WildDim(spec::Choices &ch) { return ch.Int(0, 3) != 0 ? ch.Int(0, 40) : EdgeInt(ch); }

std::vector<int64_t> WildDims(spec::Choices &ch, size_t n) {
    std::vector<int64_t> dims(n);
    for (int64_t &d : dims) d = WildDim(ch);
    return dims;
}

// A tensor changed in one respect (or built from nothing when `base` is null).
Value WildTensor(spec::Choices &ch, const TensorSpec *base) {
    if (base == nullptr || ch.Int(0, 7) == 0) {
        if (ch.Int(0, 2) == 0) return harness::Null{};
        TensorSpec t;
        t.dtype = static_cast<aclDataType>(ch.Int(-1, 41));
        t.shape = WildDims(ch, static_cast<size_t>(ch.Int(0, 4)));
        return t;
    }
    TensorSpec t = *base;
    switch (ch.Int(0, 9)) {
        case 0: return harness::Null{};
        case 1:  // any aclDataType integer: the enumerators and beyond
            t.dtype = static_cast<aclDataType>(ch.Int(0, 3) == 0 ? ch.Int(-8, 64) : ch.Int(-1, 41));
            break;
        case 2:
            // Mostly the formats the documents name (ND, FRACTAL_NZ) and their neighbours.
            t.format = static_cast<aclFormat>(ch.Int(0, 3) == 0 ? ch.Int(-8, 64)
                                                                : ch.Pick(std::vector<int64_t>{-1, 0, 1, 2, 29}));
            break;
        case 3:  // another rank, up to 10 (aclCreateTensor refuses more than 8)
            t.shape = WildDims(ch, static_cast<size_t>(ch.Int(0, 10)));
            t.strides.clear();
            t.storage_shape.clear();
            break;
        case 4:
        case 5:
            if (!t.shape.empty()) t.shape[static_cast<size_t>(ch.Int(0, static_cast<int64_t>(t.shape.size()) - 1))] = WildDim(ch);
            break;
        case 6: {  // strides: one entry per dim, any value, negative and zero included
            t.strides.assign(t.shape.size(), 0);
            for (int64_t &s : t.strides) s = ch.Int(0, 2) == 0 ? WildInt(ch) : ch.Int(-2, 64);
            break;
        }
        case 7: t.offset = ch.Int(0, 1) == 0 ? ch.Int(0, 64) : WildInt(ch); break;
        case 8: t.storage_shape = WildDims(ch, static_cast<size_t>(ch.Int(1, 5))); break;
        default: {  // transpose the last two dims' strides (the documented x2 layout) or swap dims
            if (t.shape.size() >= 2) {
                const size_t a = t.shape.size() - 2;
                std::vector<int64_t> s = t.Strides();
                std::swap(t.shape[a], t.shape[a + 1]);
                std::swap(s[a], s[a + 1]);
                t.strides = ch.Bool() ? s : std::vector<int64_t>{};
            }
            break;
        }
    }
    return t;
}

Value WildString(spec::Choices &ch) {
    switch (ch.Int(0, 6)) {
        case 0: return harness::Null{};
        case 1: return harness::CommName{};
        case 2: return std::string("sum");
        case 3: return ch.Pick(std::vector<std::string>{"max", "min", "prod", "", "su", "sumx", "SUM", "sum "});
        default: {  // any bytes, NUL included (the ABI sees the text up to the first NUL)
            std::string s(static_cast<size_t>(ch.Int(0, 140)), '\0');
            for (char &c : s) c = static_cast<char>(ch.Int(0, 255));
            return s;
        }
    }
}

// At most this many explicit values are kept through a reshape (a wild dim may be 2^40).
constexpr int64_t kMaxWildValues = int64_t{1} << 16;

// The descriptor grammar gives explicit values (v(...)) exactly one per element, and only to
// integer dtypes (harness::IsIntegerDtype). A wild edit of a tensor that had values (a uint64
// scale, a host count list) keeps them, repeated cyclically over a new element count, and drops
// them where the dtype takes none or there are no elements or too many: every case api_fuzzer
// runs is then one its reproducer (`mc2conf run '…'`) replays. Session 16's campaign reshaped a
// dequant scale from [1] to [9] with its one value: the harness left eight elements at its gap
// code, the oracle could not judge them, and the printed reproducer did not parse.
void KeepValuesWritable(TensorSpec &t) {
    if (t.values.empty()) return;
    const int64_t n = t.NumElements();
    if (n <= 0 || n > kMaxWildValues || !harness::IsIntegerDtype(t.dtype)) {
        t.values.clear();
        return;
    }
    const std::vector<int64_t> old = t.values;
    t.values.resize(static_cast<size_t>(n));
    for (size_t i = old.size(); i < t.values.size(); ++i) t.values[i] = old[i % old.size()];
}

void KeepValuesWritable(harness::ParamMap &params) {
    for (auto &[name, v] : params) {
        if (auto *t = std::get_if<TensorSpec>(&v)) KeepValuesWritable(*t);
    }
}

void WildEdit(spec::Choices &ch, Case &c) {
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    const int what = static_cast<int>(ch.Int(0, 11));
    if (what == 11) {  // another world size (overrides beyond it are dropped by Normalize)
        c.world = static_cast<int>(ch.Int(1, kMaxWildWorld));
        return;
    }
    if (what == 10) {
        c.schedule = static_cast<uint64_t>(ch.Int(0, 1 << 20));
        return;
    }
    const harness::ParamDecl &p = sig->params[static_cast<size_t>(ch.Int(0, static_cast<int64_t>(sig->params.size()) - 1))];
    // -1 = every rank (the common value), else one rank's override.
    const int rank = ch.Int(0, 2) == 0 ? static_cast<int>(ch.Int(0, c.world - 1)) : -1;
    Value v;
    switch (p.kind) {
        case ParamKind::kTensor: v = WildTensor(ch, c.Tensor(rank < 0 ? 0 : rank, p.name)); break;
        case ParamKind::kString: v = WildString(ch); break;
        case ParamKind::kInt: v = ch.Int(0, 3) == 0 ? Value{harness::Null{}} : Value{WildInt(ch)}; break;
        case ParamKind::kDouble: v = static_cast<double>(WildInt(ch)); break;
        case ParamKind::kComm: v = ch.Bool() ? Value{harness::CommName{}} : Value{harness::Null{}}; break;
    }
    if (rank < 0) {
        c.Set(p.name, v);
    } else {
        c.SetForRank(rank, p.name, v);
    }
}

}  // namespace

// Every registered operator with a spec family (spec::GeneratableOps, from the registries):
// an operator that lands later is fuzzed with no change here.
const std::vector<std::string> &WildOps() {
    static const std::vector<std::string> ops = [] {
        std::vector<std::string> out;
        for (const std::string &op : spec::GeneratableOps()) {
            if (harness::FindSignature(op) != nullptr) out.push_back(op);
        }
        return out;
    }();
    return ops;
}

Case WildCase(spec::Choices &ch) {
    const std::string &op = ch.Pick(WildOps());
    const harness::Platform platform = Platform();
    spec::Limits limits;
    limits.max_m = 32;
    limits.max_k = 64;
    limits.max_n = 32;
    limits.max_world = kMaxWildWorld;
    // One byte says what to start from: odd, a refused case (one rule's violation); 2 mod 8, a
    // valid case bent by a documented tolerance (k == 0, commTurn > 0, …: the successes only a
    // note rule's violate() makes, which a campaign never reached otherwise); else a valid case.
    // Odd and even are what the byte meant before the tolerances (a Bool), so older corpus
    // inputs mostly keep their cases.
    const int64_t start = ch.Int(0, 255);
    Case c = start % 2 == 1 ? spec::GenerateInvalid(op, platform, ch, limits).value
                            : spec::GenerateValid(op, platform, ch, limits);
    if (start % 8 == 2) {
        if (std::optional<Case> bent = spec::BendByTolerance(op, platform, c, ch)) c = std::move(*bent);
    }
    const int64_t edits = ch.Int(0, 4);
    for (int64_t i = 0; i < edits; ++i) WildEdit(ch, c);
    KeepValuesWritable(c.params);
    for (auto &[rank, params] : c.overrides) KeepValuesWritable(params);
    c.Normalize();
    return c;
}

}  // namespace mc2::fuzz
