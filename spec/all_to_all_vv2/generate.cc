// spec/all_to_all_vv2/generate.cc — valid AllToAllVV2 cases: random consistent counts at world
// sizes up to 8 (zeros, gaps between send windows, overlapping send windows, receive windows in
// any order), every x dtype of the ini rows, external communicators (COMM_MULTI_THREAD with the
// rank's hcclComm, as the ATB doc example and this harness run ranks: threads of one process).
#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "spec/all_to_all_vv2/all_to_all_vv2.h"

namespace mc2::spec::all_to_all_vv2 {

using harness::TensorSpec;

const std::vector<aclDataType> &XDtypes() {
    static const std::vector<aclDataType> kDtypes = {ACL_FLOAT16, ACL_FLOAT, ACL_INT8, ACL_INT32,
                                                     ACL_INT16,   ACL_INT64, ACL_BF16};
    return kDtypes;
}

namespace {

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape, std::vector<int64_t> values = {}) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.values = std::move(values);
    return t;
}

// A random order of 0..n-1.
std::vector<int> Order(int n, Choices &ch) {
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    for (int i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(ch.Int(0, i))]);
    return order;
}

}  // namespace

void WriteCounts(std::vector<ParamMap> &per_rank, const std::vector<std::vector<int64_t>> &c, aclDataType dtype,
                 Choices &ch) {
    const int n = static_cast<int>(c.size());
    for (int r = 0; r < n; ++r) {
        ParamMap &p = per_rank[static_cast<size_t>(r)];
        std::vector<int64_t> send(static_cast<size_t>(n)), sdispls(static_cast<size_t>(n));
        std::vector<int64_t> recv(static_cast<size_t>(n)), rdispls(static_cast<size_t>(n));
        const bool overlapping = ch.Int(0, 3) == 0;
        int64_t at = 0;
        int64_t x_len = 0;
        for (int j : Order(n, ch)) {
            const auto ju = static_cast<size_t>(j);
            send[ju] = c[static_cast<size_t>(r)][ju];
            at += ch.Int(0, 2);  // a gap
            sdispls[ju] = overlapping ? 1 : at;
            if (!overlapping) at += send[ju];
            x_len = std::max(x_len, sdispls[ju] + send[ju]);
        }
        x_len += ch.Int(1, 3);
        int64_t total = 0;
        for (int j : Order(n, ch)) {
            const auto ju = static_cast<size_t>(j);
            recv[ju] = c[ju][static_cast<size_t>(r)];
            rdispls[ju] = total;
            total += recv[ju];
        }
        p["x"] = x_len % 2 == 0 && ch.Bool() ? Tensor(dtype, {2, x_len / 2}) : Tensor(dtype, {x_len});
        p["send_counts"] = Tensor(ACL_INT64, {n}, send);
        p["sdispls"] = Tensor(ACL_INT64, {n}, sdispls);
        p["recv_counts"] = Tensor(ACL_INT64, {n}, recv);
        p["rdispls"] = Tensor(ACL_INT64, {n}, rdispls);
        p["tensor_for_infer_shape"] = Tensor(ACL_INT8, {total});
        p["output"] = Tensor(dtype, {1, total});
    }
}

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &ch, const Limits &limits) {
    harness::Case c;
    c.op = std::string(op);
    c.platform = platform;
    std::vector<int> worlds;
    for (int w : {1, 2, 4, 8}) {
        if (w <= std::max(1, limits.max_world)) worlds.push_back(w);
    }
    const int n = ch.Pick(worlds);
    c.world = n;
    const aclDataType dtype = ch.Pick(XDtypes());
    const int64_t max_count = std::max<int64_t>(1, std::min<int64_t>(limits.max_n, 16));
    std::vector<std::vector<int64_t>> counts(static_cast<size_t>(n), std::vector<int64_t>(static_cast<size_t>(n)));
    for (auto &row : counts) {
        for (auto &v : row) v = ch.Int(0, 3) == 0 ? 0 : ch.Int(1, max_count);
    }
    // sum(recvCount) must be > 0 on every rank (ATB's SetupCheckImpl): a rank that would receive
    // nothing sends itself one element.
    for (int r = 0; r < n; ++r) {
        int64_t in = 0;
        for (int j = 0; j < n; ++j) in += counts[static_cast<size_t>(j)][static_cast<size_t>(r)];
        if (in == 0) counts[static_cast<size_t>(r)][static_cast<size_t>(r)] = 1;
    }
    std::vector<ParamMap> per(static_cast<size_t>(n));
    WriteCounts(per, counts, dtype, ch);
    for (int r = 0; r < n; ++r) {
        ParamMap &p = per[static_cast<size_t>(r)];
        p["rank"] = int64_t{r};
        p["rank_size"] = int64_t{n};
        p["rank_root"] = int64_t{0};
        p["backend"] = std::string("hccl");
        p["hccl_comm"] = harness::CommName{};
        p["comm_mode"] = int64_t{1};  // COMM_MULTI_THREAD
        p["rank_table_file"] = std::string();
        p["comm_domain"] = std::string();
    }
    AssignPerRank(c, per);
    c.seed = static_cast<uint64_t>(ch.Int(1, std::numeric_limits<int32_t>::max()));
    c.dist = harness::Dist::kUniform;  // x is filled as data (every bit pattern) whatever the distribution
    c.schedule = ch.Int(0, 3) == 0 ? static_cast<uint64_t>(ch.Int(1, 1 << 30)) : 0;
    c.Normalize();
    return c;
}

}  // namespace mc2::spec::all_to_all_vv2
