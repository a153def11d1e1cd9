// lutgen: LUT-based neural networks (LogicNets and its successors) to truth tables and Verilog,
// verified against a bit-exact golden model.
#include "base/error.hpp"
#include "base/interrupt.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <new>

int main(int argc, char** argv)
{
    using namespace lutgen;
    install_interrupt_cleanup();

    CLI::App app{"lutgen: turns trained LUT-based neural networks into truth tables and verified Verilog"};
    app.require_subcommand(1);
    // -q and -v work after the subcommand too.
    app.fallthrough();
    app.set_version_flag("--version", std::string("lutgen ") + LUTGEN_VERSION);
    bool quiet = false;
    bool verbose = false;
    app.add_flag("-q,--quiet", quiet, "Print only warnings and errors");
    app.add_flag("-v,--verbose", verbose, "Print more detail");

    std::map<CLI::App*, cli::CommandRunner> runners;
    auto add = [&](const char* name, const char* description, auto adder) {
        CLI::App* command = app.add_subcommand(name, description);
        runners[command] = adder(*command);
    };
    add("import", "Read a trained checkpoint and write the model JSON", cli::add_import_command);
    add("tables", "Enumerate every neuron's truth table and write them as JSON", cli::add_tables_command);
    add("simulate", "Run the bit-exact golden model on an input dump", cli::add_simulate_command);
    add("generate", "Write the Verilog for a model", cli::add_generate_command);
    add("verify", "Simulate generated Verilog with Verilator and compare it with the golden model",
        cli::add_verify_command);
    add("inspect", "Summarize a model: layers, quantizers, per-feature input scale and bias", cli::add_inspect_command);
    add("quantize", "Turn a CSV of float features into a LogicNets input dump", cli::add_quantize_command);
    add("cost", "Estimate the hardware cost of a model: LUTs, flip-flops, latency, table bits", cli::add_cost_command);
    add("synth", "Map generated RTL with Yosys, write a Vivado script, or read Vivado's reports", cli::add_synth_command);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        std::fprintf(stderr, "error: command line: %s; run 'lutgen --help' or 'lutgen <command> --help'\n",
                     error.what());
        return kExitBadInput;
    }

    LogLevel level = LogLevel::Normal;
    if (quiet)
        level = LogLevel::Quiet;
    else if (verbose)
        level = LogLevel::Verbose;
    set_log_level(level);

    try {
        for (auto& [command, run] : runners)
            if (command->parsed())
                return run();
    } catch (const Error& error) {
        log_progress_done();
        std::fprintf(stderr, "error: %s\n", error.what());
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "error: out of memory; lower the table limits or use a machine with more memory\n");
        return kExitBadInput;
    } catch (const std::filesystem::filesystem_error& error) {
        log_progress_done();
        std::fprintf(stderr, "error: %s: %s: '%s'; check the path and its permissions\n", error.path1().c_str(),
                     error.code().message().c_str(), error.path1().c_str());
        return kExitBadInput;
    } catch (const std::exception& error) {
        // The library means to throw only lutgen::Error, so anything else is a bug; it still
        // ends with a message and exit code 2 instead of std::terminate.
        log_progress_done();
        std::fprintf(stderr, "error: lutgen: unexpected failure: '%s'; please report this as a bug, with the input\n",
                     error.what());
        return kExitBadInput;
    }
    return kExitBadInput;
}
