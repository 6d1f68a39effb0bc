// impl/hccl/timeouts.h — how long a rank waits for its peers, from the environment.
//
//   HCCL_CONNECT_TIMEOUT  seconds, joining a communicator (HcclCommInitRootInfo). CANN's name
//                         and default (120 s).
//   HCCL_EXEC_TIMEOUT     seconds, one collective waiting for its peers. CANN's name and
//                         default (1836 s).
//   MC2_HCCL_TIMEOUT_MS   milliseconds; overrides both (meant for tests and the harness, where
//                         a missing rank must fail fast).
//   MC2_HCCL_CONNECT_TIMEOUT_MS
//                         milliseconds; overrides the connect timeout alone, after the above. A
//                         join waits for peers that only have their own checks to make before
//                         they arrive, while a collective may wait for a peer's whole kernel: the
//                         fuzzers keep 3 s for collectives and wait 1 s for a rank that never
//                         joins (an AllToAllVV2 refused before its ATB communicator formed).
// SetTimeoutOverrideMs() overrides all three in-process (tests). Values are read when a
// communicator is created, so a change affects communicators created afterwards.
#ifndef MC2_IMPL_HCCL_TIMEOUTS_H_
#define MC2_IMPL_HCCL_TIMEOUTS_H_

#include <chrono>
#include <cstdint>

namespace mc2::impl::hccl {

struct Timeouts {
    std::chrono::milliseconds connect;
    std::chrono::milliseconds exec;
};

Timeouts CurrentTimeouts();

// ms > 0 forces both timeouts to `ms`; 0 removes the override.
void SetTimeoutOverrideMs(int64_t ms);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_TIMEOUTS_H_
