// spec/front_end/front_end.cc — the front-end call model, the evaluation (first broken check, else
// the dispatch), the case list of a family and its rendering (front_end.h).
#include "spec/front_end/front_end.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "harness/dtype_names.h"
#include "harness/signatures.h"

namespace mc2::spec::front_end {

std::string ArgToString(const Arg &arg) {
    if (std::holds_alternative<None>(arg)) return "None";
    if (const auto *t = std::get_if<harness::TensorSpec>(&arg)) return harness::ValueToString(harness::Value(*t));
    if (const auto *i = std::get_if<int64_t>(&arg)) return std::to_string(*i);
    if (const auto *d = std::get_if<double>(&arg)) return harness::ValueToString(harness::Value(*d));
    if (const auto *s = std::get_if<std::string>(&arg)) return harness::ValueToString(harness::Value(*s));
    if (const auto *b = std::get_if<bool>(&arg)) return *b ? "True" : "False";
    if (const auto *l = std::get_if<std::vector<int64_t>>(&arg)) {
        std::string out = "[";
        for (size_t i = 0; i < l->size(); ++i) out += (i ? "," : "") + std::to_string((*l)[i]);
        return out + "]";
    }
    return "<group>";
}

const Arg *Call::Find(const std::string &name) const {
    for (const auto &[n, v] : args) {
        if (n == name) return &v;
    }
    return nullptr;
}

const harness::TensorSpec *Call::T(const std::string &name) const {
    const Arg *a = Find(name);
    return a ? std::get_if<harness::TensorSpec>(a) : nullptr;
}

int64_t Call::I(const std::string &name, int64_t otherwise) const {
    const Arg *a = Find(name);
    const auto *i = a ? std::get_if<int64_t>(a) : nullptr;
    return i ? *i : otherwise;
}

bool Call::B(const std::string &name, bool otherwise) const {
    const Arg *a = Find(name);
    const auto *b = a ? std::get_if<bool>(a) : nullptr;
    return b ? *b : otherwise;
}

void Call::Set(const std::string &name, Arg value) {
    for (auto &[n, v] : args) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    args.emplace_back(name, std::move(value));
}

std::string Call::ToString() const {
    std::string out = function + "(";
    for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i].first + "=" + ArgToString(args[i].second);
    return out + ") platform=" + harness::PlatformName(platform) + " world=" + std::to_string(world) +
           " seed=" + std::to_string(seed);
}

const std::vector<Family> &AllFamilies() {
    // Named here rather than registered from static initialisers: the family files live in a
    // static library, where an unreferenced registrar would be dropped by the linker.
    static const std::vector<Family> families = [] {
        std::vector<Family> f = {MindSporeFamily(), MindSpeedFamily(), TorchNpuFamily()};
        std::sort(f.begin(), f.end(), [](const Family &a, const Family &b) { return a.name < b.name; });
        return f;
    }();
    return families;
}

const Family *FindFamily(const std::string &name) {
    for (const Family &f : AllFamilies()) {
        if (f.name == name) return &f;
        if (std::find(f.functions.begin(), f.functions.end(), name) != f.functions.end()) return &f;
    }
    return nullptr;
}

const Rule *FindRule(const std::string &id) {
    for (const Family &f : AllFamilies()) {
        for (const Rule &r : *f.rules) {
            if (r.id == id) return &r;
        }
    }
    return nullptr;
}

Verdict Evaluate(const Family &family, const Call &call) {
    Verdict v;
    for (const Rule &r : *family.rules) {
        if (r.kind == Rule::Kind::kCheck && r.applies(call)) {
            v.refused = &r;
            return v;
        }
    }
    v.dispatch = family.dispatch(call, &v.route);
    return v;
}

std::vector<FrontEndCase> Cases(const Family &family) {
    std::vector<FrontEndCase> out;
    std::set<std::string> seen;
    const std::vector<Call> valid = family.valid_calls();
    for (const Call &c : valid) {
        if (!seen.insert(c.ToString()).second) continue;
        const Verdict v = Evaluate(family, c);
        out.push_back({c, v.refused == nullptr, v.refused ? v.refused->id : v.route});
    }
    for (const Rule &r : *family.rules) {
        if (r.kind != Rule::Kind::kCheck) continue;
        for (const Call &c : valid) {
            std::optional<Call> bent = r.violate(c);
            // A violation that trips an earlier check is that check's case, not this one's.
            if (!bent || Evaluate(family, *bent).refused != &r || !seen.insert(bent->ToString()).second) continue;
            out.push_back({*bent, false, r.id});
        }
    }
    return out;
}

std::string RenderPlain(const Family &family) {
    std::string names;
    for (const std::string &f : family.functions) names += (names.empty() ? "" : ", ") + f;
    std::string out = "front-end " + family.name + " (" + names + "): " + std::to_string(family.rules->size()) + " rules\n";
    for (const Rule &r : *family.rules) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-34s %-9s %-10s ", r.id.c_str(),
                      r.kind == Rule::Kind::kCheck ? "refuse" : "dispatch", LevelName(r.level));
        out += buf + r.text + "\n";
    }
    return out;
}

std::string RenderMarkdown() {
    std::string md =
        "\n## Framework front-ends\n\nWhat the frameworks check and where they dispatch before any aclnn call; a "
        "refused call must never reach the API, an accepted one reaches the API its route names and is then judged "
        "as that API's case (`mc2conf export --front-end NAME`).\n";
    for (const Family &f : AllFamilies()) {
        std::string names;
        for (const std::string &fn : f.functions) names += (names.empty() ? "" : ", ") + ("`" + fn + "`");
        md += "\n### " + f.framework + ": " + names + " (front-end " + f.name + ")\n\n";
        md += "| rule | kind | level | what | source |\n|---|---|---|---|---|\n";
        for (const Rule &r : *f.rules) {
            md += "| `" + r.id + "` | " + (r.kind == Rule::Kind::kCheck ? "refuse" : "dispatch") + " | " +
                  LevelName(r.level) + " | " + r.text + " | " + r.citation + " |\n";
        }
        if (!f.decisions.empty()) {
            md += "\nDecisions:\n\n";
            for (const std::string &d : f.decisions) md += "- " + d + "\n";
        }
    }
    return md;
}

harness::TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape) {
    harness::TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    return t;
}

std::vector<int64_t> OutputShape(const harness::TensorSpec &x1, int64_t n) {
    std::vector<int64_t> s = x1.shape;
    if (s.empty()) return {n};
    s.back() = n;
    return s;
}

Rule Check(std::string id, std::string text, std::string citation, std::function<bool(const Call &)> refuses,
           std::function<std::optional<Call>(Call)> violate) {
    Rule r;
    r.id = std::move(id);
    r.kind = Rule::Kind::kCheck;
    r.text = std::move(text);
    r.citation = std::move(citation);
    r.applies = std::move(refuses);
    r.violate = [v = std::move(violate)](const Call &valid) { return v(valid); };
    return r;
}

Rule Route(std::string id, std::string text, std::string citation, std::function<bool(const Call &)> applies) {
    Rule r;
    r.id = std::move(id);
    r.kind = Rule::Kind::kDispatch;
    r.text = std::move(text);
    r.citation = std::move(citation);
    r.applies = std::move(applies);
    r.violate = [](const Call &) { return std::optional<Call>{}; };
    return r;
}

Dispatch ToApi(const Call &call, const std::string &op, const std::map<std::string, std::string> &tensor_args,
               const harness::ParamMap &attrs,
               const std::map<std::string, harness::TensorSpec> &outputs, std::vector<std::string> returns) {
    const harness::OpSignature *sig = harness::FindSignature(op);
    if (sig == nullptr) throw std::logic_error("front-end dispatch to an unregistered operator " + op);
    Dispatch d;
    d.api = sig->api;
    d.returns = std::move(returns);
    d.target.op = op;
    d.target.platform = call.platform;
    d.target.world = call.world;
    d.target.seed = call.seed;
    for (const harness::ParamDecl &p : sig->params) {
        harness::Value v = harness::Null{};
        if (auto o = outputs.find(p.name); o != outputs.end()) {
            v = o->second;
        } else if (auto a = attrs.find(p.name); a != attrs.end()) {
            v = a->second;
        } else if (p.kind == harness::ParamKind::kComm) {
            v = harness::CommName{};
        } else if (p.kind == harness::ParamKind::kTensor) {
            for (const auto &[kwarg, param] : tensor_args) {
                if (param != p.name) continue;
                d.tensor_args[kwarg] = param;
                if (const harness::TensorSpec *t = call.T(kwarg)) v = *t;
            }
        }
        d.target.params[p.name] = std::move(v);
    }
    d.target.Normalize();
    return d;
}

std::string FirstRoute(const std::vector<Rule> &rules, const Call &call) {
    for (const Rule &r : rules) {
        if (r.kind == Rule::Kind::kDispatch && r.applies(call)) return r.id;
    }
    return "";
}

const RouteTarget &FindTarget(const std::vector<RouteTarget> &table, const std::string &route, const Call &call) {
    for (const RouteTarget &t : table) {
        if (t.route == route && (t.function.empty() || t.function == call.function)) return t;
    }
    throw std::logic_error("front-end call " + call.ToString() + " reaches no dispatch route");
}

harness::ParamMap CommAttrs(const Call &call) {
    const Arg *reduce_op = call.Find("reduce_op");
    return {{"group", harness::CommName{}},
            {"reduce_op", std::string(reduce_op ? std::get<std::string>(*reduce_op) : "sum")},
            {"comm_turn", call.I("comm_turn")},
            {"stream_mode", int64_t{1}}};
}

bool IsIntegral(aclDataType dtype) {
    switch (dtype) {
        case ACL_INT8: case ACL_UINT8: case ACL_INT16: case ACL_INT32: case ACL_INT64: return true;
        default: return false;
    }
}

bool IsFloating(aclDataType dtype) { return dtype == ACL_FLOAT16 || dtype == ACL_BF16 || dtype == ACL_FLOAT; }

}  // namespace mc2::spec::front_end
