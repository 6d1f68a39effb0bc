// property_tests/support.cc — shared machinery of the property tests (support.h).
#include "property_tests/support.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>

#include "harness/dtype_names.h"
#include "spec/generate.h"
#include "harness/fill/fill.h"
#include "harness/fill/storage.h"
#include "harness/ops/registry.h"
#include "harness/run/run_case.h"
#include "harness/signatures.h"

namespace mc2::properties {
namespace {

std::vector<std::string> ImplPaths() {
    const char *env = std::getenv("MC2CONF_IMPL");
    if (env == nullptr || *env == '\0') return {MC2CONF_BUILTIN_IMPL};
    std::vector<std::string> out;
    std::string_view rest(env);
    while (!rest.empty()) {
        const size_t colon = rest.find(':');
        const std::string_view one = rest.substr(0, colon);
        if (!one.empty()) out.emplace_back(one);
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return out;
}

bool EnvFlag(const char *name) {
    const char *v = std::getenv(name);
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

}  // namespace

const harness::AbiTable *Impl() {
    static std::string error;
    static const std::unique_ptr<harness::AbiTable> table = harness::AbiTable::Load(ImplPaths(), &error);
    if (!table) ADD_FAILURE() << "cannot load the implementation under test: " << error;
    return table.get();
}

harness::Platform ProfilePlatform() {
    for (const char *name : {"MC2CONF_PLATFORM", "MC2_PLATFORM"}) {
        const char *v = std::getenv(name);
        if (v == nullptr || *v == '\0') continue;
        if (auto p = harness::ParsePlatform(v)) return *p;
        std::cerr << name << "=" << v << " names no platform profile; using atlas_a2\n";
        break;
    }
    return harness::Platform::kAtlasA2;
}

spec::Limits PropertyLimits() {
    spec::Limits l;  // quick: m ≤ 64, k ≤ 256, n ≤ 128, world ≤ 8
    if (EnvFlag("MC2CONF_PROP_FULL")) {
        l.max_m = 128;
        l.max_k = 1024;
        l.max_n = 256;
    }
    return l;
}

rc::detail::TestParams ParamsFor(int quick, int cap) {
    rc::detail::TestParams params = rc::detail::configuration().testParams;
    const char *env = std::getenv("RC_PARAMS");
    const bool explicit_count = env != nullptr && std::string_view(env).find("max_success") != std::string_view::npos;
    params.maxSuccess = explicit_count ? std::min(params.maxSuccess, cap) : quick;
    return params;
}

void CheckProperty(int quick, const std::function<void()> &property, int cap) {
    // As rc::detail::checkGTest, but with this property's own parameters; the reproduce map of
    // RC_PARAMS still applies (checkProperty consults it by test id).
    const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
    rc::detail::TestMetadata metadata;
    metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
    metadata.description = info->name();
    const auto result = rc::detail::checkTestable(property, metadata, ParamsFor(quick, cap));
    if (result.template is<rc::detail::SuccessResult>()) {
        if (!result.template get<rc::detail::SuccessResult>().distribution.empty()) {
            rc::detail::printResultMessage(result, std::cout);
            std::cout << std::endl;
        }
    } else {
        std::ostringstream ss;
        rc::detail::printResultMessage(result, ss);
        ADD_FAILURE() << ss.str();
    }
}

std::string Repro(const harness::Case &c) { return "mc2conf run " + harness::ShellQuote(c.ToString()); }

harness::CaseResult RunKeep(const harness::Case &c) {
    const harness::AbiTable *abi = Impl();
    if (abi == nullptr) {
        harness::CaseResult r;
        r.status = harness::Status::kFailed;
        r.reason = "implementation not loaded";
        r.descriptor = c.ToString();
        return r;
    }
    harness::RunOptions options;
    options.keep_outputs = true;
    return harness::RunCase(c, *abi, options);
}

oracle::Matrix DecodedOutput(const harness::Case &c, const harness::CaseResult &r, int rank, const std::string &name) {
    const harness::TensorSpec *t = c.Tensor(rank, name);
    if (t == nullptr || rank < 0 || static_cast<size_t>(rank) >= r.ranks.size()) return {};
    auto it = r.ranks[static_cast<size_t>(rank)].outputs.find(name);
    if (it == r.ranks[static_cast<size_t>(rank)].outputs.end()) return {};
    return harness::DecodeStorage(*t, it->second);
}

std::vector<uint64_t> OutputCodes(const harness::Case &c, const harness::CaseResult &r, int rank,
                                  const std::string &name) {
    const harness::TensorSpec *t = c.Tensor(rank, name);
    if (t == nullptr || rank < 0 || static_cast<size_t>(rank) >= r.ranks.size()) return {};
    auto it = r.ranks[static_cast<size_t>(rank)].outputs.find(name);
    if (it == r.ranks[static_cast<size_t>(rank)].outputs.end()) return {};
    return harness::ViewCodes(*t, it->second);
}

harness::RankInputs InputsOf(const harness::Case &c, int rank) {
    harness::RankInputs in;
    const harness::OpBinding *b = harness::FindBinding(c.op);
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    if (b == nullptr || sig == nullptr) return in;
    for (const harness::ParamDecl &p : sig->params) {
        if (p.kind != harness::ParamKind::kTensor) continue;
        const harness::TensorSpec *t = c.Tensor(rank, p.name);
        if (t == nullptr) continue;
        if (b->IsOutput(p.name)) continue;
        const std::vector<double> v =
            harness::FillValues(*t, b->role(p.name), b->contraction(c, rank), c.dist, c.seed, rank, p.name);
        in[p.name] = harness::DecodeStorage(*t, harness::EncodeStorage(*t, v));
    }
    return in;
}

DirectResult RunOneRank(const harness::Case &c, const std::map<std::string, std::vector<double>> &values,
                        const std::string &output) {
    DirectResult res;
    const harness::AbiTable *abi = Impl();
    const harness::OpBinding *b = harness::FindBinding(c.op);
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    if (abi == nullptr || b == nullptr || sig == nullptr || c.world != 1 || b->outputs.empty()) {
        res.error = "harness: RunOneRank needs a loaded implementation and a bound world-1 case";
        return res;
    }
    const harness::RuntimeFns &rt = abi->rt();
    if (abi->EnsureInit() != ACL_SUCCESS || rt.aclrtSetDevice(0) != ACL_SUCCESS) {
        res.error = "harness: aclInit / aclrtSetDevice(0) failed";
        return res;
    }
    int32_t device = 0;
    HcclComm comm = nullptr;
    if (rt.HcclCommInitAll(1, &device, &comm) != HCCL_SUCCESS) {
        res.error = "harness: HcclCommInitAll(1) failed";
        (void)rt.aclrtResetDevice(0);
        return res;
    }
    aclrtContext context = nullptr;
    aclrtStream stream = nullptr;
    struct Held {
        std::string name;
        harness::TensorSpec spec;
        std::vector<uint8_t> bytes;
        void *device = nullptr;
        aclTensor *tensor = nullptr;
    };
    std::vector<Held> held;
    harness::CallArgs args;
    args.c = &c;
    args.rank = 0;
    bool ready = rt.aclrtCreateContext(&context, 0) == ACL_SUCCESS && rt.aclrtSetCurrentContext(context) == ACL_SUCCESS &&
                 rt.aclrtCreateStream(&stream) == ACL_SUCCESS;
    char name[MAX_GROUP_NAME + 1] = {};
    ready = ready && rt.HcclGetCommName(comm, name) == HCCL_SUCCESS;
    args.comm_name = name;
    args.comm = comm;
    args.stream = stream;
    const std::string &out_name = output.empty() ? b->outputs.front().name : output;
    for (const harness::ParamDecl &p : sig->params) {
        if (!ready) break;
        if (p.kind != harness::ParamKind::kTensor) continue;
        const harness::TensorSpec *t = c.Tensor(0, p.name);
        if (t == nullptr) continue;
        Held h;
        h.name = p.name;
        h.spec = *t;
        if (p.name == out_name) {
            h.bytes = harness::PoisonStorage(*t);
        } else {
            auto v = values.find(p.name);
            if (v == values.end() || static_cast<int64_t>(v->second.size()) != t->NumElements()) {
                res.error = "harness: no values (or the wrong count) for input " + p.name;
                ready = false;
                break;
            }
            h.bytes = harness::EncodeStorage(*t, v->second);
        }
        if (!h.bytes.empty()) {
            ready = rt.aclrtMalloc(&h.device, h.bytes.size(), ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS &&
                    rt.aclrtMemcpy(h.device, h.bytes.size(), h.bytes.data(), h.bytes.size(),
                                   ACL_MEMCPY_HOST_TO_DEVICE) == ACL_SUCCESS;
        }
        if (b->api.acl_tensors) {
            const std::vector<int64_t> strides = h.spec.Strides();
            const std::vector<int64_t> storage = h.spec.StorageShape();
            h.tensor = rt.aclCreateTensor(h.spec.shape.data(), h.spec.shape.size(), h.spec.dtype, strides.data(),
                                          h.spec.offset, h.spec.format, storage.data(), storage.size(), h.device);
        }
        held.push_back(std::move(h));
    }
    // Bound after every allocation: the held tensors no longer move.
    for (const Held &h : held) {
        harness::BoundTensor &bound = args.tensors[h.name];
        bound.spec = &h.spec;
        bound.device = h.device;
        bound.host = &h.bytes;
        bound.acl = h.tensor;
    }
    std::unique_ptr<harness::OpCall> call;
    if (ready) {
        call = b->api.bind(*abi, args, &res.error);
        ready = call != nullptr;
    }
    if (ready) {
        uint64_t workspace_size = 0;
        res.prepare_status = call->Prepare(&workspace_size);
        if (res.prepare_status == 0) {
            void *workspace = nullptr;
            if (workspace_size == 0 || rt.aclrtMalloc(&workspace, workspace_size, ACL_MEM_MALLOC_HUGE_FIRST) == 0) {
                res.execute_status = call->Execute(workspace, workspace_size, stream);
                res.sync_status = rt.aclrtSynchronizeStreamWithTimeout(stream, 20000);
                res.ok = res.execute_status == 0 && res.sync_status == 0;
            } else {
                res.error = "harness: aclrtMalloc(workspace) failed";
            }
            if (workspace != nullptr) (void)rt.aclrtFree(workspace);
        }
        if (!res.ok && res.error.empty()) {
            const char *m = rt.aclGetRecentErrMsg();
            res.error = m != nullptr ? m : "";
        }
    } else if (res.error.empty()) {
        res.error = "harness: setting up the one-rank call failed";
    }
    call.reset();
    for (Held &h : held) {
        if (res.ok && h.name == out_name) {
            std::vector<uint8_t> back(h.bytes.size());
            if (h.device == nullptr ||
                rt.aclrtMemcpy(back.data(), back.size(), h.device, back.size(), ACL_MEMCPY_DEVICE_TO_HOST) == 0) {
                res.output = harness::DecodeStorage(h.spec, back);
                res.codes = harness::ViewCodes(h.spec, back);
            } else {
                res.ok = false;
                res.error = "harness: aclrtMemcpy(output, D2H) failed";
            }
        }
        if (h.tensor != nullptr) (void)rt.aclDestroyTensor(h.tensor);
        if (h.device != nullptr) (void)rt.aclrtFree(h.device);
    }
    if (stream != nullptr) (void)rt.aclrtDestroyStream(stream);
    if (context != nullptr) (void)rt.aclrtDestroyContext(context);
    (void)rt.HcclCommDestroy(comm);
    (void)rt.aclrtResetDevice(0);
    (void)rt.aclGetRecentErrMsg();
    return res;
}

void RequireConforming(const harness::CaseResult &r, const char *what) {
    if (harness::IsFailure(r.status)) RC_FAIL(std::string(what) + ": " + r.Line());
    // The built-in library meets every hardening rule, so a WARNING there is a finding; a library
    // named by MC2CONF_IMPL is held to the documents only (warnings pass, as in the gates).
    const char *impl = std::getenv("MC2CONF_IMPL");
    if (r.status == harness::Status::kWarning && (impl == nullptr || *impl == '\0')) {
        RC_FAIL(std::string(what) + ": the built-in library broke a hardening rule: " + r.Line());
    }
}

bool AllRanksSucceeded(const harness::CaseResult &r) {
    return !r.ranks.empty() && std::all_of(r.ranks.begin(), r.ranks.end(), [](const harness::RankReport &k) {
        return k.prepare_status == 0 && k.execute_called && k.execute_status == 0 && k.sync_status == 0;
    });
}

void RequireSameBits(const harness::Case &a, const harness::CaseResult &ra, const harness::Case &b,
                     const harness::CaseResult &rb, const char *what) {
    const harness::OpBinding *binding = harness::FindBinding(a.op);
    RC_ASSERT(binding != nullptr);
    for (const harness::OutputDecl &out : binding->outputs) {
        for (int rank = 0; rank < a.world; ++rank) {
            const std::vector<uint64_t> x = OutputCodes(a, ra, rank, out.name);
            const std::vector<uint64_t> y = OutputCodes(b, rb, rank, out.name);
            RC_ASSERT(x.size() == y.size());
            for (size_t e = 0; e < x.size(); ++e) {
                if (x[e] != y[e]) {
                    RC_FAIL(std::string(what) + ": rank " + std::to_string(rank) + " " + out.name + " element " +
                            std::to_string(e) + " codes " + std::to_string(x[e]) + " vs " + std::to_string(y[e]));
                }
            }
        }
    }
}

std::string DtypeOf(const harness::Case &c) {
    const harness::OpSignature *sig = harness::FindSignature(c.op);
    if (sig == nullptr) return "-";
    for (const harness::ParamDecl &p : sig->params) {
        if (p.kind != harness::ParamKind::kTensor) continue;
        const harness::TensorSpec *t = c.Tensor(0, p.name);
        return t != nullptr ? harness::DtypeName(t->dtype) : "-";
    }
    return "-";
}

const std::vector<std::string> &RegisteredOps() {
    static const std::vector<std::string> ops = [] {
        std::vector<std::string> out;
        for (const std::string &op : spec::GeneratableOps()) {
            if (harness::FindBinding(op) != nullptr) out.push_back(op);
        }
        return out;
    }();
    return ops;
}

}  // namespace mc2::properties
