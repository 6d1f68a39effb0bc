// tools/mc2conf/judge_cmd.cc — `mc2conf judge` and the hidden `mc2conf adapt-builtin`
// (judge_cmd.h). Judging regenerates each case's tensors from its descriptor (PrepareTensors:
// the bytes the bundle holds), reads every rank's status.json and output arrays, and hands
// them to harness::JudgeRecorded, the judgement RunCase applies to a live call. A result file
// that is missing, unreadable, mis-typed or mis-shaped makes the case FAILED with that reason; a
// rank that declares the case `not_supported` makes it NOT_SUPPORTED (docs/case-bundles.md).
#include "tools/mc2conf/judge_cmd.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/abi/abi_table.h"
#include "harness/gates/gates.h"
#include "harness/report/results.h"
#include "harness/report/summary.h"
#include "harness/run/run_case.h"
#include "harness/run/verdict.h"
#include "tools/mc2conf/bundle.h"
#include "tools/mc2conf/install_paths.h"
#include "tools/mc2conf/output_files.h"

namespace mc2::tools {
namespace {

using harness::CaseResult;
using harness::Status;
using nlohmann::json;

std::string ReadText(const std::string &path, bool *ok) {
    std::ifstream in(path, std::ios::binary);
    *ok = static_cast<bool>(in);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// manifest.json, checked for the schema this build writes.
json ReadManifest(const std::string &dir) {
    bool ok = false;
    const std::string text = ReadText(dir + "/manifest.json", &ok);
    if (!ok) throw UsageError(dir + "/manifest.json: missing or unreadable (write a bundle with `mc2conf export`)");
    json m = json::parse(text, nullptr, false);
    if (m.is_discarded() || !m.is_object()) throw UsageError(dir + "/manifest.json: not JSON");
    if (m.value("schema", "") != kBundleSchema) throw UsageError(dir + "/manifest.json: not a " + std::string(kBundleSchema));
    if (!m.contains("version") || !m["version"].is_number_integer() || m["version"].get<int>() != kBundleVersion) {
        throw UsageError(dir + "/manifest.json: schema version " + (m.contains("version") ? m["version"].dump() : "?") +
                         ", this mc2conf reads version " + std::to_string(kBundleVersion));
    }
    if (!m.contains("cases") || !m["cases"].is_array()) throw UsageError(dir + "/manifest.json: no case list");
    return m;
}

CaseResult Failed(const std::string &descriptor, const std::string &reason) {
    CaseResult r;
    r.descriptor = descriptor;
    r.status = Status::kFailed;
    r.reason = reason;
    return r;
}

// One rank's status.json into its report; "" or why it cannot be used. *not_supported gets the
// adapter's reason when it declares the case beyond what it implements (no phase is owed then).
std::string ReadStatus(const std::string &path, harness::RankReport *rep, std::string *not_supported) {
    bool ok = false;
    const std::string text = ReadText(path, &ok);
    if (!ok) return path + " missing (the adapter wrote no answer for this rank)";
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return path + ": not a JSON object";
    struct Phase {
        const char *key;
        bool *called;
        int32_t *status;
    };
    for (const Phase &p : {Phase{"prepare_status", &rep->prepare_called, &rep->prepare_status},
                           Phase{"execute_status", &rep->execute_called, &rep->execute_status},
                           Phase{"sync_status", &rep->sync_called, &rep->sync_status}}) {
        if (!j.contains(p.key) || j[p.key].is_null()) continue;  // phase not called
        const json &v = j[p.key];
        if (!v.is_number_integer() || v.get<int64_t>() < std::numeric_limits<int32_t>::min() ||
            v.get<int64_t>() > std::numeric_limits<int32_t>::max()) {
            return path + ": " + p.key + " is " + v.dump() + ", not a 32-bit status code";
        }
        *p.called = true;
        *p.status = static_cast<int32_t>(v.get<int64_t>());
    }
    if (rep->execute_called && !rep->prepare_called) return path + ": execute_status without prepare_status";
    if (rep->sync_called && !rep->execute_called) return path + ": sync_status without execute_status";
    auto text_field = [&](const char *key, std::string *out) -> std::string {
        if (!j.contains(key) || j[key].is_null()) return "";
        if (!j[key].is_string()) return path + ": " + key + " is not a string";
        *out = j[key].get<std::string>();
        return "";
    };
    for (const auto &[key, out] : {std::pair<const char *, std::string *>{"messages", &rep->messages},
                                   {"descriptor_refused", &rep->descriptor_refused},
                                   {"memory_error", &rep->memory_error},
                                   {"not_supported", not_supported}}) {
        if (std::string e = text_field(key, out); !e.empty()) return e;
    }
    if (j.contains("not_supported") && not_supported->empty()) return path + ": not_supported is empty (say why)";
    if (j.contains("workspace_size")) {
        if (!j["workspace_size"].is_number_unsigned()) return path + ": workspace_size is not a byte count";
        rep->workspace_size = j["workspace_size"].get<uint64_t>();
    }
    if (j.contains("sync_timed_out")) {
        if (!j["sync_timed_out"].is_boolean()) return path + ": sync_timed_out is not true or false";
        rep->sync_timed_out = j["sync_timed_out"].get<bool>();
    }
    if (!rep->prepare_called && rep->descriptor_refused.empty() && not_supported->empty()) {
        return path + ": no prepare_status and no descriptor_refused (every rank either calls or refuses)";
    }
    return "";
}

CaseResult JudgeCase(const json &entry, int index, const std::string &dir) {
    const std::string descriptor = entry.value("descriptor", "");
    const harness::CaseParse parsed = harness::ParseCase(descriptor);
    if (!parsed.value) return Failed(descriptor, "manifest: case " + std::to_string(index) + ": bad descriptor: " + parsed.error);
    const harness::Case &c = *parsed.value;
    if (entry.contains("unprepared")) return Failed(descriptor, entry["unprepared"].get<std::string>());
    std::vector<std::vector<harness::PreparedTensor>> tensors;
    try {
        tensors = harness::PrepareTensors(c);
    } catch (const std::exception &e) {
        return Failed(descriptor, e.what());
    }
    std::vector<harness::RankReport> ranks(static_cast<size_t>(c.world));
    std::string not_supported;  // the first rank's reason, when some rank declared the case unsupported
    for (int r = 0; r < c.world; ++r) {
        harness::RankReport &rep = ranks[static_cast<size_t>(r)];
        const std::string who = "rank " + std::to_string(r) + ": ";
        std::string unsupported;
        if (std::string e = ReadStatus(dir + "/" + StatusPath(index, r), &rep, &unsupported); !e.empty()) {
            return Failed(descriptor, who + e);
        }
        if (!unsupported.empty()) {
            // The implementation does not offer what the case asks (e.g. a dtype its backend
            // lacks): nothing of its answer is judged, as benchdnn's UNIMPLEMENTED.
            if (not_supported.empty()) not_supported = who + unsupported;
            continue;
        }
        const bool succeeded = rep.prepare_called && rep.prepare_status == 0 && rep.execute_called &&
                               rep.execute_status == 0 && rep.sync_called && rep.sync_status == 0;
        for (const harness::PreparedTensor &t : tensors[static_cast<size_t>(r)]) {
            if (!t.output) continue;
            const std::string path = dir + "/" + ResultPath(index, r, t.name);
            if (!std::filesystem::exists(path)) {
                // A call that failed may leave its outputs alone; one that succeeded owes them.
                if (succeeded) return Failed(descriptor, who + "result " + t.name + " missing: " + path + " (the call succeeded)");
                continue;
            }
            NpyArray array;
            std::string error;
            if (!ReadNpy(path, &array, &error)) return Failed(descriptor, who + "result " + t.name + ": " + error);
            std::vector<uint8_t> storage;
            if (!NpyToStorage(t.spec, array, t.bytes, &storage, &error)) {
                return Failed(descriptor, who + "result " + t.name + " (" + path + "): " + error);
            }
            rep.outputs[t.name] = std::move(storage);
        }
    }
    if (!not_supported.empty()) {
        CaseResult r;
        r.descriptor = descriptor;
        r.status = Status::kNotSupported;
        r.reason = "not supported by the adapter: " + not_supported;
        return r;
    }
    return harness::JudgeRecorded(c, tensors, std::move(ranks));
}

// ---- front-end cases (docs/case-bundles.md "Front-end cases") ----

// One rank's front-end answer against the case's: "" when it matches, else why not.
std::string CheckFrontEndAnswer(const json &expected, const json &status, const std::string &path) {
    if (!status.contains("front_end") || !status["front_end"].is_object()) {
        return path + ": no front_end answer (\"refused\" or \"dispatched\")";
    }
    const json &answer = status["front_end"];
    const bool refused = answer.contains("refused"), dispatched = answer.contains("dispatched");
    if (refused == dispatched) return path + ": front_end must hold exactly one of \"refused\" and \"dispatched\"";
    if (expected.contains("refused")) {
        const json &want = expected["refused"];
        const std::string check = want.value("check", "");
        if (dispatched) {
            const json &d = answer["dispatched"];
            return "the front-end must refuse this call (" + check + ": " + want.value("text", "") +
                   "); the adapter dispatched it to " + (d.is_object() ? d.value("api", "?") : "?");
        }
        if (!answer["refused"].is_string()) return path + ": front_end.refused is not a string (the check, or \"\")";
        const std::string got = answer["refused"].get<std::string>();
        if (!got.empty() && got != check) {
            return "refused at check " + got + "; the front-end's first failing check is " + check + " (" +
                   want.value("text", "") + ")";
        }
        if (status.contains("prepare_status") && !status["prepare_status"].is_null()) {
            return "refused by the front-end, yet an aclnn call was made (prepare_status given)";
        }
        return "";
    }
    const json &want = expected["dispatched"];
    if (refused) {
        return "refused at check " + (answer["refused"].is_string() ? answer["refused"].get<std::string>() : "?") +
               "; the front-end must accept this call and dispatch it to " + want.value("api", "?") + " (" +
               want.value("route", "") + ")";
    }
    const json &got = answer["dispatched"];
    if (!got.is_object()) return path + ": front_end.dispatched is not an object";
    if (got.value("api", "") != want.value("api", "")) {
        return "dispatched to " + got.value("api", "?") + "; the front-end's route " + want.value("route", "") +
               " reaches " + want.value("api", "?");
    }
    if (got.contains("arguments")) {
        if (!got["arguments"].is_object()) return path + ": front_end.dispatched.arguments is not an object";
        for (const auto &[key, value] : got["arguments"].items()) {
            if (!want["arguments"].contains(key)) {
                return "argument " + key + "=" + value.dump() + " forwarded to " + want.value("api", "?") +
                       ", which has no such parameter on this route (" + want.value("route", "") + ")";
            }
        }
        for (const auto &[key, value] : want["arguments"].items()) {
            if (!got["arguments"].contains(key) || got["arguments"][key] != value) {
                return "argument " + key + " forwarded as " +
                       (got["arguments"].contains(key) ? got["arguments"][key].dump() : "nothing") + ", the route passes " +
                       value.dump();
            }
        }
    }
    if (got.contains("tensors")) {
        if (!got["tensors"].is_array()) return path + ": front_end.dispatched.tensors is not a list";
        std::set<std::string> a, b;
        for (const json &t : got["tensors"]) a.insert(t.is_string() ? t.get<std::string>() : t.dump());
        for (const json &t : want["tensors"]) b.insert(t.get<std::string>());
        if (a != b) {
            auto text = [](const std::set<std::string> &s) {
                std::string out;
                for (const std::string &x : s) out += (out.empty() ? "" : ", ") + x;
                return "[" + out + "]";
            };
            return "tensors passed to " + want.value("api", "?") + ": " + text(a) + ", the route passes " + text(b);
        }
    }
    return "";
}

// A front-end case: every rank's front-end answer first; a refused call passes there, a
// dispatched one is then judged as the aclnn case it became.
CaseResult JudgeFrontEndCase(const json &entry, int index, const std::string &dir) {
    const json &expected = entry["front_end"]["expected"];
    const std::string call = entry.value("front_end_call", "");
    const std::string descriptor = entry.value("descriptor", "");
    const int world = entry.value("world", 0);
    if (!expected.is_object() || (!expected.contains("refused") && !expected.contains("dispatched")) || world < 1) {
        return Failed(call, "manifest: case " + std::to_string(index) + ": front_end.expected is malformed");
    }
    // A refused call is reported by its front-end call; a dispatched one by its aclnn descriptor.
    const std::string shown = expected.contains("refused") ? call : descriptor;
    for (int r = 0; r < world; ++r) {
        const std::string who = "rank " + std::to_string(r) + ": ";
        const std::string path = dir + "/" + StatusPath(index, r);
        bool ok = false;
        const std::string text = ReadText(path, &ok);
        if (!ok) return Failed(shown, who + path + " missing (the adapter wrote no answer for this rank)");
        const json status = json::parse(text, nullptr, false);
        if (status.is_discarded() || !status.is_object()) return Failed(shown, who + path + ": not a JSON object");
        if (std::string why = CheckFrontEndAnswer(expected, status, path); !why.empty()) return Failed(shown, who + why);
    }
    if (expected.contains("refused")) {
        CaseResult result;
        result.descriptor = call;
        result.status = Status::kPassed;
        result.reason = "refused by the front-end at " + expected["refused"].value("check", "?");
        return result;
    }
    CaseResult result = JudgeCase(entry, index, dir);
    if (!result.reason.empty()) result.reason = "dispatched to " + expected["dispatched"].value("api", "?") + ": " + result.reason;
    return result;
}

struct JudgeOptions {
    std::string dir;
    std::string out;
    bool strict = false;
};

int RunJudge(const JudgeOptions &o) {
    const json manifest = ReadManifest(o.dir);
    const std::string out = o.out.empty() ? o.dir + "/judged" : o.out;
    EnsureDirectory(out);
    const auto t0 = std::chrono::steady_clock::now();
    harness::report::Results results;
    harness::report::RunInfo &info = results.info;
    info.gate = manifest.value("gate", "");
    info.seed = manifest.value("seed", uint64_t{0});
    info.platform_filter = manifest.value("platform_filter", "all");
    info.op_filter = manifest.value("op_filter", "");
    info.impl_paths = {"adapter answers in " + o.dir};
    info.supervised = false;
    info.suite_version = MC2_VERSION;
    info.total_cases = manifest.value("total_cases", 0);
    int index = 0;
    for (const json &entry : manifest["cases"]) {
        const std::string where = "manifest: case " + std::to_string(index) + ": ";
        harness::report::CaseRecord record;
        try {
            if (!entry.is_object()) throw std::runtime_error("not an object");
            record.kind = entry.value("kind", "");
            record.rule_id = entry.value("rule", "");
            record.note = entry.value("note", "");
            record.result = entry.contains("front_end") ? JudgeFrontEndCase(entry, index, o.dir) : JudgeCase(entry, index, o.dir);
        } catch (const std::exception &e) {
            // A damaged manifest entry (a field of the wrong JSON type) fails its case alone.
            record.result = Failed(entry.is_object() && entry.contains("descriptor") ? entry["descriptor"].dump() : "",
                                   where + e.what());
        }
        if (o.strict) harness::ApplyStrict(record.result);
        results.cases.push_back(std::move(record));
        ++index;
    }
    info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const harness::report::Summary summary = harness::report::Summarize(results);
    std::printf("%s", harness::report::RenderSummaryText(summary).c_str());
    for (size_t f : summary.failures) std::printf("%s\n", harness::report::ResultLine(results.cases[f].result, {}).c_str());
    WriteAllReports(results, out);
    std::printf(
        "\njudge: %d cases, %d passed, %d warnings, %d failed, %d timed out, %d mistrusted, %d not supported; reports in "
        "%s/\n",
        summary.total.cases, summary.total.passed, summary.total.warning, summary.total.failed, summary.total.timeout,
        summary.total.mistrusted, summary.total.not_supported, out.c_str());
    return summary.total.failures() == 0 ? 0 : 1;
}

// ---- the hidden adapter: answers through a C library, written as any adapter would ----

json StatusJson(const harness::RankReport &rep) {
    json j = json::object();
    if (rep.prepare_called) j["prepare_status"] = rep.prepare_status;
    if (rep.execute_called) j["execute_status"] = rep.execute_status;
    if (rep.sync_called) j["sync_status"] = rep.sync_status;
    if (rep.prepare_called) j["workspace_size"] = rep.workspace_size;
    if (rep.sync_timed_out) j["sync_timed_out"] = true;
    if (!rep.messages.empty()) j["messages"] = rep.messages;
    if (!rep.descriptor_refused.empty()) j["descriptor_refused"] = rep.descriptor_refused;
    if (!rep.memory_error.empty()) j["memory_error"] = rep.memory_error;
    return j;
}

struct AdaptOptions {
    std::string dir;
    std::vector<std::string> impls;
};

int RunAdapt(const AdaptOptions &o) {
    const json manifest = ReadManifest(o.dir);
    const std::vector<std::string> impls = o.impls.empty() ? std::vector<std::string>{DefaultImpl()} : o.impls;
    std::string error;
    const std::unique_ptr<harness::AbiTable> abi = harness::AbiTable::Load(impls, &error);
    if (abi == nullptr) throw UsageError("adapt-builtin: " + error);
    harness::RunOptions run;
    run.keep_outputs = true;
    int index = 0;
    for (const json &entry : manifest["cases"]) {
        const int i = index++;
        if (entry.contains("unprepared") || entry.contains("front_end")) continue;  // front-ends need a framework
        const harness::CaseParse parsed = harness::ParseCase(entry.value("descriptor", ""));
        if (!parsed.value) throw UsageError("adapt-builtin: bad descriptor in the manifest: " + parsed.error);
        const CaseResult r = harness::RunCase(*parsed.value, *abi, run);
        const std::vector<std::vector<harness::PreparedTensor>> tensors = harness::PrepareTensors(*parsed.value);
        for (const harness::RankReport &rep : r.ranks) {
            const std::string status = o.dir + "/" + StatusPath(i, rep.rank);
            std::filesystem::create_directories(std::filesystem::path(status).parent_path());
            WriteTextFile(status, StatusJson(rep).dump() + "\n");
            for (const harness::PreparedTensor &t : tensors[static_cast<size_t>(rep.rank)]) {
                const auto it = rep.outputs.find(t.name);
                if (!t.output || it == rep.outputs.end()) continue;
                if (!WriteNpy(o.dir + "/" + ResultPath(i, rep.rank, t.name), StorageToNpy(t.spec, it->second), &error)) {
                    throw std::runtime_error(error);
                }
            }
        }
    }
    std::printf("adapt-builtin: answered %d cases in %s/\n", index, o.dir.c_str());
    return 0;
}

}  // namespace

Command AddJudgeCommand(CLI::App &app) {
    auto o = std::make_shared<JudgeOptions>();
    CLI::App *sub = app.add_subcommand(
        "judge", "Judge the answers an adapter wrote into a case bundle of `export` (same statuses and reports as run)");
    sub->add_option("dir", o->dir, "The bundle directory (manifest.json)")->required();
    sub->add_option("--out", o->out, "Directory for results.json, junit.xml, report.md, report.html (default DIR/judged)");
    sub->add_flag("--strict", o->strict, "A WARNING (a hardening rule not met) is FAILED");
    return Command{sub, [o] { return RunJudge(*o); }};
}

Command AddAdaptBuiltinCommand(CLI::App &app) {
    auto o = std::make_shared<AdaptOptions>();
    CLI::App *sub = app.add_subcommand("adapt-builtin", "Answer a case bundle through a C library (for tests)");
    sub->group("");  // hidden from --help: an adapter for the suite's own round-trip test
    sub->add_option("dir", o->dir, "The bundle directory")->required();
    sub->add_option("--impl", o->impls, "Implementation library (default: the built-in one)");
    return Command{sub, [o] { return RunAdapt(*o); }};
}

}  // namespace mc2::tools
