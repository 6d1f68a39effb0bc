// impl/ops/common/rank_handshake.cc — ranks compare their call before moving data (see
// rank_handshake.h).
#include "ops/common/rank_handshake.h"

namespace mc2::impl::ops {

bool SameOnEveryRank(hccl::Communicator &comm, const std::vector<HandshakeField> &fields, const char *what,
                     std::string *why) {
    const size_t count = fields.size();
    std::vector<int64_t> mine(count);
    for (size_t f = 0; f < count; ++f) mine[f] = fields[f].value;
    std::vector<int64_t> all(count * comm.Size());
    const hccl::Status st = comm.AllGather(mine.data(), all.data(), count, HCCL_DATA_TYPE_INT64);
    if (!st.ok()) {
        *why = std::string("shape handshake failed: ") + hccl::ResultName(st.code) + ": " + st.message;
        return false;
    }
    for (uint32_t r = 0; r < comm.Size(); ++r) {
        for (size_t f = 0; f < count; ++f) {
            const int64_t theirs = all[r * count + f];
            if (theirs != mine[f]) {
                *why = std::string("ranks disagree on ") + what + ": " + fields[f].name + " is " +
                       std::to_string(mine[f]) + " on rank " + std::to_string(comm.Rank()) + " but " +
                       std::to_string(theirs) + " on rank " + std::to_string(r);
                return false;
            }
        }
    }
    return true;
}

}  // namespace mc2::impl::ops
