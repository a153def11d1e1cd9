// A buffered output file for generated text. Large tables are appended piece by piece and written
// in blocks of about a megabyte, so a file is never held in memory whole.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace lutgen {

class OutputFile {
public:
    // Creates or truncates `path`. Throws lutgen::Error when the file cannot be opened.
    explicit OutputFile(std::filesystem::path path);
    ~OutputFile();

    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void append(std::string_view text)
    {
        buffer_.append(text.data(), text.data() + text.size());
        flush_if_full();
    }

    void append(char c)
    {
        buffer_.push_back(c);
        flush_if_full();
    }

    template <typename... Args>
    void format(fmt::format_string<Args...> format_text, Args&&... args)
    {
        fmt::format_to(fmt::appender(buffer_), format_text, std::forward<Args>(args)...);
        flush_if_full();
    }

    // Appends the low `digits` hex digits of `value`, lowercase, most significant first.
    void append_hex(uint32_t value, int digits);
    // Appends the low `bits` bits of `value` as '0' and '1', most significant first.
    void append_binary(uint32_t value, int bits);

    // Writes the remaining buffer and closes the file. Throws lutgen::Error when a write failed.
    void close();

    const std::filesystem::path& path() const { return path_; }

private:
    static constexpr size_t kFlushSize = size_t{1} << 20;

    void flush_if_full()
    {
        if (buffer_.size() >= kFlushSize)
            flush();
    }
    void flush();

    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    fmt::memory_buffer buffer_;
};

} // namespace lutgen
