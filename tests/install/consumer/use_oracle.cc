// use_oracle.cc — calls the installed oracle's codecs on values fixed by the formats'
// definitions (IEEE 754 binary16: 0x3C00 = 1, 0x7BFF = 65504; bfloat16 1.0 = 0x3F80), not on
// anything the suite computed. Exit 0 when all agree.
#include <cstdio>

#include "oracle/codecs/codebook.h"

int main() {
    namespace oracle = mc2::oracle;
    const bool ok = oracle::Decode(oracle::kFloat16, 0x3C00) == 1.0 &&
                    oracle::Decode(oracle::kFloat16, 0x7BFF) == 65504.0 &&
                    oracle::Encode(oracle::kBf16, 1.0) == 0x3F80u;
    std::printf("oracle codecs: %s\n", ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
