// spec/render_markdown.cc — Markdown rendering of the catalogue (render_markdown.h).
#include "spec/render_markdown.h"

#include <algorithm>
#include <sstream>

#include "harness/signatures.h"
#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

// Table cells: '|' would split the cell, newlines would end the row.
std::string Cell(const std::string &text) {
    std::string out;
    for (char ch : text) {
        if (ch == '|') {
            out += "\\|";
        } else if (ch == '\n') {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out;
}

const char *LayerName(Layer layer) {
    switch (layer) {
        case Layer::kOpApi: return "op_api";
        case Layer::kTiling: return "inner/tiling";
        case Layer::kRuntime: return "runtime";
    }
    return "?";
}

std::string Platforms(const Rule &r) {
    std::string s;
    for (auto p : r.platforms) s += (s.empty() ? "" : ", ") + harness::PlatformName(p);
    return s;
}

}  // namespace

std::string RenderMarkdown() {
    std::ostringstream out;
    out << "# mc2conf constraint catalogue\n\n"
        << "Rules in the vendor's check order (null → dtype → attributes → format → shape → inner layer → "
           "empty tensors → tiling → execution → cross-rank); the first violated rule decides a rank's "
           "expected result. \"inner (561xxx)\" is the tiling layer's refusal class, not a fixed number. "
           "Rules whose expected result is \"success\" are documented tolerances: they name the case and "
           "do not stop the check. Level: a *documented* rule (the documents, the vendor's op_api order and unit "
           "tests, the mathematics) is FAILED when broken; a *hardening* rule is this suite's demand where the "
           "vendor does not check (its behaviour there is undefined): broken, it is a passing WARNING, FAILED "
           "only under `mc2conf run --strict`. \"(may refuse early)\": an implementation may give the listed "
           "GetWorkspaceSize code wherever it checks, whatever else the case breaks.\n";
    for (const auto &family : AllFamilies()) {
        for (const auto &op : family.ops) {
            const harness::OpSignature *sig = harness::FindSignature(op);
            out << "\n## " << (sig ? sig->api : op) << " (`" << op << "`)\n\n"
                << "| # | id | stage | layer | level | expected | platforms | rule | source |\n"
                << "|---|---|---|---|---|---|---|---|---|\n";
            int n = 0;
            for (const Rule &r : *family.rules) {
                if (std::find(r.ops.begin(), r.ops.end(), op) == r.ops.end()) continue;
                out << "| " << ++n << " | `" << r.id << "` | " << StageName(r.stage) << " | " << LayerName(r.layer)
                    << " | " << LevelName(r.level) << " | " << Cell(r.ExpectedText()) << " | " << Platforms(r)
                    << " | " << Cell(r.text) << " | " << Cell(r.citation) << " |\n";
            }
        }
        if (!family.decisions.empty()) {
            out << "\n### Decisions where the sources disagree (" << family.name << ")\n\n";
            for (const auto &d : family.decisions) out << "- " << d << "\n";
        }
    }
    return out.str();
}

}  // namespace mc2::spec
