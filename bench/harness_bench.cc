// bench/harness_bench.cc — what judging costs besides the operator: the quick gate's valid and
// invalid cases run in-process (harness RunCase, as --no-supervise does; the supervised gate adds
// a fork per case), and one mid-size case end to end (fill, poison, operator, oracle, compare)
// against the operator alone and the oracle alone on the same shape.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/operator_world.h"
#include "bench/summary.h"
#include "harness/abi/abi_table.h"
#include "harness/gates/gates.h"
#include "harness/run/run_case.h"
#include "oracle/codecs/codebook.h"
#include "oracle/matmul_all_reduce.h"

namespace mc2::bench {
namespace {

const harness::AbiTable &Abi() {
    static const std::unique_ptr<harness::AbiTable> abi = [] {
        std::string error;
        auto table = harness::AbiTable::Load({harness::DefaultImplPath()}, &error);
        if (!table) std::fprintf(stderr, "mc2bench: %s\n", error.c_str());
        return table;
    }();
    return *abi;
}

// The quick gate's cases of one kind (edge cases are left out: several wait on a peer's
// timeout by design, which measures the timeout, not the harness).
const std::vector<harness::Case> &GateCases(harness::gates::CaseKind kind) {
    static std::vector<harness::Case> valid, invalid;
    if (valid.empty()) {
        for (auto &gc : harness::gates::BuildGate(harness::gates::Gate::kQuick)) {
            if (gc.kind == harness::gates::CaseKind::kValid) valid.push_back(gc.value);
            if (gc.kind == harness::gates::CaseKind::kInvalid) invalid.push_back(gc.value);
        }
    }
    return kind == harness::gates::CaseKind::kValid ? valid : invalid;
}

// One iteration = one case, cycling through the gate's list in order.
void QuickGateCases(benchmark::State &state) {
    const auto &cases = GateCases(state.range(0) == 0 ? harness::gates::CaseKind::kValid : harness::gates::CaseKind::kInvalid);
    size_t next = 0, failed = 0;
    for (auto _ : state) {
        const harness::CaseResult r = harness::RunCase(cases[next], Abi());
        failed += harness::IsFailure(r.status) ? 1 : 0;
        next = (next + 1) % cases.size();
    }
    state.counters["failed"] = static_cast<double>(failed);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(QuickGateCases)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// The mid-size case: world 2, 256×1024×256 per rank, fp16.
constexpr int64_t kM = 256, kK = 1024, kN = 256;
constexpr const char *kDescriptor =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[256,1024] x2=float16[1024,256] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[256,256] seed=1 dist=normal sched=0";

void CaseEndToEnd(benchmark::State &state) {
    const harness::CaseParse parsed = harness::ParseCase(kDescriptor);
    if (!parsed.value) {
        state.SkipWithError(parsed.error.c_str());
        return;
    }
    for (auto _ : state) {
        const harness::CaseResult r = harness::RunCase(*parsed.value, Abi());
        if (r.status != harness::Status::kPassed) state.SkipWithError("the case did not pass");
    }
}

void CaseOperatorOnly(benchmark::State &state) {
    OperatorWorld world(2, kM, kK, kN);
    if (!world.ok() || !world.Call()) {
        state.SkipWithError("operator setup or call failed");
        return;
    }
    for (auto _ : state) world.Call();
}

void CaseOracleOnly(benchmark::State &state) {
    std::vector<oracle::MatmulAllReduceRank> ranks;
    for (int r = 0; r < 2; ++r) {
        oracle::MatmulAllReduceRank rk{{kM, kK, {}}, {kK, kN, {}}, std::nullopt, std::nullopt};
        for (uint16_t c : Fp16Codes(static_cast<size_t>(kM * kK), 10 + r)) rk.x1.v.push_back(static_cast<double>(Fp16Value(c)));
        for (uint16_t c : Fp16Codes(static_cast<size_t>(kK * kN), 20 + r)) rk.x2.v.push_back(static_cast<double>(Fp16Value(c)));
        ranks.push_back(std::move(rk));
    }
    for (auto _ : state) benchmark::DoNotOptimize(oracle::MatmulAllReduceBounds(ranks, ACL_FLOAT16));
}

BENCHMARK(CaseEndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(CaseOperatorOnly)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(CaseOracleOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

[[maybe_unused]] const bool kRows = [] {
    AddRatio({"quick gate, valid cases: seconds per case (in-process)", "QuickGateCases/0/min_time:2.000/real_time", "",
              "(cases/s = 1/x)"});
    AddRatio({"quick gate, invalid cases: seconds per case (in-process)", "QuickGateCases/1/min_time:2.000/real_time",
              "", "(cases/s = 1/x)"});
    AddRatio({"one case end to end / operator alone (w2 256x1024x256)", "CaseEndToEnd/real_time",
              "CaseOperatorOnly/real_time", "(harness + oracle overhead)"});
    AddRatio({"oracle fast mode / operator alone (same case)", "CaseOracleOnly/real_time",
              "CaseOperatorOnly/real_time", ""});
    return true;
}();

}  // namespace
}  // namespace mc2::bench
