// tools/mc2conf/journal.cc — the JSON-lines journal of a gate run (journal.h).
#include "tools/mc2conf/journal.h"

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "harness/supervise/result_json.h"

namespace mc2::tools {

Journal::Journal(std::string path) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), "w");
    if (file_ == nullptr) {
        std::fprintf(stderr, "mc2conf: warning: cannot write the journal %s: %s\n", path_.c_str(), std::strerror(errno));
    }
}

Journal::~Journal() {
    if (file_ != nullptr) std::fclose(file_);
}

void Journal::Append(size_t index, const harness::report::CaseRecord &record) {
    if (file_ == nullptr) return;
    using nlohmann::json;
    const json result = json::parse(harness::ResultToJson(record.result), nullptr, false);
    const json line = {{"index", index}, {"kind", record.kind}, {"rule", record.rule_id}, {"note", record.note},
                       {"result", result}};
    const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
}

void Journal::Remove() {
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
    std::remove(path_.c_str());
}

}  // namespace mc2::tools
