// oracle/matmul_all_reduce_fold_bf16.cc — one rank's step of the folded pass of MatmulAllReduce's oracle for
// bf16 outputs, in a translation unit of its own (oracle/matmul_all_reduce_pass.h says why).
#include "oracle/matmul_all_reduce_pass.h"

namespace mc2::oracle::matmul_all_reduce_pass {

MC2_ORACLE_PASS_CLONES
void FoldRowsBf16(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    FoldRowsFor<ACL_BF16>(s, row_begin, row_end);
}

}  // namespace mc2::oracle::matmul_all_reduce_pass
