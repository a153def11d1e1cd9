#include "checkpoint/container.hpp"

#include "base/error.hpp"
#include "checkpoint/tensor_storage.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <array>
#include <limits>
#include <optional>
#include <system_error>

namespace lutgen {

namespace {

constexpr const char* kDamagedHint =
    "the file is incomplete or damaged; copy it again or re-save it with torch.save(model.state_dict(), path)";
constexpr const char* kResaveHint = "re-save it with torch.save(model.state_dict(), path)";

// torch.save writes a handful of entries plus one per storage.
constexpr zip_int64_t kMaxEntries = zip_int64_t(1) << 20;
constexpr zip_uint64_t kMaxSmallEntryBytes = 64;

struct ZipEntry {
    zip_uint64_t index = 0;
    zip_uint64_t size = 0;
    std::optional<uint32_t> crc; // CRC-32 from the central directory, when the archive gives one
};

// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), the checksum of zip entries.
uint32_t crc32(const std::vector<uint8_t>& bytes)
{
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> entries{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t value = i;
            for (int bit = 0; bit < 8; ++bit)
                value = (value & 1u) != 0 ? 0xEDB88320u ^ (value >> 1) : value >> 1;
            entries[i] = value;
        }
        return entries;
    }();
    uint32_t crc = 0xFFFFFFFFu;
    for (uint8_t byte : bytes)
        crc = table[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

// Closes the archive on every path out of read_zip_checkpoint.
class ZipArchive {
public:
    explicit ZipArchive(zip_t* handle) : handle_(handle) {}
    ~ZipArchive() { zip_discard(handle_); }
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;
    zip_t* get() const { return handle_; }

private:
    zip_t* handle_;
};

zip_t* open_archive(zip_source_t* source, const std::string& subject)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (archive != nullptr) {
        zip_error_fini(&error);
        return archive;
    }

    // On failure the source still belongs to the caller.
    zip_source_free(source);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(subject, "failed to open the zip archive", message, kDamagedHint);
}

std::vector<uint8_t> read_entry(zip_t* archive, const ZipEntry& entry, const std::string& name,
                                const std::string& subject)
{
    zip_file_t* file = zip_fopen_index(archive, entry.index, 0);
    if (file == nullptr)
        throw Error(subject, fmt::format("failed to open zip entry '{}'", name), zip_strerror(archive),
                    kDamagedHint);

    // Reading one byte past the declared size detects an entry that holds more than it declares.
    std::vector<uint8_t> bytes(size_t(entry.size) + 1);
    zip_int64_t read = zip_fread(file, bytes.data(), bytes.size());
    std::string message = read < 0 ? zip_file_strerror(file) : "";
    zip_fclose(file);
    if (read < 0)
        throw Error(subject, fmt::format("failed to read zip entry '{}'", name), message, kDamagedHint);
    if (zip_uint64_t(read) != entry.size)
        throw Error(subject,
                    fmt::format("zip entry '{}' holds a different byte count than its header declares ({})", name,
                                entry.size),
                    std::to_string(read), kDamagedHint);
    bytes.pop_back();

    // libzip 1.7 does not reject a stored entry whose bytes no longer match its CRC-32, so the
    // checksum is compared here.
    if (entry.crc && crc32(bytes) != *entry.crc)
        throw Error(subject, fmt::format("zip entry '{}' fails its CRC-32 check (expected {:08x})", name, *entry.crc),
                    fmt::format("{:08x}", crc32(bytes)), kDamagedHint);
    return bytes;
}

// Checks every entry and indexes it by name. All entries lie in one folder, the archive name.
std::map<std::string, ZipEntry> index_entries(zip_t* archive, uint64_t file_size, std::string& prefix,
                                              const std::string& subject)
{
    zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count <= 0)
        throw Error(subject, "zip archive has no entries", "0 entries", kDamagedHint);
    if (count > kMaxEntries)
        throw Error(subject, fmt::format("zip archive has more than {} entries", kMaxEntries),
                    std::to_string(count), kResaveHint);

    std::map<std::string, ZipEntry> entries;
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive, zip_uint64_t(i), ZIP_FL_ENC_RAW, &stat) != 0 ||
            (stat.valid & ZIP_STAT_NAME) == 0 || (stat.valid & ZIP_STAT_SIZE) == 0)
            throw Error(subject, fmt::format("failed to read zip entry {}", i), zip_strerror(archive),
                        kDamagedHint);
        std::string name = stat.name;

        if (i == 0) {
            size_t slash = name.find('/');
            if (slash == std::string::npos || slash == 0)
                throw Error(subject, "zip entry is not inside an archive folder", name,
                            "this is not a torch.save checkpoint; " + std::string(kResaveHint));
            prefix = name.substr(0, slash + 1);
        }
        if (name.compare(0, prefix.size(), prefix) != 0)
            throw Error(subject, fmt::format("zip entry is outside the archive folder '{}'", prefix), name,
                        kDamagedHint);
        if ((stat.valid & ZIP_STAT_COMP_METHOD) != 0 && stat.comp_method != ZIP_CM_STORE)
            throw Error(subject, "zip entry is compressed, but torch.save stores entries uncompressed", name,
                        kResaveHint);
        if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE)
            throw Error(subject, "zip entry is encrypted", name, kResaveHint);
        if (stat.size > file_size)
            throw Error(subject,
                        fmt::format("zip entry declares {} bytes, more than the {} bytes of the whole file",
                                    stat.size, file_size),
                        name, kDamagedHint);

        ZipEntry entry{zip_uint64_t(i), stat.size, std::nullopt};
        if ((stat.valid & ZIP_STAT_CRC) != 0)
            entry.crc = stat.crc;
        if (!entries.emplace(name, entry).second)
            throw Error(subject, "zip archive contains a duplicate entry", name, kDamagedHint);
    }
    return entries;
}

// Rejects big-endian files: PyTorch 2 records the byte order of the storages in <archive>/byteorder.
void check_byte_order(zip_t* archive, const std::map<std::string, ZipEntry>& entries, const std::string& prefix,
                      const std::string& subject)
{
    auto found = entries.find(prefix + "byteorder");
    if (found == entries.end())
        return;
    if (found->second.size > kMaxSmallEntryBytes)
        throw Error(subject, fmt::format("zip entry '{}' is larger than {} bytes", found->first, kMaxSmallEntryBytes),
                    std::to_string(found->second.size), kDamagedHint);

    std::vector<uint8_t> bytes = read_entry(archive, found->second, found->first, subject);
    std::string order(bytes.begin(), bytes.end());
    while (!order.empty() && (order.back() == '\n' || order.back() == '\r' || order.back() == ' '))
        order.pop_back();
    if (order != "little")
        throw Error(subject, "unsupported storage byte order", order,
                    "re-save it on a little-endian machine with torch.save(model.state_dict(), path)");
}

// Reads the archive that `source` opens; takes ownership of `source`.
RawCheckpoint read_zip_source(zip_source_t* source, uint64_t file_size, const std::string& subject)
{
    ZipArchive archive(open_archive(source, subject));
    std::string prefix;
    std::map<std::string, ZipEntry> entries = index_entries(archive.get(), file_size, prefix, subject);
    check_byte_order(archive.get(), entries, prefix, subject);

    const std::string pickle_name = prefix + "data.pkl";
    auto pickle_entry = entries.find(pickle_name);
    if (pickle_entry == entries.end())
        throw Error(subject, "zip archive has no data.pkl entry", pickle_name,
                    "this is not a torch.save checkpoint; " + std::string(kResaveHint));
    std::vector<uint8_t> pickle = read_entry(archive.get(), pickle_entry->second, pickle_name, subject);

    RawCheckpoint raw;
    raw.container = CheckpointContainer::Zip;
    size_t offset = 0;
    raw.root = read_pickle(pickle.data(), pickle.size(), offset, raw.objects, subject, pickle_name);

    // Read every storage that the pickle refers to. A missing storage fails only when a state
    // dict tensor uses it, because optimizer state is never decoded.
    for (const auto& root : root_storages(raw.objects, subject)) {
        const std::string& key = root.first;
        const std::string name = prefix + "data/" + key;
        auto found = entries.find(name);
        if (found != entries.end())
            raw.storage_bytes.emplace(key, read_entry(archive.get(), found->second, name, subject));
    }
    return raw;
}

} // namespace

RawCheckpoint read_zip_checkpoint(const std::filesystem::path& path)
{
    const std::string subject = path.string();
    std::error_code size_error;
    uint64_t file_size = std::filesystem::file_size(path, size_error);
    if (size_error)
        throw Error(subject, "failed to read the checkpoint", size_error.message(), "check the path");

    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_file_create(subject.c_str(), 0, -1, &error);
    if (source == nullptr) {
        std::string message = zip_error_strerror(&error);
        zip_error_fini(&error);
        throw Error(subject, "failed to open the checkpoint", message, "check the path and its permissions");
    }
    zip_error_fini(&error);
    return read_zip_source(source, file_size, subject);
}

RawCheckpoint read_zip_checkpoint(const uint8_t* data, size_t size, const std::string& subject)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(data, size, 0, &error);
    if (source == nullptr) {
        std::string message = zip_error_strerror(&error);
        zip_error_fini(&error);
        throw Error(subject, "failed to open the zip archive", message, kDamagedHint);
    }
    zip_error_fini(&error);
    return read_zip_source(source, size, subject);
}

} // namespace lutgen
