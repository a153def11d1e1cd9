#include "base/atomic_output.hpp"

#include "base/error.hpp"
#include "base/interrupt.hpp"
#include "verilog/rtl_manifest.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace lutgen {

namespace fs = std::filesystem;

namespace {

// "rtl/" and "rtl//" name the directory "rtl": drop trailing separators so the temporary sibling
// lands beside the target, not inside it.
fs::path without_trailing_separators(fs::path path)
{
    std::string text = path.string();
    while (text.size() > 1 && text.back() == '/')
        text.pop_back();
    return text;
}

// Output directories get the permissions the user's umask gives a new directory; mkdtemp makes
// them private.
void apply_umask(const fs::path& directory)
{
    const mode_t mask = ::umask(0);
    ::umask(mask);
    std::error_code ignored;
    fs::permissions(directory, static_cast<fs::perms>(0777 & ~mask), ignored);
}

// A fresh name beside the target, so the final rename stays on one file system.
fs::path temporary_sibling(const fs::path& target, const char* kind)
{
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string pattern = (parent / fmt::format(".{}.{}-XXXXXX", target.filename().string(), kind)).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw Error(parent.string(), "cannot create a temporary directory", pattern,
                    "check that the output's parent directory exists and is writable");
    return pattern;
}

// True if every entry of `directory` is listed in its RTL manifest (or is the manifest).
bool written_by_lutgen(const fs::path& directory, std::string& foreign_entry)
{
    std::set<std::string> known = {kRtlManifestName};
    try {
        const RtlManifest manifest = read_rtl_manifest(directory);
        known.insert(manifest.verilog_files.begin(), manifest.verilog_files.end());
        known.insert(manifest.data_files.begin(), manifest.data_files.end());
    } catch (const Error&) {
        // Without a manifest, lutgen wrote none of it: name the first entry as the foreign one.
        for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
            foreign_entry = entry.path().filename().string();
            break;
        }
        return false;
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
        if (!known.count(entry.path().filename().string())) {
            foreign_entry = entry.path().filename().string();
            return false;
        }
    }
    return true;
}

} // namespace

AtomicDirectory::AtomicDirectory(fs::path target, bool replace)
    : target_(without_trailing_separators(std::move(target))), replace_(replace)
{
    if (fs::exists(target_)) {
        if (!fs::is_directory(target_))
            throw Error(target_.string(), "output exists and is not a directory", target_.string(),
                        "choose another output path");
        if (!replace_ && !fs::is_empty(target_))
            throw Error(target_.string(), "output directory already exists", target_.string(),
                        "choose another path, or pass --force to replace a directory lutgen wrote");
        std::string foreign;
        if (replace_ && !fs::is_empty(target_) && !written_by_lutgen(target_, foreign))
            throw Error(target_.string(), "output directory contains files lutgen did not write",
                        foreign, "move those files away or choose another output path");
    }
    temporary_ = temporary_sibling(target_, "tmp");
    register_temporary(temporary_);
}

AtomicDirectory::~AtomicDirectory()
{
    if (!committed_) {
        std::error_code ignored;
        fs::remove_all(temporary_, ignored);
    }
    unregister_temporary(temporary_);
}

void AtomicDirectory::commit()
{
    // Move an existing target aside first, so that at no point is half of either directory visible.
    fs::path previous;
    if (fs::exists(target_)) {
        previous = temporary_sibling(target_, "old");
        fs::remove(previous);
        fs::rename(target_, previous);
    }
    apply_umask(temporary_);
    std::error_code error;
    fs::rename(temporary_, target_, error);
    if (error) {
        if (!previous.empty())
            fs::rename(previous, target_);
        throw Error(target_.string(), "cannot move the output into place", error.message(),
                    "check permissions of the output's parent directory");
    }
    committed_ = true;
    if (!previous.empty())
        fs::remove_all(previous, error);
}

AtomicFile::AtomicFile(fs::path target, bool replace) : target_(std::move(target))
{
    const fs::file_status status = fs::symlink_status(target_);
    if (fs::is_directory(status) || (!target_.string().empty() && target_.string().back() == '/'))
        throw Error(target_.string(), "output path is a directory", target_.string(), "pass a file name");
    if (fs::exists(status) && !replace)
        throw Error(target_.string(), "output file already exists", target_.string(),
                    "choose another path, or pass --force to overwrite it");
    // Replacing by rename would turn a device, FIFO or symbolic link into a plain file.
    if (fs::exists(status) && !fs::is_regular_file(status))
        throw Error(target_.string(), "output exists and is not a regular file", target_.string(),
                    "choose another path; lutgen replaces only regular files");
    const fs::path directory = temporary_sibling(target_, "tmp");
    register_temporary(directory);
    temporary_ = directory / target_.filename();
}

AtomicFile::~AtomicFile()
{
    std::error_code ignored;
    if (!committed_)
        fs::remove(temporary_, ignored);
    fs::remove(temporary_.parent_path(), ignored);
    unregister_temporary(temporary_.parent_path());
}

void AtomicFile::commit()
{
    std::error_code error;
    fs::rename(temporary_, target_, error);
    if (error)
        throw Error(target_.string(), "cannot move the output into place", error.message(),
                    "check permissions of the output directory");
    committed_ = true;
}

} // namespace lutgen
