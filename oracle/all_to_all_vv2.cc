// oracle/all_to_all_vv2.cc — the AllToAllVV2 data movement, element by element (see the header).
#include "oracle/all_to_all_vv2.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mc2::oracle {
namespace {

// Adds the codes `src` (at position j of the group) sends to rank r's output.
void AddBlock(const AllToAllVV2Rank &me, const AllToAllVV2Rank &src, size_t n, size_t ru, size_t j,
              std::vector<std::vector<uint64_t>> &allowed) {
    const int r = static_cast<int>(ru);
    if (src.send.size() != n || src.sdispls.size() != n) throw std::invalid_argument("count arrays of the wrong length");
    const int64_t count = me.recv[j];
    if (count != src.send[ru]) {
        throw std::invalid_argument("rank " + std::to_string(r) + " expects " + std::to_string(count) +
                                    " elements from rank " + std::to_string(j) + ", which sends " +
                                    std::to_string(src.send[ru]));
    }
    const int64_t out_len = static_cast<int64_t>(allowed.size());
    const int64_t from = src.sdispls[ru];
    const int64_t to = me.rdispls[j];
    if (count < 0 || from < 0 || to < 0 || from > static_cast<int64_t>(src.x.size()) - count || to > out_len - count) {
        throw std::invalid_argument("a window of rank " + std::to_string(j) + " -> " + std::to_string(r) +
                                    " lies outside x or the output");
    }
    for (int64_t i = 0; i < count; ++i) {
        auto &slot = allowed[static_cast<size_t>(to + i)];
        const uint64_t code = src.x[static_cast<size_t>(from + i)];
        if (std::find(slot.begin(), slot.end(), code) == slot.end()) slot.push_back(code);
    }
}

}  // namespace

std::vector<std::vector<uint64_t>> AllToAllVV2AllowedFromAny(const std::vector<std::vector<AllToAllVV2Rank>> &sources,
                                                             int r, int64_t out_len) {
    const size_t n = sources.size();
    if (r < 0 || static_cast<size_t>(r) >= n || out_len < 0) throw std::invalid_argument("rank or length out of range");
    const auto ru = static_cast<size_t>(r);
    if (sources[ru].empty()) throw std::invalid_argument("no call for rank " + std::to_string(r));
    const AllToAllVV2Rank &me = sources[ru].front();
    if (me.recv.size() != n || me.rdispls.size() != n) throw std::invalid_argument("count arrays of the wrong length");
    std::vector<std::vector<uint64_t>> allowed(static_cast<size_t>(out_len));
    for (size_t j = 0; j < n; ++j) {
        if (j == ru) {
            AddBlock(me, me, n, ru, j, allowed);
            continue;
        }
        if (sources[j].empty()) throw std::invalid_argument("no source for rank " + std::to_string(j));
        for (const AllToAllVV2Rank &src : sources[j]) AddBlock(me, src, n, ru, j, allowed);
    }
    return allowed;
}

std::vector<std::vector<uint64_t>> AllToAllVV2Allowed(const std::vector<AllToAllVV2Rank> &ranks, int r,
                                                      int64_t out_len) {
    std::vector<std::vector<AllToAllVV2Rank>> sources;
    sources.reserve(ranks.size());
    for (const AllToAllVV2Rank &rank : ranks) sources.push_back({rank});
    return AllToAllVV2AllowedFromAny(sources, r, out_len);
}

}  // namespace mc2::oracle
