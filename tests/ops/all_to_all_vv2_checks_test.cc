// tests/ops/all_to_all_vv2_checks_test.cc — ATB AllToAllVV2Operation's argument checks, through
// the exported ABI only: every CreateOperation / InferShape / Setup / Execute check with its
// ErrorType and a message, in ATB's order (spec-notes/ops.md §7): a call breaking two checks
// gets the earlier check's code. Also the hardening checks of this library (counts changed
// between Setup and Execute, an output overlapping x, a communicator of the wrong size,
// destroyed contexts and operations), each refused with ERROR_INVALID_PARAM.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "atb/atb_infer.h"
#include "hccl/hccl.h"
#include "all_to_all_vv2_util.h"

namespace mc2::test {
namespace {

// --- CreateOperation ------------------------------------------------------------------------

atb::Status Create(const atb::infer::AllToAllVV2Param &p, std::string *errors = nullptr) {
    atb::Operation *op = nullptr;
    const atb::Status st = atb::CreateOperation(p, &op);
    if (op != nullptr) atb::DestroyOperation(op);
    const std::string e = TakeErrors();
    if (errors != nullptr) *errors = e;
    return st;
}

atb::infer::AllToAllVV2Param ValidParam() {
    atb::infer::AllToAllVV2Param p;
    p.rank = 0;
    p.rankSize = 2;
    return p;
}

TEST(AllToAllVV2Create, EachParameterCheckIsInvalidParamWithAMessage) {
    EXPECT_EQ(Create(ValidParam()), atb::NO_ERROR);
    EXPECT_EQ(atb::CreateOperation(ValidParam(), nullptr), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("operation is null"), std::string::npos);

    struct Bad {
        const char *what;
        std::function<void(atb::infer::AllToAllVV2Param &)> edit;
        const char *message;
    };
    const std::string longDomain(129, 'd');
    const Bad bads[] = {
        {"rsv", [](auto &p) { p.rsv[63] = 1; }, "rsv[63]"},
        {"backend", [](auto &p) { p.backend = "lccl"; }, "backend"},
        {"rank -1 multi-card", [](auto &p) { p.rank = -1; }, "rank is -1"},
        {"commMode", [](auto &p) { p.commMode = static_cast<atb::infer::CommMode>(7); }, "commMode"},
        {"commMode undefined", [](auto &p) { p.commMode = atb::infer::COMM_UNDEFINED; }, "commMode"},
        {"commDomain length", [&](auto &p) { p.commDomain = longDomain; }, "commDomain"},
        {"rankTableFile missing", [](auto &p) { p.rankTableFile = "/nonexistent/ranktable.json"; }, "rankTableFile"},
        {"rankSize 0", [](auto &p) { p.rankSize = 0; }, "rankSize"},
        {"rankSize beyond devices", [](auto &p) { p.rankSize = 100000; }, "rankSize"},
        {"rank negative", [](auto &p) { p.rank = -2; }, "rank -2"},
        {"rank too large", [](auto &p) { p.rank = 2; }, "rank 2"},
        {"rankRoot negative", [](auto &p) { p.rankRoot = -1; }, "rankRoot"},
        {"rankRoot too large", [](auto &p) { p.rankRoot = 2; }, "rankRoot"},
    };
    for (const Bad &b : bads) {
        atb::infer::AllToAllVV2Param p = ValidParam();
        b.edit(p);
        std::string errors;
        EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM) << b.what;
        EXPECT_NE(errors.find(b.message), std::string::npos) << b.what << ": " << errors;
        EXPECT_NE(errors.find("ERROR_INVALID_PARAM"), std::string::npos) << b.what << ": " << errors;
    }
}

TEST(AllToAllVV2Create, ChecksRunInAtbOrderAndSkipsApply) {
    std::string errors;
    // rsv before backend, backend before the rank, rank before the distributed checks.
    atb::infer::AllToAllVV2Param p = ValidParam();
    p.rsv[0] = 9;
    p.backend = "lccl";
    EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("rsv"), std::string::npos) << errors;
    p = ValidParam();
    p.backend = "x";
    p.commMode = atb::infer::COMM_UNDEFINED;
    EXPECT_EQ(Create(p, &errors), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("backend"), std::string::npos) << errors;
    p = ValidParam();
    p.commDomain = std::string(128, 'd');  // 128 characters are allowed
    EXPECT_EQ(Create(p), atb::NO_ERROR);
    // An existing rank table skips the rank checks; so does an external communicator.
    const std::string table = ::testing::TempDir() + "a2av_ranktable.json";
    FILE *f = std::fopen(table.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    p = ValidParam();
    p.rankTableFile = table;
    p.rankSize = 0;
    p.rankRoot = 5;
    EXPECT_EQ(Create(p, &errors), atb::NO_ERROR) << errors;
    p = ValidParam();
    p.hcclComm = reinterpret_cast<HcclComm>(0x1234);
    p.rankSize = 0;
    p.rank = 7;
    EXPECT_EQ(Create(p, &errors), atb::NO_ERROR) << errors;
    // rank -1 with one rank is accepted by the rank check but not by the range check (ATB).
    p = ValidParam();
    p.rank = -1;
    p.rankSize = 1;
    EXPECT_EQ(Create(p), atb::ERROR_INVALID_PARAM);
}

// --- Setup and InferShape checks --------------------------------------------------------------

// One rank's operation on a world of 2, for the checks that never communicate.
struct SetupFixture : ::testing::Test {
    void SetUp() override {
        world = std::make_unique<World>(2);
        ASSERT_EQ(aclrtSetCurrentContext(world->contexts[0]), ACL_SUCCESS);
        calls = DocExample(ACL_FLOAT16);
        tensors = std::make_unique<RankTensors>(calls[0]);
        ASSERT_EQ(atb::CreateOperation(world->Param(0), &op), atb::NO_ERROR);
        pack = tensors->Pack();
    }
    void TearDown() override {
        atb::DestroyOperation(op);
        tensors.reset();
        world.reset();
    }
    atb::Status TrySetup(const atb::VariantPack &p, std::string *errors = nullptr) {
        uint64_t ws = 0;
        const atb::Status st = op->Setup(p, ws, world->atbContexts[0]);
        const std::string e = TakeErrors();
        if (errors != nullptr) *errors = e;
        if (st != atb::NO_ERROR) {
            EXPECT_FALSE(e.empty()) << "a failure without a message";
        }
        return st;
    }
    std::unique_ptr<World> world;
    std::vector<RankCall> calls;
    std::unique_ptr<RankTensors> tensors;
    atb::Operation *op = nullptr;
    atb::VariantPack pack;
};

TEST_F(SetupFixture, NameCountsAndInferShape) {
    EXPECT_EQ(op->GetName(), "AllToAllVV2Operation");
    EXPECT_EQ(op->GetInputNum(), 6u);
    EXPECT_EQ(op->GetOutputNum(), 1u);
    atb::SVector<atb::TensorDesc> in;
    for (const atb::Tensor &t : pack.inTensors) in.push_back(t.desc);
    atb::SVector<atb::TensorDesc> out;
    ASSERT_EQ(op->InferShape(in, out), atb::NO_ERROR) << TakeErrors();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].dtype, ACL_FLOAT16);
    EXPECT_EQ(out[0].format, ACL_FORMAT_ND);
    EXPECT_EQ(out[0].shape.dimNum, 2u);
    EXPECT_EQ(out[0].shape.dims[0], 1);
    EXPECT_EQ(out[0].shape.dims[1], 4);  // tensorForInferShape.dims[0]
    // InferShape's checks, in order, on the inputs only.
    atb::SVector<atb::TensorDesc> five = in;
    five.resize(5);
    EXPECT_EQ(op->InferShape(five, out), atb::ERROR_INVALID_IN_TENSOR_NUM);
    auto bad = in;
    bad[2].shape.dimNum = 9;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_DIM);
    bad = in;
    bad[5].shape.dims[0] = 0;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_SIZE);
    bad = in;
    bad[0].dtype = ACL_UINT8;
    EXPECT_EQ(op->InferShape(bad, out), atb::ERROR_INVALID_TENSOR_INI_MATCH);
    EXPECT_NE(TakeErrors().find("ERROR_INVALID_TENSOR_INI_MATCH"), std::string::npos);
}

TEST_F(SetupFixture, FrameworkChecksInOrder) {
    EXPECT_EQ(TrySetup(pack), atb::NO_ERROR);
    std::string errors;
    {  // context null, before anything else
        uint64_t ws = 0;
        atb::VariantPack empty;
        EXPECT_EQ(op->Setup(empty, ws, nullptr), atb::ERROR_INVALID_PARAM);
        EXPECT_NE(TakeErrors().find("context is null"), std::string::npos);
    }
    auto p = pack;
    p.inTensors.resize(5);
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    p = pack;
    p.outTensors.clear();
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    p = pack;
    p.outTensors.push_back(pack.outTensors[0]);
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_IN_TENSOR_NUM);
    // Rank: 0 or 9 dims; rank before size before ini (each case also breaks the later ones).
    for (uint64_t dims : {0ull, 9ull}) {
        p = pack;
        p.inTensors[0].desc.shape.dimNum = dims;
        p.inTensors[0].desc.dtype = ACL_UINT8;
        EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_DIM) << dims;
        EXPECT_NE(errors.find("inTensor 0 (x)"), std::string::npos) << errors;
    }
    p = pack;
    p.outTensors[0].desc.shape.dimNum = 9;
    p.inTensors[0].desc.dtype = ACL_UINT8;  // the output's rank is checked before the ini rows
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_DIM);
    EXPECT_NE(errors.find("outTensor 0 (output)"), std::string::npos) << errors;
    // Inputs before outputs: an oversized input and a 9-dim output give the input's code.
    p = pack;
    p.inTensors[4].desc.shape.dims[0] = 0;
    p.outTensors[0].desc.shape.dimNum = 9;
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_SIZE);
    EXPECT_NE(errors.find("inTensor 4 (rdispls)"), std::string::npos) << errors;
    // Size: an empty dim, a negative dim, more than 256 GiB, an unsized dtype.
    p = pack;
    p.inTensors[0].desc.shape.dims[1] = 0;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc.shape.dims[0] = -2;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc = Desc(ACL_UINT8, {1LL << 38});  // exactly 256 GiB: past the size check,
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_INI_MATCH);  // refused by the ini rows
    p.inTensors[0].desc = Desc(ACL_FLOAT16, {(1LL << 37) + 1, 1});
    EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_SIZE);
    EXPECT_NE(errors.find("256 GiB"), std::string::npos) << errors;
    p = pack;
    p.outTensors[0].desc = Desc(ACL_FLOAT16, {1LL << 40, 4});
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    p = pack;
    p.inTensors[0].desc.dtype = ACL_FLOAT4_E2M1;
    EXPECT_EQ(TrySetup(p), atb::ERROR_INVALID_TENSOR_SIZE);
    // Ini rows: dtype and format of inputs and outputs.
    const std::function<void(atb::VariantPack &)> iniBreaks[] = {
        [](auto &q) { q.inTensors[0].desc.dtype = ACL_UINT8; },
        [](auto &q) { q.inTensors[0].desc.format = ACL_FORMAT_NCHW; },
        [](auto &q) { q.inTensors[1].desc.dtype = ACL_INT32; },
        [](auto &q) { q.inTensors[3].desc.format = ACL_FORMAT_FRACTAL_NZ; },
        [](auto &q) { q.inTensors[5].desc.dtype = ACL_INT64; },
        [](auto &q) { q.outTensors[0].desc.dtype = ACL_FLOAT; },
        [](auto &q) { q.outTensors[0].desc.dtype = ACL_BF16; },
    };
    for (size_t i = 0; i < std::size(iniBreaks); ++i) {
        p = pack;
        iniBreaks[i](p);
        p.inTensors[1].hostData = nullptr;  // also breaks SetupCheckImpl: the ini code must win
        EXPECT_EQ(TrySetup(p, &errors), atb::ERROR_INVALID_TENSOR_INI_MATCH) << i;
        EXPECT_NE(errors.find("supported"), std::string::npos) << errors;
    }
}

TEST_F(SetupFixture, OperationChecksInOrder) {
    std::string errors;
    auto &send = tensors->call.send;
    auto &sdispls = tensors->call.sdispls;
    auto &recv = tensors->call.recv;
    auto &rdispls = tensors->call.rdispls;
    const auto reset = [&] {
        send = {2, 4};
        sdispls = {0, 2};
        recv = {2, 2};
        rdispls = {0, 2};
        pack = tensors->Pack();
    };
    struct Case {
        const char *what;
        std::function<void()> edit;
        atb::Status code;
        const char *message;
    };
    constexpr int64_t kMax = INT64_MAX;
    const Case cases[] = {
        {"count length", [&] { pack.inTensors[2].desc.shape.dims[0] = 3; }, atb::ERROR_INVALID_PARAM, "rankSize 2"},
        {"count length beats negative",
         [&] {
             send[0] = -1;
             pack.inTensors[4].desc.shape.dims[0] = 1;
         },
         atb::ERROR_INVALID_PARAM, "inTensor 4 (rdispls)"},
        {"hostData null", [&] { pack.inTensors[3].hostData = nullptr; }, atb::ERROR_INVALID_PARAM, "hostData"},
        {"negative send", [&] { send[1] = -1; }, atb::ERROR_INVALID_PARAM, "sendCount[1] = -1"},
        {"negative sdispls", [&] { sdispls[0] = -5; }, atb::ERROR_INVALID_PARAM, "sdispls[0] = -5"},
        {"negative recv", [&] { recv[0] = -1; }, atb::ERROR_INVALID_PARAM, "recvCount[0] = -1"},
        {"negative rdispls", [&] { rdispls[1] = -1; }, atb::ERROR_INVALID_PARAM, "rdispls[1] = -1"},
        {"recv sum overflows",
         [&] {
             recv = {kMax, 1};
         },
         atb::ERROR_INVALID_PARAM, "overflows"},
        {"recv sum zero",
         [&] {
             recv = {0, 0};
             send = {0, 0};
         },
         atb::ERROR_INVALID_PARAM, "sum(recvCount) is 0"},
        {"recv window past the output", [&] { rdispls[1] = 3; }, atb::ERROR_INVALID_PARAM, "past the output"},
        {"recv window overflows",
         [&] {
             recv = {kMax - 3, 2};
             rdispls = {4, 0};
         },
         atb::ERROR_INVALID_PARAM, "past the output"},
        {"send window past x", [&] { sdispls[1] = 5; }, atb::ERROR_INVALID_PARAM, "past x"},
        {"send window overflows", [&] { sdispls[1] = kMax - 1; }, atb::ERROR_INVALID_PARAM, "past x"},
        {"output dims[1]", [&] { pack.outTensors[0].desc.shape.dims[1] = 5; }, atb::ERROR_INVALID_TENSOR_DIM,
         "dims[1]"},
        {"output 1-D", [&] { pack.outTensors[0].desc = Desc(ACL_FLOAT16, {4}); }, atb::ERROR_INVALID_TENSOR_DIM,
         "dims[1]"},
        {"window beats output dims",
         [&] {
             sdispls[1] = 5;
             pack.outTensors[0].desc.shape.dims[1] = 5;
         },
         atb::ERROR_INVALID_PARAM, "past x"},
    };
    for (const Case &c : cases) {
        reset();
        c.edit();
        EXPECT_EQ(TrySetup(pack, &errors), c.code) << c.what;
        EXPECT_NE(errors.find(c.message), std::string::npos) << c.what << ": " << errors;
    }
    reset();
    EXPECT_EQ(TrySetup(pack), atb::NO_ERROR);
    // A window covering the whole output and one reaching x's end exactly are fine.
    send = {2, 6};
    sdispls = {0, 2};
    recv = {4, 0};
    rdispls = {0, 4};
    pack = tensors->Pack();
    EXPECT_EQ(TrySetup(pack, &errors), atb::NO_ERROR) << errors;
}

TEST_F(SetupFixture, ContextChecks) {
    uint64_t ws = 0;
    atb::Context *dead = nullptr;
    ASSERT_EQ(atb::CreateContext(&dead), atb::NO_ERROR);
    ASSERT_EQ(atb::DestroyContext(dead), atb::NO_ERROR);
    EXPECT_EQ(op->Setup(pack, ws, dead), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("not live"), std::string::npos);
    EXPECT_EQ(atb::DestroyContext(dead), atb::ERROR_INVALID_PARAM);  // twice
    EXPECT_FALSE(TakeErrors().empty());
    EXPECT_EQ(atb::DestroyContext(nullptr), atb::NO_ERROR);
    EXPECT_EQ(atb::CreateContext(nullptr), atb::ERROR_INVALID_PARAM);
    TakeErrors();
}

// --- Execute --------------------------------------------------------------------------------

TEST_F(SetupFixture, ExecuteChecks) {
    std::string errors;
    const auto execute = [&](const atb::VariantPack &p, atb::Context *ctx, uint8_t *ws = nullptr, uint64_t n = 0) {
        const atb::Status st = op->Execute(p, ws, n, ctx);
        errors = TakeErrors();
        return st;
    };
    atb::Context *ctx = world->atbContexts[0];
    EXPECT_EQ(execute(pack, nullptr), atb::ERROR_INVALID_PARAM);
    EXPECT_EQ(execute(pack, ctx), atb::ERROR_INVALID_PARAM);  // no Setup yet
    EXPECT_NE(errors.find("no successful Setup"), std::string::npos) << errors;
    ASSERT_EQ(TrySetup(pack), atb::NO_ERROR);
    atb::Context *other = nullptr;
    ASSERT_EQ(atb::CreateContext(&other), atb::NO_ERROR);
    other->SetExecuteStream(world->streams[0]);
    EXPECT_EQ(execute(pack, other), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("differs"), std::string::npos) << errors;
    auto p = pack;
    p.inTensors[0].dataSize += 2;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("dataSize"), std::string::npos) << errors;
    p = pack;
    p.inTensors.resize(5);
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    p = pack;
    p.outTensors[0].deviceData = nullptr;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    p = pack;
    p.inTensors[0].hostData = p.inTensors[0].deviceData;
    p.inTensors[0].deviceData = nullptr;  // host data only: ATB's runner needs device data
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("x has no deviceData"), std::string::npos) << errors;
    // Counts changed after Setup so that a window reaches past the output (hardening).
    std::vector<int64_t> bigger = {2, 3};
    p = pack;
    p.inTensors[3].hostData = bigger.data();
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("past the output"), std::string::npos) << errors;
    // The output overlapping x (hardening: peers read x while the output is written).
    p = pack;
    p.outTensors[0].deviceData = static_cast<uint8_t *>(p.inTensors[0].deviceData) + 2;
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("overlaps x"), std::string::npos) << errors;
    // Device data that is not device memory: HCCL refuses it (HCCL_E_PARA).
    std::vector<uint8_t> host(64);
    p = pack;
    p.outTensors[0].deviceData = host.data();
    EXPECT_EQ(execute(p, ctx), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("HcclAlltoAllV"), std::string::npos) << errors;
    // A context whose stream is unset.
    atb::Context *noStream = nullptr;
    ASSERT_EQ(atb::CreateContext(&noStream), atb::NO_ERROR);
    ASSERT_EQ(TrySetup(pack), atb::NO_ERROR);
    uint64_t ws = 0;
    ASSERT_EQ(op->Setup(pack, ws, noStream), atb::NO_ERROR);
    EXPECT_EQ(execute(pack, noStream), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(errors.find("stream"), std::string::npos) << errors;
    // A failed Setup forgets the successful one before it.
    auto broken = pack;
    broken.inTensors.resize(1);
    EXPECT_EQ(TrySetup(broken), atb::ERROR_INVALID_IN_TENSOR_NUM);
    EXPECT_EQ(execute(pack, ctx), atb::ERROR_INVALID_PARAM);
    atb::DestroyContext(noStream);
    atb::DestroyContext(other);
    // Destroying twice is refused, not a double free.
    ASSERT_EQ(atb::DestroyOperation(op), atb::NO_ERROR);
    EXPECT_EQ(atb::DestroyOperation(op), atb::ERROR_INVALID_PARAM);
    EXPECT_FALSE(TakeErrors().empty());
    EXPECT_EQ(atb::DestroyOperation(nullptr), atb::NO_ERROR);
    op = nullptr;
}

// The communicator must have rankSize ranks: HCCL reads that many entries of every count array.
TEST(AllToAllVV2Execute, CommunicatorSizeMustBeRankSize) {
    World world(2);
    ASSERT_EQ(aclrtSetCurrentContext(world.contexts[0]), ACL_SUCCESS);
    RankCall c;
    c.dtype = ACL_INT8;
    c.xShape = {2};
    c.x = {1, 2};
    c.send = {2};
    c.sdispls = {0};
    c.recv = {2};
    c.rdispls = {0};
    RankTensors tensors(c);
    atb::infer::AllToAllVV2Param param = world.Param(0);
    param.rankSize = 1;
    atb::Operation *op = nullptr;
    ASSERT_EQ(atb::CreateOperation(param, &op), atb::NO_ERROR);
    auto pack = tensors.Pack();
    uint64_t ws = 0;
    ASSERT_EQ(op->Setup(pack, ws, world.atbContexts[0]), atb::NO_ERROR) << TakeErrors();
    EXPECT_EQ(op->Execute(pack, nullptr, 0, world.atbContexts[0]), atb::ERROR_INVALID_PARAM);
    EXPECT_NE(TakeErrors().find("2 ranks but rankSize is 1"), std::string::npos);
    atb::DestroyOperation(op);
}

TEST(AllToAllVV2Params, CloneAndUpdate) {
    atb::Operation *op = nullptr;
    atb::infer::AllToAllVV2Param p = ValidParam();
    p.commDomain = "first";
    ASSERT_EQ(atb::CreateOperation(p, &op), atb::NO_ERROR);
    atb::infer::AllToAllVV2Param got;
    ASSERT_EQ(atb::CloneOperationParam(op, got), atb::NO_ERROR);
    EXPECT_TRUE(got == p);
    atb::infer::AllToAllVV2Param bad = p;
    bad.backend = "lccl";
    EXPECT_EQ(atb::UpdateOperationParam(op, bad), atb::ERROR_INVALID_PARAM);
    TakeErrors();
    atb::infer::AllToAllVV2Param one = p;
    one.rank = 0;
    one.rankSize = 1;
    one.hcclComm = reinterpret_cast<HcclComm>(0x1);
    one.rank = -1;
    ASSERT_EQ(atb::UpdateOperationParam(op, one), atb::NO_ERROR);
    ASSERT_EQ(atb::CloneOperationParam(op, got), atb::NO_ERROR);
    EXPECT_EQ(got.rank, 0);  // ATB's SetParam: rank -1 of a single rank becomes 0
    EXPECT_EQ(got.rankSize, 1);
    atb::DestroyOperation(op);
    EXPECT_EQ(atb::CloneOperationParam(op, got), atb::ERROR_INVALID_PARAM);
    TakeErrors();
}

}  // namespace
}  // namespace mc2::test
