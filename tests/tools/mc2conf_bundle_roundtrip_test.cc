// tests/tools/mc2conf_bundle_roundtrip_test.cc — case bundles (`mc2conf export`, `judge`):
// the round trip export -> an adapter's answers (the hidden `adapt-builtin`, which calls a
// library through the ABI and writes its statuses and outputs as any adapter would) -> judge
// gives, case by case, the status and reason `mc2conf run` gives for the same library: the
// built-in one, a broken copy (FAILED cases) and the vendor-faithful copy (WARNING cases).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
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

// descriptor -> (status, reason) of a results.json.
std::map<std::string, std::pair<std::string, std::string>> Verdicts(const std::string &results) {
    std::map<std::string, std::pair<std::string, std::string>> v;
    const json j = ReadJson(results);  // kept alive: the loop reads into it
    for (const json &c : j["cases"]) {
        v[c["result"]["descriptor"].get<std::string>()] = {c["result"]["status"].get<std::string>(),
                                                          c["result"]["reason"].get<std::string>()};
    }
    return v;
}

// The quick gate's MatmulAllReduce cases on one platform (valid, invalid and edge: 150 cases),
// answered by `impl` through the bundle and judged, against `run` of the same library.
void ExpectRoundTripMatchesRun(const std::string &impl, const std::string &name, int min_failed, int min_warnings) {
    const std::string dir = TempDir(name);
    const std::string gate = "--gate quick --op matmul_all_reduce --platform atlas_a2";
    Result r = RunMc2conf("export " + gate + " --to '" + dir + "/bundle'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunMc2conf("adapt-builtin '" + dir + "/bundle' --impl '" + impl + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Result judged = RunMc2conf("judge '" + dir + "/bundle' --out '" + dir + "/judged'");
    const Result ran = RunMc2conf("run " + gate + " --no-supervise --impl '" + impl + "' --out '" + dir + "/run'");
    EXPECT_EQ(judged.exit_code, ran.exit_code) << judged.out << "\n" << ran.out;
    const auto a = Verdicts(dir + "/judged/results.json");
    const auto b = Verdicts(dir + "/run/results.json");
    ASSERT_EQ(a.size(), 150u);
    ASSERT_EQ(a.size(), b.size());
    int failed = 0;
    int warnings = 0;
    for (const auto &[descriptor, verdict] : b) {
        const auto it = a.find(descriptor);
        ASSERT_NE(it, a.end()) << "judge lacks " << descriptor;
        EXPECT_EQ(it->second, verdict) << descriptor;
        failed += verdict.first == "FAILED";
        warnings += verdict.first == "WARNING";
    }
    std::printf("round trip %s: %zu cases, %d FAILED, %d WARNING, every status and reason as run's\n", name.c_str(),
                b.size(), failed, warnings);
    // The comparison means something only where the library gives failures or warnings.
    EXPECT_GE(failed, min_failed) << name;
    EXPECT_GE(warnings, min_warnings) << name;
    // The reports are `run`'s: all four written.
    for (const char *f : {"results.json", "junit.xml", "report.md", "report.html"}) {
        EXPECT_TRUE(std::filesystem::exists(dir + "/judged/" + f)) << f;
    }
    std::filesystem::remove_all(dir);
}

TEST(Mc2confBundle, RoundTripBuiltIn) { ExpectRoundTripMatchesRun(MC2IMPL_PATH, "builtin", 0, 0); }

TEST(Mc2confBundle, RoundTripBrokenReduceOpCheck) {
    ExpectRoundTripMatchesRun(BROKEN_REDUCE_OP_PATH, "broken_reduce_op", 2, 0);
}

TEST(Mc2confBundle, RoundTripVendorFaithful) { ExpectRoundTripMatchesRun(VENDOR_FAITHFUL_PATH, "vendor", 0, 1); }

}  // namespace
