// hccl/hccl.h — communicator ABI: creation (all-in-one-process and root-info styles), names,
// and the collectives the MC2 operators are built from. Collectives are asynchronous on
// `stream`, like the real library: they complete when the stream is synchronised.
//
// Behaviour of the built-in implementation (libmc2impl.so), beyond the signatures:
//  * Argument errors are returned at once: null pointers HCCL_E_PTR; bad counts, types, ops,
//    roots, buffers outside one aclrtMalloc allocation, unknown or destroyed communicators, a
//    stream of another device than the rank's: HCCL_E_PARA; reductions on INT128:
//    HCCL_E_NOT_SUPPORT. A rank whose call fails this way does not take part in the collective.
//  * Failures while the collective runs (a peer never arrives, a peer aborted or destroyed its
//    communicator, ranks disagree on sizes) fail the stream task: the next synchronize returns
//    an error and aclGetRecentErrMsg names the HCCL code. A peer that does not arrive is waited
//    for at most HCCL_EXEC_TIMEOUT seconds (default 1836; HCCL_CONNECT_TIMEOUT, default 120, for
//    HcclCommInitRootInfo; MC2_HCCL_TIMEOUT_MS overrides both, in milliseconds). After a timeout
//    or abort the communicator is broken: later collectives fail at once; create a new one.
//  * fp16/bf16 reductions decode to fp32, accumulate in rank order (rank 0 first) and round once
//    to nearest-even; fp32/fp64 accumulate in their own precision in rank order; integer sum and
//    prod wrap around; max/min propagate NaN. Every rank receives the same bits.
#ifndef MC2_INCLUDE_HCCL_HCCL_H_
#define MC2_INCLUDE_HCCL_HCCL_H_

#include "acl/acl.h"
#include "hccl/hccl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

// One communicator per device in `devices` (rank i on devices[i]), all in this process.
// ndev 1..64; devices distinct and below the device count.
ACL_FUNC_VISIBILITY HcclResult HcclCommInitAll(uint32_t ndev, int32_t *devices, HcclComm *comms);
// Root-info style: rank 0 calls HcclGetRootInfo, shares the bytes, and every rank calls
// HcclCommInitRootInfo (blocking until all `nRanks` have joined or the join times out).
ACL_FUNC_VISIBILITY HcclResult HcclGetRootInfo(HcclRootInfo *rootInfo);
ACL_FUNC_VISIBILITY HcclResult HcclCommInitRootInfo(uint32_t nRanks, const HcclRootInfo *rootInfo, uint32_t rank,
                                                    HcclComm *comm);
ACL_FUNC_VISIBILITY HcclResult HcclCommDestroy(HcclComm comm);
// `commName` must hold at least MAX_GROUP_NAME (128) bytes. All ranks of one group get the same
// name, unique in the process; the MC2 operators take it as their `group` argument.
ACL_FUNC_VISIBILITY HcclResult HcclGetCommName(HcclComm comm, char *commName);
ACL_FUNC_VISIBILITY HcclResult HcclGetRankSize(HcclComm comm, uint32_t *rankSize);
ACL_FUNC_VISIBILITY HcclResult HcclGetRankId(HcclComm comm, uint32_t *rank);

ACL_FUNC_VISIBILITY HcclResult HcclAllReduce(void *sendBuf, void *recvBuf, uint64_t count, HcclDataType dataType,
                                             HcclReduceOp op, HcclComm comm, aclrtStream stream);
ACL_FUNC_VISIBILITY HcclResult HcclAllGather(void *sendBuf, void *recvBuf, uint64_t sendCount,
                                             HcclDataType dataType, HcclComm comm, aclrtStream stream);
ACL_FUNC_VISIBILITY HcclResult HcclReduceScatter(void *sendBuf, void *recvBuf, uint64_t recvCount,
                                                 HcclDataType dataType, HcclReduceOp op, HcclComm comm,
                                                 aclrtStream stream);
// Counts and displacements are host arrays of `rankSize` uint64_t, in elements (read during
// the call). sendType must equal recvType. A side whose counts are all zero may pass null.
ACL_FUNC_VISIBILITY HcclResult HcclAlltoAllV(const void *sendBuf, const void *sendCounts, const void *sdispls,
                                             HcclDataType sendType, const void *recvBuf, const void *recvCounts,
                                             const void *rdispls, HcclDataType recvType, HcclComm comm,
                                             aclrtStream stream);
ACL_FUNC_VISIBILITY HcclResult HcclBroadcast(void *buf, uint64_t count, HcclDataType dataType, uint32_t root,
                                             HcclComm comm, aclrtStream stream);
ACL_FUNC_VISIBILITY HcclResult HcclBarrier(HcclComm comm, aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_HCCL_HCCL_H_
