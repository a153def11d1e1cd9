#include "base/error.hpp"
#include "cli/commands.hpp"

namespace lutgen::cli {

CommandRunner add_synth_command(CLI::App&)
{
    return [] {
        throw Error("synth", "command not available in this build", "synth", "use a newer lutgen");
        return 0;
    };
}

} // namespace lutgen::cli
