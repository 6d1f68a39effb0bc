// fuzz/internal/run_support.cc — ABI loading, cost model, metadata-only call and failure report
// for the fuzzers that run cases (run_support.h).
#include "fuzz/internal/run_support.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/dtype_names.h"
#include "harness/fill/element.h"
#include "harness/fill/storage.h"
#include "harness/ops/registry.h"
#include "harness/run/world.h"
#include "harness/signatures.h"
#include "spec/expectation.h"

namespace mc2::fuzz {
namespace {

using harness::Case;
using harness::ParamKind;
using harness::TensorSpec;

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
    return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
    return b != 0 && a > std::numeric_limits<uint64_t>::max() / b ? std::numeric_limits<uint64_t>::max() : a * b;
}

std::vector<std::string> ImplPaths() {
    if (const char *env = std::getenv("MC2_FUZZ_IMPL"); env != nullptr && *env != '\0') {
        std::vector<std::string> paths;
        std::string_view rest(env);
        while (!rest.empty()) {
            const size_t colon = rest.find(':');
            if (colon != 0) paths.emplace_back(rest.substr(0, colon));
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
        return paths;
    }
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const char *relative : {"libmc2impl_fuzz.so", "../lib/libmc2impl_fuzz.so"}) {
            const std::filesystem::path candidate = exe.parent_path() / relative;
            if (std::filesystem::exists(candidate, ec)) return {candidate.lexically_normal().string()};
        }
    }
    return {MC2_FUZZ_IMPL_PATH};
}

// Storage bytes of a tensor by the same rule as harness::StorageBytes (the larger of the
// declared storage shape and the span the view reaches, times the element size), but in
// saturating unsigned arithmetic: the harness's own helpers are meant for tensors that will be
// allocated, and a fuzzer's dims reach 2^63.
uint64_t SaturatingStorageBytes(const TensorSpec &t) {
    uint64_t view = 1;
    for (int64_t d : t.shape) view = d <= 0 ? 0 : SaturatingMul(view, static_cast<uint64_t>(d));
    // An empty view reaches nothing, but a declared storage shape is still allocated in full by
    // the runner (harness/fill/storage.h StorageCapacity), so it still counts.
    uint64_t span = 0;
    if (view != 0) {
        span = 1;
        for (size_t i = 0; i < t.shape.size() && i < t.strides.size(); ++i) {
            const uint64_t step = t.strides[i] < 0 ? uint64_t{0} - static_cast<uint64_t>(t.strides[i])
                                                   : static_cast<uint64_t>(t.strides[i]);
            span = SaturatingAdd(span, SaturatingMul(static_cast<uint64_t>(t.shape[i] - 1), step));
        }
        if (t.strides.empty()) span = view;
        span = SaturatingAdd(span, static_cast<uint64_t>(std::max<int64_t>(t.offset, 0)));
    }
    uint64_t declared = 1;
    for (int64_t d : t.storage_shape) declared = d <= 0 ? 0 : SaturatingMul(declared, static_cast<uint64_t>(d));
    const int bits = harness::DtypeBits(t.dtype) > 0 ? harness::DtypeBits(t.dtype) : 64;
    const uint64_t elements = std::max(span, t.storage_shape.empty() ? view : declared);
    if (elements == 0) return 0;
    return SaturatingMul(elements, static_cast<uint64_t>(bits)) / 8 + 1;
}

// Every answer the spec admits for the case, alternatives of multi-rule cases included.
bool Admitted(const spec::Expectation &e, int32_t status) { return e.AdmitsPrepareStatus(status); }

// One rank of the metadata-only call.
struct ProbeRank {
    int32_t status = 0;
    bool called = false;
    bool outputs_untouched = true;
    bool descriptor_refused = false;  // aclCreateTensor refused a declared tensor: no call made
    // Two of the rank's outputs reached into each other's memory as declared (a span beyond its
    // allocation): the call did not see the disjoint outputs the case describes.
    bool outputs_overlap = false;
    std::string setup_error;
    std::string message;
};

constexpr uint8_t kPattern = 0xA5;

// A tensor's explicit values (host parameters such as AllToAllVV2's counts, which ATB's Setup
// reads from hostData before it refuses anything) at their view positions over the pattern, in
// `bytes` bytes: the image RunCase would upload, cut to the small allocation. Elements whose
// place lies beyond `bytes` keep the pattern: such a view is not plain, and the ATB binding then
// passes the values the view declares, not the storage's (harness/ops/all_to_all_vv2.cc
// DeclaredCodes), as RunCase's small probe buffer does. Empty when the tensor has no explicit
// values; the call then sees no host data.
std::vector<uint8_t> HostImage(const TensorSpec &t, size_t bytes) {
    if (t.values.empty() || bytes == 0) return {};
    uint64_t elements = 1;
    for (int64_t d : t.shape) elements = d <= 0 ? 0 : SaturatingMul(elements, static_cast<uint64_t>(d));
    if (elements > t.values.size()) return {};
    const int bits = harness::StorageBits(t.dtype);
    if (bits <= 0) return {};
    std::vector<uint8_t> image(bytes, kPattern);
    const std::vector<int64_t> where = harness::ViewIndices(t);
    for (size_t e = 0; e < where.size() && e < t.values.size(); ++e) {
        if (where[e] < 0 || harness::BytesFor(bits, where[e] + 1) > bytes) continue;
        harness::StoreCode(image.data(), bits, where[e], static_cast<uint64_t>(t.values[e]));
    }
    return image;
}

// One rank's metadata-only call. `own_context`: make a context for the call on this thread and
// destroy it afterwards; otherwise the thread is a harness::World worker whose context is current.
void ProbeThread(const Case &c, const harness::AbiTable &abi, const harness::OpBinding &binding, HcclComm comm,
                 int rank, bool own_context, ProbeRank &out) {
    const harness::RuntimeFns &rt = abi.rt();
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    aclrtContext context = nullptr;
    if (own_context && (rt.aclrtCreateContext(&context, rank) != 0 || rt.aclrtSetCurrentContext(context) != 0)) {
        out.setup_error = "context";
        return;
    }
    char name[MAX_GROUP_NAME + 1] = {};
    if (rt.HcclGetCommName(comm, name) != HCCL_SUCCESS) out.setup_error = "HcclGetCommName";
    harness::CallArgs args;
    args.c = &c;
    args.rank = rank;
    args.comm_name = name;
    args.comm = comm;
    struct Held {
        std::string name;
        bool output = false;
        void *device = nullptr;
        size_t bytes = 0;
        aclTensor *tensor = nullptr;
        std::vector<uint8_t> host;  // explicit values over the pattern (HostImage); empty = none
    };
    std::vector<Held> held;
    held.reserve(sig->params.size());  // BoundTensor::host points into these: no reallocation
    // Every tensor's whole span when it is small, else a probe: a probe shorter than its span lets
    // another tensor's allocation lie inside the span as declared, and a library that refuses
    // aliasing outputs then refuses the call for a reason the case does not have (session 20:
    // an AllGatherMatmul output allocated inside gatherOut's 16 KiB span, its first 4 KiB real).
    uint64_t largest = 0;
    for (const harness::ParamDecl &p : sig->params) {
        if (p.kind != ParamKind::kTensor) continue;
        if (const TensorSpec *t = c.Tensor(rank, p.name)) largest = std::max(largest, MetadataOnlyBytes(*t));
    }
    const std::vector<uint8_t> pattern(static_cast<size_t>(largest), kPattern);
    for (const harness::ParamDecl &p : sig->params) {
        if (p.kind != ParamKind::kTensor || !out.setup_error.empty()) continue;
        const TensorSpec *t = c.Tensor(rank, p.name);
        if (t == nullptr) continue;
        Held &h = held.emplace_back();
        h.name = p.name;
        h.output = binding.IsOutput(p.name);
        // The full metadata over a real allocation of the span, or of a probe when the span is
        // big: enough for an implementation that (wrongly) reads a little, never the declared size.
        h.bytes = static_cast<size_t>(MetadataOnlyBytes(*t));
        if (!h.output) h.host = HostImage(*t, h.bytes);
        const std::vector<uint8_t> &image = h.host.empty() ? pattern : h.host;
        if (h.bytes > 0) {
            if (rt.aclrtMalloc(&h.device, h.bytes, ACL_MEM_MALLOC_HUGE_FIRST) != 0 ||
                rt.aclrtMemcpy(h.device, h.bytes, image.data(), h.bytes, ACL_MEMCPY_HOST_TO_DEVICE) != 0) {
                out.setup_error = "aclrtMalloc/aclrtMemcpy(" + p.name + ")";
            }
        }
        harness::BoundTensor &bound = args.tensors[p.name];
        bound.spec = t;
        bound.device = h.device;
        if (!h.host.empty()) bound.host = &h.host;
        if (binding.api.acl_tensors) {
            const std::vector<int64_t> strides = t->Strides();
            std::vector<int64_t> scratch;
            const std::vector<int64_t> &storage = t->StorageShapeIn(scratch);
            h.tensor = rt.aclCreateTensor(t->shape.data(), t->shape.size(), t->dtype, strides.data(), t->offset,
                                          t->format, storage.data(), storage.size(), h.device);
            // As in RunCase: a refused descriptor is not passed on as nullptr; the rank makes no
            // call and conforms exactly when the spec expects it to fail.
            if (h.tensor == nullptr) out.descriptor_refused = true;
            bound.acl = h.tensor;
        }
    }
    // Outputs whose spans, from the allocations they were given, meet: only a span cut to a
    // probe can (separate allocations of whole spans are disjoint).
    for (size_t i = 0; i < held.size(); ++i) {
        for (size_t j = i + 1; j < held.size(); ++j) {
            const Held &a = held[i], &b = held[j];
            if (!a.output || !b.output || a.device == nullptr || b.device == nullptr) continue;
            const auto first_a = reinterpret_cast<uintptr_t>(a.device), first_b = reinterpret_cast<uintptr_t>(b.device);
            const uint64_t span_a = SaturatingStorageBytes(*c.Tensor(rank, a.name));
            const uint64_t span_b = SaturatingStorageBytes(*c.Tensor(rank, b.name));
            if ((first_b >= first_a && first_b - first_a < span_a) || (first_a >= first_b && first_a - first_b < span_b)) {
                out.outputs_overlap = true;
            }
        }
    }
    (void)rt.aclGetRecentErrMsg();
    std::string bind_error;
    std::unique_ptr<harness::OpCall> call;
    if (out.setup_error.empty() && !out.descriptor_refused) {
        call = binding.api.bind(abi, args, &bind_error);
        if (call == nullptr) out.setup_error = bind_error;
    }
    if (call != nullptr) {
        uint64_t workspace = 0;
        out.called = true;
        out.status = call->Prepare(&workspace);
        if (const char *m = rt.aclGetRecentErrMsg(); m != nullptr) out.message = m;
        // A successful first phase on a case that must be refused is reported by the caller and
        // ends the process; the executor is never executed (its tensors are too small).
        call.reset();
    }
    for (Held &h : held) {
        if (h.output && h.device != nullptr) {
            std::vector<uint8_t> back(h.bytes, 0);
            if (rt.aclrtMemcpy(back.data(), back.size(), h.device, h.bytes, ACL_MEMCPY_DEVICE_TO_HOST) == 0 &&
                !std::equal(back.begin(), back.end(), pattern.begin())) {
                out.outputs_untouched = false;
            }
        }
        if (h.tensor != nullptr) (void)rt.aclDestroyTensor(h.tensor);
        if (h.device != nullptr) (void)rt.aclrtFree(h.device);
    }
    if (context != nullptr) (void)rt.aclrtDestroyContext(context);
    (void)rt.aclGetRecentErrMsg();
}

// Every rank's metadata-only call against the spec: "" or the first rank's reason. Not judged at
// all (*judged = false) when some rank's outputs met in memory (ProbeRank::outputs_overlap).
std::string JudgeProbes(const Case &c, const harness::OpBinding &binding, const std::vector<ProbeRank> &ranks,
                        bool *judged) {
    for (const ProbeRank &p : ranks) {
        if (p.outputs_overlap) {
            if (judged != nullptr) *judged = false;
            return "";
        }
    }
    for (size_t r = 0; r < ranks.size(); ++r) {
        const ProbeRank &p = ranks[r];
        const std::string who = "rank " + std::to_string(r) + " (metadata-only call): ";
        if (p.descriptor_refused) continue;  // every rank here is expected to fail (MetadataOnlyApplies)
        if (!p.called) return who + "harness setup failed: " + p.setup_error;
        const spec::Expectation e = spec::Expect(c, static_cast<int>(r));
        if (!Admitted(e, p.status)) {
            std::string want = std::to_string(e.status);
            for (int32_t a : e.also_accepted) want += "|" + std::to_string(a);
            if (e.inner_error_accepted) want += "|561xxx";
            return who + "expected " + want + " from " + binding.api.prepare_phase + " [" + e.rule_id + "], got " +
                   std::to_string(p.status) + (p.message.empty() ? "" : " \"" + p.message + "\"");
        }
        if (!p.outputs_untouched) return who + "refused the call but wrote into an output";
    }
    return "";
}

// The ranks' calls on the fuzzers' harness::World (FuzzRunOptions): its devices, communicators
// and worker threads, checked clean afterwards like any case's. "" or the one-line reason.
std::string ProbeInWorld(const Case &c, const harness::AbiTable &abi, const harness::OpBinding &binding,
                         harness::World &world, std::vector<ProbeRank> &ranks) {
    if (std::string e = world.Ready(c.world); !e.empty()) return "harness: " + e;
    const std::vector<HcclComm> comms = world.Comms(c.world);  // a copy: Settle compares it with the World's
    world.Run(c.world, [&](int r) {
        ProbeThread(c, abi, binding, comms[static_cast<size_t>(r)], r, /*own_context=*/false,
                    ranks[static_cast<size_t>(r)]);
    });
    // Only first phases ran: nothing was launched on a stream, and a rank that left its
    // communicator is seen by Settle comparing the handles.
    std::vector<harness::RankReport> reports(ranks.size());
    for (size_t r = 0; r < ranks.size(); ++r) {
        reports[r].rank = static_cast<int>(r);
        reports[r].prepare_called = ranks[r].called;
        reports[r].prepare_status = ranks[r].status;
    }
    return world.Settle(c.world, comms, reports);
}

}  // namespace

harness::Platform Platform() {
    static const harness::Platform platform = [] {
        const char *env = std::getenv("MC2_PLATFORM");
        const auto parsed = harness::ParsePlatform(env != nullptr ? env : "");
        if (env != nullptr && *env != '\0' && !parsed) {
            std::fprintf(stderr, "mc2 fuzzer: MC2_PLATFORM=%s is not a platform (atlas_a2, ascend_950)\n", env);
            std::exit(1);
        }
        return parsed.value_or(harness::Platform::kAtlasA2);
    }();
    return platform;
}

namespace {

// Whether argv is a libFuzzer process that starts the fuzzing processes instead of fuzzing
// (fork mode's parent, -jobs / -workers): its children inherit its CPU set, so it keeps it.
bool StartsOthers(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i] != nullptr ? argv[i] : "";
        for (std::string_view flag : {"-fork=", "-jobs=", "-workers="}) {
            if (a.substr(0, flag.size()) == flag && a.substr(flag.size()) != "0") return true;
        }
    }
    return false;
}

// Restricts this thread (the only one yet; every later thread inherits it) to the CPU it runs
// on now. A fork-mode job starts while the other jobs keep their cores busy, so the scheduler
// has placed it on a free one.
void PinToOneCore() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) <= 1) return;
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
        for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &allowed); ++cpu) {
        }
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    (void)sched_setaffinity(0, sizeof one, &one);
}

}  // namespace

void InitEnvironment(int argc, char **argv) {
    const char *pin = std::getenv("MC2_FUZZ_PIN");
    if ((pin == nullptr || std::string_view(pin) != "0") && !StartsOthers(argc, argv)) PinToOneCore();
    // Both are read by the built-in implementation when it runs (impl/ops/common/platform.cc,
    // impl/hccl/timeouts.h); set once, before any thread exists, never per case.
    setenv("MC2_PLATFORM", harness::PlatformName(Platform()).c_str(), 1);
    // 3 s, not less: it is now paid only by peers of a rank that fails inside its kernel (a rank
    // refused earlier releases them, FuzzRunOptions), while at 1 s a valid world-4 case failed
    // its collective with 561000 on a loaded 2-core machine (load average 27): one starved
    // rank reached the all-reduce more than a second after its peers.
    setenv("MC2_HCCL_TIMEOUT_MS", "3000", 0);
    // A join waits only for peers to arrive, after their own checks; 1 s, not 3 s, is what an
    // AllToAllVV2 whose peer was refused before its ATB communicator formed waits (a harness cannot
    // release such a peer: fuzz/README.md "Session 15"). That wait was most of api_fuzzer's wall
    // time, and 119 such inputs of its 5,493-input campaign corpus made each campaign's first pass
    // over it wait 6 minutes (session 16).
    setenv("MC2_HCCL_CONNECT_TIMEOUT_MS", "1000", 0);
}

const harness::AbiTable &Abi() {
    static const std::unique_ptr<harness::AbiTable> table = [] {
        std::string error;
        auto t = harness::AbiTable::Load(ImplPaths(), &error);
        if (t == nullptr) {
            std::fprintf(stderr, "mc2 fuzzer: %s\n", error.c_str());
            std::exit(1);
        }
        return t;
    }();
    return *table;
}

Cost CaseCost(const Case &c) {
    Cost cost;
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    if (sig == nullptr) return cost;
    for (int r = 0; r < c.world; ++r) {
        for (const harness::ParamDecl &p : sig->params) {
            if (p.kind != ParamKind::kTensor) continue;
            if (const TensorSpec *t = c.Tensor(r, p.name)) cost.bytes = SaturatingAdd(cost.bytes, SaturatingStorageBytes(*t));
        }
        const TensorSpec *x1 = c.Tensor(r, "x1");
        const TensorSpec *x2 = c.Tensor(r, "x2");
        if (x1 != nullptr && x2 != nullptr && !x2->shape.empty()) {
            const int64_t n = std::max<int64_t>(x2->shape.back(), 0);
            const auto m_k = static_cast<uint64_t>(std::max<int64_t>(x1->NumElements(), 0));
            cost.macs = SaturatingAdd(cost.macs, SaturatingMul(m_k, static_cast<uint64_t>(n)));
        }
    }
    return cost;
}

Cost RunLimits() {
    static const Cost limits = [] {
        Cost l{kMaxRunBytes, kMaxRunMacs};
        const char *env = std::getenv("MC2_FUZZ_RUN_LIMITS");
        if (env == nullptr || *env == '\0') return l;
        unsigned long long bytes = 0;
        unsigned long long macs = 0;
        char rest = 0;
        if (std::sscanf(env, "%llu,%llu%c", &bytes, &macs, &rest) != 2 || bytes == 0 || macs == 0) {
            std::fprintf(stderr, "mc2 fuzzer: MC2_FUZZ_RUN_LIMITS=%s is not '<bytes>,<macs>'\n", env);
            std::exit(1);
        }
        l.bytes = bytes;
        l.macs = macs;
        return l;
    }();
    return limits;
}

bool RunnableEndToEnd(const Case &c) {
    const Cost cost = CaseCost(c);
    const Cost limits = RunLimits();
    return cost.bytes <= limits.bytes && cost.macs <= limits.macs;
}

harness::RunOptions FuzzRunOptions() {
    harness::RunOptions options;
    options.sync_timeout_ms = 10000;  // well above MC2_HCCL_TIMEOUT_MS (InitEnvironment)
    options.max_tensor_bytes = kMaxTensorBytes;
    // The late-write re-read waits on every case: throughput matters more here, and the gates
    // (whose RunOptions keep it) check it on every case they run.
    options.late_write_delay_ms = 0;
    // The schedule's order without its millisecond sleeps, and peers of a rank that will not
    // communicate let go at once (run_case.h): both only shorten the waiting, the judgement is
    // the gates'.
    options.compress_schedule = true;
    options.release_peers_of_refused = true;
    // Inputs of a rank the spec must see refused by its first phase hold a constant byte, not
    // the seeded fill: nothing judged depends on those values (run_case.h).
    options.pattern_fill_refused = true;
    // Devices, communicators, rank threads, contexts and streams made once and checked clean
    // between inputs (harness/run/world.h): thread creation and teardown were most of the
    // kernel time of an input (fuzz/README.md "Throughput"). Never destroyed: the
    // implementation's threads may outlive static destructors.
    // MC2_FUZZ_WORLD=0 makes and releases everything per input, as before (for comparisons).
    static harness::World *const world = [] {
        const char *env = std::getenv("MC2_FUZZ_WORLD");
        return env != nullptr && std::string_view(env) == "0" ? nullptr : new harness::World(Abi());
    }();
    options.world = world;
    return options;
}

bool MetadataOnlyApplies(const Case &c) {
    for (int r = 0; r < c.world; ++r) {
        if (spec::Expect(c, r).outcome != spec::Outcome::kStatus) return false;
    }
    return true;
}

uint64_t MetadataOnlyBytes(const TensorSpec &t) {
    const uint64_t span = SaturatingStorageBytes(t);
    return span <= kMaxRunBytes ? span : kProbeBytes;
}

std::string RunMetadataOnly(const Case &c, const harness::AbiTable &abi, bool *judged) {
    if (judged != nullptr) *judged = true;
    const harness::OpBinding *binding = harness::FindBinding(c.op);
    if (binding == nullptr) return "harness: no ABI binding for '" + c.op + "'";
    for (const std::string &symbol : binding->api.symbols) {
        if (abi.Find(symbol) == nullptr) return abi.MissingSymbolMessage(symbol);
    }
    const harness::RuntimeFns &rt = abi.rt();
    if (aclError rc = abi.EnsureInit(); rc != ACL_SUCCESS) return "aclInit returned " + std::to_string(rc);
    const auto world = static_cast<size_t>(c.world);
    std::vector<ProbeRank> ranks(world);
    if (harness::World *w = FuzzRunOptions().world; w != nullptr) {
        // Threads, devices and communicators made per call cost a metadata-only input more
        // than a small case run end to end, and their one-time growth sent 67 of 237 such
        // inputs through libFuzzer's LeakSanitizer re-run. On the World: 12-14 ms -> 4.1-4.4 ms
        // per input (1,500 campaign inputs, a loaded core; fuzz/README.md "Session 16").
        if (std::string left = ProbeInWorld(c, abi, *binding, *w, ranks); !left.empty()) return left;
        return JudgeProbes(c, *binding, ranks, judged);
    }
    for (int r = 0; r < c.world; ++r) {
        if (aclError rc = rt.aclrtSetDevice(r); rc != ACL_SUCCESS) return "aclrtSetDevice returned " + std::to_string(rc);
    }
    std::vector<int32_t> devices(world);
    for (size_t r = 0; r < world; ++r) devices[r] = static_cast<int32_t>(r);
    std::vector<HcclComm> comms(world, nullptr);
    if (HcclResult hr = rt.HcclCommInitAll(static_cast<uint32_t>(world), devices.data(), comms.data());
        hr != HCCL_SUCCESS) {
        return "HcclCommInitAll returned " + std::to_string(hr);
    }
    {
        // One thread per rank, as in RunCase: a first phase that waits for its peers must not
        // deadlock against a sequential caller.
        std::vector<std::thread> threads;
        for (size_t r = 0; r < world; ++r) {
            threads.emplace_back([&, r] {
                ProbeThread(c, abi, *binding, comms[r], static_cast<int>(r), /*own_context=*/true, ranks[r]);
            });
        }
        for (std::thread &t : threads) t.join();
    }
    for (HcclComm comm : comms) (void)rt.HcclCommDestroy(comm);
    for (int r = 0; r < c.world; ++r) (void)rt.aclrtResetDevice(r);
    (void)rt.aclGetRecentErrMsg();
    return JudgeProbes(c, *binding, ranks, judged);
}


namespace {

bool Tracing() {
    static const bool on = [] {
        const char *env = std::getenv("MC2_FUZZ_TRACE");
        return env != nullptr && *env != '\0';
    }();
    return on;
}

std::string CostWords(const Case &c) {
    const Cost cost = CaseCost(c);
    return "cost=" + std::to_string(cost.bytes) + "B/" + std::to_string(cost.macs) + "MAC";
}

}  // namespace

void Trace(const Case &c, const harness::CaseResult &r) {
    if (!Tracing()) return;
    // Per rank: the phases reached and their statuses ("p0 e0 s507011", "-" = refused descriptor)
    // and what the spec expected.
    std::string ranks;
    for (const harness::RankReport &rep : r.ranks) {
        ranks += " [";
        if (!rep.descriptor_refused.empty()) ranks += "-";
        if (rep.prepare_called) ranks += "p" + std::to_string(rep.prepare_status);
        if (rep.execute_called) ranks += " e" + std::to_string(rep.execute_status);
        if (rep.sync_called) ranks += " s" + std::to_string(rep.sync_status);
        if (!rep.outputs_untouched) ranks += " written";
        if (!rep.expected.empty()) ranks += " want " + rep.expected;
        ranks += "]";
    }
    std::fprintf(stderr, "mc2 trace: %.4f s %s%s %s\n", r.seconds, CostWords(c).c_str(), ranks.c_str(),
                 r.Line().c_str());
}

void TraceNotRun(const Case &c, const char *how, double seconds) {
    if (!Tracing()) return;
    std::string ranks;
    if (std::string_view(how) == "metadata-only") {
        for (int rank = 0; rank < c.world; ++rank) {
            const spec::Expectation e = spec::Expect(c, rank);
            ranks += " [want " + std::to_string(e.status) + " [" + e.rule_id + "]]";
        }
    }
    std::fprintf(stderr, "mc2 trace: %.4f s %s %s%s %s\n", seconds, CostWords(c).c_str(), how, ranks.c_str(),
                 c.ToString().c_str());
}

void Fail(const char *fuzzer, const std::string &what, const Case &c) {
    std::string line = what;
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::fprintf(stderr, "%s: %s\n  mc2conf run %s\n", fuzzer, line.c_str(), harness::ShellQuote(c.ToString()).c_str());
    std::fflush(stderr);
    std::abort();
}

}  // namespace mc2::fuzz

// AddressSanitizer's defaults for the two case-running fuzzers (ASAN_OPTIONS, e.g. fuzz/smoke's
// or OSS-Fuzz's, still overrides each key). Freed memory waits in ASan's quarantine before it
// is reused, and a use after free is reported while the chunk still waits there: a stale
// pointer is caught as long as less than the quarantine's size was freed since. Every freed
// chunk also lands new allocations on pages not touched for a while, and those page faults
// were the largest single cost (fuzz/README.md "Session 9": 64 -> 8 MiB, -20 % CPU and -33 %
// page faults on api_fuzzer, -17 % CPU on differential_fuzzer; 4 and 0 MiB gain little more).
// A case run end to end holds at most 1 MiB of tensors (kMaxRunBytes; its host images, decoded
// copies and bounds a few times that), so a stale pointer into one input's own buffers is still
// caught at 8 MiB.
// intercept_tls_get_addr=0: fuzz/campaign's comment on ASAN_OPTIONS (a LeakSanitizer crash at
// exit with clang 14's runtime, google/sanitizers#1409), for runs started without that script.
extern "C" const char *__asan_default_options() { return "quarantine_size_mb=8:intercept_tls_get_addr=0"; }
