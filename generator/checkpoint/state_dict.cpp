#include "checkpoint/state_dict.hpp"

#include "base/error.hpp"
#include "checkpoint/container.hpp"
#include "checkpoint/pickle_reader.hpp"
#include "checkpoint/tensor_storage.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace lutgen {

namespace {

constexpr const char* kResaveHint = "re-save it with torch.save(model.state_dict(), path)";

// Every element becomes a double, so this caps the decoded state dict at 2 GiB.
constexpr int64_t kMaxCheckpointElements = int64_t(1) << 28;
constexpr size_t kMaxListedKeys = 8;
// A legacy checkpoint is read whole into memory, so its size is checked first.
constexpr uint64_t kMaxLegacyFileBytes = uint64_t(4) << 30;

const char* kind_name(PickleKind kind)
{
    switch (kind) {
    case PickleKind::None: return "None";
    case PickleKind::Bool: return "bool";
    case PickleKind::Int:
    case PickleKind::BigInt: return "int";
    case PickleKind::Float: return "float";
    case PickleKind::String: return "str";
    case PickleKind::Bytes: return "bytes";
    case PickleKind::Tuple: return "tuple";
    case PickleKind::List: return "list";
    case PickleKind::Dict: return "dict";
    case PickleKind::Global: return "global";
    case PickleKind::Storage: return "storage";
    case PickleKind::Tensor: return "tensor";
    case PickleKind::Opaque: return "object";
    }
    return "value";
}

std::vector<uint8_t> read_file(const std::filesystem::path& path, const std::string& subject)
{
    std::error_code size_error;
    uint64_t size = std::filesystem::file_size(path, size_error);
    if (size_error)
        throw Error(subject, "failed to read the checkpoint", size_error.message(), "check the path");
    if (size > kMaxLegacyFileBytes)
        throw Error(subject, fmt::format("legacy checkpoint is larger than {} GiB", kMaxLegacyFileBytes >> 30),
                    fmt::format("{} bytes", size), "re-save it in the zip format with a recent PyTorch");

    std::ifstream stream(path, std::ios::binary);
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    if (!stream || !stream.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size())))
        throw Error(subject, "failed to read the checkpoint", std::strerror(errno), "check the path and its permissions");
    return bytes;
}

// The first bytes of the file tell the container apart: a zip local file header, or the PROTO
// opcode of the pickled legacy magic number.
enum class FileSignature { Zip, Pickle, Unknown };

FileSignature classify_signature(const uint8_t* bytes, size_t count, std::string& head)
{
    for (size_t i = 0; i < count && i < 4; ++i)
        head += fmt::format("{}{:02x}", i == 0 ? "" : " ", bytes[i]);

    if (count >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4)
        return FileSignature::Zip;
    if (count >= 1 && bytes[0] == 0x80)
        return FileSignature::Pickle;
    return FileSignature::Unknown;
}

FileSignature read_signature(const std::filesystem::path& path, const std::string& subject, std::string& head)
{
    std::error_code status_error;
    if (!std::filesystem::is_regular_file(path, status_error))
        throw Error(subject, "checkpoint not found or not a regular file", path.string(), "check the path");

    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw Error(subject, "failed to open the checkpoint", std::strerror(errno), "check its permissions");
    char bytes[4] = {};
    stream.read(bytes, sizeof bytes);
    return classify_signature(reinterpret_cast<const uint8_t*>(bytes), size_t(stream.gcount()), head);
}

[[noreturn]] void fail_unknown_signature(const std::string& subject, const std::string& head)
{
    throw Error(subject, "not a PyTorch checkpoint (neither a zip archive nor a legacy magic number)",
                head.empty() ? "empty file" : head, "pass the .pth file that torch.save wrote");
}

std::string list_string_keys(const PickleObjects& objects, const PickleValue& dict)
{
    std::string keys;
    size_t listed = 0;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const PickleValue& key = objects.at(dict.items[i]);
        if (key.kind != PickleKind::String)
            continue;
        if (listed == kMaxListedKeys) {
            keys += ", ...";
            break;
        }
        keys += (listed == 0 ? "" : ", ") + key.text;
        ++listed;
    }
    return keys;
}

StateDict extract_state_dict(const RawCheckpoint& raw, const std::string& subject)
{
    const PickleObjects& objects = raw.objects;
    StateDict result;
    result.source = subject;
    result.container = raw.container;

    const PickleValue& root = objects.at(raw.root);
    if (root.kind != PickleKind::Dict)
        throw Error(subject,
                    "no tensors found: expected a state dict or a dict with a 'model_dict' entry, but the "
                    "checkpoint holds another type",
                    kind_name(root.kind), kResaveHint);

    const PickleValue* state = &root;
    if (const PickleValue* model_dict = find_string_key(objects, root, "model_dict")) {
        if (model_dict->kind != PickleKind::Dict)
            throw Error(subject, "'model_dict' entry is not a dict", kind_name(model_dict->kind), kResaveHint);
        state = model_dict;
        result.wrapped_in_model_dict = true;
    }

    // Later entries replace earlier ones with the same name, as in Python. Entries that are not
    // tensors, such as the epoch of a training checkpoint, are skipped.
    std::map<std::string, const TensorRef*> views;
    for (size_t i = 0; i + 1 < state->items.size(); i += 2) {
        const PickleValue& key = objects.at(state->items[i]);
        const PickleValue& value = objects.at(state->items[i + 1]);
        if (key.kind == PickleKind::String && value.kind == PickleKind::Tensor)
            views.insert_or_assign(key.text, &objects.tensors.at(size_t(value.integer)));
    }
    if (views.empty())
        throw Error(subject,
                    "no tensors found: expected a state dict or a dict with a 'model_dict' entry, but the "
                    "dict has the keys",
                    list_string_keys(objects, *state), kResaveHint);

    int64_t element_budget = kMaxCheckpointElements;
    for (const auto& [name, view] : views) {
        const StorageRef& storage = objects.storages.at(view->storage);
        auto bytes = raw.storage_bytes.find(storage.key);
        const std::vector<uint8_t>* storage_bytes = bytes == raw.storage_bytes.end() ? nullptr : &bytes->second;
        Tensor tensor = decode_tensor(*view, storage, storage_bytes, name, subject, element_budget);
        element_budget -= int64_t(tensor.values.size());
        result.tensors.emplace(name, std::move(tensor));
    }
    return result;
}

} // namespace

const char* dtype_name(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::Float32: return "float32";
    case TensorDType::Float64: return "float64";
    case TensorDType::Float16: return "float16";
    case TensorDType::BFloat16: return "bfloat16";
    case TensorDType::Int64: return "int64";
    case TensorDType::Int32: return "int32";
    case TensorDType::Int16: return "int16";
    case TensorDType::Int8: return "int8";
    case TensorDType::UInt8: return "uint8";
    case TensorDType::Bool: return "bool";
    }
    return "unknown";
}

int64_t Tensor::element_count() const
{
    int64_t count = 1;
    for (int64_t extent : shape)
        count *= extent;
    return count;
}

StateDict read_checkpoint(const std::filesystem::path& path)
{
    const std::string subject = path.string();
    std::string head;
    switch (read_signature(path, subject, head)) {
    case FileSignature::Zip:
        return extract_state_dict(read_zip_checkpoint(path), subject);
    case FileSignature::Pickle: {
        const std::vector<uint8_t> file = read_file(path, subject);
        return extract_state_dict(read_legacy_checkpoint(file.data(), file.size(), subject), subject);
    }
    case FileSignature::Unknown:
        break;
    }
    fail_unknown_signature(subject, head);
}

StateDict read_checkpoint_from_memory(const uint8_t* data, size_t size, const std::string& source_name)
{
    std::string head;
    switch (classify_signature(data, size, head)) {
    case FileSignature::Zip:
        return extract_state_dict(read_zip_checkpoint(data, size, source_name), source_name);
    case FileSignature::Pickle:
        return extract_state_dict(read_legacy_checkpoint(data, size, source_name), source_name);
    case FileSignature::Unknown:
        break;
    }
    fail_unknown_signature(source_name, head);
}

} // namespace lutgen
