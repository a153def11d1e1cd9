// Outputs that appear whole or not at all: everything is written into a temporary file or
// directory beside the target and renamed into place at the end.
#pragma once

#include <filesystem>
#include <string>

namespace lutgen {

// A directory being written. Construction checks the target and creates the temporary directory;
// commit() renames it into place. If commit() is never called, the destructor removes the
// temporary directory, so a failed run leaves nothing behind.
class AtomicDirectory {
public:
    // An existing target is an error unless `replace` is set. Even then, it is only replaced if
    // every file in it was written by lutgen (listed in its lutgen_rtl.json), so files the tool
    // did not write are never deleted.
    AtomicDirectory(std::filesystem::path target, bool replace);
    ~AtomicDirectory();
    AtomicDirectory(const AtomicDirectory&) = delete;
    AtomicDirectory& operator=(const AtomicDirectory&) = delete;

    const std::filesystem::path& path() const { return temporary_; }
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temporary_;
    bool replace_ = false;
    bool committed_ = false;
};

// Same for a single file. An existing target is replaced only if `replace` is set and it is a
// regular file.
class AtomicFile {
public:
    AtomicFile(std::filesystem::path target, bool replace);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::filesystem::path& path() const { return temporary_; }
    void commit();

private:
    std::filesystem::path target_;
    std::filesystem::path temporary_;
    bool committed_ = false;
};

} // namespace lutgen
