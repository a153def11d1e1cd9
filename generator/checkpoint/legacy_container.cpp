#include "checkpoint/container.hpp"

#include "base/error.hpp"
#include "checkpoint/tensor_storage.hpp"

#include <fmt/format.h>

#include <cstring>

namespace lutgen {

namespace {

constexpr const char* kDamagedHint =
    "the file is incomplete or damaged; copy it again or re-save it with torch.save(model.state_dict(), path)";
constexpr const char* kResaveHint = "re-save it with torch.save(model.state_dict(), path)";

// 0x1950a86a20f9469cfc6c as the little-endian bytes of a pickled LONG1.
constexpr uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocolVersion = 1001;

void check_header(const PickleObjects& objects, PickleValueId magic, PickleValueId protocol, PickleValueId sys_info,
                  const std::string& subject)
{
    const PickleValue& magic_value = objects.at(magic);
    if (magic_value.kind != PickleKind::BigInt || magic_value.text.size() != sizeof kLegacyMagic ||
        std::memcmp(magic_value.text.data(), kLegacyMagic, sizeof kLegacyMagic) != 0)
        throw Error(subject, "not a PyTorch checkpoint (neither a zip archive nor a legacy magic number)",
                    "no legacy magic number",
                    "pass the .pth file that torch.save wrote");

    const PickleValue& protocol_value = objects.at(protocol);
    if (protocol_value.kind != PickleKind::Int || protocol_value.integer != kLegacyProtocolVersion)
        throw Error(subject, "unsupported legacy checkpoint protocol version",
                    protocol_value.kind == PickleKind::Int ? std::to_string(protocol_value.integer) : "not an integer",
                    kResaveHint);

    const PickleValue& info = objects.at(sys_info);
    if (info.kind != PickleKind::Dict)
        throw Error(subject, "legacy checkpoint system info is not a dict", "not a dict", kDamagedHint);
    const PickleValue* little_endian = find_string_key(objects, info, "little_endian");
    if (little_endian != nullptr && little_endian->kind == PickleKind::Bool && little_endian->integer == 0)
        throw Error(subject, "unsupported storage byte order", "big",
                    "re-save it on a little-endian machine with torch.save(model.state_dict(), path)");
}

} // namespace

RawCheckpoint read_legacy_checkpoint(const uint8_t* data, size_t size, const std::string& subject)
{
    RawCheckpoint raw;
    raw.container = CheckpointContainer::Legacy;

    size_t offset = 0;
    PickleValueId magic = read_pickle(data, size, offset, raw.objects, subject, "");
    PickleValueId protocol = read_pickle(data, size, offset, raw.objects, subject, "");
    PickleValueId sys_info = read_pickle(data, size, offset, raw.objects, subject, "");
    check_header(raw.objects, magic, protocol, sys_info, subject);

    raw.root = read_pickle(data, size, offset, raw.objects, subject, "");
    PickleValueId keys_id = read_pickle(data, size, offset, raw.objects, subject, "");
    const PickleValue& keys = raw.objects.at(keys_id);
    if (keys.kind != PickleKind::List)
        throw Error(subject, "legacy checkpoint storage key list is not a list", "not a list", kDamagedHint);

    // The storages follow in key list order, each as an element count and the raw elements.
    std::map<std::string, StorageRef> roots = root_storages(raw.objects, subject);
    for (PickleValueId key_id : keys.items) {
        const PickleValue& key = raw.objects.at(key_id);
        if (key.kind != PickleKind::String)
            throw Error(subject, "legacy checkpoint storage key is not a string", "not a string", kDamagedHint);
        auto root = roots.find(key.text);
        if (root == roots.end())
            throw Error(subject, "legacy checkpoint lists a storage that the pickle never refers to", key.text,
                        kDamagedHint);
        if (raw.storage_bytes.count(key.text) != 0)
            throw Error(subject, "legacy checkpoint lists a storage twice", key.text, kDamagedHint);

        if (size - offset < 8)
            throw Error(subject,
                        fmt::format("truncated checkpoint: expected 8 bytes of the element count of storage "
                                    "'{}' at offset {}",
                                    key.text, offset),
                        fmt::format("{} bytes left", size - offset), kDamagedHint);
        uint64_t count = 0;
        for (size_t i = 0; i < 8; ++i)
            count |= uint64_t(data[offset + i]) << (8 * i);
        offset += 8;
        if (count != uint64_t(root->second.root_element_count))
            throw Error(subject,
                        fmt::format("storage '{}' holds a different element count than the pickle declares ({})",
                                    key.text, root->second.root_element_count),
                        std::to_string(count), kDamagedHint);

        const size_t element_size = dtype_size(root->second.dtype);
        if (count > (size - offset) / element_size)
            throw Error(subject,
                        fmt::format("truncated checkpoint: storage '{}' needs {} elements of {} bytes at "
                                    "offset {}, but the file ends sooner",
                                    key.text, count, element_size, offset),
                        fmt::format("{} bytes left", size - offset), kDamagedHint);
        const size_t byte_count = size_t(count) * element_size;
        raw.storage_bytes.emplace(key.text, std::vector<uint8_t>(data + offset, data + offset + byte_count));
        offset += byte_count;
    }
    return raw;
}

} // namespace lutgen
