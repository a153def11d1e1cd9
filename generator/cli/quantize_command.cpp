#include "base/error.hpp"
#include "cli/commands.hpp"

namespace lutgen::cli {

CommandRunner add_quantize_command(CLI::App&)
{
    return [] {
        throw Error("quantize", "command not available in this build", "quantize", "use a newer lutgen");
        return 0;
    };
}

} // namespace lutgen::cli
