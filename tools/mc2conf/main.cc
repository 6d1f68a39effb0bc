// tools/mc2conf/main.cc — entry point of the mc2conf command line: registers the subcommands,
// parses, runs the chosen one, and turns every input error into one "mc2conf: ..." line on
// stderr with exit status 2 (scripts and ctest rely on that contract).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/mc2conf/command.h"
#include "tools/mc2conf/convert_cmd.h"
#include "tools/mc2conf/export_cmd.h"
#include "tools/mc2conf/install_paths.h"
#include "tools/mc2conf/judge_cmd.h"
#include "tools/mc2conf/malloc_tunable.h"
#include "tools/mc2conf/report_cmd.h"
#include "tools/mc2conf/run_cmd.h"
#include "tools/mc2conf/spec_cmd.h"

namespace {

// Errors must stay on one line, whatever the parser's message looks like.
int Fail(const std::string &message) {
    std::string line = message;
    for (char &c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    std::fprintf(stderr, "mc2conf: %s\n", line.c_str());
    return mc2::tools::kUsageExit;
}

// `--version`: the suite's version and the files a run uses when --impl is not given, so a
// vendor (and tests/install) can see that an installed mc2conf uses its own prefix's files.
void PrintVersion() {
    std::printf("mc2conf %s\ndefault implementation: %s\ncase child: %s\n", MC2_VERSION,
                mc2::tools::DefaultImpl().c_str(), mc2::tools::CaseChild().c_str());
}

}  // namespace

int main(int argc, char **argv) {
    mc2::tools::UseInstalledCaseChild();  // before any thread: it may set an environment variable
    CLI::App app{"mc2conf: conformance suite for Ascend MC2 operators.\n"
                 "Runs conformance gates against any library exporting the CANN-shaped ABI (--impl), "
                 "each case in its own process, judged by an independent oracle.\n"
                 "Exit status: 0 no case failed, 1 a case failed, 2 bad arguments.\n"
                 "Example: mc2conf run --gate quick --impl libascendcl.so --impl libopapi.so --impl libhccl.so\n"
                 "`mc2conf <command> --help` describes each command; `man mc2conf` has the whole manual.",
                 "mc2conf"};
    bool version = false;
    app.add_flag("--version", version, "Print the version, the default implementation and the case child, and exit");
    app.require_subcommand(0, 1);
    std::vector<mc2::tools::Command> commands;
    commands.push_back(mc2::tools::AddConvertCommand(app));
    commands.push_back(mc2::tools::AddRunCommand(app));
    commands.push_back(mc2::tools::AddReportCommand(app));
    commands.push_back(mc2::tools::AddSpecCommand(app));
    commands.push_back(mc2::tools::AddExportCommand(app));
    commands.push_back(mc2::tools::AddJudgeCommand(app));
    commands.push_back(mc2::tools::AddAdaptBuiltinCommand(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (e.get_exit_code() == 0) {
            return app.exit(e);  // --help, --help-all
        }
        return Fail(e.what());
    }
    if (version) {
        PrintVersion();
        return 0;
    }
    if (app.get_subcommands().empty()) return Fail("a command is required (run, report, spec, convert, export, judge); see --help");
    // The commands that judge cases allocate buffers of up to GBs: restart once with huge-page
    // malloc (malloc_tunable.h; nothing has started a thread yet).
    for (const char *name : {"run", "judge"})
        if (app.got_subcommand(name)) mc2::tools::ReexecWithHugePageMalloc(argv);
    try {
        for (const mc2::tools::Command &c : commands) {
            if (c.app->parsed()) {
                return c.run();
            }
        }
        return Fail("no subcommand given");
    } catch (const mc2::tools::UsageError &e) {
        return Fail(e.what());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "mc2conf: internal error: %s\n", e.what());
        return 1;
    }
}
