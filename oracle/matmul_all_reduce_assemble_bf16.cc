// oracle/matmul_all_reduce_assemble_bf16.cc — the pass of Assemble of MatmulAllReduce's oracle for
// bf16 outputs, in a translation unit of its own (oracle/matmul_all_reduce_pass.h says why).
#include "oracle/matmul_all_reduce_pass.h"

namespace mc2::oracle::matmul_all_reduce_pass {

MC2_ORACLE_PASS_CLONES
void AssembleRowsBf16(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    AssembleRowsFor<ACL_BF16>(p, row_begin, row_end);
}

}  // namespace mc2::oracle::matmul_all_reduce_pass
