// harness/ops/aclnn_api.h — the ApiBinding of an aclnn two-phase operator, derived from the C
// type of its first phase:
//
//     AclnnApi<decltype(&aclnnFooGetWorkspaceSize)>("aclnnFoo", {"x1", "x2", "bias", "group", "out"})
//
// The parameter kinds come from the function's parameter types (const aclTensor * → tensor,
// const char * → string, int64_t → integer, double → number); the names are checked against the
// type's arity at compile time; the call passes each rank's values in that order, then
// (uint64_t *workspaceSize, aclOpExecutor **executor). The second phase is <api>(workspace,
// workspaceSize, executor, stream), one signature for every aclnn operator. Only the function's
// type is used: the harness never links an implementation, it resolves both names with dlsym.
#ifndef MC2_HARNESS_OPS_ACLNN_API_H_
#define MC2_HARNESS_OPS_ACLNN_API_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "harness/ops/binding.h"

namespace mc2::harness {
namespace aclnn_internal {

template <typename T>
constexpr ParamKind KindOf() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, const aclTensor *> || std::is_same_v<U, aclTensor *>) {
        return ParamKind::kTensor;
    } else if constexpr (std::is_same_v<U, const char *> || std::is_same_v<U, char *>) {
        return ParamKind::kString;
    } else if constexpr (std::is_same_v<U, int64_t>) {
        return ParamKind::kInt;
    } else if constexpr (std::is_same_v<U, double>) {
        return ParamKind::kDouble;
    } else {
        static_assert(sizeof(T) == 0, "aclnn parameter type without a ParamKind: extend KindOf and CallArgs");
    }
}

template <typename T>
T ArgOf(const CallArgs &a, const std::string &name) {
    constexpr ParamKind kind = KindOf<T>();
    if constexpr (kind == ParamKind::kTensor) {
        return a.T(name);
    } else if constexpr (kind == ParamKind::kString) {
        return a.S(name);
    } else if constexpr (kind == ParamKind::kInt) {
        return a.I(name);
    } else {
        return a.D(name);
    }
}

template <typename Fn>
struct FirstPhase;
template <typename... P>
struct FirstPhase<aclnnStatus (*)(P...)> {
    static constexpr size_t kArity = sizeof...(P) - 2;  // less workspaceSize and executor
    using Params = std::tuple<P...>;
    static_assert(sizeof...(P) >= 2, "an aclnn first phase ends with (uint64_t *, aclOpExecutor **)");
    static_assert(std::is_same_v<std::tuple_element_t<sizeof...(P) - 2, Params>, uint64_t *> &&
                      std::is_same_v<std::tuple_element_t<sizeof...(P) - 1, Params>, aclOpExecutor **>,
                  "an aclnn first phase ends with (uint64_t *workspaceSize, aclOpExecutor **executor)");
};

using SecondPhase = aclnnStatus (*)(void *, uint64_t, aclOpExecutor *, aclrtStream);

template <typename Fn, size_t N>
class AclnnCall final : public OpCall {
public:
    AclnnCall(Fn prepare, SecondPhase execute, const CallArgs &args, const std::array<std::string, N> &names)
        : prepare_(prepare), execute_(execute), args_(args), names_(names) {}

    int32_t Prepare(uint64_t *workspace_size) override {
        return Invoke(std::make_index_sequence<N>{}, workspace_size);
    }
    int32_t Execute(void *workspace, uint64_t workspace_size, aclrtStream stream) override {
        return execute_(workspace, workspace_size, executor_, stream);
    }

private:
    template <size_t... I>
    int32_t Invoke(std::index_sequence<I...>, uint64_t *workspace_size) {
        using Params = typename FirstPhase<Fn>::Params;
        return prepare_(ArgOf<std::tuple_element_t<I, Params>>(args_, names_[I])..., workspace_size, &executor_);
    }

    Fn prepare_;
    SecondPhase execute_;
    const CallArgs &args_;
    const std::array<std::string, N> &names_;
    aclOpExecutor *executor_ = nullptr;
};

template <typename Fn, size_t... I>
std::vector<ParamDecl> Decls(const std::array<std::string, sizeof...(I)> &names, std::index_sequence<I...>) {
    using Params = typename FirstPhase<Fn>::Params;
    return {ParamDecl{names[I], KindOf<std::tuple_element_t<I, Params>>()}...};
}

}  // namespace aclnn_internal

// `names` must have exactly one entry per parameter before (workspaceSize, executor).
template <typename Fn, size_t N>
ApiBinding AclnnApi(const std::string &api, const char *const (&names)[N]) {
    static_assert(N == aclnn_internal::FirstPhase<Fn>::kArity,
                  "AclnnApi: one name per parameter of the first phase (before workspaceSize, executor)");
    auto held = std::make_shared<std::array<std::string, N>>();
    for (size_t i = 0; i < N; ++i) (*held)[i] = names[i];
    ApiBinding b;
    b.api = api;
    b.params = aclnn_internal::Decls<Fn>(*held, std::make_index_sequence<N>{});
    b.symbols = {api + "GetWorkspaceSize", api};
    b.bind = [held, api](const AbiTable &abi, const CallArgs &args, std::string *error) -> std::unique_ptr<OpCall> {
        void *first = abi.Find(api + "GetWorkspaceSize");
        void *second = abi.Find(api);
        if (first == nullptr || second == nullptr) {
            *error = abi.MissingSymbolMessage(first == nullptr ? api + "GetWorkspaceSize" : api);
            return nullptr;
        }
        return std::make_unique<aclnn_internal::AclnnCall<Fn, N>>(
            reinterpret_cast<Fn>(first), reinterpret_cast<aclnn_internal::SecondPhase>(second), args, *held);
    };
    return b;
}

}  // namespace mc2::harness

#endif  // MC2_HARNESS_OPS_ACLNN_API_H_
