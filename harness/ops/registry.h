// harness/ops/registry.h — where operators register themselves. An operator's binding file
// (harness/ops/<op>.cc) ends with
//
//     MC2_REGISTER_OPERATOR(MakeMyOpBinding, &spec::my_op::Family);
//
// which, at static initialisation, registers the binding, its signature (harness/signatures.h)
// and its spec family (spec/catalogue.h). No shared list names an operator: the binding files
// are collected by a glob into the mc2operators library, which every suite executable links
// whole (cmake/Suite.cmake), so no registration is dropped by the linker.
#ifndef MC2_HARNESS_OPS_REGISTRY_H_
#define MC2_HARNESS_OPS_REGISTRY_H_

#include <string_view>
#include <vector>

#include "harness/ops/binding.h"
#include "spec/catalogue.h"

namespace mc2::harness {

// The binding for an operator, or nullptr.
const OpBinding *FindBinding(std::string_view op);
// Every registered binding, sorted by op id (deterministic whatever the link order).
const std::vector<const OpBinding *> &AllBindings();

// The ABI symbols `op` needs, empty for an unknown op (what a run must find before it starts).
std::vector<std::string> RequiredSymbols(std::string_view op);

struct OperatorRegistrar {
    // Registers make()'s binding and, when non-null, the spec family (once per family name).
    // A duplicate op id aborts at start-up with a message: two files claiming one operator is a
    // build mistake that must not be resolved silently by link order.
    OperatorRegistrar(OpBinding (*make)(), spec::OpFamily (*family)());
};

#define MC2_REGISTER_OPERATOR_CAT2(a, b) a##b
#define MC2_REGISTER_OPERATOR_CAT(a, b) MC2_REGISTER_OPERATOR_CAT2(a, b)
#define MC2_REGISTER_OPERATOR(make, family)                                                        \
    static const ::mc2::harness::OperatorRegistrar MC2_REGISTER_OPERATOR_CAT(mc2_operator_registrar_, \
                                                                             __LINE__)((make), (family))

}  // namespace mc2::harness

#endif  // MC2_HARNESS_OPS_REGISTRY_H_
