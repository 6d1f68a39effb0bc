// spec/all_to_all_vv2/rules.cc — the constraint catalogue of ATB AllToAllVV2Operation, one rule
// per documented check, in ATB's order (spec-notes/ops.md §7): CreateOperation's parameter
// checks; Setup's framework checks (tensor rank and size, the ini dtype rows); the operation's
// SetupCheckImpl (count lengths, values, windows, output width); Execute (a rank table's
// communicator); then what the other
// ranks' calls cause. Codes are ATB ErrorTypes (include/atb/types.h, by enum position).
//
// Stages are labels in table order: CreateOperation's checks are kAttr, every Setup check kShape
// (ATB checks the ini rows after the shapes, so the dtype rule sits in the shape stage).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "spec/all_to_all_vv2/all_to_all_vv2.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::all_to_all_vv2 {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;

// ATB ErrorType values (include/atb/types.h).
constexpr int32_t kInvalidParam = 1;
constexpr int32_t kInvalidTensorDim = 8;
constexpr int32_t kInvalidTensorSize = 9;
constexpr int32_t kIniMatch = 13;

constexpr int64_t kMaxTensorBytes = int64_t{256} << 30;
constexpr size_t kMaxCommDomain = 128;

const std::string kSeed = "shared/seeds/003_9b9f510cedba1394.txt";
std::string Notes(const std::string &what) { return "shared/spec-notes/ops.md §7 " + what; }

// ---- reading one rank's arguments ----
// The Param fields are C ints: a descriptor's int64 arrives truncated to 32 bits (C++20
// conversion: modulo 2^32), so the predicates read what the operation sees.
int64_t IntOr(const Case &c, int r, const char *name, int64_t fallback) {
    if (const auto *i = std::get_if<int64_t>(&c.Get(r, name))) return static_cast<int32_t>(*i);
    return fallback;
}
// The string a rank passes; nullopt for a null string. `comm` in a string field passes the
// communicator's name (CallArgs::Text), which the spec cannot spell but knows to be a short,
// non-empty name that is neither "hccl" nor an existing path: a stand-in with those properties.
std::optional<std::string> Str(const Case &c, int r, const char *name) {
    const harness::Value &v = c.Get(r, name);
    if (const auto *s = std::get_if<std::string>(&v)) return *s;
    if (std::holds_alternative<harness::CommName>(v)) return std::string("\x01mc2conf-communicator-name");
    return std::nullopt;
}
// The commDomain a rank's ATB operation sees: AllToAllVV2Param::commDomain is a std::string, so a
// null (or any non-string) value reaches it as "" (CallArgs::Text), the same domain as an empty
// string's (api_fuzzer, session 18: one rank's null commDomain beside three "" ones made one
// communicator in the library, while the spec had counted the null rank out of the group).
std::string Domain(const Case &c, int r) { return Str(c, r, "comm_domain").value_or(""); }
bool ExternalComm(const Case &c, int r) { return std::holds_alternative<harness::CommName>(c.Get(r, "hccl_comm")); }
bool RankTableGiven(const Case &c, int r) {
    const auto s = Str(c, r, "rank_table_file");
    return s && !s->empty();
}
// What a rank without an external communicator names as its rank table: nothing (none given, or
// the caller's communicator), a path that does not exist (refused by CreateOperation), an existing
// path that is not a file, or a file.
enum class RankTable { kNone, kMissing, kNotAFile, kFile };
RankTable RankTableAt(const Case &c, int r) {
    if (ExternalComm(c, r) || !RankTableGiven(c, r)) return RankTable::kNone;
    const std::string path = *Str(c, r, "rank_table_file");
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return RankTable::kFile;
    return std::filesystem::exists(path, ec) ? RankTable::kNotAFile : RankTable::kMissing;
}
// CreateOperation skips the rank checks for an external communicator or an existing rank table.
bool RankChecksApply(const Case &c, int r) { return !ExternalComm(c, r) && !RankTableGiven(c, r); }

// Element size as ATB sizes tensors (0: a dtype ATB cannot size).
int64_t ElementBytes(aclDataType d) {
    switch (static_cast<int>(d)) {
        case ACL_DT_UNDEFINED: case ACL_BOOL: case ACL_INT8: case ACL_UINT8: case ACL_HIFLOAT8:
        case ACL_FLOAT8_E5M2: case ACL_FLOAT8_E4M3FN: case ACL_FLOAT8_E8M0: return 1;
        case ACL_FLOAT16: case ACL_BF16: case ACL_INT16: case ACL_UINT16: return 2;
        case ACL_FLOAT: case ACL_INT32: case ACL_UINT32: return 4;
        case ACL_INT64: case ACL_UINT64: case ACL_DOUBLE: case ACL_COMPLEX64: return 8;
        case ACL_COMPLEX128: return 16;
        default: return 0;
    }
}

// The tensors of the variant pack in order (inTensors, then outTensors); nullptr when absent.
std::vector<const TensorSpec *> PackTensors(const Case &c, int r) {
    std::vector<const TensorSpec *> out;
    for (const char *name : kInputs) out.push_back(c.Tensor(r, name));
    out.push_back(c.Tensor(r, kOutput));
    return out;
}

// ATB's CheckTensorShape over the pack in order: 0 when every tensor passes, else the first
// failure's code (rank → 8, byte size → 9). An absent tensor counts as 0 dims.
int32_t FrameworkShapeCode(const Case &c, int r) {
    for (const TensorSpec *t : PackTensors(c, r)) {
        if (t == nullptr || t->shape.empty() || t->shape.size() > 8) return kInvalidTensorDim;
        const int64_t numel = DimProduct(t->shape, 0, t->shape.size());
        const int64_t es = ElementBytes(t->dtype);
        if (numel <= 0 || es == 0 || numel > kMaxTensorBytes / es) return kInvalidTensorSize;
    }
    return 0;
}

bool IniMatches(const Case &c, int r) {
    const auto pack = PackTensors(c, r);
    for (const TensorSpec *t : pack) {
        if (t == nullptr || t->format != ACL_FORMAT_ND) return false;
    }
    const aclDataType x = pack[0]->dtype;
    if (std::find(XDtypes().begin(), XDtypes().end(), x) == XDtypes().end()) return false;
    for (size_t i = 1; i <= 4; ++i) {
        if (pack[i]->dtype != ACL_INT64) return false;
    }
    return pack[5]->dtype == ACL_INT8 && pack[6]->dtype == x;
}

// The first `n` values of a count tensor (what ATB reads from hostData); nullopt when the case
// gives fewer explicit values.
std::optional<std::vector<int64_t>> Values(const Case &c, int r, const char *name, int64_t n) {
    const TensorSpec *t = c.Tensor(r, name);
    if (t == nullptr || n < 0 || static_cast<int64_t>(t->values.size()) < n) return std::nullopt;
    return std::vector<int64_t>(t->values.begin(), t->values.begin() + n);
}

struct Counts {
    std::vector<int64_t> send, sdispls, recv, rdispls;
};
std::optional<Counts> ReadCounts(const Case &c, int r) {
    const int64_t n = IntOr(c, r, "rank_size", 0);
    auto s = Values(c, r, "send_counts", n), sd = Values(c, r, "sdispls", n);
    auto rc = Values(c, r, "recv_counts", n), rd = Values(c, r, "rdispls", n);
    if (!s || !sd || !rc || !rd) return std::nullopt;
    return Counts{*s, *sd, *rc, *rd};
}

bool LengthsMatch(const Case &c, int r) {
    const int64_t n = IntOr(c, r, "rank_size", 0);
    for (const char *name : {"send_counts", "sdispls", "recv_counts", "rdispls"}) {
        const TensorSpec *t = c.Tensor(r, name);
        if (t == nullptr || t->shape.empty() || t->shape[0] != n) return false;
    }
    return true;
}

bool AnyNegative(const Counts &k) {
    for (const auto *v : {&k.send, &k.sdispls, &k.recv, &k.rdispls}) {
        for (int64_t x : *v) {
            if (x < 0) return true;
        }
    }
    return false;
}

// sum(recvCount), nullopt on int64 overflow (values non-negative).
std::optional<int64_t> RecvSum(const Counts &k) {
    int64_t sum = 0;
    for (int64_t x : k.recv) {
        if (sum > std::numeric_limits<int64_t>::max() - x) return std::nullopt;
        sum += x;
    }
    return sum;
}

bool WindowOutside(const Case &c, int r, const Counts &k, int64_t sum) {
    const TensorSpec *x = c.Tensor(r, "x");
    const int64_t x_len = x ? DimProduct(x->shape, 0, x->shape.size()) : 0;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (size_t j = 0; j < k.recv.size(); ++j) {
        if (k.recv[j] > kMax - k.rdispls[j] || k.recv[j] + k.rdispls[j] > sum) return true;
        if (k.send[j] > kMax - k.sdispls[j] || k.send[j] + k.sdispls[j] > x_len) return true;
    }
    return false;
}

// ---- which ranks a rank's all-to-all runs with ----
// With the caller's communicator (hcclComm, COMM_MULTI_THREAD) a rank's collective is the whole
// world's: every other rank must pass it too. Without one (hcclComm null, no rank table), ATB
// creates the rank's communicator from (commDomain, rankSize, rank) and its collective is that
// group's: the ranks without a communicator naming the same commDomain. The group forms only when
// it holds exactly rankSize such ranks, all with that rankSize, their rank fields 0..rankSize-1
// once each (a world-1 group needs no peer). Otherwise the communicator cannot be made, and a
// rank of it fails at run time (ATB creates it inside Setup/Execute; ops.md §7).
struct CommGroup {
    bool known = false;     // false: a rank table names the cluster (not modelled): no claim
    bool complete = false;  // every member of the group is present, as above
    std::vector<int> members;  // world ranks of the group, in the order of their rank in it
};
CommGroup GroupOf(const Case &c, int r) {
    CommGroup g;
    if (ExternalComm(c, r)) {
        g.known = true;
        g.complete = true;
        for (int q = 0; q < c.world; ++q) {
            g.members.push_back(q);
            if (!ExternalComm(c, q)) g.complete = false;  // q is not in the caller's collective
        }
        return g;
    }
    if (RankTableGiven(c, r)) return g;
    const int64_t size = IntOr(c, r, "rank_size", 0);
    const std::string domain = Domain(c, r);
    g.known = true;
    if (size == 1) {
        g.complete = true;
        g.members = {r};
        return g;
    }
    // More members than ranks can never be complete; the bound also keeps a fuzzed rankSize
    // (up to INT64_MAX) from sizing the slot table.
    if (size > c.world) return g;
    std::vector<int> slot(static_cast<size_t>(std::max<int64_t>(size, 0)), -1);
    bool ok = size > 1;
    for (int q = 0; q < c.world; ++q) {
        if (ExternalComm(c, q) || RankTableGiven(c, q) || Domain(c, q) != domain) continue;
        const int64_t at = IntOr(c, q, "rank", -1);
        if (IntOr(c, q, "rank_size", 0) != size || at < 0 || at >= size || slot[static_cast<size_t>(at)] >= 0) {
            ok = false;
            continue;
        }
        slot[static_cast<size_t>(at)] = q;
    }
    for (int q : slot) {
        if (q < 0) ok = false;
    }
    g.complete = ok;
    if (ok) g.members = slot;
    return g;
}

// ---- a contested domain ----
// ATB makes a communicator from (commDomain, rankSize, rank) (ops.md §7); the documents do not
// say what happens when the ranks claiming a domain are not exactly one per rank of it: a rank
// claimed twice, or ranks of the domain giving another rankSize (GroupOf incomplete). A real
// job's processes cannot know who else claims their domain, and ATB's root-info exchange goes
// by arrival. So where every other rank of r's group can still be filled by a claimant whose own
// call passes and whose counts agree with r's, a library may group r with any such claimants,
// or fail r (another claimant took its place, or it refuses a contested domain). The claimants
// that may be each rank of r's group (r alone at its own); nullopt where that is not the case.
std::optional<std::vector<std::vector<int>>> ContestedSources(const Case &c, int r) {
    if (!RankChecksApply(c, r)) return std::nullopt;
    const int64_t size = IntOr(c, r, "rank_size", 0);
    const int64_t at = IntOr(c, r, "rank", -1);
    if (size < 2 || size > c.world || at < 0 || at >= size) return std::nullopt;
    const CommGroup g = GroupOf(c, r);
    if (!g.known || g.complete) return std::nullopt;
    const auto mine = ReadCounts(c, r);
    if (!mine || OwnExpectation(c, r).outcome != Outcome::kSuccess) return std::nullopt;
    const std::string domain = Domain(c, r);
    std::vector<std::vector<int>> sources(static_cast<size_t>(size));
    sources[static_cast<size_t>(at)] = {r};
    for (int q = 0; q < c.world; ++q) {
        if (q == r || !RankChecksApply(c, q) || Domain(c, q) != domain) continue;
        const int64_t j = IntOr(c, q, "rank", -1);
        if (IntOr(c, q, "rank_size", 0) != size || j < 0 || j >= size || j == at) continue;
        const auto theirs = ReadCounts(c, q);
        const auto ju = static_cast<size_t>(j), atu = static_cast<size_t>(at);
        if (!theirs || theirs->send[atu] != mine->recv[ju] || mine->send[ju] != theirs->recv[atu]) continue;
        if (OwnExpectation(c, q).outcome != Outcome::kSuccess) continue;  // refused: it never joins
        sources[ju].push_back(q);
    }
    for (const auto &s : sources) {
        if (s.empty()) return std::nullopt;
    }
    return sources;
}

// ---- editing ----
// Whether every rank's arguments have the structure the edits below assume, as every valid case
// has: each tensor present with at least one dim, an output with a dims[1], and four count
// tensors of one length n (their values) whose first dim says so. A case
// another rule's violate() made may lack it (the multi-rule tests compose violations); the edits
// then give nullopt instead of reading past a shape or a list (tests/spec/violation_totality_test).
bool Editable(const Case &c) {
    for (int r = 0; r < c.world; ++r) {
        for (const char *name : {"x", "tensor_for_infer_shape", "output"}) {
            const TensorSpec *t = c.Tensor(r, name);
            if (t == nullptr || t->shape.empty()) return false;
        }
        if (c.Tensor(r, kOutput)->shape.size() < 2) return false;
        size_t n = 0;
        for (const char *name : {"send_counts", "sdispls", "recv_counts", "rdispls"}) {
            const TensorSpec *t = c.Tensor(r, name);
            if (t == nullptr || t->shape.size() != 1 || t->values.empty() ||
                t->shape[0] != static_cast<int64_t>(t->values.size()) || (n != 0 && t->values.size() != n)) {
                return false;
            }
            n = t->values.size();
        }
    }
    return true;
}

std::optional<Case> EditRank(const Case &valid, int rank, const std::function<void(ParamMap &)> &edit) {
    if (!Editable(valid)) return std::nullopt;
    auto per = EffectiveParams(valid);
    edit(per[static_cast<size_t>(rank)]);
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}
// Per-rank rules break every rank the same way: a single failing rank makes its peers wait for
// HCCL's timeout, which is a2av.xrank.peer_failed's case, not theirs.
std::optional<Case> EditAll(const Case &valid, const std::function<void(ParamMap &)> &edit) {
    if (!Editable(valid)) return std::nullopt;
    auto per = EffectiveParams(valid);
    for (auto &p : per) edit(p);
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}
// A valid case whose every rank has no communicator and the rank table `path`: with one rank on
// the caller's communicator beside another without, the first would wait for the second until
// HCCL's timeout (the library cannot tell it that a rank outside its communicator failed).
std::function<std::optional<Case>(const Case &, Choices &)> EveryRankOnTheRankTable(const std::string &path) {
    return [path](const Case &v, Choices & /*ch*/) -> std::optional<Case> {
        return EditAll(v, [&](ParamMap &p) {
            p["hccl_comm"] = harness::Null{};
            p["comm_mode"] = int64_t{0};
            p["rank_table_file"] = path;
        });
    };
}

int Victim(const Case &c, Choices &ch) { return static_cast<int>(ch.Int(0, c.world - 1)); }
std::vector<int64_t> &ValuesOf(ParamMap &p, const char *name) { return TensorIn(p, name)->values; }

// Each rule's level (DESIGN.md "Verdicts"), by id prefix, first match wins; the reason ends the
// rule's text. ATB documents and checks everything below in its operation and framework code,
// except the agreement of the ranks' counts: it is required but not checked, so what a library
// does with disagreeing counts is the documents' undefined behaviour, and this suite's demand of
// a clean runtime error on every rank is hardening (a vendor that moves garbage instead gets a
// WARNING; no crash, no hang and no write outside the output hold at every level).
const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"a2av.xrank.counts", Level::kHardening,
         "ATB requires recvCount_r[j] == sendCount_j[r] but checks nothing (ops.md §7)"},
        {"a2av.param.", Level::kDocumented, "ATB's CreateOperation parameter checks (ops.md §7)"},
        {"a2av.shape.output_rank", Level::kHardening,
         "the operation's SetupCheckImpl reads output.dims[1] whatever the rank (ops.md §7)"},
        {"a2av.shape.output_width", Level::kDocumented, "the operation's SetupCheckImpl (ops.md §7)"},
        {"a2av.shape.", Level::kDocumented, "ATB's framework checks of InferShape / Setup (ops.md §7)"},
        {"a2av.dtype.", Level::kDocumented, "ATB's ini rows for AllToAllVV2Operation (ops.md §7)"},
        {"a2av.counts.", Level::kDocumented, "the operation's SetupCheckImpl (ops.md §7)"},
        {"a2av.exec.", Level::kDocumented, "ATB's Execute: no communicator, ERROR_INTERNAL_ERROR (ops.md §7)"},
        {"a2av.xrank.domain_contested", Level::kDocumented,
         "the documents do not say how ATB groups a contested commDomain: both answers are admitted, garbage data "
         "and a hang are not"},
        {"a2av.xrank.", Level::kDocumented, "HCCL's all-to-all fails a collective whose peers do not join"},
    };
    return kLevels;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;
    // ------------------------------------------------------------ CreateOperation (ParamCheck)
    AddRule(
        t, "a2av.param.backend", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "backend must be \"hccl\" (ERROR_INVALID_PARAM from CreateOperation).",
        kSeed + " (backend: 仅支持\"hccl\"); " + Notes("CreateOperation"),
        [](const Case &c, int r) { return Str(c, r, "backend").value_or("") != "hccl"; },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) { p["backend"] = std::string(ch.Bool() ? "lccl" : "HCCL"); });
        });
    AddRule(
        t, "a2av.param.rank_unspecified", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "rank -1 (unspecified) is refused when rankSize > 1.", Notes("CreateOperation"),
        [](const Case &c, int r) { return IntOr(c, r, "rank", 0) == -1 && IntOr(c, r, "rank_size", 0) > 1; },
        [](const Case &v, Choices & /*ch*/) -> std::optional<Case> {
            // rankSize 2 at least, whatever the world: CreateOperation refuses before Setup reads
            // the count lengths.
            return EditAll(v, [](ParamMap &p) {
                p["rank"] = int64_t{-1};
                if (std::get<int64_t>(p["rank_size"]) < 2) p["rank_size"] = int64_t{2};
            });
        });
    AddRule(
        t, "a2av.param.comm_mode", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "commMode must be COMM_MULTI_PROCESS (0) or COMM_MULTI_THREAD (1).",
        kSeed + " (commMode); " + Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) {
            const int64_t m = IntOr(c, r, "comm_mode", 0);
            return m != 0 && m != 1;
        },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) { p["comm_mode"] = ch.Bool() ? int64_t{-1} : int64_t{2}; });
        });
    AddRule(
        t, "a2av.param.comm_domain", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "commDomain has at most 128 characters.", Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) { return Str(c, r, "comm_domain").value_or("").size() > kMaxCommDomain; },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                p["comm_domain"] = std::string(static_cast<size_t>(ch.Int(129, 200)), 'd');
            });
        });
    AddRule(
        t, "a2av.param.rank_table_file", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "A non-empty rankTableFile must name an existing path (an existing one skips the rank checks).",
        kSeed + " (rankTableFile); " + Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) {
            const auto s = Str(c, r, "rank_table_file");
            std::error_code ec;
            return s && !s->empty() && !std::filesystem::exists(*s, ec);
        },
        [](const Case &v, Choices & /*ch*/) {
            return EditAll(v, [](ParamMap &p) { p["rank_table_file"] = std::string("/nonexistent/mc2conf/ranktable.json"); });
        });
    AddRule(
        t, "a2av.param.rank_size", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "Without an external hcclComm (or a rank table) rankSize must be in [1, visible devices]; checked "
        "here for rankSize <= 0 (\"不能为0\").",
        kSeed + " (rankSize); " + Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) { return RankChecksApply(c, r) && IntOr(c, r, "rank_size", 0) <= 0; },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                p["hccl_comm"] = harness::Null{};
                p["rank_size"] = -ch.Int(0, 3);
                p["rank"] = int64_t{0};
            });
        });
    // The other half of DistributedInitCheck's range: rankSize above the visible devices. How many
    // devices a machine shows is not the case's to say (at least `world`, since every rank has
    // one), so a rankSize beyond the world may be refused there (ERROR_INVALID_PARAM from
    // CreateOperation) whatever later rule the case breaks, or not at all on a machine with that
    // many devices: a tolerance that only adds the early refusal (api_fuzzer campaign: rankSize
    // 65535 with a tensor-size violation).
    AddRule(
        t, "a2av.param.rank_size_devices", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kSuccess, 0},
        "Without an external hcclComm (or a rank table) a rankSize above the visible devices is refused; the "
        "case cannot say how many devices a machine shows beyond its world, so the refusal is admitted, not required.",
        kSeed + " (rankSize); " + Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) { return RankChecksApply(c, r) && IntOr(c, r, "rank_size", 0) > c.world; },
        // No gate case: a rankSize beyond the world needs count tensors of that length, and breaks
        // the cross-rank membership rules besides (the fuzzers reach it).
        [](const Case &, Choices &) -> std::optional<Case> { return std::nullopt; });
    t.back().may_refuse_early = true;
    t.back().also_accepted = {kInvalidParam};
    AddRule(
        t, "a2av.param.rank", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "Without an external hcclComm (or a rank table) rank must be in [0, rankSize).",
        Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) {
            const int64_t rank = IntOr(c, r, "rank", 0);
            return RankChecksApply(c, r) && (rank < 0 || rank >= IntOr(c, r, "rank_size", 0));
        },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                p["hccl_comm"] = harness::Null{};
                const int64_t size = std::get<int64_t>(p["rank_size"]);
                p["rank"] = ch.Bool() ? -2 - ch.Int(0, 3) : size + ch.Int(0, 3);
            });
        });
    AddRule(
        t, "a2av.param.rank_root", {.ops = {kOp}, .stage = Stage::kAttr}, Code{Outcome::kStatus, kInvalidParam},
        "Without an external hcclComm (or a rank table) rankRoot must be in [0, rankSize).",
        Notes("CreateOperation, DistributedInitCheck"),
        [](const Case &c, int r) {
            const int64_t root = IntOr(c, r, "rank_root", 0);
            return RankChecksApply(c, r) && (root < 0 || root >= IntOr(c, r, "rank_size", 0));
        },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                p["hccl_comm"] = harness::Null{};
                const int64_t size = std::get<int64_t>(p["rank_size"]);
                p["rank_root"] = ch.Bool() ? -1 - ch.Int(0, 3) : size + ch.Int(0, 3);
            });
        });

    // ------------------------------------------------------------ Setup: framework checks
    AddRule(
        t, "a2av.shape.tensor_rank", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidTensorDim},
        "Every tensor of the variant pack has 1 to 8 dims (ATB's CheckTensorShape, inputs then the output; "
        "the first failing tensor decides between this and a2av.shape.tensor_size).",
        Notes("Setup / InferShape (b)"),
        [](const Case &c, int r) { return FrameworkShapeCode(c, r) == kInvalidTensorDim; },
        [](const Case &v, Choices &ch) {
            const char *name = ch.Bool() ? "x" : ch.Pick(std::vector<const char *>{"send_counts", "output"});
            return EditAll(v, [&](ParamMap &p) {
                TensorSpec *t = TensorIn(p, name);
                std::vector<int64_t> shape(9, 1);
                shape.back() = DimProduct(t->shape, 0, t->shape.size());
                t->shape = shape;
            });
        });
    AddRule(
        t, "a2av.shape.tensor_size", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidTensorSize},
        "Every tensor's byte size is > 0 and <= 256 GiB (an empty dim, a negative dim or a huge shape fails).",
        Notes("Setup / InferShape (b)"),
        [](const Case &c, int r) { return FrameworkShapeCode(c, r) == kInvalidTensorSize; },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                TensorSpec *t = TensorIn(p, ch.Bool() ? "x" : "tensor_for_infer_shape");
                t->shape.back() = 0;
            });
        });
    AddRule(
        t, "a2av.dtype.ini", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kIniMatch},
        "(dtype, format) of every tensor matches an ini row: x and output one of float16, float, int8, int32, "
        "int16, int64, bf16 and equal; the four count tensors int64; tensorForInferShape int8; all ND.",
        Notes("Setup / InferShape (c); inputs/outputs (ini [AllToAllVV2Operation])"),
        [](const Case &c, int r) { return !IniMatches(c, r); },
        [](const Case &v, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 3));
            return EditAll(v, [&](ParamMap &p) {
                switch (mode) {
                    case 0: TensorIn(p, "x")->dtype = TensorIn(p, "output")->dtype = ACL_UINT8; break;
                    case 1: TensorIn(p, "output")->dtype = TensorIn(p, "x")->dtype == ACL_FLOAT ? ACL_INT32 : ACL_FLOAT; break;
                    case 2: TensorIn(p, "tensor_for_infer_shape")->dtype = ACL_UINT8; break;
                    default: TensorIn(p, "x")->format = ACL_FORMAT_NCHW; break;
                }
            });
        });

    // ------------------------------------------------------------ Setup: SetupCheckImpl
    AddRule(
        t, "a2av.counts.length", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidParam},
        "sendCount, sdispls, recvCount and rdispls have dims[0] == rankSize.", Notes("SetupCheckImpl"),
        [](const Case &c, int r) { return !LengthsMatch(c, r); },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                TensorSpec *t = TensorIn(p, ch.Pick(std::vector<const char *>{"send_counts", "sdispls", "recv_counts",
                                                                            "rdispls"}));
                t->shape[0] += 1;
                t->values.push_back(0);
            });
        });
    AddRule(
        t, "a2av.counts.negative", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidParam},
        "Every count and displacement is >= 0.", Notes("SetupCheckImpl"),
        [](const Case &c, int r) {
            const auto k = ReadCounts(c, r);
            return k && AnyNegative(*k);
        },
        [](const Case &v, Choices &ch) {
            return EditAll(v, [&](ParamMap &p) {
                auto &vals = ValuesOf(p, ch.Pick(std::vector<const char *>{"send_counts", "sdispls", "recv_counts",
                                                                          "rdispls"}));
                vals[static_cast<size_t>(ch.Int(0, static_cast<int64_t>(vals.size()) - 1))] = -ch.Int(1, 4);
            });
        });
    AddRule(
        t, "a2av.counts.recv_sum", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidParam},
        "sum(recvCount) does not overflow int64 and is > 0.", Notes("SetupCheckImpl"),
        [](const Case &c, int r) {
            const auto k = ReadCounts(c, r);
            if (!k || AnyNegative(*k)) return false;
            const auto sum = RecvSum(*k);
            return !sum || *sum <= 0;
        },
        [](const Case &v, Choices &ch) {
            // Overflow needs two ranks' counts; otherwise (or by choice) every count is 0.
            const bool overflow = v.world >= 2 && ch.Bool();
            return EditAll(v, [&](ParamMap &p) {
                for (auto &x : ValuesOf(p, "recv_counts")) x = overflow ? std::numeric_limits<int64_t>::max() : 0;
                if (!overflow) {
                    for (auto &x : ValuesOf(p, "send_counts")) x = 0;
                }
            });
        });
    AddRule(
        t, "a2av.counts.window", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidParam},
        "Every window lies inside its tensor: recvCount[j] + rdispls[j] <= sum(recvCount) and sendCount[j] + "
        "sdispls[j] <= numel(x), each sum without int64 overflow.",
        Notes("SetupCheckImpl"),
        [](const Case &c, int r) {
            const auto k = ReadCounts(c, r);
            if (!k || AnyNegative(*k)) return false;
            const auto sum = RecvSum(*k);
            return sum && *sum > 0 && WindowOutside(c, r, *k, *sum);
        },
        [](const Case &v, Choices &ch) {
            const bool recv_side = ch.Bool();
            return EditAll(v, [&](ParamMap &p) {
                auto &d = ValuesOf(p, recv_side ? "rdispls" : "sdispls");
                const size_t j = static_cast<size_t>(ch.Int(0, static_cast<int64_t>(d.size()) - 1));
                const TensorSpec *x = TensorIn(p, "x");
                d[j] = recv_side ? TensorIn(p, kOutput)->shape.back() + ch.Int(0, 2)
                                 : DimProduct(x->shape, 0, x->shape.size()) + ch.Int(0, 2);
                if (!recv_side && ValuesOf(p, "send_counts")[j] == 0) ValuesOf(p, "send_counts")[j] = 1;
                if (recv_side && ValuesOf(p, "recv_counts")[j] == 0) d[j] += 1;
            });
        });
    // Where output.dims[1] is compared with sum(recvCount) (SetupCheckImpl): first whether there
    // is a dims[1] at all (this suite's hardening), then its value (documented).
    AddRule(
        t, "a2av.shape.output_rank", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidTensorDim},
        "output has a dims[1]: a 1-D output is refused as a wrong width (hardening: ATB reads dims[1] whatever the "
        "rank).",
        kSeed + " (output [1, recvCountsSum]); " + Notes("SetupCheckImpl"),
        [](const Case &c, int r) {
            const auto k = ReadCounts(c, r);
            if (!k) return false;
            const auto sum = RecvSum(*k);
            const TensorSpec *out = c.Tensor(r, kOutput);
            return sum && out != nullptr && out->shape.size() < 2;
        },
        [](const Case &v, Choices &) {
            return EditAll(v, [&](ParamMap &p) {
                TensorSpec *out = TensorIn(p, kOutput);
                out->shape = {DimProduct(out->shape, 0, out->shape.size())};  // the same elements, one dim
                out->strides.clear();
            });
        });
    AddRule(
        t, "a2av.shape.output_width", {.ops = {kOp}, .stage = Stage::kShape}, Code{Outcome::kStatus, kInvalidTensorDim},
        "output.dims[1] equals sum(recvCount).", kSeed + " (output [1, recvCountsSum]); " + Notes("SetupCheckImpl"),
        [](const Case &c, int r) {
            const auto k = ReadCounts(c, r);
            if (!k) return false;
            const auto sum = RecvSum(*k);
            const TensorSpec *out = c.Tensor(r, kOutput);
            return sum && out != nullptr && out->shape.size() >= 2 && out->shape[1] != *sum;
        },
        [](const Case &v, Choices &ch) -> std::optional<Case> {
            return EditAll(v, [&](ParamMap &p) { TensorIn(p, kOutput)->shape[1] += ch.Int(1, 3); });
        });

    // ------------------------------------------------------------ Execute
    // A rank table that passed CreateOperation (an existing path, which skips the rank checks)
    // is where ATB makes the rank's communicator from; with none made, Execute fails with
    // ERROR_INTERNAL_ERROR (ops.md §7, Execute). Found by api_fuzzer (session 19): rankTableFile
    // "/" beside ranks with the caller's communicator, where the spec had expected a success.
    const RuleOptions kExecuteRule = {.ops = {kOp}, .stage = Stage::kRuntime, .layer = Layer::kRuntime};
    AddRule(
        t, "a2av.exec.rank_table_not_a_file", kExecuteRule, Code{Outcome::kRuntimeError, 0},
        "Without hcclComm, a rankTableFile that exists but is not a file (a directory: HCCL reads the rank table, "
        "a JSON file, from the path) makes no communicator: Execute fails (ERROR_INTERNAL_ERROR) and writes nothing.",
        kSeed + " (rankTableFile); " + Notes("CreateOperation, Execute (hcclComm missing)"),
        [](const Case &c, int r) { return RankTableAt(c, r) == RankTable::kNotAFile; },
        EveryRankOnTheRankTable("/"));
    AddRule(
        t, "a2av.exec.rank_table", kExecuteRule, Code{Outcome::kRuntimeError, 0},
        "Without hcclComm, a rankTableFile that names a file makes the communicator from that rank table, whose "
        "content (a cluster this job may or may not be) this suite does not model: Execute failing "
        "(ERROR_INTERNAL_ERROR, no communicator made) or the all-to-all completing is admitted.",
        kSeed + " (rankTableFile); " + Notes("CreateOperation, Execute (hcclComm missing)"),
        [](const Case &c, int r) { return RankTableAt(c, r) == RankTable::kFile; },
        EveryRankOnTheRankTable("/proc/self/exe"));  // a file, not a rank table
    t.back().success_admitted = true;

    // ------------------------------------------------------------ cross-rank
    // Each fails (or completes) at execution, as the collective does.
    const RuleOptions kCrossRankRule = {
        .ops = {kOp}, .stage = Stage::kCrossRank, .layer = Layer::kRuntime, .scope = Scope::kCrossRank};
    // Before peer_failed: a contested domain is decided here whenever a group holding this rank
    // can still form; otherwise (a rank of the group nobody can be) peer_failed's runtime error.
    AddRule(
        t, "a2av.xrank.domain_contested",
        kCrossRankRule,
        Code{Outcome::kRuntimeError, 0},
        "Without hcclComm, when the ranks claiming this rank's commDomain are not exactly one per rank 0..rankSize-1 "
        "(a rank claimed twice, or another rankSize in the domain) but every other rank of its group can still be "
        "some claimant whose own call passes and whose counts agree with this rank's: which claimants ATB groups is "
        "not documented, so a runtime error within bounded time (writing nothing) or a success whose every receive "
        "window holds the data of some such claimant of that rank is admitted.",
        Notes("CreateOperation (commDomain, rankSize, rank), Execute") +
            "; shared/DESIGN.md (ABI fidelity: no rank hangs); found by api_fuzzer seed 3002 (fuzz/README.md)",
        [](const Case &c, int r) { return ContestedSources(c, r).has_value(); },
        [](const Case &v, Choices &ch) -> std::optional<Case> {
            // A group of `size` ranks with consistent counts (ranks 0..size-1 of the world); every
            // other rank claims the same domain, as a second claimant of some rank of the group or
            // as rank 0 of a rankSize-1 group, and is refused by CreateOperation (backend), so no
            // rank waits for a join that cannot happen and each rank has a rule to report (the
            // fuzzers reach the claimants that join, which wait for HCCL's connect timeout).
            // A contested domain needs three ranks at least: a smaller world grows to three
            // (every rank's arguments are rewritten below anyway).
            if (!Editable(v)) return std::nullopt;
            Case grown = v;
            if (grown.world < 3) ResizeWorld(grown, 3);
            const int size = static_cast<int>(ch.Int(2, grown.world - 1));
            auto per = EffectiveParams(grown);
            const aclDataType dtype = TensorIn(per[0], "x")->dtype;
            std::vector<std::vector<int64_t>> counts(static_cast<size_t>(size), std::vector<int64_t>(static_cast<size_t>(size)));
            for (auto &row : counts) {
                for (auto &x : row) x = ch.Int(0, 3);
            }
            for (int r = 0; r < size; ++r) counts[static_cast<size_t>(r)][static_cast<size_t>(r)] += 1;  // sum(recv) > 0
            std::vector<ParamMap> group(static_cast<size_t>(size));
            WriteCounts(group, counts, dtype, ch);
            const std::string domain = "mc2conf-contested";
            for (int q = 0; q < grown.world; ++q) {
                ParamMap &p = per[static_cast<size_t>(q)];
                int64_t slot = q;
                int64_t rank_size = size;
                if (q < size) {
                    for (const auto &[name, value] : group[static_cast<size_t>(q)]) p[name] = value;
                } else if (ch.Bool()) {
                    slot = ch.Int(0, size - 1);
                    for (const auto &[name, value] : group[static_cast<size_t>(slot)]) p[name] = value;
                    p["backend"] = std::string("lccl");
                } else {
                    std::vector<ParamMap> alone(1);
                    WriteCounts(alone, {{ch.Int(1, 3)}}, dtype, ch);
                    for (const auto &[name, value] : alone[0]) p[name] = value;
                    slot = 0;
                    rank_size = 1;
                    p["backend"] = std::string("lccl");
                }
                p["rank"] = slot;
                p["rank_size"] = rank_size;
                p["rank_root"] = int64_t{0};
                p["hccl_comm"] = harness::Null{};
                p["comm_mode"] = int64_t{0};  // COMM_MULTI_PROCESS: ATB makes the communicator
                p["rank_table_file"] = std::string();
                p["comm_domain"] = domain;
            }
            AssignPerRank(grown, per);
            return grown;
        });
    t.back().success_admitted = true;
    AddRule(
        t, "a2av.xrank.peer_failed",
        kCrossRankRule,
        Code{Outcome::kRuntimeError, 0},
        "When another rank's call fails (its own rule), a rank whose own arguments pass cannot complete the "
        "all-to-all: it must fail with a runtime error within bounded time (HCCL's timeout), never hang, and "
        "write nothing.",
        "shared/DESIGN.md (ABI fidelity: no rank hangs); " + Notes("Execute"),
        // Only the ranks of this rank's communicator (GroupOf) count; a group that cannot form is
        // the same failure for each of its ranks (a peer that never joins).
        [](const Case &c, int r) {
            const CommGroup g = GroupOf(c, r);
            if (!g.known) {
                for (int q = 0; q < c.world; ++q) {
                    if (q != r && OwnExpectation(c, q).outcome != Outcome::kSuccess) return true;
                }
                return false;
            }
            if (!g.complete) return true;
            for (int q : g.members) {
                if (q != r && OwnExpectation(c, q).outcome != Outcome::kSuccess) return true;
            }
            return false;
        },
        [](const Case &v, Choices &ch) -> std::optional<Case> {
            if (v.world < 2) return std::nullopt;
            return EditRank(v, Victim(v, ch), [&](ParamMap &p) {
                if (ch.Bool()) {
                    p["backend"] = std::string("lccl");
                } else {
                    TensorIn(p, kOutput)->shape[1] += 1;
                }
            });
        });
    AddRule(
        t, "a2av.xrank.counts",
        kCrossRankRule,
        Code{Outcome::kRuntimeError, 0},
        "Ranks must agree: recvCount_r[j] == sendCount_j[r]. ATB does not check it; every rank must fail with a "
        "runtime error within bounded time and write nothing outside (the emulated HCCL compares the block "
        "sizes before moving anything).",
        Notes("Semantics (consistency required but not checked)") + "; shared/DESIGN.md (ABI fidelity)",
        // HCCL compares every pair before moving anything: one disagreement anywhere fails every rank.
        // Within the rank's communicator (GroupOf; the whole world with the caller's).
        [](const Case &c, int r) {
            const CommGroup g = GroupOf(c, r);
            std::vector<int> members = g.members;
            if (!g.known || !g.complete) {
                members.clear();
                for (int q = 0; q < c.world; ++q) members.push_back(q);
            }
            std::vector<Counts> all;
            for (int q : members) {
                auto k = ReadCounts(c, q);
                if (!k || k->send.size() != members.size()) return true;
                all.push_back(std::move(*k));
            }
            for (size_t i = 0; i < all.size(); ++i) {
                for (size_t j = 0; j < all.size(); ++j) {
                    if (all[i].send[j] != all[j].recv[i]) return true;
                }
            }
            return false;
        },
        [](const Case &v, Choices &ch) -> std::optional<Case> {
            if (v.world < 2) return std::nullopt;
            // Rank `a` sends one element more to rank `b`, which does not expect it: both shapes
            // stay valid on their own (a's x grows by one element).
            const int a = Victim(v, ch);
            // b indexes a's count lists: a peer's rank in a world-wide group; in a smaller group
            // (a world-1 case resized to 2, property_tests) the lists are shorter, and any entry
            // a sends one more element through breaks the agreement just the same.
            const TensorSpec *sends = v.Tensor(a, "send_counts");
            if (sends == nullptr || sends->values.empty()) return std::nullopt;
            const int b = ((a + 1 + static_cast<int>(ch.Int(0, v.world - 2))) % v.world) %
                          static_cast<int>(sends->values.size());
            return EditRank(v, a, [&](ParamMap &p) {
                TensorSpec *x = TensorIn(p, "x");
                const int64_t len = DimProduct(x->shape, 0, x->shape.size());
                x->shape = {len + 1};
                ValuesOf(p, "send_counts")[static_cast<size_t>(b)] += 1;
                ValuesOf(p, "sdispls")[static_cast<size_t>(b)] = 0;
            });
        });
    AssignLevels(t, Levels());
    return t;
}

}  // namespace

std::optional<GroupSources> SourcesOf(const Case &c, int r) {
    GroupSources out;
    if (auto contested = ContestedSources(c, r)) {
        out.me = static_cast<int>(IntOr(c, r, "rank", 0));
        out.sources = std::move(*contested);
        return out;
    }
    CommGroup g = GroupOf(c, r);
    if (!g.known || !g.complete) return std::nullopt;
    for (size_t i = 0; i < g.members.size(); ++i) {
        if (g.members[i] == r) out.me = static_cast<int>(i);
        out.sources.push_back({g.members[i]});
    }
    return out;
}

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> table = Build();
    return table;
}

OpFamily Family() {
    OpFamily f;
    f.name = kOp;
    f.ops = {kOp};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    // ATB's tensors have no strides: the caller scatters the contiguous output back into the view
    // it declared, which a view aliasing itself cannot hold (several elements, one address).
    f.caller_cannot_pass = [](const TensorSpec &t, std::string_view name) { return name == kOutput && ViewAliases(t); };
    // No typical shapes: the gpt3 gate's typical cases are seed 000's MatmulAllReduce shapes.
    f.generate_typical = nullptr;
    f.decisions = {
        "Products: the ATB document lists Atlas A2 and Atlas inference products; the harness has no inference "
        "platform yet, and the Ascend 950 profile uses the A2 rows (the document has no 950 row).",
        "rsv (reserved bytes) is not a descriptor parameter: always zero here; the implementation's unit test "
        "covers a non-zero rsv.",
        "CreateOperation: ATB folds every ParamCheck failure into ERROR_INVALID_PARAM, including a failing "
        "aclrtGetDeviceCount (ops.md §7 names ERROR_RT_FAIL; the code returns ERROR_INVALID_PARAM).",
        "bf16 on the inference product (ERROR_INVALID_TENSOR_DTYPE) is unreachable for this operation: its "
        "310P ini rows hold float16 and int8 only, so the ini check refuses bf16 first.",
        "Valid cases pass the rank's communicator (COMM_MULTI_THREAD + hcclComm); ATB-created communicators "
        "(hcclComm null) appear in CreateOperation failures and in a2av.xrank.domain_contested's cases, whose "
        "extra claimants are refused by CreateOperation, so no gate case waits for HCCL's connect timeout.",
        "A commDomain claimed by more ranks than its rankSize (or with ranks of another rankSize) is not "
        "documented: a2av.xrank.domain_contested admits a runtime error or a success with the data of any "
        "agreeing claimant; the built-in library groups claimants in arrival order (impl/atbfw/group_comm.cc).",
        "Count tensors must carry explicit values (v(...)): ATB reads them on the host; a case without them is "
        "judged by no count rule.",
    };
    return f;
}

}  // namespace mc2::spec::all_to_all_vv2
