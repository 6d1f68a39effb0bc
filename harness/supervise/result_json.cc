// harness/supervise/result_json.cc — JSON form of CaseResult (result_json.h).
#include "harness/supervise/result_json.h"

#include <nlohmann/json.hpp>

namespace mc2::harness {
namespace {

using nlohmann::json;

json CheckToJson(const OutputCheck &c) {
    json readings = json::array();
    for (const OutputCheck::Reading &r : c.readings) readings.push_back({{"name", r.name}, {"consistent", r.consistent}});
    return {{"name", c.name},
            {"pass", c.pass},
            {"mistrusted", c.mistrusted},
            {"precision_suspect", c.precision_suspect},
            {"ratio_max", c.ratio_max},
            {"summary", c.summary},
            {"elements", c.elements},
            {"outside", c.outside},
            {"ulp_median", c.ulp_median},
            {"ulp_p99", c.ulp_p99},
            {"ulp_max", c.ulp_max},
            {"ulp_histogram", c.ulp_histogram},
            {"vendor_pass", c.vendor_pass},
            {"vendor_fail_share", c.vendor_fail_share},
            {"exact_checked", c.exact_checked},
            {"readings", readings}};
}

json RankToJson(const RankReport &r) {
    json checks = json::array();
    for (const OutputCheck &c : r.checks) checks.push_back(CheckToJson(c));
    return {{"rank", r.rank},
            {"expected", r.expected},
            {"prepare_called", r.prepare_called},
            {"execute_called", r.execute_called},
            {"sync_called", r.sync_called},
            {"prepare_status", r.prepare_status},
            {"execute_status", r.execute_status},
            {"sync_status", r.sync_status},
            {"workspace_size", r.workspace_size},
            {"sync_timed_out", r.sync_timed_out},
            {"messages", r.messages},
            {"setup_error", r.setup_error},
            {"descriptor_refused", r.descriptor_refused},
            {"outputs_untouched", r.outputs_untouched},
            {"checks", checks},
            {"verdict", r.verdict}};
}

}  // namespace

std::string ResultToJson(const CaseResult &result) {
    json ranks = json::array();
    for (const RankReport &r : result.ranks) ranks.push_back(RankToJson(r));
    const json j = {{"status", StatusName(result.status)},
                    {"reason", result.reason},
                    {"descriptor", result.descriptor},
                    {"schedule", result.schedule},
                    {"seconds", result.seconds},
                    {"ranks", ranks}};
    // Replace invalid UTF-8 (an implementation's error text may hold anything) instead of throwing.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<CaseResult> ResultFromJson(const std::string &text) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        CaseResult out;
        const auto status = ParseStatus(j.at("status").get<std::string>());
        if (!status) return std::nullopt;
        out.status = *status;
        out.reason = j.at("reason").get<std::string>();
        out.descriptor = j.at("descriptor").get<std::string>();
        out.schedule = j.at("schedule").get<std::string>();
        out.seconds = j.at("seconds").get<double>();
        for (const json &jr : j.at("ranks")) {
            RankReport r;
            r.rank = jr.at("rank").get<int>();
            r.expected = jr.at("expected").get<std::string>();
            r.prepare_called = jr.at("prepare_called").get<bool>();
            r.execute_called = jr.at("execute_called").get<bool>();
            r.sync_called = jr.at("sync_called").get<bool>();
            r.prepare_status = jr.at("prepare_status").get<int32_t>();
            r.execute_status = jr.at("execute_status").get<int32_t>();
            r.sync_status = jr.at("sync_status").get<int32_t>();
            r.workspace_size = jr.at("workspace_size").get<uint64_t>();
            r.sync_timed_out = jr.at("sync_timed_out").get<bool>();
            r.messages = jr.at("messages").get<std::string>();
            r.setup_error = jr.at("setup_error").get<std::string>();
            r.descriptor_refused = jr.value("descriptor_refused", std::string());  // absent before it existed
            r.outputs_untouched = jr.at("outputs_untouched").get<bool>();
            r.verdict = jr.at("verdict").get<std::string>();
            for (const json &jc : jr.at("checks")) {
                OutputCheck c;
                c.name = jc.at("name").get<std::string>();
                c.pass = jc.at("pass").get<bool>();
                c.mistrusted = jc.at("mistrusted").get<bool>();
                c.precision_suspect = jc.at("precision_suspect").get<bool>();
                c.ratio_max = jc.at("ratio_max").is_number() ? jc.at("ratio_max").get<double>() : 0.0;
                c.summary = jc.at("summary").get<std::string>();
                // The report statistics; absent in results written before they existed. A
                // non-finite double was written as null.
                const auto number = [&jc](const char *key) {
                    return jc.contains(key) && jc.at(key).is_number() ? jc.at(key).get<double>() : 0.0;
                };
                c.elements = jc.value("elements", int64_t{0});
                c.outside = jc.value("outside", int64_t{0});
                c.ulp_median = number("ulp_median");
                c.ulp_p99 = number("ulp_p99");
                c.ulp_max = number("ulp_max");
                if (jc.contains("ulp_histogram")) c.ulp_histogram = jc.at("ulp_histogram").get<std::vector<int64_t>>();
                c.vendor_pass = jc.value("vendor_pass", false);
                c.vendor_fail_share = number("vendor_fail_share");
                c.exact_checked = jc.value("exact_checked", int64_t{0});
                if (jc.contains("readings") && jc.at("readings").is_array()) {
                    for (const json &jrd : jc.at("readings")) {
                        c.readings.push_back({jrd.at("name").get<std::string>(), jrd.at("consistent").get<int64_t>()});
                    }
                }
                r.checks.push_back(std::move(c));
            }
            out.ranks.push_back(std::move(r));
        }
        return out;
    } catch (const nlohmann::json::exception &) {
        return std::nullopt;
    }
}

}  // namespace mc2::harness
