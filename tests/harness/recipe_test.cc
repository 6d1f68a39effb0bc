// tests/harness/recipe_test.cc — the operator registry and the public headers stay in step
// (docs/adding-an-operator.md): every aclnn first phase declared in include/aclnnop/ and every ATB
// operation Param in include/atb/ either has a registered binding or is in the explicit pending
// list below, with the issue that adds it; a pending entry whose binding has landed, or that no
// header declares, fails too. Also: every registered binding has a spec family and outputs, and
// its signature is what the descriptor parser uses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "harness/ops/registry.h"
#include "harness/signatures.h"
#include "spec/catalogue.h"

namespace mc2::harness {
namespace {

// API name -> why it is not registered yet (the issue that brings it).
const std::map<std::string, std::string> &Pending() {
    static const std::map<std::string, std::string> pending = {
        // Need QuantMatmulAllReduce's dequant path (merged) and the low-bit comm / NZ branches.
    };
    return pending;
}

std::string Read(const std::filesystem::path &p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every operator the public headers declare: aclnn first phases and ATB operation Params.
std::set<std::string> DeclaredApis() {
    std::set<std::string> apis;
    const std::filesystem::path root = MC2_PUBLIC_INCLUDE_DIR;
    const std::regex aclnn(R"((aclnn\w+)GetWorkspaceSize\s*\()");
    for (const auto &entry : std::filesystem::directory_iterator(root / "aclnnop")) {
        const std::string text = Read(entry.path());
        for (std::sregex_iterator it(text.begin(), text.end(), aclnn), end; it != end; ++it) apis.insert((*it)[1]);
    }
    const std::regex atb(R"(struct\s+(\w+)Param\s*\{)");
    for (const auto &entry : std::filesystem::directory_iterator(root / "atb")) {
        const std::string text = Read(entry.path());
        for (std::sregex_iterator it(text.begin(), text.end(), atb), end; it != end; ++it) {
            apis.insert("atb::" + std::string((*it)[1]) + "Operation");
        }
    }
    return apis;
}

std::set<std::string> RegisteredApis() {
    std::set<std::string> apis;
    for (const OpBinding *b : AllBindings()) apis.insert(b->api.api);
    return apis;
}

TEST(Recipe, EveryDeclaredOperatorIsRegisteredOrPending) {
    const std::set<std::string> declared = DeclaredApis();
    ASSERT_FALSE(declared.empty()) << "no operator found under " << MC2_PUBLIC_INCLUDE_DIR;
    const std::set<std::string> registered = RegisteredApis();
    for (const std::string &api : declared) {
        EXPECT_TRUE(registered.count(api) != 0 || Pending().count(api) != 0)
            << api << " is declared in include/ but has no binding (harness/ops/) and no pending entry";
    }
}

TEST(Recipe, PendingListIsNotStale) {
    const std::set<std::string> declared = DeclaredApis();
    const std::set<std::string> registered = RegisteredApis();
    for (const auto &[api, why] : Pending()) {
        EXPECT_EQ(registered.count(api), 0u) << api << " is registered now: remove it from the pending list (" << why << ")";
        EXPECT_EQ(declared.count(api), 1u) << api << " (pending: " << why << ") is declared by no public header";
    }
}

TEST(Recipe, EveryBindingIsComplete) {
    ASSERT_FALSE(AllBindings().empty());
    for (const OpBinding *b : AllBindings()) {
        SCOPED_TRACE(b->op);
        EXPECT_NE(spec::FindFamily(b->op), nullptr) << "no spec family lists this operator";
        EXPECT_FALSE(b->outputs.empty());
        EXPECT_FALSE(b->api.symbols.empty());
        EXPECT_TRUE(static_cast<bool>(b->api.bind));
        EXPECT_NE(b->contraction, nullptr);
        EXPECT_NE(b->role, nullptr);
        const OpSignature signature = b->Signature();
        for (const OutputDecl &o : b->outputs) {
            const ParamDecl *p = signature.Find(o.name);
            ASSERT_NE(p, nullptr) << "output " << o.name << " is not a parameter";
            EXPECT_EQ(p->kind, ParamKind::kTensor);
            if (o.kind == OutputKind::kInterval) EXPECT_NE(b->bounds, nullptr) << o.name;
            if (o.kind == OutputKind::kExact) EXPECT_NE(b->exact, nullptr) << o.name;
        }
        // The descriptor parser knows exactly this signature.
        const OpSignature *sig = FindSignature(b->op);
        ASSERT_NE(sig, nullptr);
        EXPECT_EQ(sig->api, b->api.api);
        ASSERT_EQ(sig->params.size(), b->api.params.size());
        for (size_t i = 0; i < sig->params.size(); ++i) {
            EXPECT_EQ(sig->params[i].name, b->api.params[i].name);
            EXPECT_EQ(sig->params[i].kind, b->api.params[i].kind);
        }
    }
}

TEST(Recipe, SignaturesComeFromTheFunctionTypes) {
    // aclnnMatmulAllReduceV2GetWorkspaceSize(x1, x2, bias, x3, group, reduceOp, commTurn,
    // streamMode, output, ...): the kinds are read off the C prototype, not written by hand.
    const OpSignature *sig = FindSignature("matmul_all_reduce_v2");
    ASSERT_NE(sig, nullptr);
    const std::vector<std::pair<std::string, ParamKind>> want = {
        {"x1", ParamKind::kTensor},    {"x2", ParamKind::kTensor},     {"bias", ParamKind::kTensor},
        {"x3", ParamKind::kTensor},    {"group", ParamKind::kString},  {"reduce_op", ParamKind::kString},
        {"comm_turn", ParamKind::kInt}, {"stream_mode", ParamKind::kInt}, {"output", ParamKind::kTensor}};
    ASSERT_EQ(sig->params.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(sig->params[i].name, want[i].first);
        EXPECT_EQ(sig->params[i].kind, want[i].second) << want[i].first;
    }
    EXPECT_EQ(RequiredSymbols("matmul_all_reduce_v2"),
              (std::vector<std::string>{"aclnnMatmulAllReduceV2GetWorkspaceSize", "aclnnMatmulAllReduceV2"}));
}

}  // namespace
}  // namespace mc2::harness
