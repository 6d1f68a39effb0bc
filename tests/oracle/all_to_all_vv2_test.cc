// tests/oracle/all_to_all_vv2_test.cc — the AllToAllVV2 oracle against answers computed by hand:
// the document's worked example (seed 003: rank 0 receives [0, 1, 0, 1], rank 1 [2, 3, 4, 5, 2]),
// overlapping receive windows (both codes allowed), uncovered elements (unconstrained), and the
// calls without a defined result (inconsistent counts, windows outside x or the output).
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "oracle/all_to_all_vv2.h"

namespace mc2::oracle {
namespace {

using Allowed = std::vector<std::vector<uint64_t>>;

std::vector<AllToAllVV2Rank> DocExample() {
    AllToAllVV2Rank r0{{0, 1, 2, 3, 4, 5, 6, 7}, {2, 4}, {0, 2}, {2, 2}, {0, 2}};
    AllToAllVV2Rank r1{{0, 1, 2, 3, 4, 6}, {2, 1}, {0, 2}, {4, 1}, {0, 4}};
    return {r0, r1};
}

TEST(AllToAllVV2Oracle, DocumentExample) {
    const auto ranks = DocExample();
    EXPECT_EQ(AllToAllVV2Allowed(ranks, 0, 4), (Allowed{{0}, {1}, {0}, {1}}));
    EXPECT_EQ(AllToAllVV2Allowed(ranks, 1, 5), (Allowed{{2}, {3}, {4}, {5}, {2}}));
}

TEST(AllToAllVV2Oracle, OverlapsAndGaps) {
    // Rank 0 receives 2 elements from each rank at offsets 0 and 1 of a 4-element output: element
    // 1 may hold either block's code, element 3 is covered by no window.
    AllToAllVV2Rank r0{{0xA0, 0xA1}, {2, 2}, {0, 0}, {2, 2}, {0, 1}};
    AllToAllVV2Rank r1{{0xB0, 0xB1}, {2, 2}, {0, 0}, {2, 2}, {0, 2}};
    EXPECT_EQ(AllToAllVV2Allowed({r0, r1}, 0, 4), (Allowed{{0xA0}, {0xA1, 0xB0}, {0xB1}, {}}));
}

TEST(AllToAllVV2Oracle, UndefinedCallsThrow) {
    auto ranks = DocExample();
    ranks[1].recv[0] = 3;  // rank 0 sends 4 elements to rank 1
    EXPECT_THROW(AllToAllVV2Allowed(ranks, 1, 5), std::invalid_argument);
    ranks = DocExample();
    EXPECT_THROW(AllToAllVV2Allowed(ranks, 1, 4), std::invalid_argument);  // window past the output
    ranks[0].sdispls[1] = 5;                                               // window past x
    EXPECT_THROW(AllToAllVV2Allowed(ranks, 1, 5), std::invalid_argument);
    EXPECT_THROW(AllToAllVV2Allowed(ranks, 2, 5), std::invalid_argument);
}

TEST(AllToAllVV2Oracle, AnySourceAdmitsEachCandidatesBlock) {
    // The document's rank 1 with two claimants of rank 0 (an over-subscribed domain): the block
    // from rank 0 (elements 0-3) may hold either claimant's codes; rank 1's own block (element 4)
    // is its own whatever sits beside it at position 1 of the sources.
    auto ranks = DocExample();
    AllToAllVV2Rank other0 = ranks[0];
    other0.x = {10, 11, 12, 13, 14, 15, 16, 17};
    AllToAllVV2Rank stranger1 = ranks[1];
    stranger1.x = {90, 91, 92, 93, 94, 96};
    EXPECT_EQ(AllToAllVV2AllowedFromAny({{ranks[0], other0}, {ranks[1], stranger1}}, 1, 5),
              (Allowed{{2, 12}, {3, 13}, {4, 14}, {5, 15}, {2}}));
    // One source per position is the plain answer.
    EXPECT_EQ(AllToAllVV2AllowedFromAny({{ranks[0]}, {ranks[1]}}, 1, 5), AllToAllVV2Allowed(ranks, 1, 5));
    // A candidate inconsistent with rank 1 has no defined result; a position without one neither.
    AllToAllVV2Rank short0 = ranks[0];
    short0.send[1] = 3;
    EXPECT_THROW(AllToAllVV2AllowedFromAny({{ranks[0], short0}, {ranks[1]}}, 1, 5), std::invalid_argument);
    EXPECT_THROW(AllToAllVV2AllowedFromAny({{}, {ranks[1]}}, 1, 5), std::invalid_argument);
}

}  // namespace
}  // namespace mc2::oracle
