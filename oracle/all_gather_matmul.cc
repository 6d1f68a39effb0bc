// oracle/all_gather_matmul.cc — acceptance intervals for AllGatherMatmul (see the header for
// why the output bounds are MatmulAllReduce's over one pseudo-rank).
#include "oracle/all_gather_matmul.h"

#include <stdexcept>
#include <string>

#include "oracle/matmul_all_reduce.h"

namespace mc2::oracle {

Matrix AllGatherMatmulGathered(const std::vector<AllGatherMatmulRank> &ranks) {
    if (ranks.empty()) throw std::invalid_argument("AllGatherMatmul: no ranks");
    Matrix g;
    g.cols = ranks[0].x1.cols;
    for (size_t r = 0; r < ranks.size(); ++r) {
        const Matrix &x1 = ranks[r].x1;
        if (x1.rows != ranks[0].x1.rows || x1.cols != g.cols) {
            throw std::invalid_argument("AllGatherMatmul: x1 shapes differ between ranks (rank " + std::to_string(r) +
                                        ")");
        }
        g.v.insert(g.v.end(), x1.v.begin(), x1.v.end());
        g.rows += x1.rows;
    }
    return g;
}

std::vector<uint64_t> AllGatherMatmulGatherCodes(const std::vector<std::vector<uint64_t>> &x1_codes) {
    std::vector<uint64_t> out;
    for (size_t r = 0; r < x1_codes.size(); ++r) {
        if (x1_codes[r].size() != x1_codes[0].size()) {
            throw std::invalid_argument("AllGatherMatmul: x1 sizes differ between ranks (rank " + std::to_string(r) +
                                        ")");
        }
        out.insert(out.end(), x1_codes[r].begin(), x1_codes[r].end());
    }
    return out;
}

Bounds AllGatherMatmulOutputBounds(const std::vector<AllGatherMatmulRank> &ranks, int rank, aclDataType out,
                                   const Contract &contract) {
    if (rank < 0 || rank >= static_cast<int>(ranks.size())) throw std::invalid_argument("AllGatherMatmul: bad rank");
    MatmulAllReduceRank one;
    one.x1 = AllGatherMatmulGathered(ranks);
    one.x2 = ranks[static_cast<size_t>(rank)].x2;
    one.bias = ranks[static_cast<size_t>(rank)].bias;
    return MatmulAllReduceBounds({one}, out, contract);
}

}  // namespace mc2::oracle
