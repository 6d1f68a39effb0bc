// impl/ops/common/rank_handshake.h — the first collective of every MC2 operator run: the
// ranks compare what they were called with before moving any data.
//
// HCCL only sees byte counts, so ranks passing different shapes or dtypes whose byte counts
// happen to match would exchange garbage silently, and ones whose counts differ would fail
// somewhere in the middle. One AllGather of a few integers turns both into the same clean
// error on every rank. Every rank sees the same gathered values and fails the same way, so the
// communicator stays consistent and usable: the caller reports the error without aborting it.
#ifndef MC2_IMPL_OPS_COMMON_RANK_HANDSHAKE_H_
#define MC2_IMPL_OPS_COMMON_RANK_HANDSHAKE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hccl/communicator.h"

namespace mc2::impl::ops {

struct HandshakeField {
    const char *name;  // "m", "dtype", ...
    int64_t value;
};

// True when every rank of `comm` passed the same values (fields in the same order on every
// rank). Otherwise *why says which field differs between this rank and which other one
// ("ranks disagree on <what>: m is 8 on rank 0 but 4 on rank 1"), or why the handshake's own
// collective failed ("shape handshake failed: ...").
bool SameOnEveryRank(hccl::Communicator &comm, const std::vector<HandshakeField> &fields, const char *what,
                     std::string *why);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_RANK_HANDSHAKE_H_
