// impl/atbfw/product.h — which product the ATB operations emulate, for the limits the ATB
// documents give per product (the ini dtype rows, the bf16 ban of the inference product).
//
// MC2_PLATFORM selects it, as for the aclnn operators (ops/common/platform.h): atlas_a2 and
// ascend_950 (ATB treats both alike here: the full dtype rows) and, for ATB only,
// atlas_inference (Atlas inference products, "310P" in the vendor code: float16/int8 rows,
// bf16 refused). The aclnn operators do not emulate the inference product and keep refusing
// that value ("not a known platform"): their documents give no complete 310P profile.
#ifndef MC2_IMPL_ATBFW_PRODUCT_H_
#define MC2_IMPL_ATBFW_PRODUCT_H_

#include <string>

namespace mc2::impl::atbfw {

enum class Product { kAtlasA2, kAscend950, kAtlasInference };

// False (with *error set) when MC2_PLATFORM names no known product.
bool CurrentProduct(Product *product, std::string *error);

const char *ProductName(Product product);

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_PRODUCT_H_
