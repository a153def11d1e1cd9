#include "verify/temp_directory.hpp"

#include "base/error.hpp"
#include "base/interrupt.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include <stdlib.h>

namespace lutgen {

TempDirectory::TempDirectory(const std::filesystem::path& parent, const std::string& prefix)
{
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error)
        throw Error(parent.string(), "cannot create the directory", error.message(),
                    "check the permissions or choose another directory");

    const std::string pattern = (parent / (prefix + "XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (!mkdtemp(name.data()))
        throw Error(parent.string(), "cannot create a temporary directory", std::strerror(errno),
                    "check the permissions and the free space");
    path_ = name.data();
    register_temporary(path_);
}

TempDirectory::~TempDirectory()
{
    if (path_.empty())
        return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    unregister_temporary(path_);
}

} // namespace lutgen
