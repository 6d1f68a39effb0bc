// tests/spec/dump_rule_tables.cc — a test-only tool: prints every registered family's rule table
// (tests/spec/rule_table_dump.h) and its digest, or one family's. Diff two builds' outputs to
// see what a change of the rule tables changed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/spec/rule_table_dump.h"

// Usage: dump_rule_tables [family] [seeds] (default every family, 3 seeds).
int main(int argc, char **argv) {
    const std::string only = argc > 1 ? argv[1] : "";
    const uint64_t seeds = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3;
    for (const mc2::spec::OpFamily &f : mc2::spec::AllFamilies()) {
        if (!only.empty() && f.name != only) continue;
        const std::string dump = mc2::spec::testing::DumpRuleTable(f, seeds);
        std::fputs(dump.c_str(), stdout);
        std::printf("digest %s %s\n", f.name.c_str(), mc2::spec::testing::Digest(dump).c_str());
    }
    return EXIT_SUCCESS;
}
