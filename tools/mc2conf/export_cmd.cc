// tools/mc2conf/export_cmd.cc — `mc2conf export` (export_cmd.h): per case and rank every input
// tensor's storage as .npy and the output's poison (what the adapter must place in the output
// buffer before the call), and manifest.json naming the case, its attributes, every tensor's
// layout and the answers the spec admits. With --front-end, a framework front-end family's calls
// (spec/front_end/) instead of a gate's cases. The bytes are PrepareTensors' (harness/run/run_case.h),
// those `mc2conf run` uploads.
#include "tools/mc2conf/export_cmd.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/dtype_names.h"
#include "harness/gates/gates.h"
#include "harness/ops/registry.h"
#include "harness/run/run_case.h"
#include "harness/run/verdict.h"
#include "spec/expectation.h"
#include "spec/front_end/front_end.h"
#include "spec/generate.h"
#include "tools/mc2conf/bundle.h"
#include "tools/mc2conf/output_files.h"

namespace mc2::tools {
namespace {

using nlohmann::json;
namespace gates = harness::gates;

struct ExportOptions {
    std::string gate;
    std::string front_end;
    std::string to;
    std::string platform = "all";
    std::string op;
    int limit = -1;
    uint64_t seed = gates::kDefaultSeed;
};

std::string OutcomeName(spec::Outcome o) {
    switch (o) {
        case spec::Outcome::kSuccess: return "success";
        case spec::Outcome::kStatus: return "status";
        case spec::Outcome::kInnerError: return "inner_error";
        case spec::Outcome::kRuntimeError: return "runtime_error";
        case spec::Outcome::kUndefined: return "undefined";
    }
    return "undefined";
}

json AnswerJson(const spec::Answer &a) {
    json j = {{"kind", OutcomeName(a.outcome)}, {"rule", a.rule_id}};
    if (a.outcome == spec::Outcome::kStatus) {
        std::vector<int32_t> codes = {a.status};
        codes.insert(codes.end(), a.also_accepted.begin(), a.also_accepted.end());
        j["status"] = codes;
    }
    if (a.inner_error_accepted) j["inner_error_accepted"] = true;
    return j;
}

// A non-tensor parameter as JSON: integers and doubles as numbers (a non-finite double as its
// descriptor text), strings as strings, nullptr as null, the communicator as {"communicator": true}.
json AttributeJson(const harness::Value &v) {
    if (const auto *i = std::get_if<int64_t>(&v)) return *i;
    if (const auto *d = std::get_if<double>(&v)) return std::isfinite(*d) ? json(*d) : json(harness::ValueToString(v));
    if (const auto *s = std::get_if<std::string>(&v)) return *s;
    if (std::holds_alternative<harness::CommName>(v)) return json{{"communicator", true}};
    return nullptr;
}

void WriteFile(const std::string &dir, const std::string &rel, const NpyArray &a) {
    std::filesystem::create_directories(std::filesystem::path(dir + "/" + rel).parent_path());
    std::string error;
    if (!WriteNpy(dir + "/" + rel, a, &error)) throw std::runtime_error(error);
}

json CaseJson(int index, const gates::GateCase &g, const std::string &dir) {
    const harness::Case &c = g.value;
    const harness::OpBinding *binding = harness::FindBinding(c.op);
    if (binding == nullptr) throw std::runtime_error("no binding for operator " + c.op);
    json j = {{"id", CaseDir(index)},
              {"descriptor", c.ToString()},
              {"kind", gates::KindName(g.kind)},
              {"rule", g.rule_id},
              {"note", g.note},
              {"op", c.op},
              {"api", binding->api.api},
              {"platform", harness::PlatformName(c.platform)},
              {"world", c.world}};
    std::vector<std::vector<harness::PreparedTensor>> tensors;
    try {
        tensors = harness::PrepareTensors(c);
    } catch (const std::exception &e) {
        // A case the harness cannot even prepare (beyond its size limit) is judged FAILED by run
        // too; the bundle says why and the adapter skips it.
        j["unprepared"] = e.what();
        return j;
    }
    json ranks = json::array();
    for (int r = 0; r < c.world; ++r) {
        const spec::Expectation strict = spec::Expect(c, r);
        json answers = json::array();
        for (const spec::Answer *a : strict.All()) answers.push_back(AnswerJson(*a));
        json attributes = json::object();
        for (const harness::ParamDecl &p : binding->api.params) {
            if (p.kind != harness::ParamKind::kTensor) attributes[p.name] = AttributeJson(c.Get(r, p.name));
        }
        json list = json::array();
        for (const harness::ParamDecl &p : binding->api.params) {
            if (p.kind != harness::ParamKind::kTensor) continue;
            const auto it = std::find_if(tensors[static_cast<size_t>(r)].begin(), tensors[static_cast<size_t>(r)].end(),
                                         [&](const harness::PreparedTensor &t) { return t.name == p.name; });
            if (it == tensors[static_cast<size_t>(r)].end()) {
                list.push_back({{"name", p.name}, {"null", true}});
                continue;
            }
            const harness::TensorSpec &s = it->spec;
            const NpyArray array = StorageToNpy(s, it->bytes);
            const std::string file = TensorPath(index, r, p.name);
            WriteFile(dir, file, array);
            json t = {{"name", p.name},
                      {"role", it->in_place ? "in_place" : it->output ? "output" : "input"},
                      {"dtype", harness::DtypeName(s.dtype)},
                      {"acl_dtype", static_cast<int>(s.dtype)},
                      {"shape", s.shape},
                      {"strides", s.Strides()},
                      {"offset", s.offset},
                      {"format", harness::FormatName(s.format)},
                      {"acl_format", static_cast<int>(s.format)},
                      {"storage_shape", s.StorageShape()},
                      {"npy_dtype", array.descr},
                      {"npy_shape", array.shape},
                      {"file", file}};
            if (it->output) t["result_file"] = ResultPath(index, r, p.name);
            list.push_back(t);
        }
        ranks.push_back({{"rank", r},
                         {"expected", answers},
                         {"expected_text", harness::DescribeExpectation(strict, binding->api)},
                         {"attributes", attributes},
                         {"tensors", list},
                         {"status_file", StatusPath(index, r)}});
    }
    j["ranks"] = ranks;
    return j;
}

// ---- framework front-end cases (spec/front_end/, docs/case-bundles.md "Front-end cases") ----

namespace fe = spec::front_end;

json ArgJson(const fe::Arg &a) {
    if (const auto *i = std::get_if<int64_t>(&a)) return *i;
    if (const auto *d = std::get_if<double>(&a)) return *d;
    if (const auto *s = std::get_if<std::string>(&a)) return *s;
    if (const auto *b = std::get_if<bool>(&a)) return *b;
    if (const auto *l = std::get_if<std::vector<int64_t>>(&a)) return *l;
    if (std::holds_alternative<fe::Group>(a)) return json{{"communicator", true}};
    return nullptr;
}

json TensorJson(const std::string &name, const std::string &role, const harness::TensorSpec &s, const NpyArray &array,
                const std::string &file) {
    return {{"name", name},
            {"role", role},
            {"dtype", harness::DtypeName(s.dtype)},
            {"acl_dtype", static_cast<int>(s.dtype)},
            {"shape", s.shape},
            {"strides", s.Strides()},
            {"offset", s.offset},
            {"format", harness::FormatName(s.format)},
            {"acl_format", static_cast<int>(s.format)},
            {"storage_shape", s.StorageShape()},
            {"npy_dtype", array.descr},
            {"npy_shape", array.shape},
            {"file", file}};
}

// What the judge compares with the adapter's dispatch: the API, every non-tensor argument as
// forwarded, and the input tensors passed (by the API's parameter names).
json DispatchJson(const fe::Dispatch &d, const std::string &route) {
    const harness::OpBinding *binding = harness::FindBinding(d.target.op);
    json arguments = json::object(), tensors = json::array();
    for (const harness::ParamDecl &p : binding->api.params) {
        if (p.kind != harness::ParamKind::kTensor) {
            arguments[p.name] = AttributeJson(d.target.Get(0, p.name));
        } else if (d.target.Tensor(0, p.name) != nullptr && !binding->IsOutput(p.name)) {
            tensors.push_back(p.name);
        } else if (const harness::OutputDecl *o = binding->Output(p.name); o && o->in_place) {
            tensors.push_back(p.name);
        }
    }
    return {{"api", d.api}, {"route", route}, {"arguments", arguments}, {"tensors", tensors}, {"returns", d.returns}};
}

json FrontEndCaseJson(int index, const fe::Family &family, const fe::FrontEndCase &fc, const std::string &dir) {
    const fe::Verdict v = fe::Evaluate(family, fc.call);
    const fe::Rule *rule = fe::FindRule(fc.rule_id);
    json j = {{"id", CaseDir(index)},
              {"front_end_call", fc.call.ToString()},
              {"kind", fc.valid ? "valid" : "invalid"},
              {"rule", fc.rule_id},
              {"note", rule ? rule->text : ""},
              {"platform", harness::PlatformName(fc.call.platform)},
              {"world", fc.call.world}};
    json expected;
    std::vector<std::vector<harness::PreparedTensor>> prepared;
    if (v.dispatch) {
        j["descriptor"] = v.dispatch->target.ToString();
        j["op"] = v.dispatch->target.op;
        j["api"] = v.dispatch->api;
        expected = {{"dispatched", DispatchJson(*v.dispatch, v.route)}};
        prepared = harness::PrepareTensors(v.dispatch->target);
    } else {
        j["descriptor"] = fc.call.ToString();  // not an aclnn descriptor: an old judge fails the case
        j["op"] = "";
        j["api"] = "";
        expected = {{"refused", {{"check", v.refused->id}, {"text", v.refused->text}}}};
    }
    j["front_end"] = {{"family", family.name}, {"function", fc.call.function}, {"expected", expected}};
    json ranks = json::array();
    for (int r = 0; r < fc.call.world; ++r) {
        auto find = [&](const std::string &param) -> const harness::PreparedTensor * {
            if (!v.dispatch) return nullptr;
            for (const harness::PreparedTensor &t : prepared[static_cast<size_t>(r)]) {
                if (t.name == param) return &t;
            }
            return nullptr;
        };
        json kwargs = json::object(), list = json::array();
        for (const auto &[name, arg] : fc.call.args) {
            const auto *spec = std::get_if<harness::TensorSpec>(&arg);
            if (spec == nullptr) {  // None included (null): the adapter passes it as the framework's None
                kwargs[name] = ArgJson(arg);
                continue;
            }
            // The bytes of the aclnn case a dispatched call becomes (the same storage), else zeros:
            // a refused call's data is never read.
            const harness::PreparedTensor *t = nullptr;
            if (v.dispatch) {
                const auto mapped = v.dispatch->tensor_args.find(name);
                if (mapped != v.dispatch->tensor_args.end()) t = find(mapped->second);
            }
            NpyArray array;
            if (t != nullptr) {
                array = StorageToNpy(t->spec, t->bytes);
            } else {
                array.descr = NpyDescr(spec->dtype);
                array.shape = NpyShape(*spec);
                int64_t count = 1;
                for (int64_t d : array.shape) count *= std::max<int64_t>(d, 0);
                array.codes.assign(static_cast<size_t>(count), 0);
            }
            const std::string file = TensorPath(index, r, name);
            WriteFile(dir, file, array);
            json tj = TensorJson(name, t && t->in_place ? "in_place" : "input", *spec, array, file);
            if (t && t->in_place) tj["result_file"] = ResultPath(index, r, t->name);
            list.push_back(tj);
        }
        json answers = json::array();
        if (v.dispatch) {
            // The outputs the function returns, as the aclnn case allocates them.
            for (const std::string &out : v.dispatch->returns) {
                const harness::PreparedTensor *t = find(out);
                if (t == nullptr || t->in_place) continue;
                const NpyArray array = StorageToNpy(t->spec, t->bytes);
                json tj = TensorJson(out, "output", t->spec, array, TensorPath(index, r, out));
                WriteFile(dir, TensorPath(index, r, out), array);
                tj["result_file"] = ResultPath(index, r, out);
                list.push_back(tj);
            }
            const spec::Expectation strict = spec::Expect(v.dispatch->target, r);
            for (const spec::Answer *a : strict.All()) answers.push_back(AnswerJson(*a));
        } else {
            answers.push_back({{"kind", "front_end_refusal"}, {"rule", v.refused->id}});
        }
        ranks.push_back({{"rank", r},
                         {"function", fc.call.function},
                         {"kwargs", kwargs},
                         {"expected", answers},
                         {"tensors", list},
                         {"status_file", StatusPath(index, r)}});
    }
    j["ranks"] = ranks;
    return j;
}

int RunExportFrontEnd(const ExportOptions &o) {
    const fe::Family *family = fe::FindFamily(o.front_end);
    if (family == nullptr) {
        std::string known;
        for (const fe::Family &f : fe::AllFamilies()) known += (known.empty() ? "" : ", ") + f.name;
        throw UsageError("export: unknown front-end '" + o.front_end + "' (known: " + known + ")");
    }
    std::vector<fe::FrontEndCase> cases = fe::Cases(*family);
    const size_t total = cases.size();
    if (o.limit >= 0 && static_cast<size_t>(o.limit) < cases.size()) cases.resize(static_cast<size_t>(o.limit));
    EnsureDirectory(o.to);
    json manifest = {{"schema", kBundleSchema}, {"version", kBundleVersion}, {"suite_version", MC2_VERSION},
                     {"gate", ""},           {"front_end", family->name},     {"seed", 0},
                     {"platform_filter", "all"}, {"op_filter", ""},            {"total_cases", total}};
    json list = json::array();
    for (size_t i = 0; i < cases.size(); ++i) list.push_back(FrontEndCaseJson(static_cast<int>(i), *family, cases[i], o.to));
    manifest["cases"] = list;
    WriteTextFile(o.to + "/manifest.json", manifest.dump(1) + "\n");
    std::printf("export: %zu cases of the %s front-end in %s/ (manifest.json)\n", cases.size(), family->name.c_str(),
                o.to.c_str());
    return 0;
}

int RunExport(const ExportOptions &o) {
    if (o.gate.empty() == o.front_end.empty()) throw UsageError("export: give either --gate or --front-end");
    if (!o.front_end.empty()) return RunExportFrontEnd(o);
    const std::optional<gates::Gate> gate = gates::ParseGate(o.gate);
    if (!gate) throw UsageError("export: unknown gate '" + o.gate + "' (expected quick, full or gpt3)");
    gates::GateFilter filter;
    if (o.platform != "all") {
        const std::optional<harness::Platform> p = harness::ParsePlatform(o.platform);
        if (!p) throw UsageError("export: unknown platform '" + o.platform + "'");
        filter.platforms = {*p};
    }
    if (!o.op.empty()) {
        const std::vector<std::string> ops = spec::GeneratableOps();
        if (std::find(ops.begin(), ops.end(), o.op) == ops.end()) throw UsageError("export: unknown operator '" + o.op + "'");
        filter.op = o.op;
    }
    std::vector<gates::GateCase> cases = gates::BuildGate(*gate, o.seed, filter);
    const size_t total = cases.size();
    if (o.limit >= 0 && static_cast<size_t>(o.limit) < cases.size()) cases.resize(static_cast<size_t>(o.limit));
    EnsureDirectory(o.to);
    json manifest = {{"schema", kBundleSchema},
                     {"version", kBundleVersion},
                     {"suite_version", MC2_VERSION},
                     {"gate", o.gate},
                     {"seed", o.seed},
                     {"platform_filter", o.platform},
                     {"op_filter", o.op},
                     {"total_cases", total}};
    json list = json::array();
    for (size_t i = 0; i < cases.size(); ++i) list.push_back(CaseJson(static_cast<int>(i), cases[i], o.to));
    manifest["cases"] = list;
    WriteTextFile(o.to + "/manifest.json", manifest.dump(1) + "\n");
    std::printf("export: %zu cases of the %s gate in %s/ (manifest.json)\n", cases.size(), o.gate.c_str(), o.to.c_str());
    return 0;
}

}  // namespace

Command AddExportCommand(CLI::App &app) {
    auto o = std::make_shared<ExportOptions>();
    CLI::App *sub = app.add_subcommand(
        "export",
        "Write a gate's cases (or a framework front-end's calls) as .npy tensors and manifest.json for an adapter "
        "(judge its answers with `judge`)");
    sub->add_option("--gate", o->gate, "quick, full or gpt3");
    sub->add_option("--front-end", o->front_end,
                    "Instead of a gate: a framework front-end's calls (torch_npu, mindspeed, mindspore; `mc2conf spec --op NAME`)");
    sub->add_option("--to", o->to, "Directory of the bundle")->required();
    sub->add_option("--platform", o->platform, "atlas_a2, ascend_950 or all (default)");
    sub->add_option("--op", o->op, "Only this operator's cases");
    sub->add_option("--limit", o->limit, "Only the gate's first N cases");
    sub->add_option("--seed", o->seed, "Gate seed (default " + std::to_string(gates::kDefaultSeed) + ")");
    return Command{sub, [o] { return RunExport(*o); }};
}

}  // namespace mc2::tools
