// harness/ops/all_to_all_vv2.cc — binding of ATB AllToAllVV2Operation: the signature (the variant
// pack's tensors in inTensors/outTensors order, then the AllToAllVV2Param fields), the call
// (CreateContext on the rank's stream, CreateOperation, Setup; then Execute; destroyed after the
// runner synchronised), the fill roles (x is data: every bit pattern), the exact oracle
// (oracle/all_to_all_vv2.h), and the registration with the spec family (spec/all_to_all_vv2/).
//
// The ATB entry points are C++ functions: they are resolved by their mangled names with dlsym
// like every other symbol, and called through the types of include/atb (virtual calls on the
// Operation and Context objects the library made, so the vtable order of include/atb is ABI).
//
// An ATB tensor is contiguous from its data pointer: it has no strides, offset or storage shape.
// A descriptor whose view is not plain storage (strides, an offset, a larger storage) is passed
// as the tensor its view declares: the view's elements gathered into a contiguous copy (device
// memory for x and the output, host memory for the counts), and the output's copy scattered
// back into the view after the runner synchronised, so the runner's checks see the view.
#include <algorithm>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "atb/atb_infer.h"
#include "harness/fill/element.h"
#include "harness/fill/storage.h"
#include "harness/ops/registry.h"
#include "oracle/all_to_all_vv2.h"
#include "spec/all_to_all_vv2/all_to_all_vv2.h"

namespace mc2::harness {
namespace {

using CreateOperationFn = atb::Status (*)(const atb::infer::AllToAllVV2Param &, atb::Operation **);
using CreateContextFn = atb::Status (*)(atb::Context **);
using DestroyOperationFn = atb::Status (*)(atb::Operation *);
using DestroyContextFn = atb::Status (*)(atb::Context *);

const char kCreateOperation[] = "_ZN3atb15CreateOperationINS_5infer16AllToAllVV2ParamEEEiRKT_PPNS_9OperationE";
const char kCreateContext[] = "_ZN3atb13CreateContextEPPNS_7ContextE";
const char kDestroyOperation[] = "_ZN3atb16DestroyOperationEPNS_9OperationE";
const char kDestroyContext[] = "_ZN3atb14DestroyContextEPNS_7ContextE";

const char *const kTensors[] = {"x", "send_counts", "sdispls", "recv_counts", "rdispls", "tensor_for_infer_shape",
                                "output"};

// ATB's byte size of a descriptor (atb::Utils::GetTensorSize): 0 for an empty or negative dim.
uint64_t AtbBytes(const TensorSpec &t) {
    if (t.shape.empty() || t.shape.size() > atb::MAX_DIM) return 0;
    uint64_t n = 1;
    for (int64_t d : t.shape) {
        if (d <= 0) return 0;
        n *= static_cast<uint64_t>(d);
    }
    return n * static_cast<uint64_t>((StorageBits(t.dtype) + 7) / 8);
}

bool Plain(const TensorSpec &t) {
    return t.offset == 0 && t.IsContiguous() && StorageCapacity(t) == t.NumElements();
}

// The codes of the tensor the view declares: its explicit values where the descriptor gives
// them (`v(...)`: the counts and displacements, the values spec/all_to_all_vv2 judges), the
// storage's codes elsewhere. They differ only for a view that does not map its elements one to
// one into its storage (an element before or past it, or two on one place), which an ATB tensor
// cannot express anyway: without this, such an element reached the library as the 0 of a
// missing byte while the spec judged its declared value (fuzz/regressions/api_fuzzer/
// a2av-view-outside-storage-*). The oracle reads the same codes (Int64s below).
std::vector<uint64_t> DeclaredCodes(const TensorSpec &t, std::span<const uint8_t> storage) {
    std::vector<uint64_t> codes = ViewCodes(t, storage);
    const int bits = StorageBits(t.dtype);
    const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    for (size_t e = 0; e < codes.size() && e < t.values.size(); ++e) codes[e] = static_cast<uint64_t>(t.values[e]) & mask;
    return codes;
}

// The view's elements, contiguous, in the dtype's storage encoding.
std::vector<uint8_t> Gather(const TensorSpec &t, const std::vector<uint8_t> &storage) {
    const std::vector<uint64_t> codes = DeclaredCodes(t, storage);
    const int bits = StorageBits(t.dtype);
    std::vector<uint8_t> out(BytesFor(bits, static_cast<int64_t>(codes.size())));
    for (size_t i = 0; i < codes.size(); ++i) StoreCode(out.data(), bits, static_cast<int64_t>(i), codes[i]);
    return out;
}

atb::Tensor ToAtb(const BoundTensor *b, bool with_host) {
    atb::Tensor t;
    if (b == nullptr || b->spec == nullptr) return t;  // absent: 0 dims, refused by Setup
    const TensorSpec &s = *b->spec;
    t.desc.dtype = s.dtype;
    t.desc.format = s.format;
    t.desc.shape.dimNum = s.shape.size();
    for (size_t i = 0; i < s.shape.size() && i < atb::MAX_DIM; ++i) t.desc.shape.dims[i] = s.shape[i];
    t.deviceData = b->device;
    if (with_host && b->host != nullptr && !b->host->empty()) {
        t.hostData = const_cast<uint8_t *>(b->host->data());  // ATB reads the counts; never writes
    }
    t.dataSize = AtbBytes(s);
    return t;
}

class AtbCall final : public OpCall {
public:
    AtbCall(const AbiTable &abi, const CallArgs &args) : args_(args), rt_(abi.rt()) {
        create_op_ = reinterpret_cast<CreateOperationFn>(abi.Find(kCreateOperation));
        create_ctx_ = reinterpret_cast<CreateContextFn>(abi.Find(kCreateContext));
        destroy_op_ = reinterpret_cast<DestroyOperationFn>(abi.Find(kDestroyOperation));
        destroy_ctx_ = reinterpret_cast<DestroyContextFn>(abi.Find(kDestroyContext));
    }
    ~AtbCall() override {
        if (op_ != nullptr) destroy_op_(op_);
        if (ctx_ != nullptr) destroy_ctx_(ctx_);
        ScatterOutput();
        for (void *p : staged_device_) rt_.aclrtFree(p);
    }

    int32_t Prepare(uint64_t *workspace_size) override {
        if (int32_t st = create_ctx_(&ctx_); st != 0) return st;
        if (int32_t st = ctx_->SetExecuteStream(args_.stream); st != 0) return st;
        atb::infer::AllToAllVV2Param p;
        p.rank = static_cast<int>(args_.I("rank"));
        p.rankSize = static_cast<int>(args_.I("rank_size"));
        p.rankRoot = static_cast<int>(args_.I("rank_root"));
        p.backend = args_.Text("backend");
        p.hcclComm = args_.Comm("hccl_comm");
        p.commMode = static_cast<atb::infer::CommMode>(args_.I("comm_mode"));
        p.rankTableFile = args_.Text("rank_table_file");
        p.commDomain = args_.Text("comm_domain");
        if (int32_t st = create_op_(p, &op_); st != 0) return st;
        for (size_t i = 0; i < 6; ++i) {
            atb::Tensor t = ToAtb(args_.B(kTensors[i]), /*with_host=*/i >= 1);
            if (int32_t st = Stage(args_.B(kTensors[i]), i == 0, &t); st != 0) return st;
            pack_.inTensors.push_back(t);
        }
        atb::Tensor out = ToAtb(args_.B(kTensors[6]), false);
        if (int32_t st = Stage(args_.B(kTensors[6]), true, &out); st != 0) return st;
        if (out.deviceData != nullptr && args_.B(kTensors[6]) != nullptr &&
            out.deviceData != args_.B(kTensors[6])->device) {
            staged_output_ = out.deviceData;
        }
        pack_.outTensors.push_back(out);
        return op_->Setup(pack_, *workspace_size, ctx_);
    }

    int32_t Execute(void *workspace, uint64_t workspace_size, aclrtStream /*stream*/) override {
        // The context executes on the rank's stream (Prepare set it), the one the runner syncs.
        return op_->Execute(pack_, static_cast<uint8_t *>(workspace), workspace_size, ctx_);
    }

private:
    // Replaces a non-plain view by a contiguous copy (see the file comment). Returns an ACL error
    // when device memory for the copy cannot be had.
    int32_t Stage(const BoundTensor *b, bool device, atb::Tensor *t) {
        if (b == nullptr || b->spec == nullptr || b->host == nullptr || Plain(*b->spec) || b->spec->NumElements() <= 0) {
            return 0;
        }
        staged_host_.push_back(Gather(*b->spec, *b->host));
        std::vector<uint8_t> &bytes = staged_host_.back();
        if (t->hostData != nullptr) t->hostData = bytes.data();
        if (!device || bytes.empty()) return 0;
        void *p = nullptr;
        if (aclError rc = rt_.aclrtMalloc(&p, bytes.size(), ACL_MEM_MALLOC_HUGE_FIRST); rc != ACL_SUCCESS) return rc;
        staged_device_.push_back(p);
        if (aclError rc = rt_.aclrtMemcpy(p, bytes.size(), bytes.data(), bytes.size(), ACL_MEMCPY_HOST_TO_DEVICE);
            rc != ACL_SUCCESS) {
            return rc;
        }
        t->deviceData = p;
        return 0;
    }

    // Writes the staged output copy back into the output's view (after synchronisation). Whatever
    // the library left in the copy lands in the view: the copy started as the view's contents.
    void ScatterOutput() {
        const BoundTensor *b = args_.B(kTensors[6]);
        if (staged_output_ == nullptr || b == nullptr || b->device == nullptr || b->host == nullptr) return;
        const TensorSpec &spec = *b->spec;
        const int bits = StorageBits(spec.dtype);
        std::vector<uint8_t> copy(BytesFor(bits, spec.NumElements()));
        std::vector<uint8_t> storage(b->host->size());
        if (rt_.aclrtMemcpy(copy.data(), copy.size(), staged_output_, copy.size(), ACL_MEMCPY_DEVICE_TO_HOST) != 0 ||
            rt_.aclrtMemcpy(storage.data(), storage.size(), b->device, storage.size(), ACL_MEMCPY_DEVICE_TO_HOST) != 0) {
            return;
        }
        const std::vector<int64_t> where = ViewIndices(spec);
        for (size_t e = 0; e < where.size(); ++e) {
            if (where[e] >= 0) StoreCode(storage.data(), bits, where[e], LoadCode(copy.data(), bits, static_cast<int64_t>(e)));
        }
        (void)rt_.aclrtMemcpy(b->device, storage.size(), storage.data(), storage.size(), ACL_MEMCPY_HOST_TO_DEVICE);
    }

    // A null string has no ATB counterpart (the fields are std::string): empty.
    const CallArgs &args_;
    const RuntimeFns &rt_;
    std::vector<std::vector<uint8_t>> staged_host_;  // contiguous copies of non-plain views
    std::vector<void *> staged_device_;               // their device copies (x, output)
    void *staged_output_ = nullptr;
    CreateOperationFn create_op_ = nullptr;
    CreateContextFn create_ctx_ = nullptr;
    DestroyOperationFn destroy_op_ = nullptr;
    DestroyContextFn destroy_ctx_ = nullptr;
    atb::Context *ctx_ = nullptr;
    atb::Operation *op_ = nullptr;
    atb::VariantPack pack_;
};

ApiBinding Api() {
    ApiBinding a;
    a.api = "atb::AllToAllVV2Operation";
    for (const char *t : kTensors) a.params.push_back({t, ParamKind::kTensor});
    a.params.push_back({"rank", ParamKind::kInt});
    a.params.push_back({"rank_size", ParamKind::kInt});
    a.params.push_back({"rank_root", ParamKind::kInt});
    a.params.push_back({"backend", ParamKind::kString});
    a.params.push_back({"hccl_comm", ParamKind::kComm});
    a.params.push_back({"comm_mode", ParamKind::kInt});
    a.params.push_back({"rank_table_file", ParamKind::kString});
    a.params.push_back({"comm_domain", ParamKind::kString});
    a.symbols = {kCreateOperation, kCreateContext, kDestroyOperation, kDestroyContext};
    a.prepare_phase = "Setup";
    a.execute_phase = "Execute";
    a.acl_tensors = false;
    a.bind = [](const AbiTable &abi, const CallArgs &args, std::string *error) -> std::unique_ptr<OpCall> {
        for (const char *s : {kCreateOperation, kCreateContext, kDestroyOperation, kDestroyContext}) {
            if (abi.Find(s) == nullptr) {
                *error = abi.MissingSymbolMessage(s);
                return nullptr;
            }
        }
        return std::make_unique<AtbCall>(abi, args);
    };
    return a;
}

ContractionSpec Contraction(const Case &c, int rank) {
    ContractionSpec s;
    s.world = c.world;
    if (const TensorSpec *x = c.Tensor(rank, "x")) s.out_dtype = s.lhs_dtype = s.rhs_dtype = x->dtype;
    return s;
}

Role RoleOf(const std::string &name) { return name == "x" ? Role::kData : Role::kOther; }

std::vector<int64_t> Int64s(const RankRawInputs &in, const char *name) {
    auto it = in.find(name);
    if (it == in.end()) throw std::invalid_argument(std::string(name) + " missing");
    std::vector<int64_t> out;
    for (uint64_t code : DeclaredCodes(it->second.spec, it->second.bytes)) out.push_back(static_cast<int64_t>(code));
    return out;
}

ExactCodes Exact(const Case &c, const std::vector<RankRawInputs> &inputs, const std::string &output, int rank) {
    const TensorSpec *out = c.Tensor(rank, output);
    if (out == nullptr) throw std::invalid_argument("no output tensor");
    // Whose data each rank of this rank's communicator may be, in their order there
    // (spec SourcesOf): one world rank each where the group forms as written (the whole world
    // with the caller's communicator, a rank's own world-1 group), any agreeing claimant in a
    // contested commDomain. Without a judged group, the whole world (nothing is compared then).
    spec::all_to_all_vv2::GroupSources group;
    if (auto found = spec::all_to_all_vv2::SourcesOf(c, rank)) {
        group = std::move(*found);
    } else {
        group.me = rank;
        for (int q = 0; q < static_cast<int>(inputs.size()); ++q) group.sources.push_back({q});
    }
    if (group.me < 0 || group.me >= static_cast<int>(group.sources.size())) {
        throw std::invalid_argument("rank not in its own group");
    }
    std::vector<std::vector<oracle::AllToAllVV2Rank>> sources(group.sources.size());
    for (size_t j = 0; j < group.sources.size(); ++j) {
        // The caller first at its own position: its counts place every block.
        std::vector<int> ranks = group.sources[j];
        if (static_cast<int>(j) == group.me) ranks = {rank};
        for (int q : ranks) {
            if (q < 0 || q >= static_cast<int>(inputs.size())) throw std::invalid_argument("group rank outside the world");
            const RankRawInputs &in = inputs[static_cast<size_t>(q)];
            auto x = in.find("x");
            if (x == in.end()) throw std::invalid_argument("x missing");
            oracle::AllToAllVV2Rank r;
            r.x = ViewCodes(x->second.spec, x->second.bytes);
            // A count array is read as its first rankSize values: its dims[0] is rankSize
            // (a2av.counts.length) and ATB reads that many from its host data; further dims
            // (a [4, 3, 22, 22] sdispls, coverage-only campaign of session 16) are not read.
            const size_t n = group.sources.size();
            const auto first_n = [n](std::vector<int64_t> v) {
                if (v.size() > n) v.resize(n);
                return v;
            };
            r.send = first_n(Int64s(in, "send_counts"));
            r.sdispls = first_n(Int64s(in, "sdispls"));
            r.recv = first_n(Int64s(in, "recv_counts"));
            r.rdispls = first_n(Int64s(in, "rdispls"));
            sources[j].push_back(std::move(r));
        }
    }
    ExactCodes codes;
    const std::vector<std::vector<uint64_t>> allowed =
        oracle::AllToAllVV2AllowedFromAny(sources, group.me, out->NumElements());
    codes.Reserve(allowed.size());
    for (const std::vector<uint64_t> &element : allowed) codes.AddAnyOf(element);
    return codes;
}

OpBinding Make() {
    OpBinding b;
    b.op = spec::all_to_all_vv2::kOp;
    b.api = Api();
    b.outputs = {{"output", OutputKind::kExact, /*replicated=*/false}};
    b.contraction = Contraction;
    b.role = RoleOf;
    b.exact = Exact;
    return b;
}

}  // namespace

MC2_REGISTER_OPERATOR(Make, spec::all_to_all_vv2::Family);

}  // namespace mc2::harness
