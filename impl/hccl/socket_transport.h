// impl/hccl/socket_transport.h — the cross-process transport: the ranks of a group are separate
// processes (on one machine or several) joined by TCP, as real HCCL's root info describes the
// root's network address. Selected by the root info, never by a build option: with
// MC2_HCCL_TRANSPORT=socket, HcclGetRootInfo opens a listening socket and writes its address
// into the root info; a rank that is handed those bytes (the caller broadcasts them, e.g. with
// MPI, as CANN programs do) connects to it in HcclCommInitRootInfo. The library itself needs no
// MPI, so it loads and works where no MPI is installed.
//
// Why sockets and not MPI inside the library: the harness under `mpirun` owns the MPI world and
// a library under test must not depend on it (a vendor HCCL does not), a process that crashes
// must show up to its peers as a closed connection within the timeout instead of taking the
// job down, and every wait needs a deadline, which poll() gives and blocking MPI calls do not.
//
// Topology: a star around rank 0. Each collective call, every other rank sends rank 0 one frame
// (the collective's name, its block sizes, its send bytes); rank 0 checks the sizes pairwise
// (transport.h's contract: a mismatch fails every rank with HCCL_E_PARA and leaves the group
// usable) and sends every rank what its peers sent it. A closed connection, an abort frame or a
// timeout breaks the group (HCCL_E_REMOTE / HCCL_E_TIMEOUT on every rank, at once where the
// connection tells). Adequate for a conformance suite's tensors; not a bandwidth design.
//
// The listener's address: HCCL_IF_IP (CANN's variable naming the root's NIC) when set, else the
// first non-loopback IPv4 address of an interface that is up, else 127.0.0.1.
#ifndef MC2_IMPL_HCCL_SOCKET_TRANSPORT_H_
#define MC2_IMPL_HCCL_SOCKET_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "hccl/communicator.h"
#include "hccl/status.h"

namespace mc2::impl::hccl {

// The environment variable and value that make HcclGetRootInfo describe a socket group.
inline constexpr const char *kTransportVariable = "MC2_HCCL_TRANSPORT";
inline constexpr const char *kSocketTransport = "socket";

// Whether the environment asks for a socket root info.
bool SocketRootInfoRequested();

// Opens the listener of a new group and returns its id ("tcp/<ip>/<port>/<unique>"), which
// root_info.cc embeds in the root info bytes.
Status NewSocketGroupId(std::string *id);

// Whether `id` (from a root info) names a socket group.
bool IsSocketGroupId(const std::string &id);

// Joins the socket group `id` as `rank` of `n_ranks` on `device`. Rank 0 must run in the
// process that called NewSocketGroupId (it owns the listener); it waits until every other rank
// has connected, or the connect timeout. Errors: HCCL_E_PARA (a rank twice, nRanks differing,
// rank 0 elsewhere), HCCL_E_TIMEOUT, HCCL_E_TCP_CONNECT (the root cannot be reached).
Status JoinSocketGroup(const std::string &id, uint32_t n_ranks, uint32_t rank, int32_t device,
                       std::shared_ptr<Communicator> *out);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_SOCKET_TRANSPORT_H_
