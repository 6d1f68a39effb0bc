// harness/case.cc — Case model helpers, canonical printer and descriptor parser (case.h).
#include "harness/case.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>

#include "harness/dtype_names.h"
#include "harness/enum_names.h"
#include "harness/signatures.h"

namespace mc2::harness {

// ---- names ----------------------------------------------------------------------------------

namespace {
constexpr EnumNames<Platform, 2> kPlatformNames{{{{Platform::kAtlasA2, "atlas_a2"}, {Platform::kAscend950, "ascend_950"}}}};
constexpr EnumNames<Dist, 6> kDistNames{{{
    {Dist::kNormal, "normal"}, {Dist::kUniform, "uniform"}, {Dist::kCancel, "cancel"},
    {Dist::kTies, "ties"},     {Dist::kExtreme, "extreme"}, {Dist::kExact, "exact"},
}}};
}  // namespace

std::string PlatformName(Platform platform) { return std::string(kPlatformNames.Name(platform, "atlas_a2")); }
std::optional<Platform> ParsePlatform(std::string_view name) { return kPlatformNames.Parse(name); }
std::string DistName(Dist dist) { return std::string(kDistNames.Name(dist, "normal")); }
std::optional<Dist> ParseDist(std::string_view name) { return kDistNames.Parse(name); }

// ---- TensorSpec -----------------------------------------------------------------------------

namespace {

// The contiguous stride of the dim before one of `dim` elements at `stride`; saturates instead
// of overflowing for absurd shapes a fuzzer may build (a dim below 1 counts as 1).
int64_t OuterStride(int64_t stride, int64_t dim) {
    const int64_t d = std::max<int64_t>(dim, 1);
    return stride > std::numeric_limits<int64_t>::max() / d ? std::numeric_limits<int64_t>::max() : stride * d;
}

// The product of `dims`: 0 when one is ≤ 0 (even after dims that saturate), else saturating.
int64_t SaturatingProduct(const std::vector<int64_t> &dims) {
    for (int64_t d : dims) {
        if (d <= 0) return 0;
    }
    int64_t p = 1;
    for (int64_t d : dims) p = OuterStride(p, d);
    return p;
}

}  // namespace

std::vector<int64_t> ContiguousStrides(const std::vector<int64_t> &shape) {
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = OuterStride(strides[i], shape[i]);
    return strides;
}

int64_t TensorSpec::NumElements() const { return SaturatingProduct(shape); }

std::vector<int64_t> TensorSpec::Strides() const {
    return strides.empty() && !shape.empty() ? ContiguousStrides(shape) : strides;
}

namespace {

// Calls visit(dim, stride) for each dim and its stride, stopping when visit returns false: the
// explicit strides (over as many dims as both lists have), or the contiguous ones, which are
// made here from the last dim back with ContiguousStrides's saturation instead of in a vector.
// The geometry below runs for every tensor of every case a fuzzer makes, several times per
// tensor; a vector per question was a tenth of all the allocations of an api_fuzzer input
// (fuzz/README.md "Session 12"). Its callers add terms up, so the order of dims is free.
template <class Visit>
void ForEachStride(const std::vector<int64_t> &shape, const std::vector<int64_t> &strides, Visit visit) {
    if (!strides.empty()) {
        for (size_t i = 0; i < shape.size() && i < strides.size(); ++i) {
            if (!visit(shape[i], strides[i])) return;
        }
        return;
    }
    int64_t stride = 1;
    for (size_t i = shape.size(); i-- > 0;) {
        if (!visit(shape[i], stride)) return;
        stride = OuterStride(stride, shape[i]);
    }
}

}  // namespace

bool TensorSpec::IsContiguous() const {
    if (strides.empty()) return true;
    if (strides.size() != shape.size()) return false;
    bool same = true;
    size_t i = shape.size();
    ForEachStride(shape, {}, [&](int64_t, int64_t contiguous) {
        same = strides[--i] == contiguous;
        return same;
    });
    return same;
}

namespace {

// The view's dims ordered by decreasing stride (a stable order), when its explicit strides are
// one per dim: the layout StorageShape() derives for a permuted contiguous view. Written into a
// buffer on the stack for the usual ranks, so that asking does not allocate.
class StrideOrder {
  public:
    explicit StrideOrder(const TensorSpec &t) : n_(t.shape.size()) {
        size_t *order = n_ <= kInline ? inline_.data() : (heap_.resize(n_), heap_.data());
        // Insertion sort: stable, and unlike std::stable_sort it needs no temporary buffer.
        for (size_t i = 0; i < n_; ++i) {
            size_t j = i;
            for (; j > 0 && t.strides[order[j - 1]] < t.strides[i]; --j) order[j] = order[j - 1];
            order[j] = i;
        }
        order_ = order;
    }
    size_t operator[](size_t k) const { return order_[k]; }
    size_t size() const { return n_; }

  private:
    static constexpr size_t kInline = 16;
    size_t n_;
    std::array<size_t, kInline> inline_{};
    std::vector<size_t> heap_;
    const size_t *order_ = nullptr;
};

// Whether explicit strides (one per dim) lay the view out as a permutation of a contiguous
// layout at offset 0, e.g. a transposed matrix: in stride order they are the contiguous strides
// of the permuted dims (with ContiguousStrides's saturation).
bool PermutedContiguous(const TensorSpec &t) {
    if (t.offset != 0 || t.strides.size() != t.shape.size() || t.shape.empty()) return false;
    const StrideOrder order(t);
    int64_t expected = 1;
    for (size_t k = order.size(); k-- > 0;) {
        const size_t i = order[k];
        if (t.strides[i] != expected) return false;
        expected = OuterStride(expected, t.shape[i]);
    }
    return true;
}

}  // namespace

const std::vector<int64_t> &TensorSpec::StorageShapeIn(std::vector<int64_t> &scratch) const {
    if (!storage_shape.empty()) return storage_shape;
    if (shape.empty() || IsContiguous()) return shape;
    scratch = StorageShape();
    return scratch;
}

std::vector<int64_t> TensorSpec::StorageShape() const {
    if (!storage_shape.empty() || shape.empty()) return storage_shape.empty() ? shape : storage_shape;
    if (IsContiguous()) return shape;
    // A permutation of a contiguous layout (e.g. a transposed matrix): the storage is that
    // layout, dims ordered by decreasing stride. Anything else: a flat span.
    if (!PermutedContiguous(*this)) return {StorageElementsNeeded()};
    const StrideOrder order(*this);
    std::vector<int64_t> permuted(shape.size());
    for (size_t k = 0; k < order.size(); ++k) permuted[k] = shape[order[k]];
    return permuted;
}

int64_t TensorSpec::StorageShapeElements() const {
    if (!storage_shape.empty()) return SaturatingProduct(storage_shape);
    // The view's dims, in whatever order (a permutation has their product), or the flat span.
    if (shape.empty() || IsContiguous() || PermutedContiguous(*this)) return SaturatingProduct(shape);
    return std::max<int64_t>(StorageElementsNeeded(), 0);
}

bool TensorSpec::ReachesBeforeStorage() const {
    if (offset < 0) return true;
    if (NumElements() == 0) return false;
    // The lowest element index, offset + Σ (shape[i]-1)·min(stride[i], 0), in 128 bits: every
    // term is at most 2^126 in magnitude and the walk stops as soon as the sum goes negative
    // (only negative terms are added, so where it stops does not depend on the order).
    __int128 lowest = offset;
    ForEachStride(shape, strides, [&](int64_t dim, int64_t stride) {
        if (stride < 0) lowest += static_cast<__int128>(dim - 1) * stride;
        return lowest >= 0;
    });
    return lowest < 0;
}

int64_t TensorSpec::StorageElementsNeeded() const {
    if (NumElements() == 0) return 0;
    // Every dim is ≥ 1 here and every term is ≥ 0, so the exact overflow test below saturates
    // whatever order the dims come in.
    int64_t span = 1;
    bool saturated = false;
    ForEachStride(shape, strides, [&](int64_t dim, int64_t stride) {
        if (dim == 1) return true;  // its stride is never stepped, whatever it is (INT64_MIN too)
        if (stride == std::numeric_limits<int64_t>::min()) return !(saturated = true);
        const int64_t step = stride < 0 ? -stride : stride;
        if (step != 0 && dim - 1 > (std::numeric_limits<int64_t>::max() - span) / step) return !(saturated = true);
        span += (dim - 1) * step;
        return true;
    });
    if (saturated) return std::numeric_limits<int64_t>::max();
    return offset > std::numeric_limits<int64_t>::max() - span ? std::numeric_limits<int64_t>::max()
                                                               : span + std::max<int64_t>(offset, 0);
}

// ---- Case -----------------------------------------------------------------------------------

namespace {
const Value kNullValue = Null{};

void NormalizeValue(Value &v) {
    if (auto *t = std::get_if<TensorSpec>(&v)) {
        if (!t->strides.empty() && t->strides == ContiguousStrides(t->shape)) t->strides.clear();
        if (!t->storage_shape.empty()) {
            TensorSpec probe = *t;
            probe.storage_shape.clear();
            if (probe.StorageShape() == t->storage_shape) t->storage_shape.clear();
        }
    }
}
}  // namespace

// A plain loop, and no coverage instrumentation in the fuzz builds: these are names of the
// signature, never input the fuzzers steer (case.h, ParamNameLess).
#if defined(__clang__)
#define MC2_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define MC2_NO_COVERAGE
#endif
MC2_NO_COVERAGE bool ParamNameLess::operator()(std::string_view a, std::string_view b) const noexcept {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
}

const Value &Case::Get(int rank, std::string_view name) const {
    if (auto r = overrides.find(rank); r != overrides.end()) {
        if (auto it = r->second.find(name); it != r->second.end()) return it->second;
    }
    if (auto it = params.find(name); it != params.end()) return it->second;
    return kNullValue;
}

const TensorSpec *Case::Tensor(int rank, std::string_view name) const {
    return std::get_if<TensorSpec>(&Get(rank, name));
}

void Case::Set(const std::string &name, Value value) {
    params[name] = std::move(value);
    for (auto &[rank, m] : overrides) m.erase(name);
    std::erase_if(overrides, [](const auto &kv) { return kv.second.empty(); });
}

void Case::SetForRank(int rank, const std::string &name, Value value) { overrides[rank][name] = std::move(value); }

void Case::Normalize() {
    // Every parameter of the signature is present: an absent tensor or string is null, an
    // absent number is 0 (numbers have no null in the ABI).
    // A null number (a fuzzer's edit) is that 0 too: it is what the call passes (CallArgs::I),
    // and the descriptor grammar has no null number to print it as.
    if (const OpSignature *sig = FindSignature(op)) {
        for (const auto &p : sig->params) {
            const bool numeric = p.kind == ParamKind::kInt || p.kind == ParamKind::kDouble;
            const Value zero = p.kind == ParamKind::kInt ? Value(int64_t{0}) : Value(0.0);
            switch (p.kind) {
                case ParamKind::kInt: params.try_emplace(p.name, int64_t{0}); break;
                case ParamKind::kDouble: params.try_emplace(p.name, 0.0); break;
                default: params.try_emplace(p.name, Null{}); break;
            }
            if (!numeric) continue;
            if (std::holds_alternative<Null>(params[p.name])) params[p.name] = zero;
            for (auto &[rank, m] : overrides) {
                auto it = m.find(p.name);
                if (it != m.end() && std::holds_alternative<Null>(it->second)) it->second = zero;
            }
        }
    }
    for (auto &[name, v] : params) NormalizeValue(v);
    for (auto &[rank, m] : overrides) {
        for (auto &[name, v] : m) NormalizeValue(v);
        std::erase_if(m, [&](const auto &kv) {
            auto it = params.find(kv.first);
            return it != params.end() ? it->second == kv.second : std::holds_alternative<Null>(kv.second);
        });
    }
    std::erase_if(overrides, [&](const auto &kv) { return kv.second.empty() || kv.first < 0 || kv.first >= world; });
}

// ---- printing -------------------------------------------------------------------------------

namespace {

std::string Dims(const std::vector<int64_t> &dims) {
    std::string s;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(dims[i]);
    }
    return s;
}

std::string Quote(const std::string &text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x21 || c > 0x7E) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string DoubleText(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[40];
    // %.17g round-trips every double; force a '.' or 'e' so it reads back as a double.
    std::snprintf(buf, sizeof buf, "%.17g", d);
    std::string s = buf;
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

}  // namespace

std::string ValueToString(const Value &value) {
    struct Printer {
        std::string operator()(const Null &) const { return "null"; }
        std::string operator()(const CommName &) const { return "comm"; }
        std::string operator()(int64_t v) const { return std::to_string(v); }
        std::string operator()(double v) const { return DoubleText(v); }
        std::string operator()(const std::string &v) const { return Quote(v); }
        std::string operator()(const TensorSpec &t) const {
            std::string s = DtypeName(t.dtype) + "[" + Dims(t.shape) + "]";
            if (!t.strides.empty()) s += "s(" + Dims(t.strides) + ")";
            if (t.offset != 0) s += "o(" + std::to_string(t.offset) + ")";
            if (t.format != ACL_FORMAT_ND) s += "f(" + FormatName(t.format) + ")";
            if (!t.storage_shape.empty()) s += "st(" + Dims(t.storage_shape) + ")";
            if (!t.values.empty()) s += "v(" + Dims(t.values) + ")";
            return s;
        }
    };
    return std::visit(Printer{}, value);
}

namespace {
std::string ParamText(const OpSignature *sig, const std::string &name, const Value &v) {
    // A null tensor prints as '-', a null string as 'null'.
    if (std::holds_alternative<Null>(v) && sig) {
        if (const ParamDecl *d = sig->Find(name); d && d->kind == ParamKind::kTensor) return "-";
    }
    return ValueToString(v);
}
}  // namespace

std::string Case::ToString() const {
    Case c = *this;
    c.Normalize();
    const OpSignature *sig = FindSignature(c.op);
    std::ostringstream out;
    out << c.op << " platform=" << PlatformName(c.platform) << " world=" << c.world;
    std::vector<std::string> order;
    if (sig) {
        for (const auto &p : sig->params) order.push_back(p.name);
    }
    for (const auto &[name, v] : c.params) {
        if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
    }
    for (const auto &name : order) {
        auto it = c.params.find(name);
        out << ' ' << name << '=' << ParamText(sig, name, it != c.params.end() ? it->second : kNullValue);
    }
    out << " seed=" << c.seed << " dist=" << DistName(c.dist) << " sched=" << c.schedule;
    for (const auto &[rank, m] : c.overrides) {
        for (const auto &name : order) {
            if (auto it = m.find(name); it != m.end()) out << ' ' << name << '@' << rank << '=' << ParamText(sig, name, it->second);
        }
    }
    return out.str();
}

// ---- parsing --------------------------------------------------------------------------------

namespace {

class Cursor {
public:
    explicit Cursor(std::string_view s) : s_(s) {}
    bool Done() const { return i_ >= s_.size(); }
    char Peek() const { return Done() ? '\0' : s_[i_]; }
    bool Eat(char c) {
        if (Peek() != c) return false;
        ++i_;
        return true;
    }
    bool EatWord(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) return false;
        i_ += w.size();
        return true;
    }
    std::string_view Rest() const { return s_.substr(i_); }
    void Advance(size_t n) { i_ += n; }
    std::string_view TakeWhile(bool (*pred)(char)) {
        const size_t start = i_;
        while (!Done() && pred(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }

private:
    std::string_view s_;
    size_t i_ = 0;
};

bool IsIdent(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
// A dtype or format name: an identifier, or "dt<n>" / "fmt<n>" for an integer no enumerator
// names, negative ones included ("fmt-2": any integer a caller may pass through the C ABI).
bool IsTypeNameChar(char c) { return IsIdent(c) || c == '-'; }

std::optional<int64_t> ParseInt(std::string_view t) {
    int64_t v = 0;
    const char *end = t.data() + t.size();
    auto [p, ec] = std::from_chars(t.data(), end, v);
    if (ec != std::errc() || p != end || t.empty()) return std::nullopt;
    return v;
}

std::optional<uint64_t> ParseUint(std::string_view t) {
    uint64_t v = 0;
    const char *end = t.data() + t.size();
    auto [p, ec] = std::from_chars(t.data(), end, v);
    if (ec != std::errc() || p != end || t.empty()) return std::nullopt;
    return v;
}

std::optional<std::vector<int64_t>> ParseDimList(Cursor &c, char close) {
    std::vector<int64_t> dims;
    if (c.Eat(close)) return dims;
    while (true) {
        auto tok = c.TakeWhile([](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-'; });
        auto v = ParseInt(tok);
        if (!v) return std::nullopt;
        dims.push_back(*v);
        if (c.Eat(close)) return dims;
        if (!c.Eat(',')) return std::nullopt;
    }
}


std::optional<TensorSpec> ParseTensor(std::string_view text, std::string &error) {
    Cursor c(text);
    auto dt = c.TakeWhile(IsTypeNameChar);
    auto dtype = ParseDtype(dt);
    if (!dtype) {
        error = "unknown dtype '" + std::string(dt) + "'";
        return std::nullopt;
    }
    TensorSpec t;
    t.dtype = *dtype;
    if (!c.Eat('[')) {
        error = "expected '[' after dtype in '" + std::string(text) + "'";
        return std::nullopt;
    }
    auto shape = ParseDimList(c, ']');
    if (!shape) {
        error = "bad shape in '" + std::string(text) + "'";
        return std::nullopt;
    }
    t.shape = *shape;
    while (!c.Done()) {
        if (c.EatWord("st(")) {
            auto d = ParseDimList(c, ')');
            if (!d || d->empty()) return error = "bad storage shape in '" + std::string(text) + "'", std::nullopt;
            t.storage_shape = *d;
        } else if (c.EatWord("s(")) {
            auto d = ParseDimList(c, ')');
            if (!d || d->size() != t.shape.size()) {
                return error = "strides must have one entry per dim in '" + std::string(text) + "'", std::nullopt;
            }
            t.strides = *d;
        } else if (c.EatWord("o(")) {
            auto d = ParseDimList(c, ')');
            if (!d || d->size() != 1) return error = "bad offset in '" + std::string(text) + "'", std::nullopt;
            t.offset = (*d)[0];
        } else if (c.EatWord("v(")) {
            auto d = ParseDimList(c, ')');
            if (!d || d->empty()) return error = "bad values in '" + std::string(text) + "'", std::nullopt;
            if (!IsIntegerDtype(t.dtype)) {
                return error = "explicit values v(...) are for integer dtypes only, in '" + std::string(text) + "'",
                       std::nullopt;
            }
            t.values = *d;
        } else if (c.EatWord("f(")) {
            auto name = c.TakeWhile(IsTypeNameChar);
            auto fmt = ParseFormat(name);
            if (!fmt || !c.Eat(')')) return error = "bad format in '" + std::string(text) + "'", std::nullopt;
            t.format = *fmt;
        } else {
            error = "unexpected '" + std::string(c.Rest()) + "' in tensor '" + std::string(text) + "'";
            return std::nullopt;
        }
    }
    if (!t.values.empty() && static_cast<int64_t>(t.values.size()) != t.NumElements()) {
        error = "v(...) gives " + std::to_string(t.values.size()) + " values for " + std::to_string(t.NumElements()) +
                " elements in '" + std::string(text) + "'";
        return std::nullopt;
    }
    return t;
}

std::optional<std::string> ParseQuoted(std::string_view text, std::string &error) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
        error = "string values are written \"...\", null or comm";
        return std::nullopt;
    }
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
        char ch = text[i];
        if (ch != '\\') {
            out += ch;
            continue;
        }
        if (i + 2 >= text.size()) return error = "dangling escape in string", std::nullopt;
        char e = text[++i];
        if (e == '"' || e == '\\') {
            out += e;
        } else if (e == 'x' && i + 3 < text.size()) {
            unsigned v = 0;
            auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
            if (ec != std::errc() || p != text.data() + i + 3) return error = "bad \\x escape", std::nullopt;
            out += static_cast<char>(v);
            i += 2;
        } else {
            return error = "unknown escape in string", std::nullopt;
        }
    }
    return out;
}

std::optional<Value> ParseValue(const ParamDecl &decl, std::string_view text, std::string &error) {
    switch (decl.kind) {
        case ParamKind::kTensor: {
            if (text == "-") return Value{Null{}};
            auto t = ParseTensor(text, error);
            if (!t) return std::nullopt;
            return Value{*t};
        }
        case ParamKind::kInt: {
            auto v = ParseInt(text);
            if (!v) return error = "'" + decl.name + "' takes an integer", std::nullopt;
            return Value{*v};
        }
        case ParamKind::kDouble: {
            if (text == "nan") return Value{std::numeric_limits<double>::quiet_NaN()};
            if (text == "inf") return Value{std::numeric_limits<double>::infinity()};
            if (text == "-inf") return Value{-std::numeric_limits<double>::infinity()};
            double d = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
                return error = "'" + decl.name + "' takes a number", std::nullopt;
            }
            return Value{d};
        }
        case ParamKind::kString: {
            if (text == "null") return Value{Null{}};
            if (text == "comm") return Value{CommName{}};
            auto s = ParseQuoted(text, error);
            if (!s) return std::nullopt;
            return Value{*s};
        }
        case ParamKind::kComm: {
            if (text == "null") return Value{Null{}};
            if (text == "comm") return Value{CommName{}};
            return error = "'" + decl.name + "' takes comm (the rank's communicator) or null", std::nullopt;
        }
    }
    return std::nullopt;
}

// Splits on spaces outside double quotes.
std::optional<std::vector<std::string_view>> Tokens(std::string_view text, std::string &error) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size()) break;
        const size_t start = i;
        bool quoted = false;
        for (; i < text.size(); ++i) {
            const char ch = text[i];
            if (quoted && ch == '\\') {
                ++i;
                continue;
            }
            if (ch == '"') quoted = !quoted;
            if (!quoted && std::isspace(static_cast<unsigned char>(ch))) break;
        }
        if (quoted) return error = "unterminated string", std::nullopt;
        out.push_back(text.substr(start, i - start));
    }
    return out;
}

}  // namespace

namespace {
CaseParse ParseCaseUnchecked(std::string_view text) {
    CaseParse result;
    std::string &error = result.error;
    auto tokens = Tokens(text, error);
    if (!tokens) return result;
    if (tokens->empty()) return error = "empty descriptor", result;
    Case c;
    c.op = std::string((*tokens)[0]);
    const OpSignature *sig = FindSignature(c.op);
    if (!sig) return error = "unknown operator '" + c.op + "'", result;
    for (size_t i = 1; i < tokens->size(); ++i) {
        std::string_view tok = (*tokens)[i];
        const size_t eq = tok.find('=');
        if (eq == std::string_view::npos) return error = "expected key=value, got '" + std::string(tok) + "'", result;
        std::string_view key = tok.substr(0, eq);
        std::string_view val = tok.substr(eq + 1);
        if (key == "platform") {
            auto p = ParsePlatform(val);
            if (!p) return error = "unknown platform '" + std::string(val) + "' (atlas_a2, ascend_950)", result;
            c.platform = *p;
        } else if (key == "world") {
            auto w = ParseInt(val);
            if (!w || *w < 1 || *w > 64) return error = "world must be 1..64", result;
            c.world = static_cast<int>(*w);
        } else if (key == "seed" || key == "sched") {
            auto v = ParseUint(val);
            if (!v) return error = std::string(key) + " takes an unsigned integer", result;
            (key == "seed" ? c.seed : c.schedule) = *v;
        } else if (key == "dist") {
            auto d = ParseDist(val);
            if (!d) return error = "unknown dist '" + std::string(val) + "'", result;
            c.dist = *d;
        } else {
            int rank = -1;
            std::string name(key);
            if (const size_t at = key.find('@'); at != std::string_view::npos) {
                auto r = ParseInt(key.substr(at + 1));
                if (!r || *r < 0 || *r > 63) return error = "bad rank in '" + std::string(key) + "'", result;
                rank = static_cast<int>(*r);
                name = std::string(key.substr(0, at));
            }
            const ParamDecl *decl = sig->Find(name);
            if (!decl) return error = "'" + c.op + "' has no parameter '" + name + "'", result;
            auto v = ParseValue(*decl, val, error);
            if (!v) {
                error = name + ": " + error;
                return result;
            }
            if (rank < 0) {
                c.params[name] = *v;
            } else {
                c.overrides[rank][name] = *v;
            }
        }
    }
    for (const auto &[rank, m] : c.overrides) {
        if (rank >= c.world) return error = "override for rank " + std::to_string(rank) + " outside world", result;
    }
    c.Normalize();
    result.value = std::move(c);
    return result;
}
}  // namespace

CaseParse ParseCase(std::string_view text) {
    CaseParse result = ParseCaseUnchecked(text);
    // Errors quote pieces of the input, which may hold any byte: escape what is not printable
    // so that a reason always stays on one line (found by fuzz/descriptor_fuzzer).
    std::string printable;
    for (unsigned char ch : result.error) {
        if (ch < 0x20 || ch == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", ch);
            printable += buf;
        } else {
            printable += static_cast<char>(ch);
        }
    }
    result.error = std::move(printable);
    if (!result.value && result.error.empty()) result.error = "invalid descriptor";
    return result;
}

bool IsIntegerDtype(aclDataType d) {
    switch (d) {
        case ACL_INT8: case ACL_INT16: case ACL_INT32: case ACL_INT64:
        case ACL_UINT8: case ACL_UINT16: case ACL_UINT32: case ACL_UINT64: return true;
        default: return false;
    }
}

}  // namespace mc2::harness
