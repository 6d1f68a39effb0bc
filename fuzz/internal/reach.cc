// fuzz/internal/reach.cc — per-operator tallies of a fuzzer's inputs (reach.h).
#include "fuzz/internal/reach.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

// Rule feedback (reach.h): one libFuzzer extra counter per (operator, catalogue rule) of the
// process's platform, plus per operator one for "every rank expected to succeed" and one per world
// size (1-16, and one for larger). libFuzzer clears the section before each input and turns the
// counters set during it into coverage features, so an input that makes a rule decide for an
// operator where no kept input did is kept, as if it had covered a new edge. Slots are numbered
// from the catalogue in registration order, the same in every process of a campaign (fork-mode
// jobs report features by number).
constexpr size_t kFeedbackSlots = size_t{1} << 13;
constexpr int kWorldSlots = 17;  // world sizes 1-16, then one for any larger
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t g_feedback[kFeedbackSlots];

struct FeedbackSlots {
    std::map<std::string, size_t> op_base;  // first slot of an operator: success, then the world sizes
    std::map<std::pair<std::string, std::string>, size_t> rule;  // (op, rule id) -> slot
};

const FeedbackSlots &Slots(harness::Platform platform) {
    static const FeedbackSlots slots = [platform] {
        FeedbackSlots s;
        size_t next = 0;
        for (const std::string &op : spec::GeneratableOps()) {
            const std::vector<const spec::Rule *> &rules = spec::RulesFor(op, platform);
            if (next + 1 + kWorldSlots + rules.size() > kFeedbackSlots) break;  // the rest go without
            s.op_base[op] = next;
            next += 1 + kWorldSlots;
            for (const spec::Rule *rule : rules) s.rule[{op, rule->id}] = next++;
        }
        return s;
    }();
    return slots;
}

bool FeedbackOn() {
    static const bool on = [] {
        const char *env = std::getenv("MC2_FUZZ_RULE_FEEDBACK");
        return env == nullptr || std::string(env) != "0";
    }();
    return on;
}

void Feed(const harness::Case &c, bool success, const std::set<std::string> &named) {
    const FeedbackSlots &slots = Slots(c.platform);
    const auto base = slots.op_base.find(c.op);
    if (base == slots.op_base.end()) return;
    if (success) g_feedback[base->second] = 1;
    g_feedback[base->second + 1 + static_cast<size_t>(std::clamp(c.world, 1, kWorldSlots) - 1)] = 1;
    for (const std::string &id : named) {
        if (const auto slot = slots.rule.find({c.op, id}); slot != slots.rule.end()) g_feedback[slot->second] = 1;
    }
}

const char *ReachPath() {
    const char *path = std::getenv("MC2_FUZZ_REACH");
    return path != nullptr && *path != '\0' ? path : nullptr;
}

// At exit, the tallies appended to $MC2_FUZZ_REACH (O_APPEND; fuzz/campaign's replay is one
// process, so blocks of several processes only meet when a caller runs more than one).
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
    const bool tally = ReachPath() != nullptr;
    const bool feed = FeedbackOn() && (how == Handling::kEndToEnd || how == Handling::kMetadataOnly);
    if (!tally && !feed) return;
    // Handlers run in the reverse order of registration, and function-local statics count as
    // registered when built: what ReachText reads at exit (the operator list, the rule tables)
    // is built before the handler is registered, so it is still there when the handler runs.
    if (tally) {
        static const bool registered = [&c] {
            (void)ReachText(c.platform);
            return std::atexit(WriteReach) == 0;
        }();
        (void)registered;
    }
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
    if (feed) Feed(c, success, named);
    if (!tally) return;
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

std::vector<std::string> RuleFeedbackSet(harness::Platform platform) {
    const FeedbackSlots &slots = Slots(platform);
    std::vector<std::string> set;
    for (const auto &[op, base] : slots.op_base) {
        if (g_feedback[base] != 0) set.push_back(op + " success");
        for (int w = 1; w <= kWorldSlots; ++w) {
            if (g_feedback[base + static_cast<size_t>(w)] != 0) set.push_back(op + " world " + std::to_string(w));
        }
    }
    for (const auto &[key, slot] : slots.rule) {
        if (g_feedback[slot] != 0) set.push_back(key.first + " " + key.second);
    }
    return set;
}

void ClearRuleFeedback() { std::fill(std::begin(g_feedback), std::end(g_feedback), uint8_t{0}); }

void ResetReach() {
    Tallies &t = State();
    const std::lock_guard<std::mutex> lock(t.mutex);
    t.ops.clear();
    t.platform.reset();
}

}  // namespace mc2::fuzz
