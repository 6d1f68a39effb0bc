// tests/hccl/hccl_core_test.cc — the internal layers of impl/hccl: reduction kernels, the
// in-process transport and the synchronous collectives, at world sizes 1, 2, 3, 8 and 64,
// against direct computations; timeouts, aborts and the broken-communicator state.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "hccl/communicator.h"
#include "hccl/hccl.h"
#include "hccl/inproc_transport.h"
#include "hccl/reduce.h"
#include "hccl/timeouts.h"
#include "test_util.h"

namespace mc2::impl::hccl {
namespace {

using namespace std::chrono_literals;
using mc2::test::RunRanks;

std::vector<std::unique_ptr<Communicator>> MakeGroup(uint32_t n, std::chrono::milliseconds timeout = 10s) {
    auto endpoints = CreateInProcGroup(n, "test_group");
    std::vector<std::unique_ptr<Communicator>> comms;
    for (uint32_t r = 0; r < n; ++r) {
        comms.push_back(std::make_unique<Communicator>("test_group", static_cast<int32_t>(r), std::move(endpoints[r]),
                                                       timeout));
    }
    return comms;
}

// Deterministic small values (exact in every type used) for element i of rank r.
int64_t Value(uint32_t r, uint64_t i) { return static_cast<int64_t>((r * 7 + i * 3) % 23) - 11; }

class WorldSize : public ::testing::TestWithParam<uint32_t> {};

// ---------------------------------------------------------------------------------------------
// AllReduce

template <typename T>
void CheckAllReduceNative(uint32_t n, HcclDataType type, HcclReduceOp op, bool in_place) {
    const uint64_t count = 37;  // not a multiple of most world sizes: uneven chunks
    auto comms = MakeGroup(n);
    std::vector<std::vector<T>> send(n), recv(n);
    for (uint32_t r = 0; r < n; ++r) {
        send[r].resize(count);
        recv[r].assign(count, T(99));
        for (uint64_t i = 0; i < count; ++i) {
            // prod: keep |values| in {1, 2} so products stay exact.
            send[r][i] = op == HCCL_REDUCE_PROD ? static_cast<T>((r + i) % 5 == 0 ? -2 : 1) : static_cast<T>(Value(r, i));
        }
    }
    std::vector<std::vector<T>> expect = send;  // before in-place overwrites
    RunRanks(n, [&](uint32_t r) {
        void *out = in_place ? static_cast<void *>(send[r].data()) : recv[r].data();
        const Status st = comms[r]->AllReduce(send[r].data(), out, count, type, op);
        EXPECT_TRUE(st.ok()) << st.message;
    });
    for (uint64_t i = 0; i < count; ++i) {
        T want = expect[0][i];
        for (uint32_t r = 1; r < n; ++r) {
            const T v = expect[r][i];
            switch (op) {
                case HCCL_REDUCE_SUM: want = static_cast<T>(want + v); break;
                case HCCL_REDUCE_PROD: want = static_cast<T>(want * v); break;
                case HCCL_REDUCE_MAX: want = v > want ? v : want; break;
                default: want = v < want ? v : want; break;
            }
        }
        for (uint32_t r = 0; r < n; ++r) {
            const T got = in_place ? send[r][i] : recv[r][i];
            ASSERT_EQ(got, want) << "rank " << r << " element " << i;
        }
    }
}

TEST_P(WorldSize, AllReduceInt32AllOps) {
    for (HcclReduceOp op : {HCCL_REDUCE_SUM, HCCL_REDUCE_PROD, HCCL_REDUCE_MAX, HCCL_REDUCE_MIN}) {
        CheckAllReduceNative<int32_t>(GetParam(), HCCL_DATA_TYPE_INT32, op, false);
    }
}

TEST_P(WorldSize, AllReduceFloatAndDoubleInPlace) {
    CheckAllReduceNative<float>(GetParam(), HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, true);
    CheckAllReduceNative<double>(GetParam(), HCCL_DATA_TYPE_FP64, HCCL_REDUCE_MAX, true);
    CheckAllReduceNative<float>(GetParam(), HCCL_DATA_TYPE_FP32, HCCL_REDUCE_PROD, false);
}

TEST_P(WorldSize, AllReduceInt8WrapsAndInt64) {
    // int8 sums at 64 ranks leave the int8 range: two's-complement wrap-around is the contract.
    CheckAllReduceNative<int8_t>(GetParam(), HCCL_DATA_TYPE_INT8, HCCL_REDUCE_SUM, false);
    CheckAllReduceNative<int64_t>(GetParam(), HCCL_DATA_TYPE_INT64, HCCL_REDUCE_MIN, false);
    CheckAllReduceNative<uint16_t>(GetParam(), HCCL_DATA_TYPE_UINT16, HCCL_REDUCE_MAX, false);
}

// fp16 sum: fp32 accumulation in rank order, one rounding. Values are multiples of 2^-12 near
// 1, so the fp32 sums are exact and the final rounding is where fp16 ties and carries happen.
TEST_P(WorldSize, AllReduceFp16SumRoundsOnce) {
    const uint32_t n = GetParam();
    const uint64_t count = 29;
    auto comms = MakeGroup(n);
    std::vector<std::vector<uint16_t>> send(n, std::vector<uint16_t>(count)), recv(n, std::vector<uint16_t>(count));
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count; ++i) {
            // 1 + k * 2^-10 for rank 0, k * 2^-12 (subnormal-free, exact in fp16) for others.
            const double v = r == 0 ? 1.0 + static_cast<double>(i % 7) * std::ldexp(1.0, -10)
                                    : static_cast<double>(Value(r, i)) * std::ldexp(1.0, -12);
            send[r][i] = mc2::test::HalfNearest(v);
            ASSERT_EQ(mc2::test::HalfValue(send[r][i]), v);
        }
    }
    RunRanks(n, [&](uint32_t r) {
        const Status st = comms[r]->AllReduce(send[r].data(), recv[r].data(), count, HCCL_DATA_TYPE_FP16, HCCL_REDUCE_SUM);
        EXPECT_TRUE(st.ok()) << st.message;
    });
    for (uint64_t i = 0; i < count; ++i) {
        float acc = static_cast<float>(mc2::test::HalfValue(send[0][i]));
        for (uint32_t r = 1; r < n; ++r) acc += static_cast<float>(mc2::test::HalfValue(send[r][i]));
        const uint16_t want = mc2::test::HalfNearest(static_cast<double>(acc));
        for (uint32_t r = 0; r < n; ++r) ASSERT_EQ(recv[r][i], want) << "rank " << r << " element " << i;
    }
}

TEST_P(WorldSize, AllReduceBf16SumAndMax) {
    const uint32_t n = GetParam();
    const uint64_t count = 19;
    for (HcclReduceOp op : {HCCL_REDUCE_SUM, HCCL_REDUCE_MAX}) {
        auto comms = MakeGroup(n);
        std::vector<std::vector<uint16_t>> send(n, std::vector<uint16_t>(count)), recv(n, std::vector<uint16_t>(count));
        for (uint32_t r = 0; r < n; ++r) {
            for (uint64_t i = 0; i < count; ++i) {
                send[r][i] = mc2::test::Bf16Nearest(static_cast<float>(Value(r, i)) * 0.1f + (r == 0 ? 3.0f : 0.0f));
            }
        }
        RunRanks(n, [&](uint32_t r) {
            const Status st = comms[r]->AllReduce(send[r].data(), recv[r].data(), count, HCCL_DATA_TYPE_BFP16, op);
            EXPECT_TRUE(st.ok()) << st.message;
        });
        for (uint64_t i = 0; i < count; ++i) {
            float acc = mc2::test::Bf16Value(send[0][i]);
            for (uint32_t r = 1; r < n; ++r) {
                const float v = mc2::test::Bf16Value(send[r][i]);
                acc = op == HCCL_REDUCE_SUM ? acc + v : (v > acc ? v : acc);
            }
            const uint16_t want = mc2::test::Bf16Nearest(acc);
            for (uint32_t r = 0; r < n; ++r) ASSERT_EQ(recv[r][i], want) << "rank " << r << " element " << i;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AllGather, ReduceScatter, AllToAllV, Broadcast, Barrier

TEST_P(WorldSize, AllGatherInt16AndInPlace) {
    const uint32_t n = GetParam();
    const uint64_t count = 5;
    auto comms = MakeGroup(n);
    std::vector<std::vector<int16_t>> send(n, std::vector<int16_t>(count)), recv(n, std::vector<int16_t>(count * n, -1));
    std::vector<std::vector<int16_t>> inplace(n, std::vector<int16_t>(count * n, -1));
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count; ++i) {
            send[r][i] = static_cast<int16_t>(Value(r, i) * 100 + r);
            inplace[r][r * count + i] = send[r][i];
        }
    }
    RunRanks(n, [&](uint32_t r) {
        Status st = comms[r]->AllGather(send[r].data(), recv[r].data(), count, HCCL_DATA_TYPE_INT16);
        EXPECT_TRUE(st.ok()) << st.message;
        st = comms[r]->AllGather(inplace[r].data() + r * count, inplace[r].data(), count, HCCL_DATA_TYPE_INT16);
        EXPECT_TRUE(st.ok()) << st.message;
    });
    for (uint32_t r = 0; r < n; ++r) {
        for (uint32_t j = 0; j < n; ++j) {
            for (uint64_t i = 0; i < count; ++i) {
                ASSERT_EQ(recv[r][j * count + i], send[j][i]);
                ASSERT_EQ(inplace[r][j * count + i], send[j][i]);
            }
        }
    }
}

TEST_P(WorldSize, ReduceScatterFloatSumAndUint32Min) {
    const uint32_t n = GetParam();
    const uint64_t count = 6;
    auto comms = MakeGroup(n);
    std::vector<std::vector<float>> send(n, std::vector<float>(count * n)), recv(n, std::vector<float>(count));
    std::vector<std::vector<uint32_t>> usend(n, std::vector<uint32_t>(count * n)), urecv(n, std::vector<uint32_t>(count));
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count * n; ++i) {
            send[r][i] = static_cast<float>(Value(r, i)) * 0.25f;
            usend[r][i] = static_cast<uint32_t>(Value(r, i) + 1000);
        }
    }
    RunRanks(n, [&](uint32_t r) {
        Status st = comms[r]->ReduceScatter(send[r].data(), recv[r].data(), count, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM);
        EXPECT_TRUE(st.ok()) << st.message;
        st = comms[r]->ReduceScatter(usend[r].data(), urecv[r].data(), count, HCCL_DATA_TYPE_UINT32, HCCL_REDUCE_MIN);
        EXPECT_TRUE(st.ok()) << st.message;
    });
    for (uint32_t r = 0; r < n; ++r) {
        for (uint64_t i = 0; i < count; ++i) {
            float want = send[0][r * count + i];
            uint32_t umin = usend[0][r * count + i];
            for (uint32_t j = 1; j < n; ++j) {
                want += send[j][r * count + i];
                umin = std::min(umin, usend[j][r * count + i]);
            }
            ASSERT_EQ(recv[r][i], want);
            ASSERT_EQ(urecv[r][i], umin);
        }
    }
}

// Uneven counts with zeros, displacements with gaps, receive order different from rank order.
TEST_P(WorldSize, AllToAllVUneven) {
    const uint32_t n = GetParam();
    auto comms = MakeGroup(n);
    // Rank r sends (r + 2j) % 4 elements to rank j (zero for some pairs).
    auto cnt = [](uint32_t from, uint32_t to) -> uint64_t { return (from + 2 * to) % 4; };
    std::vector<std::vector<uint64_t>> sc(n), sd(n), rc(n), rd(n);
    std::vector<std::vector<int32_t>> send(n), recv(n);
    for (uint32_t r = 0; r < n; ++r) {
        uint64_t off = 1;  // leave a gap at the start
        for (uint32_t j = 0; j < n; ++j) {
            sc[r].push_back(cnt(r, j));
            sd[r].push_back(off);
            off += cnt(r, j) + (j % 2);  // gaps between blocks
        }
        send[r].resize(off);
        for (uint64_t i = 0; i < off; ++i) send[r][i] = static_cast<int32_t>(r * 100000 + i);
        // Receive blocks in reverse rank order.
        uint64_t roff = 0;
        rc[r].assign(n, 0);
        rd[r].assign(n, 0);
        for (uint32_t j = n; j-- > 0;) {
            rc[r][j] = cnt(j, r);
            rd[r][j] = roff;
            roff += cnt(j, r);
        }
        recv[r].assign(roff + 1, -7);
    }
    RunRanks(n, [&](uint32_t r) {
        const Status st = comms[r]->AllToAllV(send[r].data(), sc[r].data(), sd[r].data(), recv[r].data(), rc[r].data(),
                                              rd[r].data(), HCCL_DATA_TYPE_INT32);
        EXPECT_TRUE(st.ok()) << st.message;
    });
    for (uint32_t r = 0; r < n; ++r) {
        for (uint32_t j = 0; j < n; ++j) {
            for (uint64_t k = 0; k < rc[r][j]; ++k) {
                ASSERT_EQ(recv[r][rd[r][j] + k], send[j][sd[j][r] + k]) << "rank " << r << " from " << j;
            }
        }
        ASSERT_EQ(recv[r].back(), -7) << "wrote past the receive blocks";
    }
}

TEST_P(WorldSize, BroadcastFromEveryRootAndBarrier) {
    const uint32_t n = GetParam();
    auto comms = MakeGroup(n);
    const uint64_t count = 11;
    std::vector<std::vector<double>> buf(n, std::vector<double>(count));
    for (uint32_t root : {0u, n - 1, n / 2}) {
        for (uint32_t r = 0; r < n; ++r) {
            for (uint64_t i = 0; i < count; ++i) buf[r][i] = r == root ? 0.5 * static_cast<double>(i + root) : -1.0;
        }
        RunRanks(n, [&](uint32_t r) {
            Status st = comms[r]->Broadcast(buf[r].data(), count, HCCL_DATA_TYPE_FP64, root);
            EXPECT_TRUE(st.ok()) << st.message;
            st = comms[r]->Barrier();
            EXPECT_TRUE(st.ok()) << st.message;
        });
        for (uint32_t r = 0; r < n; ++r) {
            for (uint64_t i = 0; i < count; ++i) ASSERT_EQ(buf[r][i], 0.5 * static_cast<double>(i + root));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Hccl, WorldSize, ::testing::Values(1u, 2u, 3u, 8u, 64u),
                         [](const ::testing::TestParamInfo<uint32_t> &param) {
                             return "world" + std::to_string(param.param);
                         });

// ---------------------------------------------------------------------------------------------
// Reduction kernel details

TEST(Reduce, Fp16RoundsOnceNotPerStep) {
    // 1 + 2^-11 + 2^-11: per-step fp16 rounding gives 1 (two ties to even); one rounding of the
    // fp32 sum gives 1 + 2^-10.
    const uint16_t one = 0x3c00;
    const uint16_t half_ulp = mc2::test::HalfNearest(std::ldexp(1.0, -11));
    const uint16_t a[1] = {one}, b[1] = {half_ulp}, c[1] = {half_ulp};
    const void *blocks[3] = {a, b, c};
    uint16_t out[1] = {0};
    ASSERT_TRUE(ReduceBlocks(HCCL_DATA_TYPE_FP16, HCCL_REDUCE_SUM, blocks, 3, 1, out));
    EXPECT_EQ(out[0], 0x3c01);
}

TEST(Reduce, NanPropagatesThroughMaxMin) {
    const float a[2] = {1.0f, std::numeric_limits<float>::quiet_NaN()};
    const float b[2] = {std::numeric_limits<float>::quiet_NaN(), 2.0f};
    const void *blocks[2] = {a, b};
    float out[2];
    for (HcclReduceOp op : {HCCL_REDUCE_MAX, HCCL_REDUCE_MIN}) {
        ASSERT_TRUE(ReduceBlocks(HCCL_DATA_TYPE_FP32, op, blocks, 2, 2, out));
        EXPECT_TRUE(std::isnan(out[0]));
        EXPECT_TRUE(std::isnan(out[1]));
    }
}

TEST(Reduce, RejectsInt128AndBadOp) {
    const uint64_t a[2] = {1, 2};
    const void *blocks[2] = {a, a};
    uint64_t out[2];
    EXPECT_FALSE(ReduceBlocks(HCCL_DATA_TYPE_INT128, HCCL_REDUCE_SUM, blocks, 2, 1, out));
    EXPECT_FALSE(ReduceBlocks(HCCL_DATA_TYPE_UINT64, HCCL_REDUCE_RESERVED, blocks, 2, 1, out));
}

// ---------------------------------------------------------------------------------------------
// Argument errors inside the synchronous API

TEST(CollectiveArgs, ErrorsBeforeJoining) {
    auto comms = MakeGroup(1);
    Communicator &c = *comms[0];
    float x[4] = {};
    EXPECT_EQ(c.AllReduce(nullptr, x, 4, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM).code, HCCL_E_PTR);
    EXPECT_EQ(c.AllReduce(x, x, 4, HCCL_DATA_TYPE_RESERVED, HCCL_REDUCE_SUM).code, HCCL_E_PARA);
    EXPECT_EQ(c.AllReduce(x, x, 4, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_RESERVED).code, HCCL_E_PARA);
    EXPECT_EQ(c.AllReduce(x, x, 1, HCCL_DATA_TYPE_INT128, HCCL_REDUCE_SUM).code, HCCL_E_NOT_SUPPORT);
    EXPECT_EQ(c.Broadcast(x, 4, HCCL_DATA_TYPE_FP32, 1).code, HCCL_E_PARA);
    EXPECT_EQ(c.AllToAllV(x, nullptr, nullptr, x, nullptr, nullptr, HCCL_DATA_TYPE_FP32).code, HCCL_E_PTR);
    // Still healthy: argument errors do not touch the group.
    EXPECT_TRUE(c.Barrier().ok());
    // INT128 moves as 16-byte elements.
    EXPECT_TRUE(c.AllGather(x, x, 1, HCCL_DATA_TYPE_INT128).ok());
}

// Ranks disagreeing on sizes fail together with HCCL_E_PARA and the group stays usable.
TEST(CollectiveArgs, SizeMismatchFailsEveryRankAndKeepsGroup) {
    auto comms = MakeGroup(3);
    std::vector<std::vector<int32_t>> buf(3, std::vector<int32_t>(30, 1));
    std::vector<Status> results(3);
    RunRanks(3, [&](uint32_t r) {
        results[r] = comms[r]->AllGather(buf[r].data(), buf[r].data() + 10, r == 1 ? 4 : 3, HCCL_DATA_TYPE_INT32);
    });
    for (const auto &st : results) EXPECT_EQ(st.code, HCCL_E_PARA) << st.message;
    RunRanks(3, [&](uint32_t r) { EXPECT_TRUE(comms[r]->Barrier().ok()); });
}

TEST(CollectiveArgs, MismatchedCollectivesAreReported) {
    auto comms = MakeGroup(2);
    std::vector<Status> results(2);
    RunRanks(2, [&](uint32_t r) {
        float x[2] = {1, 2};
        results[r] = r == 0 ? comms[r]->Broadcast(x, 2, HCCL_DATA_TYPE_FP32, 0) : comms[r]->Barrier();
    });
    for (const auto &st : results) {
        EXPECT_EQ(st.code, HCCL_E_PARA);
        EXPECT_NE(st.message.find("mismatched"), std::string::npos) << st.message;
    }
}

// ---------------------------------------------------------------------------------------------
// Failures: missing rank, abort, destroyed peer, broken state

TEST(Failure, MissingRankTimesOutInBoundedTime) {
    auto comms = MakeGroup(4, 200ms);
    std::vector<Status> results(4);
    const auto start = std::chrono::steady_clock::now();
    RunRanks(3, [&](uint32_t r) {  // rank 3 never calls
        std::vector<float> x(8, 1.0f);
        results[r] = comms[r]->AllReduce(x.data(), x.data(), 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM);
    });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, 5s);
    EXPECT_GE(elapsed, 150ms);
    for (uint32_t r = 0; r < 3; ++r) {
        EXPECT_EQ(results[r].code, HCCL_E_TIMEOUT) << results[r].message;
        EXPECT_NE(results[r].message.find("3"), std::string::npos) << results[r].message;
    }
    // The group is broken for everyone now, the late rank included, at once.
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> y(8, 1.0f);
    const Status late = comms[3]->AllReduce(y.data(), y.data(), 8, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM);
    EXPECT_EQ(late.code, HCCL_E_TIMEOUT);
    EXPECT_NE(late.message.find("broken"), std::string::npos) << late.message;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
    EXPECT_EQ(comms[0]->Barrier().code, HCCL_E_TIMEOUT);
    EXPECT_FALSE(comms[2]->Health().ok());
}

// A rank that times out and returns has withdrawn its buffers: the late peer that arrives
// afterwards must not read them (ASan would see a use-after-scope here otherwise).
TEST(Failure, TimedOutRankLeavesNoBuffersBehind) {
    auto comms = MakeGroup(2, 50ms);
    Status first;
    std::thread early([&] {
        std::vector<int32_t> x(1000, 5);  // freed when this thread's call returns
        first = comms[0]->AllReduce(x.data(), x.data(), 1000, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_SUM);
    });
    early.join();
    EXPECT_EQ(first.code, HCCL_E_TIMEOUT);
    std::vector<int32_t> y(1000, 7);
    const Status late = comms[1]->AllReduce(y.data(), y.data(), 1000, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_SUM);
    EXPECT_EQ(late.code, HCCL_E_TIMEOUT);
    EXPECT_EQ(y[0], 7);
}

TEST(Failure, AbortReleasesWaitingPeersAtOnce) {
    auto comms = MakeGroup(8, 20s);
    std::vector<Status> results(8);
    const auto start = std::chrono::steady_clock::now();
    RunRanks(8, [&](uint32_t r) {
        if (r == 5) {
            std::this_thread::sleep_for(50ms);
            comms[r]->Abort("kernel failed on purpose");
            return;
        }
        std::vector<uint16_t> x(16, 0x3c00);
        results[r] = comms[r]->AllReduce(x.data(), x.data(), 16, HCCL_DATA_TYPE_FP16, HCCL_REDUCE_SUM);
    });
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    for (uint32_t r = 0; r < 8; ++r) {
        if (r == 5) continue;
        EXPECT_EQ(results[r].code, HCCL_E_REMOTE) << results[r].message;
        EXPECT_NE(results[r].message.find("kernel failed on purpose"), std::string::npos) << results[r].message;
    }
    EXPECT_EQ(comms[5]->Barrier().code, HCCL_E_REMOTE);
}

TEST(Failure, AbortBeforeCallFailsLaterCallsImmediately) {
    auto comms = MakeGroup(2, 20s);
    comms[1]->Abort("validation failed");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(comms[0]->Barrier().code, HCCL_E_REMOTE);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(Failure, DestroyedPeerReleasesWaiters) {
    auto comms = MakeGroup(3, 20s);
    std::vector<Status> results(3);
    RunRanks(3, [&](uint32_t r) {
        if (r == 2) {
            std::this_thread::sleep_for(30ms);
            comms[r]->Leave();
            return;
        }
        results[r] = comms[r]->Barrier();
    });
    EXPECT_EQ(results[0].code, HCCL_E_REMOTE) << results[0].message;
    EXPECT_EQ(results[1].code, HCCL_E_REMOTE) << results[1].message;
}

// Many back-to-back collectives with ranks drifting in timing: sequence numbers keep rounds
// apart (a fast rank posting round k+1 while a slow one still finishes round k).
TEST(Stress, BackToBackRounds) {
    const uint32_t n = 8;
    auto comms = MakeGroup(n);
    std::atomic<int> failures{0};
    RunRanks(n, [&](uint32_t r) {
        for (int it = 0; it < 200; ++it) {
            int64_t v = r + it;
            int64_t out = 0;
            if (!comms[r]->AllReduce(&v, &out, 1, HCCL_DATA_TYPE_INT64, HCCL_REDUCE_SUM).ok()) ++failures;
            if (out != static_cast<int64_t>(n) * it + static_cast<int64_t>(n * (n - 1) / 2)) ++failures;
        }
    });
    EXPECT_EQ(failures.load(), 0);
}

// ---------------------------------------------------------------------------------------------
// Timeout configuration

TEST(Timeouts, EnvironmentAndOverride) {
    unsetenv("MC2_HCCL_TIMEOUT_MS");
    setenv("HCCL_EXEC_TIMEOUT", "7", 1);
    setenv("HCCL_CONNECT_TIMEOUT", "3", 1);
    EXPECT_EQ(CurrentTimeouts().exec, 7000ms);
    EXPECT_EQ(CurrentTimeouts().connect, 3000ms);
    setenv("HCCL_EXEC_TIMEOUT", "soon", 1);  // malformed: CANN's default, not 0 or forever
    EXPECT_EQ(CurrentTimeouts().exec, 1836000ms);
    setenv("MC2_HCCL_TIMEOUT_MS", "250", 1);
    EXPECT_EQ(CurrentTimeouts().exec, 250ms);
    EXPECT_EQ(CurrentTimeouts().connect, 250ms);
    // The connect timeout alone, over MC2_HCCL_TIMEOUT_MS (the fuzzers: 1 s joins, 3 s collectives).
    setenv("MC2_HCCL_CONNECT_TIMEOUT_MS", "90", 1);
    EXPECT_EQ(CurrentTimeouts().connect, 90ms);
    EXPECT_EQ(CurrentTimeouts().exec, 250ms);
    SetTimeoutOverrideMs(40);
    EXPECT_EQ(CurrentTimeouts().exec, 40ms);
    EXPECT_EQ(CurrentTimeouts().connect, 40ms);
    SetTimeoutOverrideMs(0);
    EXPECT_EQ(CurrentTimeouts().exec, 250ms);
    unsetenv("MC2_HCCL_TIMEOUT_MS");
    EXPECT_EQ(CurrentTimeouts().connect, 90ms);
    EXPECT_EQ(CurrentTimeouts().exec, 1836000ms);  // HCCL_EXEC_TIMEOUT is still "soon"
    unsetenv("MC2_HCCL_CONNECT_TIMEOUT_MS");
    unsetenv("HCCL_EXEC_TIMEOUT");
    unsetenv("HCCL_CONNECT_TIMEOUT");
    EXPECT_EQ(CurrentTimeouts().connect, 120000ms);
}

// ---------------------------------------------------------------------------------------------
// Group resolution for the operators

TEST(FindCommunicator, ByGroupNameAndDevice) {
    int32_t devices[2] = {3, 5};
    HcclComm comms[2] = {};
    ASSERT_EQ(HcclCommInitAll(2, devices, comms), HCCL_SUCCESS);
    char name[MAX_GROUP_NAME];
    ASSERT_EQ(HcclGetCommName(comms[0], name), HCCL_SUCCESS);
    Communicator *on5 = FindCommunicator(name, 5);
    ASSERT_NE(on5, nullptr);
    EXPECT_EQ(on5->Rank(), 1u);
    EXPECT_EQ(on5->Size(), 2u);
    EXPECT_EQ(on5->DeviceId(), 5);
    EXPECT_EQ(on5->Name(), name);
    ASSERT_NE(FindCommunicator(name, 3), nullptr);
    EXPECT_EQ(FindCommunicator(name, 3)->Rank(), 0u);
    EXPECT_EQ(FindCommunicator(name, 4), nullptr);
    EXPECT_EQ(FindCommunicator("no_such_group", 3), nullptr);
    EXPECT_EQ(FindCommunicator(nullptr, 3), nullptr);
    // A kernel-side collective through the found communicators.
    RunRanks(2, [&](uint32_t r) {
        int32_t v = static_cast<int32_t>(r) + 1;
        int32_t out = 0;
        const Status st = FindCommunicator(name, devices[r])->AllReduce(&v, &out, 1, HCCL_DATA_TYPE_INT32, HCCL_REDUCE_SUM);
        EXPECT_TRUE(st.ok()) << st.message;
        EXPECT_EQ(out, 3);
    });
    ASSERT_EQ(HcclCommDestroy(comms[1]), HCCL_SUCCESS);
    EXPECT_EQ(FindCommunicator(name, 5), nullptr);
    ASSERT_EQ(HcclCommDestroy(comms[0]), HCCL_SUCCESS);
    EXPECT_EQ(FindCommunicator(name, 3), nullptr);
}

}  // namespace
}  // namespace mc2::impl::hccl
