// harness/dtype_names.cc — name tables for aclDataType / aclFormat (see dtype_names.h).
#include "harness/dtype_names.h"

#include <charconv>
#include <cstdint>
#include <utility>

namespace mc2::harness {
namespace {

struct DtypeRow {
    aclDataType dtype;
    const char *name;
    int bits;
};

constexpr DtypeRow kDtypes[] = {
    {ACL_DT_UNDEFINED, "dt_undefined", 0}, {ACL_FLOAT, "float", 32},       {ACL_FLOAT16, "float16", 16},
    {ACL_INT8, "int8", 8},                 {ACL_INT32, "int32", 32},       {ACL_UINT8, "uint8", 8},
    {ACL_INT16, "int16", 16},              {ACL_UINT16, "uint16", 16},     {ACL_UINT32, "uint32", 32},
    {ACL_INT64, "int64", 64},              {ACL_UINT64, "uint64", 64},     {ACL_DOUBLE, "double", 64},
    {ACL_BOOL, "bool", 8},                 {ACL_STRING, "string", 0},      {ACL_COMPLEX64, "complex64", 64},
    {ACL_COMPLEX128, "complex128", 128},   {ACL_BF16, "bf16", 16},         {ACL_INT4, "int4", 4},
    {ACL_UINT1, "uint1", 1},               {ACL_COMPLEX32, "complex32", 32}, {ACL_HIFLOAT8, "hifloat8", 8},
    {ACL_FLOAT8_E5M2, "float8_e5m2", 8},   {ACL_FLOAT8_E4M3FN, "float8_e4m3fn", 8},
    {ACL_FLOAT8_E8M0, "float8_e8m0", 8},   {ACL_FLOAT6_E3M2, "float6_e3m2", 6},
    {ACL_FLOAT6_E2M3, "float6_e2m3", 6},   {ACL_FLOAT4_E2M1, "float4_e2m1", 4},
    {ACL_FLOAT4_E1M2, "float4_e1m2", 4},
};

constexpr std::pair<aclFormat, const char *> kFormats[] = {
    {ACL_FORMAT_UNDEFINED, "fmt_undefined"},
    {ACL_FORMAT_NCHW, "nchw"},
    {ACL_FORMAT_NHWC, "nhwc"},
    {ACL_FORMAT_ND, "nd"},
    {ACL_FORMAT_NC1HWC0, "nc1hwc0"},
    {ACL_FORMAT_FRACTAL_Z, "fractal_z"},
    {ACL_FORMAT_NC1HWC0_C04, "nc1hwc0_c04"},
    {ACL_FORMAT_HWCN, "hwcn"},
    {ACL_FORMAT_NDHWC, "ndhwc"},
    {ACL_FORMAT_FRACTAL_NZ, "fractal_nz"},
    {ACL_FORMAT_NCDHW, "ncdhw"},
    {ACL_FORMAT_NDC1HWC0, "ndc1hwc0"},
    {ACL_FRACTAL_Z_3D, "fractal_z_3d"},
    {ACL_FORMAT_NC, "nc"},
    {ACL_FORMAT_NCL, "ncl"},
    {ACL_FORMAT_FRACTAL_NZ_C0_16, "fractal_nz_c0_16"},
    {ACL_FORMAT_FRACTAL_NZ_C0_32, "fractal_nz_c0_32"},
    {ACL_FORMAT_FRACTAL_NZ_C0_2, "fractal_nz_c0_2"},
    {ACL_FORMAT_FRACTAL_NZ_C0_4, "fractal_nz_c0_4"},
    {ACL_FORMAT_FRACTAL_NZ_C0_8, "fractal_nz_c0_8"},
};

std::optional<int64_t> ParseSuffixNumber(std::string_view text, std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
    text.remove_prefix(prefix.size());
    if (text.empty()) return std::nullopt;
    int64_t v = 0;
    const char *end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < INT32_MIN || v > INT32_MAX) return std::nullopt;
    return v;
}

}  // namespace

std::string DtypeName(aclDataType dtype) {
    for (const auto &row : kDtypes) {
        if (row.dtype == dtype) return row.name;
    }
    return "dt" + std::to_string(static_cast<int>(dtype));
}

std::optional<aclDataType> ParseDtype(std::string_view name) {
    for (const auto &row : kDtypes) {
        if (name == row.name) return row.dtype;
    }
    if (name == "fp16") return ACL_FLOAT16;  // common aliases accepted on input only
    if (name == "fp32" || name == "float32") return ACL_FLOAT;
    if (auto v = ParseSuffixNumber(name, "dt")) return static_cast<aclDataType>(*v);
    return std::nullopt;
}

std::string FormatName(aclFormat format) {
    for (const auto &[f, name] : kFormats) {
        if (f == format) return name;
    }
    return "fmt" + std::to_string(static_cast<int>(format));
}

std::optional<aclFormat> ParseFormat(std::string_view name) {
    for (const auto &[f, n] : kFormats) {
        if (name == n) return f;
    }
    if (name == "nz") return ACL_FORMAT_FRACTAL_NZ;
    if (auto v = ParseSuffixNumber(name, "fmt")) return static_cast<aclFormat>(*v);
    return std::nullopt;
}

int DtypeBits(aclDataType dtype) {
    for (const auto &row : kDtypes) {
        if (row.dtype == dtype) return row.bits;
    }
    return 0;
}

}  // namespace mc2::harness
