// fuzz/internal/reach.cc — per-operator tallies of a fuzzer's inputs (reach.h).
#include "fuzz/internal/reach.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "spec/catalogue.h"
#include "spec/expectation.h"
#include "spec/generate.h"

namespace mc2::fuzz {
namespace {

struct OpTally {
    uint64_t inputs = 0;
    uint64_t by_handling[4] = {0, 0, 0, 0};  // indexed by Handling
    uint64_t expect_success = 0;
    std::set<int> worlds;
    std::map<std::string, uint64_t> rules;  // rule id -> inputs that named it
};

struct Tallies {
    std::mutex mutex;  // libFuzzer calls one input at a time; the lock costs nothing and keeps tests honest
    std::map<std::string, OpTally> ops;
    std::optional<harness::Platform> platform;  // of the inputs' cases (one per fuzzer process)
};

Tallies &State() {
    static Tallies *tallies = new Tallies;  // never destroyed: read by the at-exit writer
    return *tallies;
}

const char *ReachPath() {
    const char *path = std::getenv("MC2_FUZZ_REACH");
    return path != nullptr && *path != '\0' ? path : nullptr;
}

// At exit, the tallies appended to $MC2_FUZZ_REACH in one write (a process's block stays whole
// beside another process's).
void WriteReach() {
    const char *path = ReachPath();
    if (path == nullptr) return;
    harness::Platform platform = harness::Platform::kAtlasA2;
    {
        Tallies &t = State();
        const std::lock_guard<std::mutex> lock(t.mutex);
        if (t.platform) {
            platform = *t.platform;
        } else if (const char *env = std::getenv("MC2_PLATFORM"); env != nullptr) {
            platform = harness::ParsePlatform(env).value_or(platform);
        }
    }
    const std::string text = ReachText(platform);
    const int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    close(fd);
}

}  // namespace

void NoteReach(const harness::Case &c, Handling how) {
    if (ReachPath() == nullptr) return;
    // Handlers run in the reverse order of registration, and function-local statics count as
    // registered when built: what ReachText reads at exit (the operator list, the rule tables)
    // is built before the handler is registered, so it is still there when the handler runs.
    static const bool registered = [&c] {
        (void)ReachText(c.platform);
        return std::atexit(WriteReach) == 0;
    }();
    (void)registered;
    // The rules first, outside the lock (spec::Expect may take a while on a big world).
    std::set<std::string> named;
    bool success = false;
    if (how == Handling::kEndToEnd || how == Handling::kMetadataOnly) {
        success = true;
        for (int rank = 0; rank < c.world; ++rank) {
            const spec::Expectation e = spec::Expect(c, rank);
            if (e.outcome != spec::Outcome::kSuccess) success = false;
            for (const spec::Answer *a : e.All()) {
                if (!a->rule_id.empty()) named.insert(a->rule_id);
            }
        }
    }
    Tallies &t = State();
    const std::lock_guard<std::mutex> lock(t.mutex);
    if (!t.platform) t.platform = c.platform;
    OpTally &op = t.ops[c.op];
    ++op.inputs;
    ++op.by_handling[static_cast<int>(how)];
    if (success) ++op.expect_success;
    op.worlds.insert(c.world);
    for (const std::string &id : named) ++op.rules[id];
}

std::string ReachText(harness::Platform platform) {
    Tallies &t = State();
    const std::lock_guard<std::mutex> lock(t.mutex);
    std::string out = "reach-v1\t" + harness::PlatformName(platform) + "\n";
    // Every operator the fuzzers draw from, and any other an input named (a wild case's op).
    std::set<std::string> ops;
    for (const std::string &op : spec::GeneratableOps()) ops.insert(op);
    for (const auto &[op, tally] : t.ops) ops.insert(op);
    for (const std::string &op : ops) {
        const auto found = t.ops.find(op);
        const OpTally empty;
        const OpTally &tally = found != t.ops.end() ? found->second : empty;
        std::string worlds;
        for (int w : tally.worlds) worlds += (worlds.empty() ? "" : ",") + std::to_string(w);
        out += "op\t" + op + "\t" + std::to_string(tally.inputs);
        for (uint64_t n : tally.by_handling) out += "\t" + std::to_string(n);
        out += "\t" + std::to_string(tally.expect_success) + "\t" + (worlds.empty() ? "-" : worlds) + "\n";
        for (const auto &[id, hits] : tally.rules) out += "rule\t" + op + "\t" + id + "\t" + std::to_string(hits) + "\n";
        for (const spec::Rule *rule : spec::RulesFor(op, platform)) out += "catalogue\t" + op + "\t" + rule->id + "\n";
    }
    return out;
}

void ResetReach() {
    Tallies &t = State();
    const std::lock_guard<std::mutex> lock(t.mutex);
    t.ops.clear();
    t.platform.reset();
}

}  // namespace mc2::fuzz
