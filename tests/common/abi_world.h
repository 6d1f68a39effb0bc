// tests/common/abi_world.h — what every test of the implementation through its C ABI needs, in one
// place: the process-wide aclInit (with a short collective timeout, so a bug fails in seconds, not
// after CANN's 1836 s default), the recent error text, n ranks on devices 0..n-1 with a context
// and a stream each (the CANN examples' set-up), one thread per rank, and device tensors of 16-bit
// elements. Header-only and test-only; it sees include/ and nothing else.
#ifndef MC2_TESTS_COMMON_ABI_WORLD_H_
#define MC2_TESTS_COMMON_ABI_WORLD_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "hccl/hccl.h"

namespace mc2::testing {

using Shape = std::vector<int64_t>;

// aclInit once for the test binary (registered by the first translation unit that includes this).
class AclEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        setenv("MC2_HCCL_TIMEOUT_MS", "10000", 1);
        ASSERT_EQ(aclInit(nullptr), ACL_SUCCESS);
    }
    void TearDown() override { aclFinalize(); }
};
inline const auto *const kAclEnvironment = ::testing::AddGlobalTestEnvironment(new AclEnvironment);

inline std::string TakeErrors() {
    const char *m = aclGetRecentErrMsg();
    return m ? m : "";
}

// n ranks on devices 0..n-1, each with a context and a stream, created the CANN-example way.
struct World {
    explicit World(uint32_t size) : n(size), comms(size), contexts(size), streams(size), groups(size) {
        std::vector<int32_t> devices(n);
        for (uint32_t r = 0; r < n; ++r) {
            devices[r] = static_cast<int32_t>(r);
            EXPECT_EQ(aclrtSetDevice(devices[r]), ACL_SUCCESS);
        }
        EXPECT_EQ(HcclCommInitAll(n, devices.data(), comms.data()), HCCL_SUCCESS) << TakeErrors();
        for (uint32_t r = 0; r < n; ++r) {
            EXPECT_EQ(aclrtCreateContext(&contexts[r], devices[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
            EXPECT_EQ(aclrtCreateStream(&streams[r]), ACL_SUCCESS) << TakeErrors();
            char name[128] = {};
            EXPECT_EQ(HcclGetCommName(comms[r], name), HCCL_SUCCESS);
            groups[r] = name;
        }
    }
    ~World() {
        for (uint32_t r = 0; r < n; ++r) {
            aclrtSetCurrentContext(contexts[r]);
            aclrtDestroyStream(streams[r]);
            HcclCommDestroy(comms[r]);
            aclrtDestroyContext(contexts[r]);
        }
        for (uint32_t r = 0; r < n; ++r) aclrtResetDevice(static_cast<int32_t>(r));
        TakeErrors();
    }
    World(const World &) = delete;
    World &operator=(const World &) = delete;
    // fn(rank) on one thread per rank, with the rank's context current.
    void Run(const std::function<void(uint32_t)> &fn) {
        std::vector<std::thread> threads;
        for (uint32_t r = 0; r < n; ++r) {
            threads.emplace_back([&, r] {
                ASSERT_EQ(aclrtSetCurrentContext(contexts[r]), ACL_SUCCESS);
                fn(r);
            });
        }
        for (auto &t : threads) t.join();
    }
    uint32_t n;
    std::vector<HcclComm> comms;
    std::vector<aclrtContext> contexts;
    std::vector<aclrtStream> streams;
    std::vector<std::string> groups;
};

inline Shape Contiguous(const Shape &shape) {
    Shape s(shape.size(), 1);
    for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
    return s;
}

inline int64_t Numel(const Shape &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// A device tensor of 16-bit elements over `storage` (host copy), viewed with shape/strides.
struct DevTensor {
    DevTensor(const std::vector<uint16_t> &storage, const Shape &shape, const Shape &strides, aclDataType type,
              aclFormat format = ACL_FORMAT_ND, Shape storageShape = {}, int64_t offset = 0) {
        bytes = storage.size() * 2;
        if (bytes > 0) {
            EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclrtMemcpy(dev, bytes, storage.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
        if (storageShape.empty()) storageShape = {static_cast<int64_t>(storage.size())};
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), offset, format, storageShape.data(),
                            storageShape.size(), dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~DevTensor() {
        if (t != nullptr) aclDestroyTensor(t);
        if (dev != nullptr) aclrtFree(dev);
    }
    DevTensor(const DevTensor &) = delete;
    DevTensor &operator=(const DevTensor &) = delete;
    std::vector<uint16_t> Read() const {
        std::vector<uint16_t> host(bytes / 2);
        if (bytes > 0) {
            EXPECT_EQ(aclrtMemcpy(host.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        }
        return host;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

inline std::unique_ptr<DevTensor> Dense(const std::vector<uint16_t> &data, const Shape &shape, aclDataType type) {
    return std::make_unique<DevTensor>(data, shape, Contiguous(shape), type);
}

}  // namespace mc2::testing

#endif  // MC2_TESTS_COMMON_ABI_WORLD_H_
