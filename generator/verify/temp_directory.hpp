// A uniquely named directory that is removed with its contents unless released.
#pragma once

#include "base/interrupt.hpp"

#include <filesystem>
#include <string>

namespace lutgen {

class TempDirectory {
public:
    // Creates `<parent>/<prefix>XXXXXX` (mkdtemp). Throws lutgen::Error when that fails.
    TempDirectory(const std::filesystem::path& parent, const std::string& prefix);
    ~TempDirectory();

    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Keeps the directory on destruction (after it was renamed or handed over).
    void release()
    {
        unregister_temporary(path_);
        path_.clear();
    }

private:
    std::filesystem::path path_;
};

} // namespace lutgen
