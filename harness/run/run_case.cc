// harness/run/run_case.cc — the multi-rank runner and the judgement of one Case (run_case.h).
#include "harness/run/run_case.h"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "harness/fill/element.h"
#include "harness/fill/fill.h"
#include "harness/fill/storage.h"
#include "harness/ops/registry.h"
#include "harness/report/ulp_histogram.h"
#include "harness/run/case_scratch.h"
#include "harness/run/guarded.h"
#include "harness/run/schedule.h"
#include "harness/run/verdict.h"
#include "harness/run/world.h"
#include "harness/signatures.h"
#include "spec/expectation.h"

namespace mc2::harness {
namespace {

using Clock = std::chrono::steady_clock;

// One tensor of one rank as the host prepared it.
struct HostTensor {
    std::string name;
    TensorSpec spec;
    bool output = false;
    bool in_place = false;       // an output updated in place (OutputDecl::in_place): filled as an input
    std::vector<uint8_t> bytes;  // inputs and in-place outputs: encoded data; outputs: the poison
    // Beyond the harness's size limit on a rank the spec expects to be refused by the first
    // phase: a small stand-in buffer (kProbeBytes) under the full descriptor, and the rank's
    // call is never executed (FirstPhaseOnly).
    bool probe = false;
};

constexpr size_t kProbeBytes = 64 * 1024;
// The inputs of a rank that must be refused by its first phase, under
// RunOptions::pattern_fill_refused.
constexpr uint8_t kRefusedFillByte = 0x5A;

// Every answer the spec admits for this rank is a refusal by the first phase (or by
// aclCreateTensor): the call can be judged without the storage it would need to run.
bool FirstPhaseOnly(const spec::Expectation &e) {
    for (const spec::Answer *a : e.All()) {
        if (a->outcome != spec::Outcome::kStatus) return false;
    }
    return true;
}

// Entry order of the first phase (Schedule::order), with a bounded wait so an implementation
// whose first phase is collective cannot deadlock against it.
class OrderGate {
public:
    explicit OrderGate(std::chrono::milliseconds wait) : wait_(wait) {}
    void Enter(int position) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, wait_, [&] { return done_ >= position; });
    }
    void Leave(int position) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            done_ = std::max(done_, position + 1);
        }
        cv_.notify_all();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int done_ = 0;
    std::chrono::milliseconds wait_;
};

std::string Quote(const std::string &text) {
    std::string one;
    for (char ch : text) one += (ch == '\n' || ch == '\r') ? ' ' : ch;
    if (one.size() > 200) one = one.substr(0, 200) + "…";
    return "\"" + one + "\"";
}

// --- one rank's thread ---------------------------------------------------------------------

struct Shared {
    const Case *c;
    const AbiTable *abi;
    const OpBinding *binding;
    const RunOptions *options;
    const Schedule *schedule;
    std::vector<HcclComm> comms;
    std::vector<std::vector<HostTensor>> host;
    std::barrier<> *start;
    OrderGate *gate;
    World *world = nullptr;  // RunOptions::world: contexts and streams are the world's
    // spec::Expect per rank and profile, asked at most once per case: PrepareHost and Judge both
    // need it, and each call walks the operator's whole rule catalogue (Expected).
    mutable std::vector<std::optional<spec::Expectation>> strict, vendor;
    // Opened at the first question: each rank's own rules are then walked once for all the
    // ranks' answers, not again for every peer a cross-rank rule asks about.
    mutable std::optional<spec::ExpectationScope> expect_scope;
};

const spec::Expectation &Expected(const Shared &sh, int rank, spec::Profile profile = spec::Profile::kStrict) {
    auto &cache = profile == spec::Profile::kStrict ? sh.strict : sh.vendor;
    if (cache.size() < static_cast<size_t>(sh.c->world)) cache.resize(static_cast<size_t>(sh.c->world));
    std::optional<spec::Expectation> &slot = cache[static_cast<size_t>(rank)];
    if (!sh.expect_scope) sh.expect_scope.emplace(*sh.c);
    if (!slot) slot = spec::Expect(*sh.c, rank, profile);
    return *slot;
}

void SleepFor(std::chrono::microseconds us) {
    if (us.count() > 0) std::this_thread::sleep_for(us);
}

void RankThread(Shared &sh, int rank, RankReport &rep) {
    const RuntimeFns &rt = sh.abi->rt();
    rep.rank = rank;
    auto collect = [&](const char *phase) {
        const char *m = rt.aclGetRecentErrMsg();
        if (m != nullptr && *m != '\0') rep.messages += (rep.messages.empty() ? "" : " | ") + std::string(phase) + ": " + m;
    };
    auto fail_setup = [&](const std::string &what, long code) {
        if (rep.setup_error.empty()) rep.setup_error = what + " returned " + std::to_string(code);
        collect(what.c_str());
    };
    (void)rt.aclGetRecentErrMsg();  // start from a clean message buffer

    aclrtContext context = nullptr;
    aclrtStream stream = nullptr;
    std::vector<GuardedBuffer> buffers(sh.host[static_cast<size_t>(rank)].size());
    std::vector<void *> device(buffers.size(), nullptr);
    std::vector<aclTensor *> tensors(device.size(), nullptr);
    CallArgs args;
    args.c = sh.c;
    args.rank = rank;
    args.comm = sh.comms[static_cast<size_t>(rank)];
    const ApiBinding &api = sh.binding->api;
    bool ready = true;
    try {
        if (sh.world != nullptr) {
            // Kept across cases (world.h): made current again, never destroyed here.
            context = sh.world->Context(rank);
            stream = sh.world->Stream(rank);
            if (int rc = rt.aclrtSetCurrentContext(context); rc != 0) {
                fail_setup("aclrtSetCurrentContext", rc);
                ready = false;
            }
        } else if (int rc = rt.aclrtCreateContext(&context, rank); rc != 0) {
            fail_setup("aclrtCreateContext", rc);
            ready = false;
        } else if (int rc2 = rt.aclrtSetCurrentContext(context); rc2 != 0) {
            fail_setup("aclrtSetCurrentContext", rc2);
            ready = false;
        } else if (int rc3 = rt.aclrtCreateStream(&stream); rc3 != 0) {
            fail_setup("aclrtCreateStream", rc3);
            ready = false;
        }
        char name[MAX_GROUP_NAME + 1] = {};
        if (ready) {
            if (HcclResult hr = rt.HcclGetCommName(sh.comms[static_cast<size_t>(rank)], name); hr != HCCL_SUCCESS) {
                fail_setup("HcclGetCommName", hr);
                ready = false;
            }
            args.comm_name = name;
            args.stream = stream;
        }
        for (size_t i = 0; ready && i < device.size(); ++i) {
            const HostTensor &h = sh.host[static_cast<size_t>(rank)][i];
            if (!h.bytes.empty()) {
                // Storage between guard bytes (guarded.h), contents and guards in one upload.
                std::string what;
                const int rc = AllocateGuarded(rt, h.bytes, &buffers[i], &what);
                device[i] = buffers[i].data;
                if (rc != 0) {
                    fail_setup(what + "(" + h.name + ")", rc);
                    ready = false;
                    break;
                }
            }
            BoundTensor &bound = args.tensors[h.name];
            bound.spec = &h.spec;
            bound.device = device[i];
            bound.host = &h.bytes;
            if (!api.acl_tensors) {
                // An operator that takes raw tensors (ATB) is given the view's elements
                // (harness/ops/all_to_all_vv2.cc); a view that reaches before its storage, with
                // no explicit values, has elements in no memory of the case's, so no tensor can
                // be made of it. The rank makes no call, as when aclCreateTensor refuses a
                // descriptor, and the spec admits that (spec::RuntimeMayRefuseDescriptor).
                if (h.spec.ContentsUndefined()) {
                    rep.descriptor_refused = h.name + ": (runner) the view reaches before its storage, so no tensor holds it";
                    ready = false;
                    break;
                }
                // Nor can an output view that cannot hold what the operator writes (an
                // AllToAllVV2 output whose view aliases itself: the contiguous result cannot be
                // scattered back into it); the spec admits that too (spec::RunnerCannotPass).
                if (spec::RunnerCannotPass(sh.c->op, h.spec, h.name)) {
                    rep.descriptor_refused = h.name + ": (runner) the view cannot be passed as declared (it aliases itself)";
                    ready = false;
                    break;
                }
                continue;
            }
            const std::vector<int64_t> strides = h.spec.Strides();
            std::vector<int64_t> scratch;
            const std::vector<int64_t> &storage = h.spec.StorageShapeIn(scratch);
            tensors[i] = rt.aclCreateTensor(h.spec.shape.data(), h.spec.shape.size(), h.spec.dtype, strides.data(),
                                            h.spec.offset, h.spec.format, storage.data(), storage.size(), device[i]);
            if (tensors[i] == nullptr) {
                // A refused descriptor is not passed on as nullptr (the operator would answer
                // for a null tensor, not for the one the case declares): this rank makes no
                // call, like a rank that failed before communicating, and is judged on the
                // refusal itself (Judge).
                const char *m = rt.aclGetRecentErrMsg();
                const std::string text = m != nullptr ? m : "";
                rep.descriptor_refused = h.name + ": " + (text.empty() ? "(no message)" : text);
                if (!text.empty()) {
                    rep.messages += std::string(rep.messages.empty() ? "" : " | ") + "aclCreateTensor(" + h.name + "): " + text;
                }
                ready = false;
                break;
            }
            bound.acl = tensors[i];
        }
    } catch (const std::exception &e) {
        rep.setup_error = std::string("harness: ") + e.what();
        ready = false;
    }

    sh.start->arrive_and_wait();  // every rank reaches this, ready or not

    const RankPlan plan = sh.schedule->ranks[static_cast<size_t>(rank)];
    int position = 0;
    if (!sh.schedule->order.empty()) {
        position = static_cast<int>(std::find(sh.schedule->order.begin(), sh.schedule->order.end(), rank) -
                                    sh.schedule->order.begin());
    }
    // RunOptions::release_peers_of_refused: this rank will make no collective call, so its peers
    // are let go now (HcclCommDestroy) rather than after the exec timeout. RunCase destroys
    // whatever communicator is still set afterwards; each thread writes only its own slot.
    auto leave_group = [&] {
        HcclComm &comm = sh.comms[static_cast<size_t>(rank)];
        const int from = sh.options->release_peers_from_world;
        const bool release = sh.options->release_peers_of_refused || (from > 0 && sh.c->world >= from);
        if (!release || comm == nullptr) return;
        if (rt.HcclCommDestroy(comm) == HCCL_SUCCESS) comm = nullptr;
        (void)rt.aclGetRecentErrMsg();
    };
    std::unique_ptr<OpCall> call;
    if (ready) {
        std::string bind_error;
        call = api.bind(*sh.abi, args, &bind_error);
        if (call == nullptr) {
            rep.setup_error = "harness: " + bind_error;
            ready = false;
        }
    }
    if (ready) {
        SleepFor(plan.before_prepare);
        if (!sh.schedule->order.empty()) sh.gate->Enter(position);
        uint64_t workspace_size = 0;
        rep.prepare_called = true;
        rep.prepare_status = call->Prepare(&workspace_size);
        rep.workspace_size = workspace_size;
        collect(api.prepare_phase.c_str());
        if (!sh.schedule->order.empty()) sh.gate->Leave(position);
        const bool probe = std::any_of(sh.host[static_cast<size_t>(rank)].begin(), sh.host[static_cast<size_t>(rank)].end(),
                                       [](const HostTensor &h) { return h.probe; });
        if (rep.prepare_status == 0 && probe) {
            // Accepted where the spec requires a refusal; the judgement says so. Never executed:
            // its buffers are stand-ins far smaller than the descriptors it accepted.
            rep.messages += std::string(rep.messages.empty() ? "" : " | ") +
                            "harness: not executed (a tensor beyond the harness's size limit stood on a small buffer)";
            leave_group();
        } else if (rep.prepare_status != 0) {
            leave_group();
        } else {
            GuardedBuffer workspace;
            if (workspace_size > 0) {
                std::string what;
                if (workspace_size > sh.options->max_tensor_bytes) {
                    rep.setup_error = "harness limit: workspace of " + std::to_string(workspace_size) + " bytes (limit " +
                                      std::to_string(sh.options->max_tensor_bytes) + ")";
                } else if (int rc = AllocateGuardedUninitialised(rt, workspace_size, &workspace, &what); rc != 0) {
                    fail_setup(what + "(workspace)", rc);
                }
            }
            if (rep.setup_error.empty()) {
                SleepFor(plan.before_execute);
                rep.execute_called = true;
                rep.execute_status = call->Execute(workspace.data, workspace_size, stream);
                collect(api.execute_phase.c_str());
                SleepFor(plan.before_sync);
                rep.sync_called = true;
                rep.sync_status = rt.aclrtSynchronizeStreamWithTimeout(stream, sh.options->sync_timeout_ms);
                collect("sync");
                rep.sync_timed_out = rep.sync_status == ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
            } else {
                leave_group();
            }
            // A stream that has not drained may still write the workspace: leak it then.
            if (workspace.base != nullptr && !rep.sync_timed_out) {
                std::vector<uint8_t> guards;
                if (DownloadGuards(rt, workspace, &guards) == 0) {
                    if (std::string d = GuardDamage(guards, workspace.bytes); !d.empty() && rep.memory_error.empty()) {
                        rep.memory_error = "wrote outside its workspace of " + std::to_string(workspace.bytes) +
                                           " bytes (workspaceSize): " + d;
                    }
                }
                (void)rt.aclrtFree(workspace.base);
            }
        }
    } else {
        if (!sh.schedule->order.empty()) sh.gate->Leave(position);
        leave_group();
    }
    if (rep.sync_timed_out) {
        (void)call.release();  // leave everything: the implementation may still use it
        return;
    }
    call.reset();

    // Read every buffer back (guards included): outputs for the judgement; inputs and every guard
    // for the memory checks (guarded.h). Then, after a pause, the outputs once more: a library
    // whose work lands after synchronisation returned has not finished when it said so.
    std::vector<std::vector<uint8_t>> guards(buffers.size());
    std::vector<bool> downloaded(buffers.size(), false);
    for (size_t i = 0; i < buffers.size(); ++i) {
        const HostTensor &h = sh.host[static_cast<size_t>(rank)][i];
        if (buffers[i].base == nullptr) {
            // Never uploaded (the setup stopped before it, or an empty tensor): nothing the
            // implementation could have written.
            if (h.output) rep.outputs[h.name] = h.bytes;
            continue;
        }
        std::vector<uint8_t> contents;
        if (int rc = DownloadGuarded(rt, buffers[i], &contents, &guards[i]); rc != 0) {
            fail_setup("aclrtMemcpy(" + h.name + ", D2H)", rc);
            if (h.output) rep.outputs[h.name] = h.bytes;  // unknown: the setup error reports it
            continue;
        }
        downloaded[i] = true;
        if (std::string d = GuardDamage(guards[i], buffers[i].bytes); !d.empty() && rep.memory_error.empty()) {
            rep.memory_error = "wrote outside the storage of " + h.name + " (" + std::to_string(buffers[i].bytes) +
                               " bytes): " + d;
        }
        if (h.output) {
            if (contents != h.bytes) rep.outputs_untouched = false;
            rep.outputs[h.name] = std::move(contents);
        } else if (const int64_t at = FirstDifference(contents, h.bytes); at >= 0 && rep.memory_error.empty()) {
            rep.memory_error = "modified its input " + h.name + " (byte " + std::to_string(at) + " of " +
                               std::to_string(h.bytes.size()) + " changed)";
        }
    }
    if (sh.options->late_write_delay_ms > 0 && rep.memory_error.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(sh.options->late_write_delay_ms));
        for (size_t i = 0; i < buffers.size() && rep.memory_error.empty(); ++i) {
            const HostTensor &h = sh.host[static_cast<size_t>(rank)][i];
            if (!h.output || !downloaded[i]) continue;
            std::vector<uint8_t> again, again_guards;
            if (DownloadGuarded(rt, buffers[i], &again, &again_guards) != 0) continue;
            // The first changed byte in address order (guard before, contents, guard after), by
            // its offset from the buffer's start as the guard report gives it.
            const auto guard = static_cast<int64_t>(kGuardBytes);
            const int64_t g = FirstDifference(again_guards, guards[i]);
            const int64_t d = FirstDifference(again, rep.outputs[h.name]);
            std::optional<int64_t> at;
            if (g >= 0 && g < guard) {
                at = g - guard;
            } else if (d >= 0) {
                at = d;
            } else if (g >= 0) {
                at = static_cast<int64_t>(buffers[i].bytes) + g - guard;
            }
            if (at) {
                rep.memory_error = "wrote " + h.name + " after synchronisation had returned (byte " +
                                   std::to_string(*at) + " changed " +
                                   std::to_string(sh.options->late_write_delay_ms) + " ms later)";
            }
        }
    }
    for (aclTensor *t : tensors) {
        if (t != nullptr) (void)rt.aclDestroyTensor(t);
    }
    for (const GuardedBuffer &b : buffers) {
        if (b.base != nullptr) (void)rt.aclrtFree(b.base);
    }
    if (sh.world == nullptr) {
        if (stream != nullptr) (void)rt.aclrtDestroyStream(stream);
        if (context != nullptr) (void)rt.aclrtDestroyContext(context);
    }
    (void)rt.aclGetRecentErrMsg();
}

// --- judgement -----------------------------------------------------------------------------

const HostTensor *FindHost(const std::vector<HostTensor> &rank, const std::string &name) {
    for (const HostTensor &h : rank) {
        if (h.name == name) return &h;
    }
    return nullptr;
}

// Which view elements an exact answer constrains.
// Which elements of an exact output a poison left in place would show unwritten: those the
// operator defines, except any whose admitted codes include the poison code itself. A data
// movement copies arbitrary bit patterns (AllToAllVV2's x holds every pattern), so even the
// "impossible" NaN poison is sometimes the right answer (differential_fuzzer, fresh seed 5013:
// a bf16 element of x equal to 0xFFA5); the exact comparison judges such an element either way.
std::vector<bool> WrittenMask(const ExactCodes &exact, uint64_t poison) {
    std::vector<bool> mask(exact.size());
    for (size_t e = 0; e < mask.size(); ++e) {
        const auto allowed = exact.Allowed(e);
        mask[e] = !allowed.empty() && std::find(allowed.begin(), allowed.end(), poison) == allowed.end();
    }
    return mask;
}

// The first view element whose code differs between two ranks' copies of one output, in words
// ("element 17: 0x3c00 here, 0x3c01 there": b's code, then a's); empty when bit-identical.
std::string FirstViewDifference(const TensorSpec &spec_a, const std::vector<uint8_t> &a, const TensorSpec &spec_b,
                                const std::vector<uint8_t> &b) {
    // Each buffer is read through its own rank's view: ranks may lay the same logical output out
    // with different strides or offsets (the api_fuzzer campaign found this comparison reading
    // the first rank's buffer through another rank's strides, a false FAILED).
    const std::vector<uint64_t> ca = ViewCodes(spec_a, a);
    const std::vector<uint64_t> cb = ViewCodes(spec_b, b);
    for (size_t e = 0; e < ca.size() && e < cb.size(); ++e) {
        if (ca[e] != cb[e]) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "element %zu: 0x%llx here, 0x%llx there", e,
                          static_cast<unsigned long long>(cb[e]), static_cast<unsigned long long>(ca[e]));
            return buf;
        }
    }
    return "";
}

// Bit-exact judgement of a data-movement output against the oracle's allowed codes.
OutputCheck CheckExact(const std::string &name, const ExactCodes &exact, const TensorSpec &spec,
                       const std::vector<uint8_t> &bytes, bool whole_storage) {
    OutputCheck check;
    check.name = name;
    const std::vector<uint64_t> got = whole_storage ? StorageCodes(spec, bytes) : ViewCodes(spec, bytes);
    const char *unit = whole_storage ? "storage elements" : "elements";
    check.elements = static_cast<int64_t>(got.size());
    int64_t bad = 0;
    std::string first;
    if (exact.size() != got.size()) {
        check.pass = false;
        check.summary = "oracle answered for " + std::to_string(exact.size()) + " " + unit + ", the " +
                        (whole_storage ? "storage" : "view") + " has " + std::to_string(got.size());
        return check;
    }
    for (size_t e = 0; e < got.size(); ++e) {
        const std::span<const uint64_t> ok = exact.Allowed(e);
        if (ok.size() == 1) ++check.exact_checked;  // one admitted code: equality
        if (ok.empty() || std::find(ok.begin(), ok.end(), got[e]) != ok.end()) continue;
        if (bad++ == 0) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "%s %zu is 0x%llx, expected 0x%llx%s",
                          whole_storage ? "storage element" : "element", e,
                          static_cast<unsigned long long>(got[e]), static_cast<unsigned long long>(ok.front()),
                          ok.size() > 1 ? " (or another allowed code)" : "");
            first = buf;
        }
    }
    check.outside = bad;
    check.pass = bad == 0;
    check.vendor_pass = check.pass;
    check.summary = check.pass ? "bit-exact (" + std::to_string(got.size()) + " " + unit + ")"
                               : std::to_string(bad) + " of " + std::to_string(got.size()) + " " + unit +
                                     " differ from the exact data movement; first: " + first;
    return check;
}

// Checks of a successful rank's output that need no oracle: every view element written, and
// nothing outside the view changed. Empty = fine.
// `must_write` (empty = every element) says which view elements the operator defines.
// An in-place output starts as its input data, so "written" cannot be told from the bytes; the
// storage outside its view must keep the original bytes instead of the poison.
// WriteChecks' passing answer for the common layout, a contiguous view of whole-byte elements,
// without its walk: the storage outside such a view is two byte ranges, and when both equal the
// bytes the rank started from (h.bytes: the poison, or an in-place output's input) nothing
// outside was written. False = not shown to pass here: WriteChecks walks the storage element by
// element and names what it finds, so the verdict and its words are the same either way. The
// storage-sized walk was the largest part of judging an output whose storage dwarfs its view
// (fuzz/README.md "Throughput", session 7).
bool ContiguousWritesPass(const HostTensor &h, const std::vector<uint8_t> &got, const std::vector<bool> &must_write,
                          int bits, const Poison &poison) {
    if (h.probe || bits % 8 != 0 || got.size() != h.bytes.size() || !ContiguousView(h.spec)) return false;
    const auto unit = static_cast<size_t>(bits / 8);
    const int64_t n = h.spec.NumElements();
    const size_t begin = static_cast<size_t>(h.spec.offset) * unit;
    const size_t end = begin + static_cast<size_t>(n) * unit;
    const size_t storage = static_cast<size_t>(StorageCapacity(h.spec)) * unit;
    if (end > storage || storage > got.size()) return false;
    if (poison.impossible && !h.in_place) {
        for (int64_t e = 0; e < n; ++e) {
            const auto at = static_cast<size_t>(e);
            if (!must_write.empty() && (at >= must_write.size() || !must_write[at])) continue;
            if (LoadCode(got.data(), bits, h.spec.offset + e) == poison.code) return false;
        }
    }
    return std::memcmp(got.data(), h.bytes.data(), begin) == 0 &&
           std::memcmp(got.data() + end, h.bytes.data() + end, storage - end) == 0;
}

std::string WriteChecks(const HostTensor &h, const std::vector<uint8_t> &got, const std::vector<bool> &must_write) {
    const int bits = StorageBits(h.spec.dtype);
    const Poison poison = PoisonFor(h.spec.dtype);
    if (ContiguousWritesPass(h, got, must_write, bits, poison)) return "";
    const std::vector<int64_t> where = ViewIndices(h.spec);
    if (poison.impossible && !h.in_place) {
        for (size_t e = 0; e < where.size(); ++e) {
            if (!must_write.empty() && (e >= must_write.size() || !must_write[e])) continue;
            if (where[e] >= 0 && LoadCode(got.data(), bits, where[e]) == poison.code) {
                return h.name + " element " + std::to_string(e) + " not written (poison left in place)";
            }
        }
    }
    std::vector<bool> in_view(static_cast<size_t>(StorageCapacity(h.spec)), false);
    for (int64_t i : where) {
        if (i >= 0) in_view[static_cast<size_t>(i)] = true;
    }
    for (size_t i = 0; i < in_view.size(); ++i) {
        const auto at = static_cast<int64_t>(i);
        const uint64_t before = h.in_place ? LoadCode(h.bytes.data(), bits, at) : poison.code;
        if (!in_view[i] && LoadCode(got.data(), bits, at) != before) {
            return h.name + " storage element " + std::to_string(i) + " outside the view was written";
        }
    }
    return "";
}

// The output checks of the ranks whose call succeeded as expected (compare_rank): every element
// written, nothing outside the view changed, every element inside the oracle's answer, and the
// bytes of a replicated output (an all-reduce or all-gather result) identical on every rank.
void JudgeOutputs(const Case &c, const OpBinding &b, const Shared &sh, const RunOptions &options,
                  const std::vector<bool> &compare_rank, CaseResult &res) {
    const size_t world = res.ranks.size();
    std::vector<RankInputs> inputs;
    std::vector<RankRawInputs> raw;
    auto decoded = [&]() -> const std::vector<RankInputs> & {
        if (inputs.empty()) {
            inputs.resize(world);
            for (size_t r = 0; r < world; ++r) {
                for (const HostTensor &h : sh.host[r]) {
                    if (!h.output || h.in_place) inputs[r][h.name] = DecodeStorage(h.spec, h.bytes);
                }
            }
        }
        return inputs;
    };
    auto raw_inputs = [&]() -> const std::vector<RankRawInputs> & {
        if (raw.empty()) {
            raw.resize(world);
            for (size_t r = 0; r < world; ++r) {
                for (const HostTensor &h : sh.host[r]) {
                    if (!h.output || h.in_place) raw[r][h.name] = RawTensor{h.spec, h.bytes};
                }
            }
        }
        return raw;
    };
    for (const OutputDecl &out : b.outputs) {
        // The worst-case intervals decide pass/fail; the statistical ones (same contract at
        // kStatisticalLambda) feed the comparator's precision check, which catches an
        // accumulator narrower than the contract's where the worst case is too loose to. A
        // replicated output is asked once (rank 0's answer is every rank's).
        std::optional<oracle::Bounds> bounds;
        std::optional<oracle::Bounds> probable;
        std::optional<ExactCodes> exact;
        std::string oracle_error;
        int asked_for = -1;
        const std::vector<uint8_t> *first_bytes = nullptr;
        const TensorSpec *first_spec = nullptr;
        int first_rank = -1;
        for (size_t r = 0; r < world; ++r) {
            if (!compare_rank[r]) continue;
            RankReport &rep = res.ranks[r];
            const HostTensor *h = FindHost(sh.host[r], out.name);
            auto it = rep.outputs.find(out.name);
            if (h == nullptr || it == rep.outputs.end()) continue;  // a null output: nothing to check
            const std::string who = "rank " + std::to_string(r) + ": ";
            if (out.replicated) {
                if (first_bytes == nullptr) {
                    first_bytes = &it->second;
                    first_spec = &h->spec;
                    first_rank = static_cast<int>(r);
                } else if (const std::string d = FirstViewDifference(*first_spec, *first_bytes, h->spec, it->second);
                           !d.empty()) {
                    if (rep.verdict.empty()) {
                        rep.verdict = who + out.name + " differs from rank " + std::to_string(first_rank) + "'s (" + d +
                                      "): every rank of a collective receives the same result";
                    }
                    continue;
                }
            }
            if (h->spec.NumElements() == 0 && !out.whole_storage) {
                // No element to judge: only the storage discipline applies. The oracle is not
                // asked, since it may need inputs another rank refused to supply (a rank whose
                // call failed early passes no x1, yet an empty output elsewhere is still valid).
                if (std::string w = WriteChecks(*h, it->second, {}); !w.empty()) {
                    if (rep.verdict.empty()) rep.verdict = who + w;
                    continue;
                }
                OutputCheck check;
                check.name = out.name;
                check.pass = true;
                check.summary = "0 elements: nothing to compare";
                check.vendor_pass = true;
                rep.checks.push_back(check);
                continue;
            }
            const bool fresh = asked_for < 0 || (!out.replicated && asked_for != static_cast<int>(r));
            if (fresh) {
                asked_for = static_cast<int>(r);
                oracle_error.clear();
                try {
                    if (out.kind == OutputKind::kExact) {
                        if (b.exact == nullptr) throw std::logic_error("the binding has no exact oracle");
                        exact = b.exact(c, raw_inputs(), out.name, static_cast<int>(r));
                    } else {
                        if (b.bounds == nullptr) throw std::logic_error("the binding has no interval oracle");
                        const oracle::Contract contract = oracle::DefaultContract();
                        oracle::Contract statistical = contract;
                        statistical.acc_probabilistic_lambda = kStatisticalLambda;
                        if (b.bounds_pair != nullptr) {
                            auto both = b.bounds_pair(c, decoded(), out.name, static_cast<int>(r), contract, statistical);
                            bounds = std::move(both.first);
                            probable = std::move(both.second);
                        } else {
                            bounds = b.bounds(c, decoded(), out.name, static_cast<int>(r), contract);
                            probable = b.bounds(c, decoded(), out.name, static_cast<int>(r), statistical);
                        }
                    }
                } catch (const std::exception &e) {
                    oracle_error = e.what();
                }
            }
            const std::vector<bool> must_write =
                out.kind == OutputKind::kExact && exact ? WrittenMask(*exact, PoisonFor(h->spec.dtype).code)
                                                        : std::vector<bool>{};
            // A whole-storage answer covers every element the view checks would look at.
            if (std::string w = out.whole_storage ? "" : WriteChecks(*h, it->second, must_write); !w.empty()) {
                if (rep.verdict.empty()) rep.verdict = who + w;
                continue;
            }
            if (!oracle_error.empty()) {
                if (rep.verdict.empty()) rep.verdict = who + "oracle cannot judge " + out.name + ": " + oracle_error;
                continue;
            }
            if (out.kind == OutputKind::kExact) {
                const OutputCheck check = CheckExact(out.name, *exact, h->spec, it->second, out.whole_storage);
                rep.checks.push_back(check);
                if (!check.pass && rep.verdict.empty()) rep.verdict = who + out.name + ": " + check.summary;
                continue;
            }
            CompareOptions compare_options = options.compare;
            if (compare_options.probable == nullptr) compare_options.probable = &*probable;
            compare_options.mistrust_unbounded_share =
                std::min(compare_options.mistrust_unbounded_share, out.mistrust_unbounded_share);
            const oracle::Matrix got = DecodeStorage(h->spec, it->second);
            const CompareReport report = Compare(*bounds, got.v, compare_options);
            OutputCheck check;
            check.name = out.name;
            check.pass = report.pass;
            check.mistrusted = report.mistrusted;
            check.precision_suspect = report.precision_suspect;
            check.ratio_max = report.ratio_max;
            check.summary = report.summary;
            check.elements = report.elements;
            check.outside = report.outside;
            check.ulp_median = report.ulp_median;
            check.ulp_p99 = report.ulp_p99;
            check.ulp_max = report.ulp_max;
            check.ulp_histogram = report::UlpHistogram(bounds->dtype, bounds->exact, got.v);
            check.vendor_pass = report.vendor_pass;
            check.vendor_fail_share = report.vendor_fail_share;
            check.exact_checked = report.exact_checked;
            for (const CompareReport::ReadingMatch &m : report.readings) check.readings.push_back({m.name, m.consistent});
            rep.checks.push_back(check);
            if (!report.pass && rep.verdict.empty()) rep.verdict = who + out.name + ": " + report.summary;
        }
    }
}

void Judge(const Case &c, const OpBinding &b, const Shared &sh, const RunOptions &options, CaseResult &res) {
    // Whatever a binding cached for this case's questions goes when its judgement does, on
    // every return path (case_scratch.h).
    struct ForgetAtEnd {
        ~ForgetAtEnd() { ForgetCaseScratch(); }
    } forget_at_end;
    const size_t world = res.ranks.size();
    std::vector<bool> compare_rank(world, false);
    for (size_t r = 0; r < world; ++r) {
        RankReport &rep = res.ranks[r];
        const spec::Expectation &strict = Expected(sh, static_cast<int>(r));
        rep.expected = DescribeExpectation(strict, b.api);
        const std::string who = "rank " + std::to_string(r) + ": ";
        // Strict and vendor-level expectations (verdict.h).
        const spec::Expectation &vendor = Expected(sh, static_cast<int>(r), spec::Profile::kVendor);
        if (!rep.memory_error.empty()) {
            // Memory discipline holds for every call, failing or not (DESIGN.md "Verdicts"),
            // except where the documents leave the call undefined (a hardening rule broken).
            const std::string what = "the library " + rep.memory_error;
            if (MemoryErrorOnlyWarns(strict, vendor)) {
                rep.warning = who + "[" + vendor.rule_id + "] hardening rule not met: " + what;
            } else {
                rep.verdict = who + what;
            }
            continue;
        }
        if ((!rep.prepare_called && rep.descriptor_refused.empty()) || !rep.setup_error.empty()) {
            rep.verdict = who + "harness setup failed: " + rep.setup_error;
            if (!rep.messages.empty()) rep.verdict += " " + Quote(rep.messages);
            continue;
        }
        // A refused descriptor conforms where an admitted answer is a failure: the refusal is an
        // earlier, equally clean one.
        const RankAdmission admission = Admit(strict, vendor, rep, b.api);
        if (admission.admission == Admission::kNone) {
            rep.verdict = who + admission.why;
        } else if (admission.admission == Admission::kVendorOnly) {
            rep.warning = who + admission.why;
        }
        compare_rank[r] = admission.compare;
    }
    if (std::find(compare_rank.begin(), compare_rank.end(), true) != compare_rank.end()) {
        JudgeOutputs(c, b, sh, options, compare_rank, res);
    }
    // The case's status: a hang outranks a failure, a failure outranks a weak comparison.
    std::vector<std::string> verdicts;
    for (const RankReport &rep : res.ranks) {
        if (!rep.verdict.empty()) verdicts.push_back(rep.verdict);
    }
    for (const RankReport &rep : res.ranks) {
        if (rep.sync_timed_out) {
            res.status = Status::kTimeout;
            res.reason = "rank " + std::to_string(rep.rank) + ": stream did not drain within " +
                         std::to_string(options.sync_timeout_ms) + " ms";
            return;
        }
    }
    if (!verdicts.empty()) {
        res.status = Status::kFailed;
        res.reason = verdicts.front();
        if (verdicts.size() > 1) res.reason += " (+" + std::to_string(verdicts.size() - 1) + " more ranks)";
        return;
    }
    if (ApplyWarnings(res)) return;
    for (const RankReport &rep : res.ranks) {
        for (const OutputCheck &check : rep.checks) {
            if (check.mistrusted) {
                res.status = Status::kMistrusted;
                res.reason = "rank " + std::to_string(rep.rank) + ": " + check.name + ": " + check.summary;
                return;
            }
        }
    }
    res.status = Status::kPassed;
    res.reason.clear();
}

// Why a tensor is beyond the harness's own size limit (empty = within it). Overflow-safe: the
// byte counts saturate (harness/fill/element.h BytesFor), so storage no size_t can express is
// reported as such instead of wrapping round to a small number. Both the storage and the view
// count: values are generated per view element, and a broadcast view (stride 0) of a small
// storage can still have more elements than the host can hold.
std::string SizeLimitProblem(const TensorSpec &t, size_t limit) {
    constexpr size_t kUnrepresentable = std::numeric_limits<size_t>::max();
    const int bits = StorageBits(t.dtype);
    const size_t storage = StorageBytes(t);
    if (storage == kUnrepresentable) return "needs more storage than size_t can express (over 2^64 bytes)";
    if (storage > limit) {
        return "needs " + std::to_string(storage) + " bytes of storage (limit " + std::to_string(limit) + ")";
    }
    const int64_t elements = t.NumElements();
    const size_t view = BytesFor(bits, elements);
    if (view > limit) {
        return "has a view of " + std::to_string(elements) + " elements, over " + std::to_string(limit) +
               " bytes packed (limit)";
    }
    return "";
}

// What a tensor's storage holds before the call: an output its poison, an input its explicit
// values or the seeded fill (the same bytes for RunCase and PrepareTensors).
std::vector<uint8_t> InitialBytes(const Case &c, const OpBinding &binding, int rank, const std::string &name,
                                  const TensorSpec &t, bool output) {
    if (output) return PoisonStorage(t);
    if (!t.values.empty()) return EncodeExplicit(t);
    if (binding.role(name) == Role::kData) return FillCodes(t, c.seed, rank, name);
    return FillStorage(t, binding.role(name), binding.contraction(c, rank), c.dist, c.seed, rank, name);
}

CaseResult Finish(CaseResult res, Status status, std::string reason, Clock::time_point t0) {
    res.status = status;
    res.reason = std::move(reason);
    res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

// Fills sh.host for every rank, byte for byte what the ranks upload (a tensor beyond the limit
// on a rank that must refuse it gets a small probe buffer). False, with `res` finished as
// FAILED, when a tensor is beyond the harness's limit or the data cannot be prepared.
bool PrepareHost(const Case &c, const OpBinding &b, const RunOptions &options, Shared &sh, CaseResult &res,
                 Clock::time_point t0) {
    const OpBinding *binding = &b;
    const OpSignature sig = binding->Signature();
    const auto world = static_cast<size_t>(c.world);
    sh.host.resize(world);
    try {
        for (size_t r = 0; r < world; ++r) {
            const int rank = static_cast<int>(r);
            // Asked only where it matters (a tensor over the limit, or the fuzzers' pattern fill).
            std::optional<bool> first_phase;
            auto first_phase_only = [&] {
                if (!first_phase) first_phase = FirstPhaseOnly(Expected(sh, rank));
                return *first_phase;
            };
            for (const ParamDecl &p : sig.params) {
                if (p.kind != ParamKind::kTensor) continue;
                const TensorSpec *t = c.Tensor(rank, p.name);
                if (t == nullptr) continue;
                const std::string too_big = SizeLimitProblem(*t, options.max_tensor_bytes);
                if (!too_big.empty() && first_phase_only()) {
                    // Judged on its first phase alone, like the fuzzers' metadata-only calls.
                    HostTensor h;
                    h.name = p.name;
                    h.spec = *t;
                    h.output = binding->IsOutput(p.name);
                    h.probe = true;
                    h.bytes.assign(std::min(kProbeBytes, StorageBytes(*t)), 0xA5);
                    sh.host[r].push_back(std::move(h));
                    continue;
                }
                if (const std::string &why = too_big; !why.empty()) {
                    // Nothing is allocated or called: the case stops here, with the reason on
                    // the case and on the rank whose tensor it is.
                    const std::string reason = "harness limit: rank " + std::to_string(r) + " tensor " + p.name + " " + why;
                    res.ranks.assign(world, RankReport{});
                    for (size_t q = 0; q < world; ++q) {
                        res.ranks[q].rank = static_cast<int>(q);
                        res.ranks[q].expected = DescribeExpectation(Expected(sh, static_cast<int>(q)), binding->api);
                    }
                    res.ranks[r].setup_error = reason;
                    res.ranks[r].verdict = "rank " + std::to_string(r) + ": " + reason;
                    res = Finish(std::move(res), Status::kFailed, reason, t0);
                    return false;
                }
                HostTensor h;
                h.name = p.name;
                h.spec = *t;
                h.output = binding->IsOutput(p.name);
                h.in_place = h.output && binding->Output(p.name)->in_place;
                // An in-place tensor (OutputDecl::in_place) starts as an input: filled, not poisoned.
                // Explicit values stay (a first phase may read host parameters: ATB's Setup reads
                // AllToAllVV2's counts), and so does every tensor of an API that takes raw
                // tensors rather than aclTensor descriptors.
                if (options.pattern_fill_refused && !(h.output && !h.in_place) && t->values.empty() &&
                    binding->api.acl_tensors && first_phase_only()) {
                    h.bytes.assign(StorageBytes(*t), kRefusedFillByte);  // RunOptions::pattern_fill_refused
                } else {
                    h.bytes = InitialBytes(c, *binding, rank, p.name, *t, h.output && !h.in_place);
                }
                sh.host[r].push_back(std::move(h));
            }
        }
    } catch (const std::exception &e) {
        res = Finish(std::move(res), Status::kFailed, std::string("harness: preparing data: ") + e.what(), t0);
        return false;
    }
    return true;
}

// The end of RunCase: judged, outputs dropped unless kept, timed.
CaseResult Conclude(const Case &c, const OpBinding &binding, const RunOptions &options, const Shared &sh,
                    CaseResult res, Clock::time_point t0) {
    try {
        Judge(c, binding, sh, options, res);
    } catch (const std::exception &e) {
        return Finish(std::move(res), Status::kFailed, std::string("harness: judging: ") + e.what(), t0);
    }
    if (!options.keep_outputs) {
        for (RankReport &rep : res.ranks) rep.outputs.clear();
    }
    res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

// RunCase over RunOptions::world: the same rank threads' work on the world's workers, contexts,
// streams and communicators; then the world is settled, and what the case left behind fails it.
CaseResult RunInWorld(const Case &c, const OpBinding &binding, const RunOptions &options, const Schedule &schedule,
                      Shared &sh, CaseResult res, Clock::time_point t0) {
    World &world = *options.world;
    if (const std::string why = world.Ready(c.world); !why.empty()) {
        const char *m = sh.abi->rt().aclGetRecentErrMsg();
        return Finish(std::move(res), Status::kFailed,
                      "harness: " + why + (m != nullptr && *m != '\0' ? " " + Quote(m) : std::string()), t0);
    }
    sh.world = &world;
    sh.comms = world.Comms(c.world);
    const auto size = static_cast<size_t>(c.world);
    std::barrier<> start(static_cast<std::ptrdiff_t>(size));
    OrderGate gate(schedule.order_wait);
    sh.start = &start;
    sh.gate = &gate;
    res.ranks.assign(size, RankReport{});
    world.Run(c.world, [&sh, &res](int r) { RankThread(sh, r, res.ranks[static_cast<size_t>(r)]); });
    const std::string left = world.Settle(c.world, sh.comms, res.ranks);
    res = Conclude(c, binding, options, sh, std::move(res), t0);
    if (!left.empty() && !IsFailure(res.status)) {
        res.status = Status::kFailed;
        res.reason = "harness: " + left;
    }
    return res;
}

}  // namespace

void ExportPlatform(Platform platform) { setenv(kPlatformVariable, PlatformName(platform).c_str(), 1); }

CaseResult RunCase(const Case &c, const AbiTable &abi, const RunOptions &options) {
    const Clock::time_point t0 = Clock::now();
    CaseResult res;
    res.descriptor = c.ToString();
    const Schedule planned = MakeSchedule(c.schedule, c.world);
    res.schedule = planned.Describe();
    const Schedule schedule = options.compress_schedule ? Compressed(planned) : planned;

    const OpBinding *binding = FindBinding(c.op);
    if (binding == nullptr) {
        return Finish(std::move(res), Status::kFailed, "harness: no ABI binding for operator '" + c.op + "'", t0);
    }
    for (const std::string &symbol : binding->api.symbols) {
        if (abi.Find(symbol) == nullptr) {
            return Finish(std::move(res), Status::kFailed, abi.MissingSymbolMessage(symbol), t0);
        }
    }
    if (c.world < 1 || c.world > 1024) {
        return Finish(std::move(res), Status::kFailed,
                      "harness: world size " + std::to_string(c.world) + " outside what the runner drives", t0);
    }
    const auto world = static_cast<size_t>(c.world);

    Shared sh;
    sh.c = &c;
    sh.abi = &abi;
    sh.binding = binding;
    sh.options = &options;
    sh.schedule = &schedule;
    if (!PrepareHost(c, *binding, options, sh, res, t0)) return res;

    const RuntimeFns &rt = abi.rt();
    // The case's platform, for an implementation that emulates more than one (run_case.h).
    // Overwritten for every case; set from this thread before any call of the case.
    ExportPlatform(c.platform);
    if (options.hccl_exec_timeout_s > 0) {
        // No overwrite: the user's setting wins, and the first case's value stays (implementations
        // may read it once). Set from this thread before any rank thread of this case exists.
        setenv("HCCL_EXEC_TIMEOUT", std::to_string(options.hccl_exec_timeout_s).c_str(), 0);
    }
    if (aclError rc = abi.EnsureInit(); rc != ACL_SUCCESS) {
        return Finish(std::move(res), Status::kFailed, "aclInit returned " + std::to_string(rc), t0);
    }
    if (options.world != nullptr) return RunInWorld(c, *binding, options, schedule, sh, std::move(res), t0);
    for (int r = 0; r < c.world; ++r) {
        if (aclError rc = rt.aclrtSetDevice(r); rc != ACL_SUCCESS) {
            const char *m = rt.aclGetRecentErrMsg();
            return Finish(std::move(res), Status::kFailed,
                          "aclrtSetDevice(" + std::to_string(r) + ") returned " + std::to_string(rc) +
                              (m ? " " + Quote(m) : std::string()),
                          t0);
        }
    }
    std::vector<int32_t> devices(world);
    std::iota(devices.begin(), devices.end(), 0);
    sh.comms.assign(world, nullptr);
    if (HcclResult hr = rt.HcclCommInitAll(static_cast<uint32_t>(world), devices.data(), sh.comms.data());
        hr != HCCL_SUCCESS) {
        const char *m = rt.aclGetRecentErrMsg();
        return Finish(std::move(res), Status::kFailed,
                      "HcclCommInitAll returned " + std::to_string(hr) + (m ? " " + Quote(m) : std::string()), t0);
    }

    std::barrier<> start(static_cast<std::ptrdiff_t>(world));
    OrderGate gate(schedule.order_wait);
    sh.start = &start;
    sh.gate = &gate;
    res.ranks.assign(world, RankReport{});
    {
        std::vector<std::thread> threads;
        threads.reserve(world);
        for (size_t r = 0; r < world; ++r) {
            threads.emplace_back([&sh, &res, r] { RankThread(sh, static_cast<int>(r), res.ranks[r]); });
        }
        for (std::thread &t : threads) t.join();
    }
    const bool hung = std::any_of(res.ranks.begin(), res.ranks.end(), [](const RankReport &r) { return r.sync_timed_out; });
    if (!hung) {
        // Communicators and devices are released only when nothing is still running on them.
        for (HcclComm comm : sh.comms) {
            if (comm != nullptr) (void)rt.HcclCommDestroy(comm);
        }
        for (int r = 0; r < c.world; ++r) (void)rt.aclrtResetDevice(r);
        (void)rt.aclGetRecentErrMsg();
    }
    try {
        Judge(c, *binding, sh, options, res);
    } catch (const std::exception &e) {
        return Finish(std::move(res), Status::kFailed, std::string("harness: judging: ") + e.what(), t0);
    }
    if (!options.keep_outputs) {
        for (RankReport &rep : res.ranks) rep.outputs.clear();
    }
    res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

// --- recorded answers (run_case.h: PrepareTensors, JudgeRecorded) ---

std::vector<std::vector<PreparedTensor>> PrepareTensors(const Case &c, const RunOptions &options) {
    const OpBinding *binding = FindBinding(c.op);
    if (binding == nullptr) throw std::runtime_error("no ABI binding for operator '" + c.op + "'");
    if (c.world < 1 || c.world > 1024) throw std::runtime_error("world size " + std::to_string(c.world) + " out of range");
    const OpSignature sig = binding->Signature();
    std::vector<std::vector<PreparedTensor>> ranks(static_cast<size_t>(c.world));
    for (int rank = 0; rank < c.world; ++rank) {
        for (const ParamDecl &p : sig.params) {
            if (p.kind != ParamKind::kTensor) continue;
            const TensorSpec *t = c.Tensor(rank, p.name);
            if (t == nullptr) continue;
            if (const std::string why = SizeLimitProblem(*t, options.max_tensor_bytes); !why.empty()) {
                throw std::runtime_error("harness limit: rank " + std::to_string(rank) + " tensor " + p.name + " " + why);
            }
            PreparedTensor h;
            h.name = p.name;
            h.spec = *t;
            h.output = binding->IsOutput(p.name);
            h.in_place = h.output && binding->Output(p.name)->in_place;
            h.bytes = InitialBytes(c, *binding, rank, p.name, *t, h.output && !h.in_place);
            ranks[static_cast<size_t>(rank)].push_back(std::move(h));
        }
    }
    return ranks;
}

CaseResult JudgeRecorded(const Case &c, const std::vector<std::vector<PreparedTensor>> &tensors,
                         std::vector<RankReport> ranks, const RunOptions &options) {
    const Clock::time_point t0 = Clock::now();
    CaseResult res;
    res.descriptor = c.ToString();
    res.schedule = MakeSchedule(c.schedule, c.world).Describe();
    const OpBinding *binding = FindBinding(c.op);
    if (binding == nullptr) {
        return Finish(std::move(res), Status::kFailed, "harness: no ABI binding for operator '" + c.op + "'", t0);
    }
    if (tensors.size() != static_cast<size_t>(c.world) || ranks.size() != tensors.size()) {
        return Finish(std::move(res), Status::kFailed, "harness: recorded answers for the wrong number of ranks", t0);
    }
    Shared sh;
    sh.c = &c;
    sh.binding = binding;
    sh.options = &options;
    sh.host.resize(tensors.size());
    for (size_t r = 0; r < tensors.size(); ++r) {
        RankReport &rep = ranks[r];
        rep.rank = static_cast<int>(r);
        rep.outputs_untouched = true;
        for (const PreparedTensor &t : tensors[r]) {
            HostTensor h;
            h.name = t.name;
            h.spec = t.spec;
            h.output = t.output;
            h.in_place = t.in_place;
            h.bytes = t.bytes;
            sh.host[r].push_back(std::move(h));
            if (!t.output) continue;
            auto it = rep.outputs.find(t.name);
            if (it == rep.outputs.end()) {
                rep.outputs[t.name] = t.bytes;  // never written: its poison
            } else if (it->second != t.bytes) {
                rep.outputs_untouched = false;
            }
        }
    }
    res.ranks = std::move(ranks);
    try {
        Judge(c, *binding, sh, options, res);
    } catch (const std::exception &e) {
        return Finish(std::move(res), Status::kFailed, std::string("harness: judging: ") + e.what(), t0);
    }
    if (!options.keep_outputs) {
        for (RankReport &rep : res.ranks) rep.outputs.clear();
    }
    res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

// --- ranks in separate processes (run_case.h: RunRank, JudgeRanks) ---

RankReport RunRank(const Case &c, const AbiTable &abi, const RunOptions &options, int rank,
                   const ShareRootInfo &share) {
    const Clock::time_point t0 = Clock::now();
    RankReport rep;
    rep.rank = rank;
    HcclRootInfo info{};
    // Every way out before the broadcast still takes part in it: the peers are waiting there.
    auto give_up = [&](const std::string &why) {
        if (rep.setup_error.empty()) rep.setup_error = why;
        if (rank == 0) (void)share(&info, false);
        return rep;
    };
    const OpBinding *binding = FindBinding(c.op);
    if (binding == nullptr) return give_up("harness: no ABI binding for operator '" + c.op + "'");
    for (const std::string &symbol : binding->api.symbols) {
        if (abi.Find(symbol) == nullptr) return give_up(abi.MissingSymbolMessage(symbol));
    }
    using GetRootInfoFn = HcclResult (*)(HcclRootInfo *);
    using InitRootInfoFn = HcclResult (*)(uint32_t, const HcclRootInfo *, uint32_t, HcclComm *);
    auto get_root_info = reinterpret_cast<GetRootInfoFn>(abi.Find("HcclGetRootInfo"));
    auto init_root_info = reinterpret_cast<InitRootInfoFn>(abi.Find("HcclCommInitRootInfo"));
    if (get_root_info == nullptr) return give_up(abi.MissingSymbolMessage("HcclGetRootInfo"));
    if (init_root_info == nullptr) return give_up(abi.MissingSymbolMessage("HcclCommInitRootInfo"));
    if (c.world < 1 || c.world > 1024 || rank < 0 || rank >= c.world) {
        return give_up("harness: rank " + std::to_string(rank) + " of world " + std::to_string(c.world));
    }
    // The schedule's delays apply; its entry order cannot be kept across processes without a
    // coordinator the library would not see, so it is left out (the statuses do not depend on it).
    Schedule schedule = MakeSchedule(c.schedule, c.world);
    schedule.order.clear();
    Shared sh;
    sh.c = &c;
    sh.abi = &abi;
    sh.binding = binding;
    sh.options = &options;
    sh.schedule = &schedule;
    CaseResult limit;
    if (!PrepareHost(c, *binding, options, sh, limit, t0)) {
        const RankReport &mine = limit.ranks.empty() ? rep : limit.ranks[static_cast<size_t>(rank)];
        return give_up(mine.setup_error.empty() ? limit.reason : mine.setup_error);
    }
    const RuntimeFns &rt = abi.rt();
    auto with_message = [&](const std::string &what, long code) {
        const char *m = rt.aclGetRecentErrMsg();
        return what + " returned " + std::to_string(code) + (m != nullptr && *m != '\0' ? " " + Quote(m) : "");
    };
    ExportPlatform(c.platform);
    if (options.hccl_exec_timeout_s > 0) {
        setenv("HCCL_EXEC_TIMEOUT", std::to_string(options.hccl_exec_timeout_s).c_str(), 0);
    }
    if (aclError rc = abi.EnsureInit(); rc != ACL_SUCCESS) return give_up(with_message("aclInit", rc));
    if (aclError rc = rt.aclrtSetDevice(rank); rc != ACL_SUCCESS) {
        return give_up(with_message("aclrtSetDevice(" + std::to_string(rank) + ")", rc));
    }
    // The CANN sequence for one process per rank: rank 0 makes the root info, the launcher's
    // channel carries it to every rank, every rank joins with it.
    if (rank == 0) {
        const HcclResult hr = get_root_info(&info);
        const std::string why = hr == HCCL_SUCCESS ? "" : with_message("HcclGetRootInfo", hr);
        if (!share(&info, hr == HCCL_SUCCESS)) {
            (void)rt.aclrtResetDevice(rank);
            return give_up(why.empty() ? "harness: the root info could not be broadcast" : why);
        }
    } else if (!share(&info, true)) {
        (void)rt.aclrtResetDevice(rank);
        rep.setup_error = "harness: no root info (rank 0 could not make one)";
        return rep;
    }
    HcclComm comm = nullptr;
    if (HcclResult hr = init_root_info(static_cast<uint32_t>(c.world), &info, static_cast<uint32_t>(rank), &comm);
        hr != HCCL_SUCCESS) {
        rep.setup_error = with_message("HcclCommInitRootInfo", hr);
        (void)rt.aclrtResetDevice(rank);
        return rep;
    }
    sh.comms.assign(static_cast<size_t>(c.world), nullptr);
    sh.comms[static_cast<size_t>(rank)] = comm;
    std::barrier<> start(1);
    OrderGate gate(schedule.order_wait);
    sh.start = &start;
    sh.gate = &gate;
    RankThread(sh, rank, rep);
    if (!rep.sync_timed_out) {
        // RankThread may have left the group already (RunOptions::release_peers_of_refused).
        if (HcclComm left = sh.comms[static_cast<size_t>(rank)]; left != nullptr) (void)rt.HcclCommDestroy(left);
        (void)rt.aclrtResetDevice(rank);
        (void)rt.aclGetRecentErrMsg();
    }
    return rep;
}

CaseResult JudgeRanks(const Case &c, std::vector<RankReport> ranks, const RunOptions &options) {
    const Clock::time_point t0 = Clock::now();
    CaseResult res;
    res.descriptor = c.ToString();
    res.schedule = MakeSchedule(c.schedule, c.world).Describe();
    const OpBinding *binding = FindBinding(c.op);
    if (binding == nullptr) {
        return Finish(std::move(res), Status::kFailed, "harness: no ABI binding for operator '" + c.op + "'", t0);
    }
    if (c.world < 1 || ranks.size() != static_cast<size_t>(c.world)) {
        return Finish(std::move(res), Status::kFailed, "harness: answers for the wrong number of ranks", t0);
    }
    Shared sh;
    sh.c = &c;
    sh.binding = binding;
    sh.options = &options;
    if (!PrepareHost(c, *binding, options, sh, res, t0)) return res;
    for (size_t r = 0; r < ranks.size(); ++r) ranks[r].rank = static_cast<int>(r);
    res.ranks = std::move(ranks);
    try {
        Judge(c, *binding, sh, options, res);
    } catch (const std::exception &e) {
        return Finish(std::move(res), Status::kFailed, std::string("harness: judging: ") + e.what(), t0);
    }
    if (!options.keep_outputs) {
        for (RankReport &rep : res.ranks) rep.outputs.clear();
    }
    res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return res;
}

}  // namespace mc2::harness
