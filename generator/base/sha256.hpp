// SHA-256 digests (OpenSSL), for provenance in generated files and for build cache keys.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lutgen {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::string_view data);
    // Feeds the file's bytes; throws lutgen::Error if it cannot be read.
    void update_file(const std::filesystem::path& path);
    // Lower-case hex digest. The object cannot be updated afterwards.
    std::string hex_digest();

private:
    void* context_;
};

std::string sha256_hex(std::string_view data);
std::string sha256_file_hex(const std::filesystem::path& path);

} // namespace lutgen
