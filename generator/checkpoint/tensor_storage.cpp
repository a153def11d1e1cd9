#include "checkpoint/tensor_storage.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace lutgen {

namespace {

constexpr const char* kDamagedHint =
    "the file is incomplete or damaged; copy it again or re-save it with torch.save(model.state_dict(), path)";

uint64_t load_le(const uint8_t* bytes, size_t count)
{
    uint64_t result = 0;
    for (size_t i = 0; i < count; ++i)
        result |= uint64_t(bytes[i]) << (8 * i);
    return result;
}

// Converts IEEE 754 binary16 to double, which represents every half value exactly.
double half_to_double(uint16_t bits)
{
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0)
        magnitude = std::ldexp(double(mantissa), -24);
    else if (exponent == 0x1f)
        magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    else
        magnitude = std::ldexp(double(mantissa + 0x400), exponent - 25);
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
}

double decode_element(TensorDType dtype, const uint8_t* bytes)
{
    switch (dtype) {
    case TensorDType::Float32: {
        uint32_t bits = uint32_t(load_le(bytes, 4));
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case TensorDType::Float64: {
        uint64_t bits = load_le(bytes, 8);
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case TensorDType::Float16:
        return half_to_double(uint16_t(load_le(bytes, 2)));
    case TensorDType::BFloat16: {
        // bfloat16 is the upper half of a float32.
        uint32_t bits = uint32_t(load_le(bytes, 2)) << 16;
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case TensorDType::Int64: {
        uint64_t bits = load_le(bytes, 8);
        int64_t value;
        std::memcpy(&value, &bits, sizeof value);
        return double(value);
    }
    case TensorDType::Int32: {
        uint32_t bits = uint32_t(load_le(bytes, 4));
        int32_t value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case TensorDType::Int16: {
        uint16_t bits = uint16_t(load_le(bytes, 2));
        int16_t value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case TensorDType::Int8: {
        int8_t value;
        std::memcpy(&value, bytes, sizeof value);
        return value;
    }
    case TensorDType::UInt8:
        return bytes[0];
    case TensorDType::Bool:
        return bytes[0] != 0 ? 1.0 : 0.0;
    }
    fail_invariant("unknown tensor dtype", __FILE__, __LINE__);
}

} // namespace

size_t dtype_size(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::Float64:
    case TensorDType::Int64:
        return 8;
    case TensorDType::Float32:
    case TensorDType::Int32:
        return 4;
    case TensorDType::Float16:
    case TensorDType::BFloat16:
    case TensorDType::Int16:
        return 2;
    case TensorDType::Int8:
    case TensorDType::UInt8:
    case TensorDType::Bool:
        return 1;
    }
    fail_invariant("unknown tensor dtype", __FILE__, __LINE__);
}

std::map<std::string, StorageRef> root_storages(const PickleObjects& objects, const std::string& subject)
{
    std::map<std::string, StorageRef> roots;
    for (const StorageRef& storage : objects.storages) {
        StorageRef root = storage;
        root.view_offset = 0;
        root.element_count = root.root_element_count;

        auto [found, inserted] = roots.emplace(storage.key, root);
        if (inserted)
            continue;
        if (found->second.dtype != root.dtype || found->second.root_element_count != root.root_element_count)
            throw Error(subject,
                        fmt::format("storage '{}' is declared twice with different types or sizes "
                                    "({} x {}, {} x {})",
                                    storage.key, found->second.root_element_count, dtype_name(found->second.dtype),
                                    root.root_element_count, dtype_name(root.dtype)),
                        storage.key, kDamagedHint);
    }
    return roots;
}

Tensor decode_tensor(const TensorRef& view, const StorageRef& storage, const std::vector<uint8_t>* bytes,
                     const std::string& name, const std::string& subject, int64_t max_elements)
{
    Tensor tensor;
    tensor.dtype = storage.dtype;
    tensor.shape = view.shape;

    // Count the elements and find the highest storage element that the view reads, with every
    // product and sum checked for overflow.
    int64_t count = 1;
    int64_t last = view.storage_offset;
    bool overflow = false;
    for (size_t d = 0; d < view.shape.size(); ++d) {
        overflow |= __builtin_mul_overflow(count, view.shape[d], &count);
        if (view.shape[d] > 0) {
            int64_t span = 0;
            overflow |= __builtin_mul_overflow(view.shape[d] - 1, view.strides[d], &span);
            overflow |= __builtin_add_overflow(last, span, &last);
        }
    }
    if (overflow || count > max_elements)
        throw Error(subject,
                    fmt::format("tensor '{}' has more elements than the {} that one checkpoint may hold",
                                name, max_elements),
                    fmt::format("{}", fmt::join(view.shape, "x")), "split the model or save fewer tensors");
    if (count == 0)
        return tensor;

    if (bytes == nullptr)
        throw Error(subject, fmt::format("storage of tensor '{}' is missing from the checkpoint", name),
                    storage.key, kDamagedHint);

    // The view may read elements [view_offset, view_offset + element_count) of the root storage,
    // and no further than the bytes that the file holds for it.
    const size_t element_size = dtype_size(storage.dtype);
    uint64_t view_end_bytes = 0;
    if (__builtin_mul_overflow(uint64_t(storage.view_offset + storage.element_count), uint64_t(element_size),
                               &view_end_bytes))
        view_end_bytes = std::numeric_limits<uint64_t>::max();
    const uint64_t held_bytes = std::min<uint64_t>(view_end_bytes, bytes->size());
    int64_t needed_elements = 0;
    int64_t needed_bytes = 0;
    bool needs_too_much = __builtin_add_overflow(storage.view_offset, last + 1, &needed_elements) ||
                          __builtin_mul_overflow(needed_elements, int64_t(element_size), &needed_bytes);
    if (needs_too_much || uint64_t(needed_bytes) > held_bytes)
        throw Error(subject,
                    fmt::format("tensor '{}' needs more bytes than its storage '{}' holds ({})", name, storage.key,
                                held_bytes),
                    needs_too_much ? std::string("more than 2^63") : std::to_string(needed_bytes), kDamagedHint);

    // Walk the view in row-major order. The offset stays within [storage_offset, last].
    const uint8_t* base = bytes->data() + size_t(storage.view_offset) * element_size;
    const size_t dims = view.shape.size();
    std::vector<int64_t> index(dims, 0);
    int64_t offset = view.storage_offset;
    tensor.values.resize(size_t(count));
    for (int64_t n = 0; n < count; ++n) {
        tensor.values[size_t(n)] = decode_element(storage.dtype, base + size_t(offset) * element_size);
        for (size_t d = dims; d-- > 0;) {
            if (index[d] + 1 < view.shape[d]) {
                ++index[d];
                offset += view.strides[d];
                break;
            }
            offset -= index[d] * view.strides[d];
            index[d] = 0;
        }
    }
    return tensor;
}

} // namespace lutgen
