// tools/mc2conf/bundle.cc — case bundle paths and storage <-> .npy (bundle.h).
#include "tools/mc2conf/bundle.h"

#include <cstdio>

#include "harness/dtype_names.h"
#include "harness/fill/element.h"
#include "harness/fill/storage.h"

namespace mc2::tools {

std::string CaseDir(int index) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "case-%05d", index);
    return buf;
}

std::string TensorPath(int index, int rank, const std::string &name) {
    return CaseDir(index) + "/rank" + std::to_string(rank) + "/" + name + ".npy";
}

std::string ResultPath(int index, int rank, const std::string &name) {
    return CaseDir(index) + "/rank" + std::to_string(rank) + "/result/" + name + ".npy";
}

std::string StatusPath(int index, int rank) {
    return CaseDir(index) + "/rank" + std::to_string(rank) + "/result/status.json";
}

std::vector<int64_t> NpyShape(const harness::TensorSpec &spec) {
    const int64_t capacity = harness::StorageCapacity(spec);
    const std::vector<int64_t> storage = spec.StorageShape();
    int64_t product = 1;
    for (int64_t d : storage) product *= d;
    if (!storage.empty() && product == capacity) return storage;
    return {capacity};
}

NpyArray StorageToNpy(const harness::TensorSpec &spec, const std::vector<uint8_t> &storage) {
    NpyArray a;
    a.descr = NpyDescr(spec.dtype);
    a.shape = NpyShape(spec);
    const int bits = harness::StorageBits(spec.dtype);
    const int64_t capacity = harness::StorageCapacity(spec);
    a.codes.resize(static_cast<size_t>(capacity));
    for (int64_t i = 0; i < capacity; ++i) a.codes[static_cast<size_t>(i)] = harness::LoadCode(storage.data(), bits, i);
    return a;
}

bool NpyToStorage(const harness::TensorSpec &spec, const NpyArray &array, const std::vector<uint8_t> &initial,
                  std::vector<uint8_t> *storage, std::string *error) {
    const std::string want = NpyDescr(spec.dtype);
    // '=' is native order, little-endian here; '|' and '<' name the same single-byte layout.
    auto same = [](std::string a, std::string b) {
        for (std::string *s : {&a, &b}) {
            if (!s->empty() && ((*s)[0] == '=' || (*s)[0] == '|')) (*s)[0] = '<';
        }
        return a == b;
    };
    if (!same(array.descr, want)) {
        *error = "numpy type '" + array.descr + "', the manifest's " + harness::DtypeName(spec.dtype) + " is '" + want + "'";
        return false;
    }
    const std::vector<int64_t> shape = NpyShape(spec);
    if (array.shape != shape) {
        auto text = [](const std::vector<int64_t> &s) {
            std::string t = "(";
            for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
            return t + ")";
        };
        *error = "shape " + text(array.shape) + ", the manifest's storage is " + text(shape);
        return false;
    }
    const int bits = harness::StorageBits(spec.dtype);
    *storage = initial;
    for (size_t i = 0; i < array.codes.size(); ++i) {
        if (bits < 64 && (array.codes[i] >> bits) != 0) {
            *error = "element " + std::to_string(i) + " holds 0x" + [&] {
                char buf[24];
                std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(array.codes[i]));
                return std::string(buf);
            }() + ", wider than a " + std::to_string(bits) + "-bit " + harness::DtypeName(spec.dtype) + " code";
            return false;
        }
        harness::StoreCode(storage->data(), bits, static_cast<int64_t>(i), array.codes[i]);
    }
    return true;
}

}  // namespace mc2::tools
