// tests/runtime/tensor_test.cc — aclCreateTensor and its accessors (round trip of every field,
// the structural rejections, null and stale handles), the array handles, aclDataTypeSize.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "runtime_fixture.h"

namespace {

using mc2::test::TakeErrMsg;

std::vector<int64_t> Take(int64_t *values, uint64_t n) {
    std::vector<int64_t> v(values, values + n);
    delete[] values;
    return v;
}

TEST(RuntimeTensor, AccessorsRoundTripEveryField) {
    const std::vector<int64_t> view = {2, 3, 4}, strides = {40, 8, 2}, storage = {1, 2, 3, 4, 5};
    int data = 0, other = 0;
    aclTensor *t = aclCreateTensor(view.data(), view.size(), ACL_BF16, strides.data(), 7, ACL_FORMAT_FRACTAL_NZ,
                                   storage.data(), storage.size(), &data);
    ASSERT_NE(t, nullptr) << TakeErrMsg();
    int64_t *values = nullptr;
    uint64_t n = 99;
    ASSERT_EQ(aclGetViewShape(t, &values, &n), ACLNN_SUCCESS);
    EXPECT_EQ(Take(values, n), view);
    ASSERT_EQ(aclGetViewStrides(t, &values, &n), ACLNN_SUCCESS);
    EXPECT_EQ(Take(values, n), strides);
    ASSERT_EQ(aclGetStorageShape(t, &values, &n), ACLNN_SUCCESS);
    EXPECT_EQ(Take(values, n), storage);
    int64_t offset = -1;
    ASSERT_EQ(aclGetViewOffset(t, &offset), ACLNN_SUCCESS);
    EXPECT_EQ(offset, 7);
    aclFormat format = ACL_FORMAT_UNDEFINED;
    ASSERT_EQ(aclGetFormat(t, &format), ACLNN_SUCCESS);
    EXPECT_EQ(format, ACL_FORMAT_FRACTAL_NZ);
    aclDataType dtype = ACL_DT_UNDEFINED;
    ASSERT_EQ(aclGetDataType(t, &dtype), ACLNN_SUCCESS);
    EXPECT_EQ(dtype, ACL_BF16);
    void *addr = nullptr;
    ASSERT_EQ(aclGetRawTensorAddr(t, &addr), ACLNN_SUCCESS);
    EXPECT_EQ(addr, &data);
    ASSERT_EQ(aclSetRawTensorAddr(t, &other), ACLNN_SUCCESS);
    ASSERT_EQ(aclGetRawTensorAddr(t, &addr), ACLNN_SUCCESS);
    EXPECT_EQ(addr, &other);
    ASSERT_EQ(aclSetRawTensorAddr(t, nullptr), ACLNN_SUCCESS);
    ASSERT_EQ(aclGetRawTensorAddr(t, &addr), ACLNN_SUCCESS);
    EXPECT_EQ(addr, nullptr);
    EXPECT_EQ(aclDestroyTensor(t), ACLNN_SUCCESS);
    EXPECT_EQ(aclGetRecentErrMsg(), nullptr);
}

TEST(RuntimeTensor, ScalarAndOpaqueDtypeFormatAreAccepted) {
    // A 0-d tensor needs no dims or strides; any dtype/format integer is carried unjudged.
    aclTensor *t = aclCreateTensor(nullptr, 0, static_cast<aclDataType>(12345), nullptr, 0,
                                   static_cast<aclFormat>(-7), nullptr, 0, nullptr);
    ASSERT_NE(t, nullptr) << TakeErrMsg();
    int64_t *values = nullptr;
    uint64_t n = 99;
    ASSERT_EQ(aclGetViewShape(t, &values, &n), ACLNN_SUCCESS);
    EXPECT_EQ(n, 0u);
    delete[] values;
    // Read back as raw integers: a C++ load of 12345 as aclDataType would itself be undefined.
    aclDataType dtype = ACL_FLOAT;
    ASSERT_EQ(aclGetDataType(t, &dtype), ACLNN_SUCCESS);
    int32_t raw = 0;
    std::memcpy(&raw, &dtype, sizeof raw);
    EXPECT_EQ(raw, 12345);
    aclFormat format = ACL_FORMAT_ND;
    ASSERT_EQ(aclGetFormat(t, &format), ACLNN_SUCCESS);
    std::memcpy(&raw, &format, sizeof raw);
    EXPECT_EQ(raw, -7);
    EXPECT_EQ(aclDestroyTensor(t), ACLNN_SUCCESS);
    // Zero-sized dims and 8 dims are fine.
    const std::vector<int64_t> eight = {1, 2, 0, 1, 1, 1, 1, 3}, s8(8, 1);
    t = aclCreateTensor(eight.data(), 8, ACL_FLOAT, s8.data(), 0, ACL_FORMAT_ND, eight.data(), 8, nullptr);
    ASSERT_NE(t, nullptr) << TakeErrMsg();
    EXPECT_EQ(aclDestroyTensor(t), ACLNN_SUCCESS);
}

TEST(RuntimeTensor, StructurallyUnusableArgumentsAreRejected) {
    const std::vector<int64_t> dims = {2, 3}, strides = {3, 1}, neg = {2, -1}, nine(9, 1);
    int data = 0;
    auto expectNull = [](aclTensor *t, const char *what) {
        EXPECT_EQ(t, nullptr) << what;
        if (t != nullptr) aclDestroyTensor(t);
        EXPECT_NE(TakeErrMsg(), "") << what;
    };
    expectNull(aclCreateTensor(nullptr, 2, ACL_FLOAT, strides.data(), 0, ACL_FORMAT_ND, dims.data(), 2, &data),
               "null viewDims");
    expectNull(aclCreateTensor(dims.data(), 2, ACL_FLOAT, nullptr, 0, ACL_FORMAT_ND, dims.data(), 2, &data),
               "null strides");
    expectNull(aclCreateTensor(dims.data(), 2, ACL_FLOAT, strides.data(), 0, ACL_FORMAT_ND, nullptr, 2, &data),
               "null storageDims");
    expectNull(aclCreateTensor(nine.data(), 9, ACL_FLOAT, nine.data(), 0, ACL_FORMAT_ND, dims.data(), 2, &data),
               "9 view dims");
    expectNull(aclCreateTensor(dims.data(), 2, ACL_FLOAT, strides.data(), 0, ACL_FORMAT_ND, nine.data(), 9, &data),
               "9 storage dims");
    expectNull(aclCreateTensor(neg.data(), 2, ACL_FLOAT, strides.data(), 0, ACL_FORMAT_ND, dims.data(), 2, &data),
               "negative view dim");
    expectNull(aclCreateTensor(dims.data(), 2, ACL_FLOAT, strides.data(), 0, ACL_FORMAT_ND, neg.data(), 2, &data),
               "negative storage dim");
    expectNull(aclCreateTensor(dims.data(), 2, ACL_FLOAT, strides.data(), -1, ACL_FORMAT_ND, dims.data(), 2, &data),
               "negative offset");
}

TEST(RuntimeTensor, NullAndStaleHandles) {
    const std::vector<int64_t> dims = {4}, strides = {1};
    aclTensor *t = aclCreateTensor(dims.data(), 1, ACL_INT8, strides.data(), 0, ACL_FORMAT_ND, dims.data(), 1, nullptr);
    ASSERT_NE(t, nullptr);
    int64_t *values = nullptr;
    uint64_t n = 0;
    int64_t offset = 0;
    aclFormat format{};
    aclDataType dtype{};
    void *addr = nullptr;
    EXPECT_ACL_FAIL(aclGetViewShape(nullptr, &values, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewShape(t, nullptr, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewShape(t, &values, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetStorageShape(nullptr, &values, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetStorageShape(t, nullptr, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetStorageShape(t, &values, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewStrides(nullptr, &values, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewStrides(t, nullptr, &n), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewStrides(t, &values, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewOffset(nullptr, &offset), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetViewOffset(t, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetFormat(nullptr, &format), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetFormat(t, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetDataType(nullptr, &dtype), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetDataType(t, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetRawTensorAddr(nullptr, &addr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetRawTensorAddr(t, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclSetRawTensorAddr(nullptr, &addr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclDestroyTensor(nullptr), ACLNN_ERR_PARAM_NULLPTR);
    ASSERT_EQ(aclDestroyTensor(t), ACLNN_SUCCESS);
    // Destroyed (or never created) handles are refused without being read.
    EXPECT_ACL_FAIL(aclDestroyTensor(t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclGetViewOffset(t, &offset), ACLNN_ERR_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclSetRawTensorAddr(t, nullptr), ACLNN_ERR_PARAM_INVALID);
    int64_t forged[16] = {};
    EXPECT_ACL_FAIL(aclGetDataType(reinterpret_cast<aclTensor *>(forged), &dtype), ACLNN_ERR_PARAM_INVALID);
}

TEST(RuntimeArrays, CreateSizeDestroy) {
    const int64_t ints[] = {3, -1, 7};
    aclIntArray *a = aclCreateIntArray(ints, 3);
    ASSERT_NE(a, nullptr);
    uint64_t size = 0;
    ASSERT_EQ(aclGetIntArraySize(a, &size), ACLNN_SUCCESS);
    EXPECT_EQ(size, 3u);
    EXPECT_ACL_FAIL(aclGetIntArraySize(nullptr, &size), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_ACL_FAIL(aclGetIntArraySize(a, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclDestroyIntArray(a), ACLNN_SUCCESS);
    EXPECT_ACL_FAIL(aclDestroyIntArray(a), ACLNN_ERR_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclGetIntArraySize(a, &size), ACLNN_ERR_PARAM_INVALID);
    EXPECT_ACL_FAIL(aclDestroyIntArray(nullptr), ACLNN_ERR_PARAM_NULLPTR);

    aclIntArray *empty = aclCreateIntArray(nullptr, 0);
    ASSERT_NE(empty, nullptr);
    ASSERT_EQ(aclGetIntArraySize(empty, &size), ACLNN_SUCCESS);
    EXPECT_EQ(size, 0u);
    EXPECT_EQ(aclDestroyIntArray(empty), ACLNN_SUCCESS);
    EXPECT_EQ(aclCreateIntArray(nullptr, 2), nullptr);
    EXPECT_NE(TakeErrMsg(), "");

    const float floats[] = {1.5f, -2.0f};
    aclFloatArray *f = aclCreateFloatArray(floats, 2);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(aclCreateFloatArray(nullptr, 1), nullptr);
    EXPECT_NE(TakeErrMsg(), "");
    EXPECT_ACL_FAIL(aclDestroyFloatArray(nullptr), ACLNN_ERR_PARAM_NULLPTR);
    // Destroying through the wrong kind's function is refused, not a mistyped delete.
    EXPECT_ACL_FAIL(aclDestroyIntArray(reinterpret_cast<aclIntArray *>(f)), ACLNN_ERR_PARAM_INVALID);
    EXPECT_EQ(aclDestroyFloatArray(f), ACLNN_SUCCESS);
    EXPECT_ACL_FAIL(aclDestroyFloatArray(f), ACLNN_ERR_PARAM_INVALID);

    const bool bools[] = {true, false, true};
    aclBoolArray *b = aclCreateBoolArray(bools, 3);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(aclCreateBoolArray(nullptr, 3), nullptr);
    EXPECT_NE(TakeErrMsg(), "");
    EXPECT_ACL_FAIL(aclDestroyBoolArray(nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclDestroyBoolArray(b), ACLNN_SUCCESS);
    EXPECT_ACL_FAIL(aclDestroyBoolArray(b), ACLNN_ERR_PARAM_INVALID);
}

TEST(RuntimeDtype, DataTypeSize) {
    struct Row {
        int t;  // int, not aclDataType: two rows are deliberately not enumerators
        size_t bytes;
    };
    const Row rows[] = {
        {ACL_FLOAT, 4},        {ACL_FLOAT16, 2},       {ACL_INT8, 1},          {ACL_INT32, 4},
        {ACL_UINT8, 1},        {ACL_INT16, 2},         {ACL_UINT16, 2},        {ACL_UINT32, 4},
        {ACL_INT64, 8},        {ACL_UINT64, 8},        {ACL_DOUBLE, 8},        {ACL_BOOL, 1},
        {ACL_STRING, 0},       {ACL_COMPLEX64, 8},     {ACL_COMPLEX128, 16},   {ACL_BF16, 2},
        {ACL_INT4, 0},         {ACL_UINT1, 0},         {ACL_COMPLEX32, 4},     {ACL_HIFLOAT8, 1},
        {ACL_FLOAT8_E5M2, 1},  {ACL_FLOAT8_E4M3FN, 1}, {ACL_FLOAT8_E8M0, 1},   {ACL_FLOAT6_E3M2, 0},
        {ACL_FLOAT6_E2M3, 0},  {ACL_FLOAT4_E2M1, 0},   {ACL_FLOAT4_E1M2, 0},   {ACL_DT_UNDEFINED, 0},
        {5, 0},                {1000, 0},
    };
    for (const Row &r : rows) EXPECT_EQ(aclDataTypeSize(static_cast<aclDataType>(r.t)), r.bytes) << r.t;
}

}  // namespace
