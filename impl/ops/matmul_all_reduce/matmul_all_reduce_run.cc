// impl/ops/matmul_all_reduce/matmul_all_reduce_run.cc — the execute phase of
// aclnnMatmulAllReduce / V2, one stream task per call.
//
// Numerics (ops.md §2.7, the A2 kernel's order): per output row, acc = fp32(bias) then
// acc += x1 @ x2 in fp32 (kernels/gemm.h: increasing k, no FMA); y = round_T(acc) with
// round-to-nearest-even (overflow gives Inf); with x3: y = round_T(float(y) + float(x3));
// then AllReduce(sum) of y in T through the communicator.
//
// Pipeline: the m rows are cut into pieces (MatmulAllReducePlan::rowsPerPiece). The stream's
// worker computes piece after piece into the staging area of the workspace; a communication
// thread, fed by a queue of finished pieces, all-reduces each in place, so piece p's
// all-reduce overlaps piece p+1's compute. The output tensor is written only after every
// piece's all-reduce succeeded, so a failed run leaves it untouched. When this rank fails
// (memory freed under the task, a collective error, an internal error) it aborts the
// communicator so the peers' collectives fail at once instead of waiting for their timeout.
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/codecs.h"
#include "kernels/gemm.h"
#include "ops/common/faults.h"
#include "ops/matmul_all_reduce/matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

struct Piece {
    int64_t row0 = 0;
    int64_t rows = 0;
};

// The communication thread: all-reduces queued pieces of the staging buffer in order and
// stops at the first failure. Finish() (or the destructor) closes the queue and joins.
class CommPipe {
public:
    CommPipe(hccl::Communicator &comm, uint16_t *stage, int64_t n, HcclDataType type)
        : comm_(comm), stage_(stage), n_(n), type_(type) {
        thread_ = std::thread([this] { Loop(); });
    }
    ~CommPipe() { Finish(); }
    CommPipe(const CommPipe &) = delete;
    CommPipe &operator=(const CommPipe &) = delete;

    void Push(Piece p) {
        {
            std::lock_guard lock(mu_);
            queue_.push_back(p);
        }
        cv_.notify_one();
    }

    bool Failed() {
        std::lock_guard lock(mu_);
        return failed_;
    }

    // Waits until every queued piece has been all-reduced (or the first failure); returns the
    // failure, if any, and the rows it concerned.
    hccl::Status Finish(Piece *failedPiece = nullptr) {
        {
            std::lock_guard lock(mu_);
            closed_ = true;
        }
        cv_.notify_one();
        if (thread_.joinable()) thread_.join();
        if (failedPiece != nullptr) *failedPiece = failedPiece_;
        return error_;
    }

private:
    void Loop() {
        for (;;) {
            Piece p;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [this] { return closed_ || !queue_.empty(); });
                if (queue_.empty()) return;
                p = queue_.front();
                queue_.pop_front();
            }
            uint16_t *at = stage_ + p.row0 * n_;
            hccl::Status st = comm_.AllReduce(at, at, static_cast<uint64_t>(p.rows * n_), type_, HCCL_REDUCE_SUM);
            if (!st.ok()) {
                std::lock_guard lock(mu_);
                error_ = std::move(st);
                failedPiece_ = p;
                failed_ = true;
                return;
            }
        }
    }

    hccl::Communicator &comm_;
    uint16_t *const stage_;
    const int64_t n_;
    const HcclDataType type_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Piece> queue_;
    bool closed_ = false;
    bool failed_ = false;
    hccl::Status error_;
    Piece failedPiece_;
    std::thread thread_;
};

class MatmulAllReduceRun final : public OpRun {
public:
    explicit MatmulAllReduceRun(MatmulAllReducePlan plan) : p_(std::move(plan)) {}

    int32_t DeviceId() const override { return p_.comm->DeviceId(); }

    aclError Run(void *workspace) override {
        // Nothing may escape a stream task without aborting the group first: the peers would
        // otherwise wait for this rank until their timeout.
        try {
            return RunChecked(workspace);
        } catch (const std::exception &e) {
            return Fail(std::string("internal error: ") + e.what());
        } catch (...) {
            return Fail("internal error (unknown exception)");
        }
    }

private:
    bool IsHalf() const { return p_.dataType == ACL_FLOAT16; }
    float Decode(uint16_t code) const { return IsHalf() ? codec::HalfToFloat(code) : codec::Bf16ToFloat(code); }
    uint16_t Encode(float v) const { return IsHalf() ? codec::FloatToHalf(v) : codec::FloatToBf16(v); }
    static uint16_t LoadCode(const TensorDesc &t, int64_t index) {
        uint16_t code;
        std::memcpy(&code, static_cast<const unsigned char *>(t.data) + index * 2, sizeof code);
        return code;
    }

    aclError Fail(const std::string &why) {
        ReportError("%s: rank %u of group \"%s\": %s", p_.api.c_str(), p_.comm->Rank(), p_.comm->Name().c_str(),
                    why.c_str());
        p_.comm->Abort("rank " + std::to_string(p_.comm->Rank()) + " failed in " + p_.api + ": " + why);
        return ACLNN_ERR_INNER;
    }

    // Every rank must describe the same all-reduce: [m, n], dtype, commTurn and piece split. HCCL
    // only sees byte counts, so ranks passing bf16 and fp16 (or m split into equal byte counts)
    // would sum garbage silently; one AllGather of a small descriptor turns that into a clean
    // error on every rank (spec rule mar.xrank.mismatch expects a runtime error there). commTurn
    // is compared itself, not only the piece size it yields, so that a disagreement fails
    // whatever m is.
    bool SameCallOnEveryRank(std::string *why) const {
        constexpr int kFields = 5;
        const int64_t mine[kFields] = {p_.m, p_.n, static_cast<int64_t>(p_.dataType), p_.commTurn, p_.rowsPerPiece};
        std::vector<int64_t> all(static_cast<size_t>(kFields) * p_.comm->Size());
        const hccl::Status st = p_.comm->AllGather(mine, all.data(), kFields, HCCL_DATA_TYPE_INT64);
        if (!st.ok()) {
            *why = std::string("shape handshake failed: ") + hccl::ResultName(st.code) + ": " + st.message;
            return false;
        }
        static const char *const kNames[kFields] = {"m", "n", "dtype", "commTurn", "rows per piece"};
        for (uint32_t r = 0; r < p_.comm->Size(); ++r) {
            for (int f = 0; f < kFields; ++f) {
                const int64_t theirs = all[static_cast<size_t>(r) * kFields + static_cast<size_t>(f)];
                if (theirs != mine[f]) {
                    *why = std::string("ranks disagree on the all-reduce: ") + kNames[f] + " is " +
                           std::to_string(mine[f]) + " on rank " + std::to_string(p_.comm->Rank()) + " but " +
                           std::to_string(theirs) + " on rank " + std::to_string(r);
                    return false;
                }
            }
        }
        return true;
    }

    // The caller may have freed memory between the two phases; touching it would corrupt
    // whatever reused it.
    bool MemoryStillValid(void *workspace, std::string *why) const {
        const std::pair<const TensorDesc *, const char *> all[] = {
            {&p_.x1, "x1"}, {&p_.x2, "x2"}, {&p_.output, "output"}, {p_.hasBias ? &p_.bias : nullptr, "bias"},
            {p_.hasX3 ? &p_.x3 : nullptr, "x3"}};
        for (const auto &[t, name] : all) {
            if (t == nullptr || t->spanBytes == 0) continue;
            if (!IsDeviceMemory(t->data, t->spanBytes)) {
                *why = std::string(name) + " memory was freed before the operator ran";
                return false;
            }
        }
        if (!IsDeviceMemory(workspace, p_.workspaceBytes)) {
            *why = "workspace memory was freed before the operator ran";
            return false;
        }
        return true;
    }

    aclError RunChecked(void *workspace) {
        std::string why;
        if (!MemoryStillValid(workspace, &why)) return Fail(why);
        if (!SameCallOnEveryRank(&why)) {
            // Every rank saw the same gathered descriptors and fails the same way, so the
            // communicator stays consistent and usable: no abort.
            ReportError("%s: rank %u of group \"%s\": %s", p_.api.c_str(), p_.comm->Rank(),
                        p_.comm->Name().c_str(), why.c_str());
            return ACLNN_ERR_INNER;
        }
        auto *wsBytes = static_cast<unsigned char *>(workspace);
        auto *stage = reinterpret_cast<uint16_t *>(wsBytes);
        auto *acc = reinterpret_cast<float *>(wsBytes + p_.accOffset);
        // x2 is decoded and packed once; every piece multiplies by the packed copy.
        const auto elem = IsHalf() ? kernels::GemmElement::kFloat16 : kernels::GemmElement::kBfloat16;
        const kernels::GemmOperand b{static_cast<const unsigned char *>(p_.x2.data) + p_.x2.offset * 2, elem,
                                     p_.x2.strides[0], p_.x2.strides[1]};
        const kernels::GemmPackedB packedB = kernels::GemmPackB(
            kernels::GemmIsa::kAuto, p_.k, p_.n, b, reinterpret_cast<float *>(wsBytes + p_.packedBOffset));
        std::vector<float> bias(static_cast<size_t>(p_.n), 0.0f);
        if (p_.hasBias && !(kFault == Fault::kDropBiasOnRank1 && p_.comm->Rank() == 1)) {
            for (int64_t j = 0; j < p_.n; ++j) bias[j] = Decode(LoadCode(p_.bias, p_.bias.offset + j * p_.bias.strides[0]));
        }

        const HcclDataType type = IsHalf() ? HCCL_DATA_TYPE_FP16 : HCCL_DATA_TYPE_BFP16;
        std::string computeError;
        hccl::Status commError;
        Piece failedPiece;
        {
            std::optional<CommPipe> pipe;
            try {
                pipe.emplace(*p_.comm, stage, p_.n, type);
                for (int64_t r0 = 0; r0 < p_.m; r0 += p_.rowsPerPiece) {
                    if (pipe->Failed()) break;  // the collective failed: stop computing
                    const Piece piece{r0, std::min(p_.rowsPerPiece, p_.m - r0)};
                    ComputePiece(piece, bias, packedB, stage, acc);
                    pipe->Push(piece);
                }
            } catch (const std::exception &e) {
                computeError = e.what();
            } catch (...) {
                computeError = "unknown exception";
            }
            // Release the peers (and our own communication thread, if it waits for them)
            // before joining.
            if (!computeError.empty()) p_.comm->Abort("rank " + std::to_string(p_.comm->Rank()) + " failed in " +
                                                      p_.api + ": " + computeError);
            if (pipe) commError = pipe->Finish(&failedPiece);
        }
        if (!computeError.empty()) return Fail("compute failed: " + computeError);
        if (!commError.ok()) {
            return Fail("all-reduce of rows [" + std::to_string(failedPiece.row0) + ", " +
                        std::to_string(failedPiece.row0 + failedPiece.rows) + ") failed: " +
                        hccl::ResultName(commError.code) + ": " + commError.message);
        }
        if (!CheckGuards(workspace)) return Fail("the workspace guard bytes were overwritten (internal error)");
        WriteOutput(stage);
        return ACL_SUCCESS;
    }

    // Rows [piece.row0, + piece.rows) into the staging area, in accumulator chunks.
    void ComputePiece(const Piece &piece, const std::vector<float> &bias, const kernels::GemmPackedB &packedB,
                      uint16_t *stage, float *acc) const {
        const auto elem = IsHalf() ? kernels::GemmElement::kFloat16 : kernels::GemmElement::kBfloat16;
        const int64_t n = p_.n;
        for (int64_t c0 = piece.row0; c0 < piece.row0 + piece.rows; c0 += p_.chunkRows) {
            const int64_t rows = std::min(p_.chunkRows, piece.row0 + piece.rows - c0);
            for (int64_t i = 0; i < rows; ++i) std::memcpy(acc + i * n, bias.data(), static_cast<size_t>(n) * 4);
            if (kFault == Fault::kLowPrecisionAccumulation) {
                AccumulateInOutputPrecision(c0, rows, acc);
            } else if (p_.k > 0) {
                // x1 is contiguous (checked), so its rows are k elements apart.
                const kernels::GemmOperand a{static_cast<const unsigned char *>(p_.x1.data) + p_.x1.RowOffset(c0) * 2,
                                             elem, p_.k, 1};
                kernels::GemmAccumulatePacked(rows, a, packedB, acc, n);
            }
            for (int64_t i = 0; i < rows; ++i) {
                const float *in = acc + i * n;
                uint16_t *out = stage + (c0 + i) * n;
                if (!p_.hasX3) {
                    for (int64_t j = 0; j < n; ++j) out[j] = Encode(in[j]);
                    continue;
                }
                const int64_t x3Row = p_.x3.RowOffset(c0 + i);
                const int64_t x3Col = p_.x3.ColStride();
                for (int64_t j = 0; j < n; ++j) {
                    // Both operands to fp32, add, round to T: the bf16 kernel's Cast-Add-Cast. For
                    // fp16 it equals the kernel's native fp16 add: fp32 carries at least 2p + 2
                    // bits for p = 11, so rounding the fp32 sum again is the correctly rounded sum.
                    const float y = Decode(Encode(in[j]));
                    out[j] = Encode(y + Decode(LoadCode(p_.x3, x3Row + j * x3Col)));
                }
            }
        }
    }

    // Fault kLowPrecisionAccumulation only (faults.h): every partial sum rounded to T.
    void AccumulateInOutputPrecision(int64_t row0, int64_t rows, float *acc) const {
        for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < p_.n; ++j) {
                float sum = acc[i * p_.n + j];
                for (int64_t q = 0; q < p_.k; ++q) {
                    const float a = Decode(LoadCode(p_.x1, p_.x1.RowOffset(row0 + i) + q));
                    const float b = Decode(LoadCode(p_.x2, p_.x2.offset + q * p_.x2.strides[0] + j * p_.x2.strides[1]));
                    sum = Decode(Encode(sum + a * b));
                }
                acc[i * p_.n + j] = sum;
            }
        }
    }

    void WriteOutput(const uint16_t *stage) const {
        const int64_t n = p_.n;
        const int64_t col = p_.output.ColStride();
        auto *base = static_cast<unsigned char *>(p_.output.data);
        for (int64_t i = 0; i < p_.m; ++i) {
            unsigned char *row = base + p_.output.RowOffset(i) * 2;
            if (col == 1 || n == 1) {
                std::memcpy(row, stage + i * n, static_cast<size_t>(n) * 2);
                continue;
            }
            for (int64_t j = 0; j < n; ++j) std::memcpy(row + j * col * 2, stage + i * n + j, 2);
        }
    }

    MatmulAllReducePlan p_;
};

}  // namespace

std::unique_ptr<OpRun> MakeMatmulAllReduceRun(MatmulAllReducePlan plan) {
    return std::make_unique<MatmulAllReduceRun>(std::move(plan));
}

}  // namespace mc2::impl::ops
