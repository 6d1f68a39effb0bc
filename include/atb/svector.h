// atb/svector.h — the small vector ATB passes tensor lists in (VariantPack, InferShape).
//
// The public ATB header defines SVector inline, so a vendor libatb.so and a program built
// against these headers share its objects across the library boundary: the data layout
// (capacity, size, 64 + 1 inline elements, heap pointer), the capacities (64 inline, at most
// 256 on the heap, malloc/free) and the bounds-checked accessors follow that header's
// documented behaviour. The code is this project's own.
#ifndef MC2_INCLUDE_ATB_SVECTOR_H_
#define MC2_INCLUDE_ATB_SVECTOR_H_

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <memory>
#include <new>
#include <ostream>
#include <stdexcept>
#include <string>

namespace atb {

constexpr std::size_t MAX_SVECTOR_SIZE = 256;      // most elements an SVector holds
constexpr std::size_t DEFAULT_SVECTOR_SIZE = 64;   // elements held without a heap allocation
constexpr bool CHECK_BOUND = true;

// Thrown when an SVector would grow past its capacity.
struct MaxSizeExceeded : public std::exception {
    explicit MaxSizeExceeded(std::size_t size, std::size_t capacity = DEFAULT_SVECTOR_SIZE)
        : message_("Exceeded the capacity, " + std::to_string(capacity) + " of SVector, and got size: " +
                   std::to_string(size)) {}
    const char *what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

template <class T>
class SVector {
public:
    SVector() = default;
    SVector(std::initializer_list<T> list) { Assign(list.begin(), list.size()); }
    explicit SVector(std::size_t size, const T &value = T{}) {
        Reserve(size);
        T *buf = Buffer();
        for (std::size_t i = 0; i < size; ++i) buf[i] = value;
        size_ = size;
    }
    SVector(const SVector &other) { Assign(other.begin(), other.size_); }
    SVector &operator=(const SVector &other) {
        if (this != &other) Assign(other.begin(), other.size_);
        return *this;
    }
    SVector &operator=(std::initializer_list<T> list) {
        Assign(list.begin(), list.size());
        return *this;
    }
    ~SVector() { FreeHeap(); }

    void push_back(const T &value) {
        if (size_ + 1 > Capacity()) Reserve(size_ + 1);
        Buffer()[size_++] = value;
    }
    void insert(std::size_t pos, const T &value) {
        if (pos > size_) throw std::out_of_range("SVector insert index out of range");
        if (size_ + 1 > Capacity()) Reserve(size_ + 1);
        T *buf = Buffer();
        for (std::size_t i = size_; i > pos; --i) buf[i] = buf[i - 1];
        buf[pos] = value;
        ++size_;
    }
    // Changes the size (new elements keep whatever the slot held: value-initialised unless
    // the vector was larger before); the capacity grows as needed, up to MAX_SVECTOR_SIZE.
    void resize(std::size_t size) {
        Reserve(size);
        size_ = size;
    }
    // Makes room for `size` elements without changing the size.
    void reserve(std::size_t size) { Reserve(size); }
    void clear() noexcept { size_ = 0; }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T *data() noexcept { return Buffer(); }
    const T *data() const noexcept { return Buffer(); }
    T *begin() noexcept { return Buffer(); }
    T *end() noexcept { return Buffer() + size_; }
    const T *begin() const noexcept { return Buffer(); }
    const T *end() const noexcept { return Buffer() + size_; }

    T &operator[](std::size_t i) { return at(i); }
    const T &operator[](std::size_t i) const { return at(i); }
    T &at(std::size_t i) {
        if (i >= size_) throw std::out_of_range("SVector index out of range");
        return Buffer()[i];
    }
    const T &at(std::size_t i) const {
        if (i >= size_) throw std::out_of_range("SVector index out of range");
        return Buffer()[i];
    }

    bool operator==(const SVector &other) const {
        if (size_ != other.size_) return false;
        for (std::size_t i = 0; i < size_; ++i) {
            if (!(at(i) == other.at(i))) return false;
        }
        return true;
    }
    bool operator!=(const SVector &other) const { return !(*this == other); }
    bool operator<(const SVector &other) const {
        if (size_ != other.size_) return size_ < other.size_;
        for (std::size_t i = 0; i < size_; ++i) {
            if (at(i) != other.at(i)) return at(i) < other.at(i);
        }
        return false;
    }

private:
    T *Buffer() noexcept { return heap_ != nullptr ? heap_ : storage_; }
    const T *Buffer() const noexcept { return heap_ != nullptr ? heap_ : storage_; }
    std::size_t Capacity() const noexcept { return heap_ != nullptr ? capacity_ : DEFAULT_SVECTOR_SIZE; }

    // Moves to a heap block of MAX_SVECTOR_SIZE elements when `size` exceeds the inline room.
    void Reserve(std::size_t size) {
        if (CHECK_BOUND && size > MAX_SVECTOR_SIZE) throw MaxSizeExceeded(size, MAX_SVECTOR_SIZE);
        if (size <= Capacity()) return;
        T *block = static_cast<T *>(std::malloc(MAX_SVECTOR_SIZE * sizeof(T)));
        if (block == nullptr) throw std::bad_alloc();
        std::uninitialized_value_construct_n(block, MAX_SVECTOR_SIZE);
        for (std::size_t i = 0; i < size_; ++i) block[i] = storage_[i];
        heap_ = block;
        capacity_ = MAX_SVECTOR_SIZE;
    }
    void FreeHeap() noexcept {
        if (heap_ == nullptr) return;
        std::destroy_n(heap_, capacity_);
        std::free(heap_);
        heap_ = nullptr;
        capacity_ = 0;
    }
    void Assign(const T *src, std::size_t n) {
        if (CHECK_BOUND && n > MAX_SVECTOR_SIZE) throw MaxSizeExceeded(n, MAX_SVECTOR_SIZE);
        size_ = 0;
        Reserve(n);
        T *buf = Buffer();
        for (std::size_t i = 0; i < n; ++i) buf[i] = src[i];
        size_ = n;
    }

    std::size_t capacity_ = 0;  // heap capacity; 0 while the elements are inline
    std::size_t size_ = 0;
    T storage_[DEFAULT_SVECTOR_SIZE + 1]{};
    T *heap_ = nullptr;
};

// "a,b,c".
template <class T>
std::ostream &operator<<(std::ostream &os, const SVector<T> &v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) os << ",";
        os << v.at(i);
    }
    return os;
}

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_SVECTOR_H_
