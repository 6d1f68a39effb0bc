// tests/tools/mc2conf_bundle_test.cc — case bundles (`mc2conf export`, `judge`): every kind of
// bad answer an adapter can leave (a missing, malformed or mis-typed status.json; a missing,
// truncated, mis-typed, mis-shaped or wrong output array) is FAILED with a reason naming it,
// never a crash; a bad bundle is a usage error. The .npy files the test damages are written by
// its own small writer, not by the code under test. Front-end cases (`export --front-end`): a
// refusal at the wrong check, a dispatch to the wrong API or with arguments or tensors the route
// does not pass, and a refusal of a call the front-end accepts are FAILED with their reasons.
// (The round trips: _roundtrip_test.cc.)
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/tools/run_mc2conf.h"

namespace {

using mc2::testing_tools::ReadFile;
using mc2::testing_tools::Result;
using mc2::testing_tools::RunMc2conf;
using nlohmann::json;

std::string TempDir(const std::string &name) {
    const std::string dir = ::testing::TempDir() + "mc2conf_bundle_test." + std::to_string(getpid()) + "." + name;
    std::filesystem::remove_all(dir);
    return dir;
}

json ReadJson(const std::string &path) {
    json j = json::parse(ReadFile(path), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path;
    return j;
}

// ---- damaged answers ----

// numpy's .npy v1.0, written here independently of tools/mc2conf/npy.cc.
void WriteNpy(const std::string &path, const std::string &descr, const std::string &shape, const std::string &data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xFF);
    out += static_cast<char>(header.size() >> 8);
    std::ofstream(path, std::ios::binary) << out << header << data;
}

std::string ShapeText(const json &shape) {
    std::string t = "(";
    for (size_t i = 0; i < shape.size(); ++i) t += std::to_string(shape[i].get<int64_t>()) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    return t + ")";
}

int64_t Elements(const json &shape) {
    int64_t n = 1;
    for (const json &d : shape) n *= d.get<int64_t>();
    return n;
}

TEST(Mc2confBundle, DamagedAnswersAreFailedWithReasons) {
    const std::string dir = TempDir("damaged");
    const std::string bundle = dir + "/bundle";
    // The gate's first cases are valid: every rank succeeds and owes its outputs.
    ASSERT_EQ(RunMc2conf("export --gate quick --op matmul_all_reduce --platform atlas_a2 --limit 10 --to '" + bundle + "'")
                  .exit_code,
              0);
    ASSERT_EQ(RunMc2conf("adapt-builtin '" + bundle + "'").exit_code, 0);
    const json manifest = ReadJson(bundle + "/manifest.json");
    ASSERT_EQ(manifest["schema"], "mc2conf.case-bundle");
    ASSERT_EQ(manifest["version"], 1);
    ASSERT_EQ(manifest["cases"].size(), 10u);
    // Rank 0's output of case i.
    auto output = [&](int i) -> json {
        for (const json &t : manifest["cases"][i]["ranks"][0]["tensors"]) {
            if (t.value("role", "") == "output") return t;
        }
        ADD_FAILURE() << "case " << i << " has no output";
        return json::object();
    };
    auto result_path = [&](int i) { return bundle + "/" + output(i)["result_file"].get<std::string>(); };
    auto status_path = [&](int i) { return bundle + "/" + manifest["cases"][i]["ranks"][0]["status_file"].get<std::string>(); };
    std::map<int, std::string> expected;  // case -> a fragment of its FAILED reason

    std::filesystem::remove(status_path(0));
    expected[0] = "status.json missing";
    std::ofstream(status_path(1)) << "{ not json";
    expected[1] = "not a JSON object";
    std::ofstream(status_path(2)) << R"({"prepare_status": "zero", "execute_status": 0, "sync_status": 0})";
    expected[2] = "prepare_status is \"zero\", not a 32-bit status code";
    std::filesystem::remove(result_path(3));
    expected[3] = "missing";
    {  // truncated: half the data
        const std::string text = ReadFile(result_path(4));
        std::ofstream(result_path(4), std::ios::binary | std::ios::trunc) << text.substr(0, text.size() - (text.size() - 128) / 2);
        expected[4] = "data bytes";
    }
    {  // mis-typed: same width, signed instead of the manifest's type
        const json t = output(5);
        const std::string descr = t["npy_dtype"].get<std::string>();
        const std::string other = descr.substr(0, 1) + (descr[1] == 'i' ? "u" : "i") + descr.substr(2);
        const int64_t n = Elements(t["npy_shape"]);
        WriteNpy(result_path(5), other, ShapeText(t["npy_shape"]), std::string(static_cast<size_t>(n) * std::stoul(descr.substr(2)), '\0'));
        expected[5] = "numpy type '" + other + "'";
    }
    {  // mis-shaped: one element more, in one dimension
        const json t = output(6);
        const std::string descr = t["npy_dtype"].get<std::string>();
        const int64_t n = Elements(t["npy_shape"]) + 1;
        WriteNpy(result_path(6), descr, "(" + std::to_string(n) + ",)", std::string(static_cast<size_t>(n) * std::stoul(descr.substr(2)), '\0'));
        expected[6] = "shape (" + std::to_string(n) + ")";
    }
    std::ofstream(result_path(7), std::ios::binary | std::ios::trunc) << "garbage";
    expected[7] = "not a .npy file";
    {  // well-formed but wrong: every element zero, which the oracle's intervals exclude
        const json t = output(8);
        const std::string descr = t["npy_dtype"].get<std::string>();
        const int64_t n = Elements(t["npy_shape"]);
        WriteNpy(result_path(8), descr, ShapeText(t["npy_shape"]), std::string(static_cast<size_t>(n) * std::stoul(descr.substr(2)), '\0'));
        expected[8] = "rank 0: output";
    }
    // Case 9 is left alone: it passes.

    const Result r = RunMc2conf("judge '" + bundle + "' --out '" + dir + "/judged'");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const json results = ReadJson(dir + "/judged/results.json");
    ASSERT_EQ(results["cases"].size(), 10u);
    for (const auto &[i, fragment] : expected) {
        const json &res = results["cases"][i]["result"];
        EXPECT_EQ(res["status"], "FAILED") << "case " << i << ": " << res.dump();
        EXPECT_NE(res["reason"].get<std::string>().find(fragment), std::string::npos)
            << "case " << i << " reason: " << res["reason"] << "\nexpected to contain: " << fragment;
    }
    EXPECT_EQ(results["cases"][9]["result"]["status"], "PASSED");
    std::filesystem::remove_all(dir);
}

// An adapter that does not offer what a case asks says so per rank (`not_supported`, with its
// reason): the case is NOT_SUPPORTED, a passing status, and an empty reason is refused.
TEST(Mc2confBundle, NotSupportedIsReportedWithTheAdaptersReason) {
    const std::string dir = TempDir("not_supported");
    const std::string bundle = dir + "/bundle";
    ASSERT_EQ(RunMc2conf("export --gate quick --op matmul_all_reduce --platform atlas_a2 --limit 3 --to '" + bundle + "'")
                  .exit_code,
              0);
    ASSERT_EQ(RunMc2conf("adapt-builtin '" + bundle + "'").exit_code, 0);
    const json manifest = ReadJson(bundle + "/manifest.json");
    ASSERT_EQ(manifest["cases"].size(), 3u);
    auto status_path = [&](int i) { return bundle + "/" + manifest["cases"][i]["ranks"][0]["status_file"].get<std::string>(); };
    std::ofstream(status_path(0), std::ios::trunc) << R"({"not_supported": "float16 matmul: the backend lacks it"})";
    std::ofstream(status_path(1), std::ios::trunc) << R"({"not_supported": ""})";
    // Case 2 is left alone: it passes.
    const Result r = RunMc2conf("judge '" + bundle + "' --out '" + dir + "/judged'");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // case 1's empty reason
    EXPECT_NE(r.out.find("1 not supported"), std::string::npos) << r.out;
    const json results = ReadJson(dir + "/judged/results.json");
    ASSERT_EQ(results["cases"].size(), 3u);
    const json &unsupported = results["cases"][0]["result"];
    EXPECT_EQ(unsupported["status"], "NOT_SUPPORTED") << unsupported.dump();
    EXPECT_NE(unsupported["reason"].get<std::string>().find("rank 0: float16 matmul: the backend lacks it"), std::string::npos)
        << unsupported.dump();
    const json &empty = results["cases"][1]["result"];
    EXPECT_EQ(empty["status"], "FAILED") << empty.dump();
    EXPECT_NE(empty["reason"].get<std::string>().find("not_supported is empty"), std::string::npos) << empty.dump();
    EXPECT_EQ(results["cases"][2]["result"]["status"], "PASSED");
    std::filesystem::remove_all(dir);
}

TEST(Mc2confBundle, BadBundleIsAUsageError) {
    const std::string dir = TempDir("bad_bundle");
    std::filesystem::create_directories(dir);
    Result r = RunMc2conf("judge '" + dir + "'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("manifest.json: missing"), std::string::npos) << r.err;
    std::ofstream(dir + "/manifest.json") << R"({"schema": "mc2conf.case-bundle", "version": 99, "cases": []})";
    r = RunMc2conf("judge '" + dir + "'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("schema version 99"), std::string::npos) << r.err;
    r = RunMc2conf("export --gate slow --to '" + dir + "/x'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown gate 'slow'"), std::string::npos) << r.err;
    std::filesystem::remove_all(dir);
}

// ---- framework front-end cases (docs/case-bundles.md "Front-end cases") ----

// Writes every rank's status.json of case `index` from `answer`.
void AnswerAllRanks(const std::string &bundle, const json &c, const json &answer) {
    for (const json &r : c["ranks"]) {
        const std::string path = bundle + "/" + r["status_file"].get<std::string>();
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path) << answer.dump();
    }
}

TEST(Mc2confBundle, FrontEndAnswersAreJudgedByCheckRouteAndArguments) {
    const std::string dir = TempDir("front_end");
    const std::string bundle = dir + "/bundle";
    ASSERT_EQ(RunMc2conf("export --front-end torch_npu --to '" + bundle + "'").exit_code, 0);
    const json manifest = ReadJson(bundle + "/manifest.json");
    ASSERT_EQ(manifest.value("front_end", ""), "torch_npu");
    // One refused and one dispatched case, each answered right and in every wrong way; the
    // other cases stay unanswered (FAILED: no answer) and are not looked at.
    int refused = -1, dispatched = -1;
    for (size_t i = 0; i < manifest["cases"].size(); ++i) {
        const json &e = manifest["cases"][i]["front_end"]["expected"];
        if (refused < 0 && e.contains("refused")) refused = static_cast<int>(i);
        if (dispatched < 0 && e.contains("dispatched") && e["dispatched"]["api"] == "aclnnWeightQuantMatmulAllReduce") {
            dispatched = static_cast<int>(i);
        }
    }
    ASSERT_GE(refused, 0);
    ASSERT_GE(dispatched, 0);
    const json &rc = manifest["cases"][static_cast<size_t>(refused)];
    const json &dc = manifest["cases"][static_cast<size_t>(dispatched)];
    const std::string check = rc["front_end"]["expected"]["refused"]["check"];
    const json route = dc["front_end"]["expected"]["dispatched"];
    const json good_dispatch = {{"api", route["api"]}, {"arguments", route["arguments"]}, {"tensors", route["tensors"]}};
    json wrong_arguments = good_dispatch;
    wrong_arguments["arguments"]["comm_quant_mode"] = 1;
    json wrong_tensors = good_dispatch;
    wrong_tensors["tensors"] = {"x1", "x2"};
    struct Variant {
        const json *c;
        json answer;
        std::string status, reason;  // the verdict and a part of its reason
    };
    const std::vector<Variant> variants = {
        {&rc, {{"front_end", {{"refused", check}}}}, "PASSED", "refused by the front-end at " + check},
        {&rc, {{"front_end", {{"refused", ""}}}}, "PASSED", "refused by the front-end at " + check},
        {&rc, {{"front_end", {{"refused", "tnpu.mmar.some_other_check"}}}}, "FAILED",
         "refused at check tnpu.mmar.some_other_check; the front-end's first failing check is " + check},
        {&rc, {{"front_end", {{"dispatched", good_dispatch}}}}, "FAILED", "the front-end must refuse this call (" + check},
        {&rc, {{"front_end", {{"refused", check}}}, {"prepare_status", 0}}, "FAILED", "yet an aclnn call was made"},
        {&rc, {{"prepare_status", 161002}}, "FAILED", "no front_end answer"},
        {&dc, {{"front_end", {{"refused", check}}}}, "FAILED", "the front-end must accept this call and dispatch it to aclnnWeightQuantMatmulAllReduce"},
        {&dc, {{"front_end", {{"dispatched", {{"api", "aclnnMatmulAllReduce"}}}}}}, "FAILED",
         "dispatched to aclnnMatmulAllReduce; the front-end's route tnpu.mmar.route.wq reaches aclnnWeightQuantMatmulAllReduce"},
        {&dc, {{"front_end", {{"dispatched", wrong_arguments}}}}, "FAILED", "argument comm_quant_mode=1 forwarded"},
        {&dc, {{"front_end", {{"dispatched", wrong_tensors}}}}, "FAILED", "tensors passed to aclnnWeightQuantMatmulAllReduce: [x1, x2]"},
        {&dc, {{"front_end", {{"dispatched", good_dispatch}}}, {"not_supported", "no outputs here"}}, "NOT_SUPPORTED", ""},
        // Accepted and dispatched right, but the API's answer is wrong: judged as that API's case.
        {&dc, {{"front_end", {{"dispatched", good_dispatch}}}, {"prepare_status", 161002}}, "FAILED",
         "dispatched to aclnnWeightQuantMatmulAllReduce: rank 0: expected success"},
    };
    for (const Variant &v : variants) {
        AnswerAllRanks(bundle, *v.c, v.answer);
        const Result r = RunMc2conf("judge '" + bundle + "' --out '" + dir + "/judged'");
        EXPECT_EQ(r.exit_code, 1) << r.err;  // the unanswered cases fail
        const json results = ReadJson(dir + "/judged/results.json");
        const json &got = results["cases"][static_cast<size_t>(v.c == &rc ? refused : dispatched)]["result"];
        EXPECT_EQ(got["status"], v.status) << v.answer.dump() << " -> " << got.dump();
        EXPECT_NE(got.value("reason", "").find(v.reason), std::string::npos) << v.answer.dump() << " -> " << got.dump();
    }
    Result r = RunMc2conf("export --front-end pytorch --to '" + dir + "/x'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown front-end 'pytorch' (known: mindspeed, mindspore, torch_npu)"), std::string::npos) << r.err;
    r = RunMc2conf("export --gate quick --front-end torch_npu --to '" + dir + "/x'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("either --gate or --front-end"), std::string::npos) << r.err;
    r = RunMc2conf("spec --op torch_npu");
    EXPECT_NE(r.out.find("front-end torch_npu (torch_npu.npu_mm_all_reduce_base)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tnpu.mmar.route.wq"), std::string::npos);
    r = RunMc2conf("spec --markdown");
    EXPECT_NE(r.out.find("## Framework front-ends"), std::string::npos);
    EXPECT_NE(r.out.find("`ms.agmm.k_range`"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
