// impl/ops/common/memory_faults.h — the memory-discipline faults of faults.h (20-24), applied by
// an operator's execution after it has written its outputs. Header-only on purpose: kFault is a
// compile-time constant of the translation unit, and tests/broken recompiles only the operator's
// own sources with MC2IMPL_FAULT, so the hook must be compiled there. In the shipped library
// every branch is compile-time false and disappears.
#ifndef MC2_IMPL_OPS_COMMON_MEMORY_FAULTS_H_
#define MC2_IMPL_OPS_COMMON_MEMORY_FAULTS_H_

#include <chrono>
#include <cstdint>
#include <thread>

#include "ops/common/faults.h"
#include "ops/common/tensor_desc.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {

// `elementBytes` is the output's element width (2 for fp16/bf16); `rank` this rank's id.
inline void ApplyMemoryFaults(const TensorDesc &input, const TensorDesc &output, int elementBytes, void *workspace,
                              uint64_t workspaceBytes, uint32_t rank) {
    auto *out = static_cast<unsigned char *>(output.data);
    if constexpr (kFault == Fault::kModifyInput) {
        if (input.data != nullptr && input.spanBytes > 0) {
            static_cast<unsigned char *>(input.data)[input.offset * elementBytes] ^= 0x01;
        }
    } else if constexpr (kFault == Fault::kWritePastOutput) {
        if (out != nullptr && output.spanBytes > 0) {
            for (int b = 0; b < elementBytes; ++b) out[output.spanBytes + static_cast<uint64_t>(b)] = 0x3C;
        }
    } else if constexpr (kFault == Fault::kWritePastWorkspace) {
        if (workspace != nullptr) static_cast<unsigned char *>(workspace)[workspaceBytes] = 0x5A;
    } else if constexpr (kFault == Fault::kLateOutputWrite) {
        if (out != nullptr && output.spanBytes > 0) {
            unsigned char *target = out + output.offset * elementBytes;
            std::thread([target] {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                // Only while the memory is still allocated: the fault is a late write, not a crash.
                if (IsDeviceMemory(target, 1)) *target ^= 0x01;
            }).detach();
        }
    } else if constexpr (kFault == Fault::kRank1OneUlpOff) {
        if (rank == 1 && out != nullptr && output.spanBytes > 0 && elementBytes == 2) {
            // The low bit of every 16-bit code: each element one ulp away (NaN/Inf aside).
            for (uint64_t at = 0; at + 1 < output.spanBytes; at += 2) out[at] ^= 0x01;
        }
    }
    (void)input;
    (void)out;
    (void)elementBytes;
    (void)workspace;
    (void)workspaceBytes;
    (void)rank;
}

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_MEMORY_FAULTS_H_
