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
    kTqpFullMantissa = 60,          // TransQuantParamV2/V3 keep all 23 mantissa bits of the scale
    kNzTilesTransposed = 40,        // TransMatmulWeight stores the tiles row of tiles first (not column)
    kNzPaddingNotZeroed = 41,       // TransMatmulWeight leaves the NZ padding as it found it
    kWqGroupRowOffByOne = 50,       // WeightQuantMatmulAllReduce reads per-group scale row ⌊t/G⌋ + 1
    kWqInt4NibbleSwapped = 51,      // WeightQuantMatmulAllReduce reads INT4 high nibble first
    kWqNzReadAsNd = 52,             // WeightQuantMatmulAllReduce reads a FRACTAL_NZ x2 as ND
    // QuantMatmulAllReduce (70-79): the UINT64/INT64 dequant scale used with all 32 bits (the fixpipe
    // truncates it to fp19, ops.md §3).
    kQmarFp19NotTruncated = 70,
    kQmarCommRoundHalfAway = 71,    // V3's int8 comm quantises with round-half-away instead of RINT
    kQmarCommBlocksReversed = 72,   // V3's int8 comm AllToAll sends row block R-1-q to rank q
    kQmarNzTilesTransposed = 73,    // QuantMatmulAllReduce reads a FRACTAL_NZ x2 row of tiles first
    // MatmulAllReduceAddRmsNorm (80-89), the kernel order of ops.md §6.1 broken:
    kArnEpsAfterSqrt = 80,          // rstd = 1 / (sqrt(mean) + ε) instead of 1 / sqrt(mean + ε)
    kArnGammaBeforeRound = 81,      // y·rstd·γ rounded once (not round_T(y·rstd) first)
    kArnInplaceFreshBuffer = 82,    // the in-place variant writes y elsewhere; residual unchanged
    kArnQuantInplaceFreshBuffer = 83,  // the in-place quant ARN variant: the same, residual unchanged
    kArnWqOffsetIgnored = 84,          // the weight-quant ARN variants drop antiquantOffset
    kArnWqInt4NibbleSwapped = 85,      // the weight-quant ARN variants read an INT4 x2's high nibble first
    // QuantMatmulAllReduceV4 (90-99), the seed 004 formulas broken:
    kV4PerChannelScaleByRow = 90,   // FP8: the per-channel x2Scale indexed by the output row, not column
    kV4E8m0OffByOne = 91,           // MX: an E8M0 scale read as 2^(e-128) instead of 2^(e-127)
    kV4PerBlockGridTransposed = 92, // per-block: a plain x2's scale grid read as [n-block][k-block]
    kV4BiasAfterDequant = 93,       // FP8 formula 6: bias added after the scales instead of before
    // QuantMatmulAllReduceV4's Ascend 950 low-bit communication (ops.md §4.2, §4.3) broken:
    kV4PertileMultiplierInverted = 94,  // pertile: the tile's value stored as amax/fpMax, not fpMax/amax
    kV4PertileSequentialSum = 95,       // pertile: the ranks' blocks summed left to right, not by the tree
    kV4PertileNoRequant = 96,           // pertile: the fp32 sums all-gathered without requantising
    kV4CommInt8ReduceInOutput = 97,     // 950 int8: the ReduceScatter reduces in T, not in fp32
    // QuantMatmulAllReduceV4's number formats and reads (98-101):
    kV4Fp4E2m1WrongBias = 98,       // MXFP4: E2M1 decoded with exponent bias 2, not 1 (every value halves)
    kV4PerBlockTransposedGrid = 99, // per-block: a transposed x2's [n-block][k-block] grid read as [k-block][n-block]
    // MatmulAllReduce (120-129): mistakes a port of the operator could make, each of which the
    // quick gate itself must fail (tests/broken: the gate restricted to the API, no aimed case):
    kMarCastTruncates = 120,     // the partial result rounded toward zero instead of to nearest even
    kMarX3AfterAllReduce = 121,  // V2's x3 added once after the all-reduce, not on every rank before it
    kMarX2StridesIgnored = 122,  // x2 read as a contiguous row-major (k, n), whatever its strides
    kMarLastRankLeftOut = 123,   // the last rank of a group of two or more contributes zeros to the sum
    kMarLastKDropped = 124,      // the k-sum stops one term short (k > 1)
    // The same kind for the other families (125-134):
    kArnResidualNotAdded = 125,  // AddRmsNorm: y = the all-reduced matmul alone, residual left out
    kArnNoMean = 126,            // AddRmsNorm: rstd from the sum of squares, not their mean
    kArnGammaIgnored = 127,      // AddRmsNorm: normOut = y·rstd, gamma never applied
    kAgmLocalRowsOnly = 128,     // AllGatherMatmul: every block of output multiplies this rank's own x1
    kAgmGatherOutUnwritten = 129,  // AllGatherMatmul: gatherOut left as it was
    kA2avSdisplsIgnored = 130,   // AllToAllVV2: the send blocks taken back to back (prefix sums), not at sdispls
    kA2avOwnCommNoData = 131,    // AllToAllVV2 on a communicator ATB made (hcclComm null): SUCCESS, nothing moved
    // Memory discipline (memory_faults.h), caught by the runner's checks, not by any spec rule:
    kModifyInput = 20,              // the first input's first byte is changed during the call
    kWritePastOutput = 21,          // one element is stored just past the output's storage
    kWritePastWorkspace = 22,       // one byte is stored just past workspaceSize
    kLateOutputWrite = 23,          // an output element changes ~1 ms after the stream drained
    kRank1OneUlpOff = 24,           // rank 1's output elements are all one ulp off the others'
};

inline constexpr Fault kFault = static_cast<Fault>(MC2IMPL_FAULT);

// The vendor-faithful variant (tests/broken, a test artefact like the faults): the same library,
// every impl/ops component recompiled, with every check this suite demands beyond the documents
// left out, as the vendor's op_api does (the hardening rules of every operator's spec): no
// null-reduceOp, contiguity, layout, aliasing or storage check, no data-address check at
// GetWorkspaceSize, an unknown group failing only at execution. Where leaving a check out would
// let a kernel read or write outside its buffers, a minimal guard stays (commented at its
// site). The conformance gate must pass it with warnings only, and `--strict` must fail it on
// exactly those rules (tests/broken/vendor_faithful.cmake lists the rules it cannot reach).
#ifndef MC2IMPL_VENDOR_FAITHFUL
#define MC2IMPL_VENDOR_FAITHFUL 0
#endif
inline constexpr bool kVendorFaithful = MC2IMPL_VENDOR_FAITHFUL != 0;

}  // namespace mc2::impl

#endif  // MC2_IMPL_OPS_COMMON_FAULTS_H_
