// impl/hccl/reduce.cc — the reduction kernels behind AllReduce / ReduceScatter (see reduce.h
// for the numerics). Loads and stores go through memcpy: blocks are only element-aligned
// relative to their allocation, and this keeps the code free of aliasing assumptions.
#include "hccl/reduce.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "hccl/dtypes.h"
#include "kernels/codecs.h"

namespace mc2::impl::hccl {
namespace {

template <typename T>
T Load(const void *base, uint64_t i) {
    T v;
    std::memcpy(&v, static_cast<const unsigned char *>(base) + i * sizeof(T), sizeof(T));
    return v;
}

template <typename T>
void Store(void *base, uint64_t i, T v) {
    std::memcpy(static_cast<unsigned char *>(base) + i * sizeof(T), &v, sizeof(T));
}

template <typename F>
F ApplyFloat(HcclReduceOp op, F a, F b) {
    switch (op) {
        case HCCL_REDUCE_SUM: return a + b;
        case HCCL_REDUCE_PROD: return a * b;
        case HCCL_REDUCE_MAX:
            if (std::isnan(a)) return a;
            if (std::isnan(b)) return b;
            return b > a ? b : a;
        case HCCL_REDUCE_MIN:
            if (std::isnan(a)) return a;
            if (std::isnan(b)) return b;
            return b < a ? b : a;
        case HCCL_REDUCE_RESERVED: break;
    }
    return a;
}

// Integers: sum and prod computed in uint64_t and truncated (two's-complement wrap-around,
// well defined in C++20); comparisons in T.
template <typename T>
T ApplyInt(HcclReduceOp op, T a, T b) {
    switch (op) {
        case HCCL_REDUCE_SUM:
            return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
        case HCCL_REDUCE_PROD:
            return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
        case HCCL_REDUCE_MAX: return b > a ? b : a;
        case HCCL_REDUCE_MIN: return b < a ? b : a;
        case HCCL_REDUCE_RESERVED: break;
    }
    return a;
}

template <typename T>
void ReduceNative(HcclReduceOp op, const void *const *blocks, size_t n_blocks, uint64_t count, void *out) {
    for (uint64_t i = 0; i < count; ++i) {
        T acc = Load<T>(blocks[0], i);
        for (size_t k = 1; k < n_blocks; ++k) {
            const T v = Load<T>(blocks[k], i);
            if constexpr (std::is_floating_point_v<T>) {
                acc = ApplyFloat<T>(op, acc, v);
            } else {
                acc = ApplyInt<T>(op, acc, v);
            }
        }
        Store<T>(out, i, acc);
    }
}

// fp16 / bf16: decode to fp32, accumulate in fp32 in rank order, round once.
template <float (*Decode)(uint16_t), uint16_t (*Encode)(float, codec::Saturation)>
void ReduceHalf(HcclReduceOp op, const void *const *blocks, size_t n_blocks, uint64_t count, void *out) {
    for (uint64_t i = 0; i < count; ++i) {
        float acc = Decode(Load<uint16_t>(blocks[0], i));
        for (size_t k = 1; k < n_blocks; ++k) acc = ApplyFloat<float>(op, acc, Decode(Load<uint16_t>(blocks[k], i)));
        Store<uint16_t>(out, i, Encode(acc, codec::Saturation::kNone));
    }
}

}  // namespace

bool ReduceBlocks(HcclDataType type, HcclReduceOp op, const void *const *blocks, size_t n_blocks, uint64_t count,
                  void *out) {
    if (n_blocks == 0) return false;
    if (op != HCCL_REDUCE_SUM && op != HCCL_REDUCE_PROD && op != HCCL_REDUCE_MAX && op != HCCL_REDUCE_MIN) return false;
    if (type == HCCL_DATA_TYPE_INT128 || type == HCCL_DATA_TYPE_RESERVED) return false;
    if (n_blocks == 1) {
        // One rank: the identity, bit for bit (no decode/encode round trip of NaN payloads).
        const size_t bytes = static_cast<size_t>(count) * ElementSize(type);
        if (bytes != 0 && out != blocks[0]) std::memmove(out, blocks[0], bytes);
        return true;
    }
    switch (type) {
        case HCCL_DATA_TYPE_INT8: ReduceNative<int8_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_INT16: ReduceNative<int16_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_INT32: ReduceNative<int32_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_INT64: ReduceNative<int64_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_UINT8: ReduceNative<uint8_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_UINT16: ReduceNative<uint16_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_UINT32: ReduceNative<uint32_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_UINT64: ReduceNative<uint64_t>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_FP32: ReduceNative<float>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_FP64: ReduceNative<double>(op, blocks, n_blocks, count, out); return true;
        case HCCL_DATA_TYPE_FP16:
            ReduceHalf<codec::HalfToFloat, codec::FloatToHalf>(op, blocks, n_blocks, count, out);
            return true;
        case HCCL_DATA_TYPE_BFP16:
            ReduceHalf<codec::Bf16ToFloat, codec::FloatToBf16>(op, blocks, n_blocks, count, out);
            return true;
        case HCCL_DATA_TYPE_INT128:
        case HCCL_DATA_TYPE_RESERVED: break;
    }
    return false;
}

}  // namespace mc2::impl::hccl
