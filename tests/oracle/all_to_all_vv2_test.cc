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

}  // namespace
}  // namespace mc2::oracle
