#include "verilog/output_file.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstring>

namespace lutgen {

OutputFile::OutputFile(std::filesystem::path path) : path_(std::move(path))
{
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr)
        throw Error(path_.string(), "failed to create the file", std::strerror(errno),
                    "check that the output directory exists and is writable");
    buffer_.reserve(kFlushSize + 4096);
}

OutputFile::~OutputFile()
{
    // Only reached without close() when an exception is unwinding, so the output is discarded.
    if (file_ != nullptr)
        std::fclose(file_);
}

void OutputFile::append_hex(uint32_t value, int digits)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int digit = digits - 1; digit >= 0; --digit)
        buffer_.push_back(kDigits[(value >> (4 * digit)) & 0xfu]);
    flush_if_full();
}

void OutputFile::append_binary(uint32_t value, int bits)
{
    for (int bit = bits - 1; bit >= 0; --bit)
        buffer_.push_back(((value >> bit) & 1u) ? '1' : '0');
    flush_if_full();
}

void OutputFile::flush()
{
    if (buffer_.size() == 0)
        return;
    const size_t written = std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    if (written != buffer_.size())
        throw Error(path_.string(), "failed to write the file", std::strerror(errno),
                    "check the free space and permissions of the output directory");
    buffer_.clear();
}

void OutputFile::close()
{
    if (file_ == nullptr)
        return;
    flush();
    std::FILE* file = file_;
    file_ = nullptr;
    if (std::fclose(file) != 0)
        throw Error(path_.string(), "failed to write the file", std::strerror(errno),
                    "check the free space and permissions of the output directory");
}

} // namespace lutgen
