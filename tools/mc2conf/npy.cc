// tools/mc2conf/npy.cc — .npy reading and writing (npy.h). Only what the bundles need: C order,
// fixed-width little-endian codes; the header is parsed strictly enough that a damaged file is
// a clear error, not a misread.
#include "tools/mc2conf/npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace mc2::tools {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// Bytes of one element of a descr we accept ("<f2" -> 2); 0 for one we do not.
size_t ElementBytes(const std::string &descr) {
    if (descr.size() < 3) return 0;
    const char order = descr[0];
    const char kind = descr[1];
    if (std::string("iufb").find(kind) == std::string::npos) return 0;
    size_t n = 0;
    for (size_t i = 2; i < descr.size(); ++i) {
        if (descr[i] < '0' || descr[i] > '9') return 0;
        n = n * 10 + static_cast<size_t>(descr[i] - '0');
        if (n > 8) return 0;
    }
    if (n != 1 && n != 2 && n != 4 && n != 8) return 0;
    if (kind == 'b' && n != 1) return 0;
    if (kind == 'f' && n == 1) return 0;
    // Multi-byte codes must be little-endian ('<', or '=' on this little-endian host).
    if (n == 1 ? (order != '|' && order != '<' && order != '=') : (order != '<' && order != '=')) return 0;
    return n;
}

// The value of `key` in the header dict: the text after "'key':" up to the next top-level ','
// or '}' (a tuple's commas are inside parentheses).
bool DictValue(const std::string &header, const std::string &key, std::string *value) {
    const std::string quoted = "'" + key + "'";
    size_t at = header.find(quoted);
    if (at == std::string::npos) return false;
    at = header.find(':', at + quoted.size());
    if (at == std::string::npos) return false;
    ++at;
    int depth = 0;
    size_t end = at;
    for (; end < header.size(); ++end) {
        const char c = header[end];
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (depth == 0 && (c == ',' || c == '}')) break;
    }
    if (depth != 0 || end >= header.size()) return false;
    std::string v = header.substr(at, end - at);
    const size_t first = v.find_first_not_of(" ");
    const size_t last = v.find_last_not_of(" ");
    *value = first == std::string::npos ? "" : v.substr(first, last - first + 1);
    return true;
}

bool ParseShape(const std::string &text, std::vector<int64_t> *shape) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
    shape->clear();
    const std::string inner = text.substr(1, text.size() - 2);
    size_t i = 0;
    while (i < inner.size()) {
        while (i < inner.size() && (inner[i] == ' ' || inner[i] == ',')) ++i;
        if (i >= inner.size()) break;
        int64_t v = 0;
        size_t digits = 0;
        while (i < inner.size() && inner[i] >= '0' && inner[i] <= '9') {
            if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) return false;
            v = v * 10 + (inner[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0) return false;
        shape->push_back(v);
        while (i < inner.size() && inner[i] == ' ') ++i;
        if (i < inner.size() && inner[i] != ',') return false;
    }
    return true;
}

}  // namespace

std::string NpyDescr(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16: return "<f2";
        case ACL_FLOAT: return "<f4";
        case ACL_DOUBLE: return "<f8";
        case ACL_INT8: return "|i1";
        case ACL_INT16: return "<i2";
        case ACL_INT32: return "<i4";
        case ACL_INT64: return "<i8";
        case ACL_UINT8: return "|u1";
        case ACL_UINT16: return "<u2";
        case ACL_UINT32: return "<u4";
        case ACL_UINT64: return "<u8";
        case ACL_BOOL: return "|b1";
        // Raw codes; the manifest names the format.
        case ACL_BF16: return "<u2";
        case ACL_HIFLOAT8:
        case ACL_FLOAT8_E5M2:
        case ACL_FLOAT8_E4M3FN:
        case ACL_FLOAT8_E8M0:
        case ACL_FLOAT4_E2M1:
        case ACL_FLOAT4_E1M2:
        case ACL_INT4: return "|u1";
        default: return "";
    }
}

bool WriteNpy(const std::string &path, const NpyArray &a, std::string *error) {
    const size_t width = ElementBytes(a.descr);
    if (width == 0) {
        *error = path + ": cannot write numpy type '" + a.descr + "'";
        return false;
    }
    std::string shape = "(";
    for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : i + 1 < a.shape.size() ? ", " : "");
    shape += ")";
    std::string header = "{'descr': '" + a.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to 64 bytes.
    const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string out(kMagic, kMagicSize);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xFF);
    out += static_cast<char>((header.size() >> 8) & 0xFF);
    out += header;
    out.reserve(out.size() + a.codes.size() * width);
    for (uint64_t code : a.codes) {
        for (size_t b = 0; b < width; ++b) out += static_cast<char>((code >> (8 * b)) & 0xFF);
    }
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f) {
        *error = path + ": cannot write";
        return false;
    }
    return true;
}

bool ReadNpy(const std::string &path, NpyArray *a, std::string *error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        *error = path + ": missing or unreadable";
        return false;
    }
    const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto bad = [&](const std::string &why) {
        *error = path + ": " + why;
        return false;
    };
    if (data.size() < kMagicSize + 4 || data.compare(0, kMagicSize, kMagic, kMagicSize) != 0) {
        return bad("not a .npy file (no \\x93NUMPY magic)");
    }
    const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(data[i])); };
    const size_t major = byte(kMagicSize);
    size_t header_len = 0;
    size_t header_at = 0;
    if (major == 1) {
        header_len = byte(8) | (byte(9) << 8);
        header_at = 10;
    } else if (major == 2 || major == 3) {
        if (data.size() < 12) return bad("truncated header");
        header_len = byte(8) | (byte(9) << 8) | (byte(10) << 16) | (byte(11) << 24);
        header_at = 12;
    } else {
        return bad("unsupported .npy version " + std::to_string(major));
    }
    if (header_at + header_len > data.size()) return bad("truncated header");
    const std::string header = data.substr(header_at, header_len);
    std::string descr;
    std::string fortran;
    std::string shape_text;
    if (!DictValue(header, "descr", &descr) || !DictValue(header, "fortran_order", &fortran) ||
        !DictValue(header, "shape", &shape_text)) {
        return bad("malformed header (needs 'descr', 'fortran_order' and 'shape')");
    }
    if (descr.size() < 2 || descr.front() != '\'' || descr.back() != '\'') return bad("malformed 'descr'");
    a->descr = descr.substr(1, descr.size() - 2);
    const size_t width = ElementBytes(a->descr);
    if (width == 0) return bad("unsupported numpy type '" + a->descr + "'");
    if (fortran != "False") return bad("Fortran order is not supported (write C order)");
    if (!ParseShape(shape_text, &a->shape)) return bad("malformed 'shape' " + shape_text);
    uint64_t count = 1;
    for (int64_t d : a->shape) {
        if (d != 0 && count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d)) return bad("shape too large");
        count *= static_cast<uint64_t>(d);
    }
    const size_t at = header_at + header_len;
    const size_t have = data.size() - at;
    if (count > have / width || have != count * width) {
        return bad("holds " + std::to_string(have) + " data bytes, shape " + shape_text + " of '" + a->descr + "' needs " +
                   std::to_string(count * width));
    }
    a->codes.assign(static_cast<size_t>(count), 0);
    for (size_t e = 0; e < a->codes.size(); ++e) {
        uint64_t code = 0;
        for (size_t b = 0; b < width; ++b) code |= static_cast<uint64_t>(byte(at + e * width + b)) << (8 * b);
        a->codes[e] = code;
    }
    return true;
}

}  // namespace mc2::tools
