// tests/hccl/socket_transport_test.cc — the socket transport (impl/hccl/socket_transport.h)
// through the root-info join, as HcclGetRootInfo / HcclCommInitRootInfo use it: collectives at
// worlds 1, 2, 4 against direct computations, a size mismatch that leaves the group usable,
// aborts, a missing rank (timeout), a bad join, and a rank in another process that dies
// mid-group (its peers must fail with HCCL_E_REMOTE at once, not wait for the timeout).
#include "hccl/socket_transport.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "hccl/communicator.h"
#include "hccl/root_info.h"
#include "hccl/timeouts.h"
#include "test_util.h"

namespace mc2::impl::hccl {
namespace {

using namespace std::chrono_literals;
using mc2::test::RunRanks;

class SocketTransportTest : public ::testing::Test {
protected:
    void SetUp() override {
        setenv(kTransportVariable, kSocketTransport, 1);
        SetTimeoutOverrideMs(3000);
    }
    void TearDown() override {
        unsetenv(kTransportVariable);
        SetTimeoutOverrideMs(0);
    }

    // A socket group of n ranks (threads of this process, each on its own connection).
    std::vector<std::shared_ptr<Communicator>> Join(uint32_t n) {
        HcclRootInfo info{};
        EXPECT_TRUE(NewRootInfo(&info).ok());
        EXPECT_EQ(std::string(info.internal).find("tcp/") != std::string::npos, true) << info.internal;
        std::vector<std::shared_ptr<Communicator>> comms(n);
        std::vector<Status> st(n);
        RunRanks(n, [&](uint32_t r) { st[r] = JoinRootInfo(info, n, r, static_cast<int32_t>(r), &comms[r]); });
        for (uint32_t r = 0; r < n; ++r) EXPECT_TRUE(st[r].ok()) << r << ": " << st[r].message;
        return comms;
    }
};

class SocketWorld : public SocketTransportTest, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(SocketWorld, CollectivesMatchDirectComputation) {
    const uint32_t n = GetParam();
    auto comms = Join(n);
    ASSERT_EQ(comms.size(), n);
    for (uint32_t r = 0; r < n; ++r) {
        ASSERT_NE(comms[r], nullptr);
        EXPECT_EQ(comms[r]->Rank(), r);
        EXPECT_EQ(comms[r]->Size(), n);
        EXPECT_EQ(comms[r]->Name(), comms[0]->Name());  // operators find the group by name
    }
    const uint64_t count = 1000;
    std::vector<std::vector<int32_t>> sum(n), gathered(n), a2a_recv(n);
    RunRanks(n, [&](uint32_t r) {
        std::vector<int32_t> send(count);
        for (uint64_t i = 0; i < count; ++i) send[i] = static_cast<int32_t>(r * 1000 + i);
        sum[r].assign(count, -1);
        ASSERT_TRUE(comms[r]->AllReduce(send.data(), sum[r].data(), count, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_SUM).ok());
        gathered[r].assign(count * n, -1);
        ASSERT_TRUE(comms[r]->AllGather(send.data(), gathered[r].data(), count, HCCL_DATA_TYPE_INT32).ok());
        // All-to-all-v: rank r sends j + 1 elements to rank j.
        std::vector<uint64_t> sc(n), sd(n), rc(n), rd(n);
        uint64_t s_at = 0, r_at = 0;
        for (uint32_t j = 0; j < n; ++j) {
            sc[j] = j + 1;
            sd[j] = s_at;
            s_at += sc[j];
            rc[j] = r + 1;
            rd[j] = r_at;
            r_at += rc[j];
        }
        std::vector<int32_t> a2a_send(s_at);
        for (uint64_t i = 0; i < s_at; ++i) a2a_send[i] = static_cast<int32_t>(r * 100 + i);
        a2a_recv[r].assign(r_at, -1);
        ASSERT_TRUE(comms[r]
                        ->AllToAllV(a2a_send.data(), sc.data(), sd.data(), a2a_recv[r].data(), rc.data(), rd.data(),
                                    HCCL_DATA_TYPE_INT32)
                        .ok());
        ASSERT_TRUE(comms[r]->Barrier().ok());
    });
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count; ++i) {
            int64_t expect = 0;
            for (uint32_t q = 0; q < n; ++q) expect += q * 1000 + i;
            ASSERT_EQ(sum[r][i], expect) << "rank " << r << " element " << i;
            for (uint32_t q = 0; q < n; ++q) ASSERT_EQ(gathered[r][q * count + i], static_cast<int32_t>(q * 1000 + i));
        }
        // From rank q: its block for r starts at sum_{j<r}(j+1) = r(r+1)/2, r + 1 elements.
        for (uint32_t q = 0; q < n; ++q) {
            for (uint32_t e = 0; e <= r; ++e) {
                ASSERT_EQ(a2a_recv[r][q * (r + 1) + e], static_cast<int32_t>(q * 100 + r * (r + 1) / 2 + e));
            }
        }
    }
    for (auto &c : comms) c->Leave();
}

INSTANTIATE_TEST_SUITE_P(Worlds, SocketWorld, ::testing::Values(1u, 2u, 4u));

TEST_F(SocketTransportTest, SizeMismatchFailsEveryRankAndKeepsTheGroup) {
    auto comms = Join(3);
    std::vector<Status> st(3);
    RunRanks(3, [&](uint32_t r) {
        std::vector<int32_t> buf(16, 1);
        st[r] = comms[r]->AllReduce(buf.data(), buf.data(), r == 2 ? 8 : 16, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_SUM);
    });
    for (uint32_t r = 0; r < 3; ++r) EXPECT_EQ(st[r].code, HCCL_E_PARA) << st[r].message;
    RunRanks(3, [&](uint32_t r) { st[r] = comms[r]->Barrier(); });
    for (uint32_t r = 0; r < 3; ++r) EXPECT_TRUE(st[r].ok()) << st[r].message;
}

TEST_F(SocketTransportTest, AbortReleasesWaitingPeersWithItsReason) {
    for (uint32_t aborter : {0u, 2u}) {
        auto comms = Join(3);
        std::vector<Status> st(3);
        const auto t0 = std::chrono::steady_clock::now();
        RunRanks(3, [&](uint32_t r) {
            if (r == aborter) {
                comms[r]->Abort("kernel failed on purpose");
                return;
            }
            st[r] = comms[r]->Barrier();
        });
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms) << "peers waited for the timeout";
        for (uint32_t r = 0; r < 3; ++r) {
            if (r == aborter) continue;
            EXPECT_EQ(st[r].code, HCCL_E_REMOTE) << st[r].message;
            EXPECT_NE(st[r].message.find("kernel failed on purpose"), std::string::npos) << st[r].message;
            EXPECT_EQ(comms[r]->Health().code, HCCL_E_REMOTE);
        }
    }
}

TEST_F(SocketTransportTest, MissingRankTimesOutEveryWaitingRank) {
    auto comms = Join(3);
    std::vector<Status> st(3);
    RunRanks(2, [&](uint32_t r) { st[r] = comms[r]->Barrier(); });  // rank 2 never calls
    EXPECT_EQ(st[0].code, HCCL_E_TIMEOUT) << st[0].message;
    EXPECT_NE(st[0].message.find("rank(s) 2"), std::string::npos) << st[0].message;
    EXPECT_EQ(st[1].code, HCCL_E_TIMEOUT) << st[1].message;
    EXPECT_EQ(comms[1]->Barrier().code, HCCL_E_TIMEOUT);  // broken for good
}

TEST_F(SocketTransportTest, BadJoinsAreRefused) {
    HcclRootInfo info{};
    ASSERT_TRUE(NewRootInfo(&info).ok());
    std::shared_ptr<Communicator> c0, c1;
    Status s0, s1;
    // Rank 1 claims a different world: refused; rank 0 then times out waiting for a rank 1.
    RunRanks(2, [&](uint32_t r) {
        if (r == 0)
            s0 = JoinRootInfo(info, 2, 0, 0, &c0);
        else
            s1 = JoinRootInfo(info, 3, 1, 1, &c1);
    });
    EXPECT_EQ(s1.code, HCCL_E_PARA) << s1.message;
    EXPECT_EQ(s0.code, HCCL_E_TIMEOUT) << s0.message;
    // Rank 0 of a root info made in another process cannot join here (it owns no listener).
    HcclRootInfo forged = info;
    std::string text(forged.internal);
    text.replace(text.rfind('/') + 1, std::string::npos, "1.999");
    std::memset(forged.internal, 0, sizeof forged.internal);
    std::memcpy(forged.internal, text.data(), text.size());
    EXPECT_EQ(JoinRootInfo(forged, 2, 0, 0, &c0).code, HCCL_E_PARA);
}

// A rank in another process that dies inside the group: its peers fail with HCCL_E_REMOTE
// within a fraction of the timeout. fork() is safe here: no thread of this test is running.
TEST_F(SocketTransportTest, PeerProcessThatDiesReleasesThePeers) {
    SetTimeoutOverrideMs(20000);
    HcclRootInfo info{};
    ASSERT_TRUE(NewRootInfo(&info).ok());
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        std::shared_ptr<Communicator> c;
        if (!JoinRootInfo(info, 3, 2, 2, &c).ok()) _exit(3);
        _exit(0);  // dies without Leave, as a crash would: the kernel closes its socket
    }
    std::vector<std::shared_ptr<Communicator>> comms(2);
    std::vector<Status> st(2);
    RunRanks(2, [&](uint32_t r) { st[r] = JoinRootInfo(info, 3, r, static_cast<int32_t>(r), &comms[r]); });
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    ASSERT_TRUE(st[0].ok()) << st[0].message;
    ASSERT_TRUE(st[1].ok()) << st[1].message;
    const auto t0 = std::chrono::steady_clock::now();
    RunRanks(2, [&](uint32_t r) { st[r] = comms[r]->Barrier(); });
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    for (uint32_t r = 0; r < 2; ++r) {
        EXPECT_EQ(st[r].code, HCCL_E_REMOTE) << st[r].message;
        EXPECT_NE(st[r].message.find("closed its connection"), std::string::npos) << st[r].message;
    }
}

}  // namespace
}  // namespace mc2::impl::hccl
