// tools/mc2conf/spec_cmd.cc — `mc2conf spec` (spec_cmd.h). The Markdown form is
// spec::RenderMarkdown's; --op keeps the introduction, that operator's table and its family's
// decisions, so the catalogue has one renderer.
#include "tools/mc2conf/spec_cmd.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/ops/registry.h"
#include "harness/signatures.h"
#include "spec/catalogue.h"
#include "spec/front_end/front_end.h"
#include "spec/render_markdown.h"

namespace mc2::tools {
namespace {

struct SpecOptions {
    bool markdown = false;
    bool symbols = false;
    std::string op;
};

std::vector<std::string> CatalogueOps() {
    std::vector<std::string> ops;
    for (const spec::OpFamily &f : spec::AllFamilies()) ops.insert(ops.end(), f.ops.begin(), f.ops.end());
    return ops;
}

// The Markdown catalogue restricted to one operator (see the file comment).
std::string FilterMarkdown(const std::string &markdown, const std::string &op) {
    const spec::OpFamily *family = spec::FindFamily(op);
    std::istringstream in(markdown);
    std::string line, out;
    bool keep = true;  // the introduction
    while (std::getline(in, line)) {
        if (line.starts_with("## ")) {
            keep = line.find("(`" + op + "`)") != std::string::npos;
        } else if (line.starts_with("### ")) {
            keep = family != nullptr && line.find("(" + family->name + ")") != std::string::npos;
        }
        if (keep) out += line + "\n";
    }
    return out;
}

std::string Platforms(const spec::Rule &r) {
    if (r.platforms.size() == 2) return "all";
    std::string s;
    for (harness::Platform p : r.platforms) s += (s.empty() ? "" : ",") + harness::PlatformName(p);
    return s;
}

std::string PlainListing(const std::vector<std::string> &ops) {
    std::string out;
    for (const std::string &op : ops) {
        const spec::OpFamily *family = spec::FindFamily(op);
        const harness::OpSignature *sig = harness::FindSignature(op);
        std::vector<const spec::Rule *> rules;
        for (const spec::Rule &r : *family->rules) {
            if (std::find(r.ops.begin(), r.ops.end(), op) != r.ops.end()) rules.push_back(&r);
        }
        out += op + " (" + (sig ? sig->api : "?") + "): " + std::to_string(rules.size()) + " rules\n";
        for (const spec::Rule *r : rules) {
            char buf[192];
            std::snprintf(buf, sizeof buf, "  %-30s %-10s %-10s %-28s %-9s ", r->id.c_str(), spec::StageName(r->stage),
                          spec::LevelName(r->level), r->ExpectedText().c_str(), Platforms(*r).c_str());
            out += buf + r->text + "\n";
        }
    }
    return out;
}

// Every ABI symbol the registered operators call, one per line (sorted, unique): what a library
// must export for the whole suite to run (abi.exported_symbols checks libmc2impl.so against it).
std::string SymbolListing() {
    std::set<std::string> names;
    for (const harness::OpBinding *b : harness::AllBindings()) names.insert(b->api.symbols.begin(), b->api.symbols.end());
    std::string out;
    for (const std::string &n : names) out += n + "\n";
    return out;
}

int RunSpec(const SpecOptions &o) {
    if (o.symbols) {
        std::fputs(SymbolListing().c_str(), stdout);
        return 0;
    }
    std::vector<std::string> ops = CatalogueOps();
    // A framework front-end (spec/front_end/): its family by name or by one of its functions.
    if (const spec::front_end::Family *f = o.op.empty() ? nullptr : spec::front_end::FindFamily(o.op)) {
        std::string text = spec::front_end::RenderPlain(*f);
        if (o.markdown) {
            const std::string md = spec::front_end::RenderMarkdown();
            // Its section of the front-end Markdown: from its heading to the next one.
            const size_t begin = md.rfind("### ", md.find("(front-end " + f->name + ")"));
            const size_t end = md.find("\n### ", begin + 1);
            text = md.substr(begin, end == std::string::npos ? std::string::npos : end + 1 - begin);
        }
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    if (!o.op.empty()) {
        if (std::find(ops.begin(), ops.end(), o.op) == ops.end()) {
            std::string known;
            for (const std::string &op : ops) known += (known.empty() ? "" : ", ") + op;
            for (const spec::front_end::Family &f : spec::front_end::AllFamilies()) known += ", " + f.name;
            throw UsageError("spec: unknown operator '" + o.op + "' (known: " + known + ")");
        }
        ops = {o.op};
    }
    std::string text =
        o.markdown ? (o.op.empty() ? spec::RenderMarkdown() : FilterMarkdown(spec::RenderMarkdown(), o.op))
                   : PlainListing(ops);
    if (o.op.empty()) {  // the whole catalogue: the front-end families after the operators'
        if (o.markdown) {
            text += spec::front_end::RenderMarkdown();
        } else {
            for (const spec::front_end::Family &f : spec::front_end::AllFamilies()) text += spec::front_end::RenderPlain(f);
        }
    }
    std::fputs(text.c_str(), stdout);
    return 0;
}

}  // namespace

Command AddSpecCommand(CLI::App &app) {
    auto o = std::make_shared<SpecOptions>();
    CLI::App *sub = app.add_subcommand("spec", "Print the constraint catalogue (rules, expected codes, sources)");
    sub->add_flag("--markdown", o->markdown, "Markdown tables with citations instead of the plain listing");
    sub->add_option("--op", o->op, "Only this operator's rules, or a framework front-end's (torch_npu, mindspeed, mindspore)");
    sub->add_flag("--symbols", o->symbols, "The ABI symbols the registered operators call, one per line");
    return Command{sub, [o] { return RunSpec(*o); }};
}

}  // namespace mc2::tools
