#include "base/sha256.hpp"

#include "base/error.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

namespace lutgen {

Sha256::Sha256() : context_(EVP_MD_CTX_new())
{
    if (!context_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr) != 1)
        throw Error("sha256", "cannot initialize OpenSSL's SHA-256", "", "check the OpenSSL installation");
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
}

void Sha256::update(std::string_view data)
{
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data.data(), data.size());
}

void Sha256::update_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot open file for hashing", path.string(), "check that the file exists");
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    }
    if (in.bad())
        throw Error(path.string(), "read error while hashing", "", "check the file");
}

std::string Sha256::hex_digest()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &length);
    static const char* const kHex = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text.push_back(kHex[digest[i] >> 4]);
        text.push_back(kHex[digest[i] & 15]);
    }
    return text;
}

std::string sha256_hex(std::string_view data)
{
    Sha256 hash;
    hash.update(data);
    return hash.hex_digest();
}

std::string sha256_file_hex(const std::filesystem::path& path)
{
    Sha256 hash;
    hash.update_file(path);
    return hash.hex_digest();
}

} // namespace lutgen
