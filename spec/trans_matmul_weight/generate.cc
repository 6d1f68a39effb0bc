// spec/trans_matmul_weight/generate.cc — valid aclnnTransMatmulWeight cases: every documented
// dtype, shapes at the tile boundaries (1, 15, 16, 17, 31, 32, 33, …), batch dims where the
// platform allows them, plain and transposed views, storage of exactly the NZ size or larger
// (the tail must stay untouched), world sizes 1–8 (each rank converts its own weight).
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "spec/trans_matmul_weight/trans_matmul_weight.h"

namespace mc2::spec::trans_matmul_weight {

const std::vector<aclDataType> &DocumentedDtypes() {
    static const std::vector<aclDataType> kDtypes = {ACL_FLOAT16, ACL_BF16, ACL_INT8};
    return kDtypes;
}

const std::vector<aclDataType> &UndocumentedDtypes() {
    static const std::vector<aclDataType> kDtypes = {ACL_UINT8, ACL_FLOAT8_E4M3FN, ACL_HIFLOAT8};
    return kDtypes;
}

size_t MaxRank(harness::Platform platform, aclDataType dtype) {
    if (dtype == ACL_INT8 || platform == harness::Platform::kAtlasA2) return 6;
    return 2;
}

int64_t NzElements(const std::vector<int64_t> &shape, aclDataType dtype) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    const bool one_byte = dtype == ACL_INT8 || dtype == ACL_UINT8 || dtype == ACL_FLOAT8_E4M3FN || dtype == ACL_HIFLOAT8;
    const bool two_bytes = dtype == ACL_FLOAT16 || dtype == ACL_BF16;
    if (shape.size() < 2 || (!one_byte && !two_bytes)) return kMax;
    const int64_t c0 = one_byte ? 32 : 16;
    int64_t total = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
        int64_t d = shape[i];
        if (d < 0) return kMax;
        const int64_t align = i + 2 == shape.size() ? 16 : i + 1 == shape.size() ? c0 : 1;
        if (__builtin_add_overflow(d, align - 1, &d)) return kMax;
        d = d / align * align;
        if (__builtin_mul_overflow(total, d, &total)) return kMax;
    }
    return total;
}

namespace {

int64_t Dim(Choices &ch, int64_t cap) {
    static const std::vector<int64_t> kEdges = {1, 15, 16, 17, 31, 32, 33, 63, 64, 65};
    const int64_t d = ch.Int(0, 3) == 0 ? ch.Int(1, 48) : ch.Pick(kEdges);
    return std::max<int64_t>(1, std::min(d, cap));
}

}  // namespace

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &ch, const Limits &limits) {
    harness::Case c;
    c.op = std::string(op);
    c.platform = platform;
    std::vector<int> worlds;
    for (int w : {1, 2, 4, 8}) {
        if (w <= std::max(1, limits.max_world)) worlds.push_back(w);
    }
    c.world = ch.Pick(worlds);
    harness::TensorSpec w;
    w.dtype = ch.Pick(DocumentedDtypes());
    const int64_t k = Dim(ch, limits.max_k);
    const int64_t n = Dim(ch, limits.max_n);
    const bool batch = MaxRank(platform, w.dtype) > 2 && ch.Int(0, 3) == 0;
    if (batch) {
        w.shape = {ch.Int(1, 3), k, n};
    } else {
        w.shape = {k, n};
        if (ch.Int(0, 3) == 0) w.strides = {1, k};  // a transposed view over (n, k) storage
    }
    const int64_t nz = NzElements(w.shape, w.dtype);
    // Exactly the NZ size (aclnnCalculateMatmulWeightSizeV2), or more: the tail keeps its bytes.
    w.storage_shape = {nz + (ch.Int(0, 3) == 0 ? ch.Int(1, 40) : 0)};
    c.Set(kWeight, w);
    c.seed = static_cast<uint64_t>(ch.Int(1, std::numeric_limits<int32_t>::max()));
    c.dist = harness::Dist::kUniform;  // the weight is data (every bit pattern) whatever the distribution
    c.schedule = ch.Int(0, 3) == 0 ? static_cast<uint64_t>(ch.Int(1, 1 << 30)) : 0;
    c.Normalize();
    return c;
}

}  // namespace mc2::spec::trans_matmul_weight
