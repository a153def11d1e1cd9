#include "base/error.hpp"
#include "cli/commands.hpp"

namespace lutgen::cli {

CommandRunner add_inspect_command(CLI::App&)
{
    return [] {
        throw Error("inspect", "command not available in this build", "inspect", "use a newer lutgen");
        return 0;
    };
}

} // namespace lutgen::cli
