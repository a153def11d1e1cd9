#include "base/error.hpp"
#include "cli/commands.hpp"

namespace lutgen::cli {

CommandRunner add_cost_command(CLI::App&)
{
    return [] {
        throw Error("cost", "command not available in this build", "cost", "use a newer lutgen");
        return 0;
    };
}

} // namespace lutgen::cli
