// impl/ops/common/faults.h — deliberate faults, for the suite's own self-test only.
//
// The shipped libmc2impl.so is compiled without MC2IMPL_FAULT, so kFault is kNone and every
// hook below is a compile-time-false branch the compiler removes. tests/broken compiles copies
// of the library with one fault each (mutation testing): the conformance gate must fail on each
// copy with a reproducer, which proves the gate can tell a wrong implementation from a right one.
#ifndef MC2_IMPL_OPS_COMMON_FAULTS_H_
#define MC2_IMPL_OPS_COMMON_FAULTS_H_

#ifndef MC2IMPL_FAULT
#define MC2IMPL_FAULT 0
#endif

namespace mc2::impl {

enum class Fault : int {
    kNone = 0,
    kLowPrecisionAccumulation = 1,  // the k-sum is rounded to the output dtype after every add
    kSkipReduceOpCheck = 2,         // reduceOp is not checked (accepts "max" and runs a sum)
    kDropBiasOnRank1 = 3,           // rank 1 silently ignores its bias
    kGatherOutOfRankOrder = 4,      // AllGatherMatmul stacks the blocks of ranks 0 and 1 swapped
    kA2avSkipNegativeCheck = 5,     // AllToAllVV2 accepts negative counts and displacements
};

inline constexpr Fault kFault = static_cast<Fault>(MC2IMPL_FAULT);

}  // namespace mc2::impl

#endif  // MC2_IMPL_OPS_COMMON_FAULTS_H_
