// tools/mc2conf/output_files.cc — report files on disk (output_files.h).
#include "tools/mc2conf/output_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "harness/report/html.h"
#include "harness/report/junit.h"
#include "harness/report/markdown.h"
#include "tools/mc2conf/command.h"

namespace mc2::tools {

void WriteTextFile(const std::string &path, const std::string &text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("cannot write " + path + ": " + ec.message());
}

void EnsureDirectory(const std::string &dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        throw UsageError("cannot create the output directory '" + dir + "'" + (ec ? ": " + ec.message() : ""));
    }
}

void WriteAllReports(const harness::report::Results &results, const std::string &dir) {
    const std::filesystem::path d(dir);
    WriteTextFile((d / "results.json").string(), harness::report::ResultsToJson(results));
    WriteTextFile((d / "junit.xml").string(), harness::report::RenderJUnit(results));
    WriteTextFile((d / "report.md").string(), harness::report::RenderMarkdownReport(results));
    WriteTextFile((d / "report.html").string(), harness::report::RenderHtmlReport(results));
}

}  // namespace mc2::tools
