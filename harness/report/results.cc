// harness/report/results.cc — results.json (results.h). Each case's result is the supervisor's
// own JSON form (harness/supervise/result_json.h), embedded as an object, so the file and the
// child-to-parent channel cannot drift apart.
#include "harness/report/results.h"

#include <nlohmann/json.hpp>

#include "harness/supervise/result_json.h"

namespace mc2::harness::report {
namespace {

using nlohmann::json;

constexpr const char *kFormat = "mc2conf-results/1";

json InfoToJson(const RunInfo &info) {
    json symbols = json::array();
    for (const SymbolSource &s : info.symbols) symbols.push_back({{"symbol", s.symbol}, {"library", s.library}});
    return {{"gate", info.gate},
            {"seed", info.seed},
            {"platform_filter", info.platform_filter},
            {"op_filter", info.op_filter},
            {"impl_args", info.impl_args},
            {"impl_paths", info.impl_paths},
            {"symbols", symbols},
            {"symbols_error", info.symbols_error},
            {"supervised", info.supervised},
            {"jobs", info.jobs},
            {"timeout_s", info.timeout_s},
            {"started_utc", info.started_utc},
            {"wall_seconds", info.wall_seconds},
            {"suite_version", info.suite_version},
            {"total_cases", info.total_cases},
            {"incomplete", info.incomplete},
            {"stopped_by", info.stopped_by}};
}

RunInfo InfoFromJson(const json &j) {
    RunInfo info;
    info.gate = j.at("gate").get<std::string>();
    info.seed = j.at("seed").get<uint64_t>();
    info.platform_filter = j.at("platform_filter").get<std::string>();
    info.op_filter = j.at("op_filter").get<std::string>();
    info.impl_args = j.at("impl_args").get<std::vector<std::string>>();
    info.impl_paths = j.at("impl_paths").get<std::vector<std::string>>();
    for (const json &s : j.at("symbols")) {
        info.symbols.push_back({s.at("symbol").get<std::string>(), s.at("library").get<std::string>()});
    }
    info.symbols_error = j.at("symbols_error").get<std::string>();
    info.supervised = j.at("supervised").get<bool>();
    info.jobs = j.at("jobs").get<int>();
    info.timeout_s = j.at("timeout_s").get<double>();
    info.started_utc = j.at("started_utc").get<std::string>();
    info.wall_seconds = j.at("wall_seconds").get<double>();
    info.suite_version = j.at("suite_version").get<std::string>();
    info.total_cases = j.at("total_cases").get<int>();
    // Absent from files written before runs could be stopped.
    info.incomplete = j.value("incomplete", false);
    info.stopped_by = j.value("stopped_by", std::string());
    return info;
}

}  // namespace

std::string ResultsToJson(const Results &results) {
    json cases = json::array();
    for (const CaseRecord &r : results.cases) {
        json result = json::parse(ResultToJson(r.result), nullptr, false);
        cases.push_back({{"kind", r.kind}, {"rule", r.rule_id}, {"note", r.note}, {"result", result}});
    }
    const json j = {{"format", kFormat}, {"run", InfoToJson(results.info)}, {"cases", cases}};
    // One case per line: diffable when committed, and still one JSON document.
    std::string out = "{\"format\":" + json(kFormat).dump() + ",\n\"run\":" +
                      j.at("run").dump(-1, ' ', false, json::error_handler_t::replace) + ",\n\"cases\":[";
    for (size_t i = 0; i < cases.size(); ++i) {
        out += (i == 0 ? "\n" : ",\n") + cases[i].dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return out + "\n]}\n";
}

std::optional<Results> ResultsFromJson(const std::string &text, std::string *error) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        *error = "not a JSON object";
        return std::nullopt;
    }
    if (!j.contains("format") || j.at("format") != kFormat) {
        *error = std::string("not an mc2conf results file (expected \"format\": \"") + kFormat + "\")";
        return std::nullopt;
    }
    try {
        Results out;
        out.info = InfoFromJson(j.at("run"));
        size_t index = 0;
        for (const json &c : j.at("cases")) {
            CaseRecord r;
            r.kind = c.at("kind").get<std::string>();
            r.rule_id = c.at("rule").get<std::string>();
            r.note = c.at("note").get<std::string>();
            std::optional<CaseResult> result = ResultFromJson(c.at("result").dump());
            if (!result) {
                *error = "case " + std::to_string(index) + ": malformed result";
                return std::nullopt;
            }
            r.result = std::move(*result);
            out.cases.push_back(std::move(r));
            ++index;
        }
        return out;
    } catch (const json::exception &e) {
        *error = std::string("malformed results: ") + e.what();
        return std::nullopt;
    }
}

std::string ReproCommand(const std::string &descriptor, const std::vector<std::string> &explicit_impls) {
    std::string out = "mc2conf run";
    for (const std::string &impl : explicit_impls) out += " --impl " + ShellQuote(impl);
    return out + " " + ShellQuote(descriptor);
}

std::string ResultLine(const CaseResult &result, const std::vector<std::string> &explicit_impls) {
    std::string line = StatusName(result.status);
    if (!result.reason.empty()) line += " (" + result.reason + ")";
    return line + " __REPRO: " + ReproCommand(result.descriptor, explicit_impls);
}

}  // namespace mc2::harness::report
