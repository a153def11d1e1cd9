// The lutgen subcommands. Each registers its options on the CLI11 app and runs with them.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace lutgen::cli {

// A registered subcommand: run() returns the process exit code.
using CommandRunner = std::function<int()>;

CommandRunner add_import_command(CLI::App& app);
CommandRunner add_tables_command(CLI::App& app);
CommandRunner add_simulate_command(CLI::App& app);
CommandRunner add_generate_command(CLI::App& app);
CommandRunner add_verify_command(CLI::App& app);
CommandRunner add_inspect_command(CLI::App& app);
CommandRunner add_quantize_command(CLI::App& app);
CommandRunner add_cost_command(CLI::App& app);
CommandRunner add_synth_command(CLI::App& app);

} // namespace lutgen::cli
