// impl/atbfw/product.cc — the emulated product of the ATB operations (see product.h).
#include "atbfw/product.h"

#include <cstdlib>
#include <string_view>

#include "ops/common/platform.h"

namespace mc2::impl::atbfw {

bool CurrentProduct(Product *product, std::string *error) {
    const char *env = std::getenv("MC2_PLATFORM");
    if (env != nullptr && std::string_view(env) == "atlas_inference") {
        *product = Product::kAtlasInference;
        return true;
    }
    ops::Platform platform;
    std::string why;
    if (!ops::CurrentPlatform(&platform, &why)) {
        *error = std::string("MC2_PLATFORM=") + env + " is not a known platform; expected atlas_a2, ascend_950 or "
                 "atlas_inference";
        return false;
    }
    *product = platform == ops::Platform::kAscend950 ? Product::kAscend950 : Product::kAtlasA2;
    return true;
}

const char *ProductName(Product product) {
    switch (product) {
        case Product::kAscend950: return "ascend_950";
        case Product::kAtlasInference: return "atlas_inference";
        case Product::kAtlasA2: break;
    }
    return "atlas_a2";
}

}  // namespace mc2::impl::atbfw
