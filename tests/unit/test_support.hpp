// Paths and small helpers shared by the unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace lutgen::test {

inline std::filesystem::path source_dir()
{
    return LUTGEN_SOURCE_DIR;
}

inline std::filesystem::path data_dir()
{
    return source_dir() / "tests" / "data";
}

inline std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A fresh directory under the system temporary directory, removed when the object goes away.
class ScratchDirectory {
public:
    explicit ScratchDirectory(const std::string& name)
    {
        path_ = std::filesystem::temp_directory_path() /
                ("lutgen-test-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDirectory()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace lutgen::test
