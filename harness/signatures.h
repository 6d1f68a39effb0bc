// harness/signatures.h — the parameter lists of every operator the suite drives, in call order.
// They are not written here: each operator's binding (harness/ops/<op>.cc) derives its signature
// once and registers it (harness/ops/registry.h) at static initialisation, so the descriptor
// printer and parser (harness/case.cc), which sit below the bindings, can look them up.
#ifndef MC2_HARNESS_SIGNATURES_H_
#define MC2_HARNESS_SIGNATURES_H_

#include <string_view>
#include <vector>

#include "harness/case.h"

namespace mc2::harness {

// Registration is two-step so that no registry is built during static initialisation (where
// another file's statics — a rule table's operator list, say — may not exist yet): at static
// initialisation a registrar only records a function (AddRegistration); the first look-up in
// any registry (signatures, bindings, spec families) runs every recorded function once
// (RunRegistrations), after main() has started.
void AddRegistration(void (*run)());
void RunRegistrations();

// Called by the binding registry only, from a registration function. A second signature for the
// same op replaces the first (it must not happen; the registry refuses duplicates).
void RegisterSignature(OpSignature signature);

// nullptr when no binding registered `op`. Pointers stay valid once main() has started.
const OpSignature *FindSignature(std::string_view op);
// Every registered signature, sorted by op id (deterministic whatever the link order).
const std::vector<OpSignature> &AllSignatures();

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SIGNATURES_H_
