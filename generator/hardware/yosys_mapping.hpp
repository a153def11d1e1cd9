// Technology mapping of a generated RTL directory with Yosys' synth_xilinx, for a LUT6 device.
//
// Each neuron module is mapped on its own. Neurons are batched into a few Yosys processes. Each
// process maps a wrapper that instantiates its batch with the hierarchy kept, so every neuron is
// still a module of its own in `stat`. A separate run maps the top module with the neurons as
// black boxes, which yields the pipeline registers and tells which neurons reach the output. The
// whole-network figure is the sum over the used neurons plus that run's cells. Results are cached
// per neuron, keyed by a SHA-256 over its files, the Yosys version and the flow.
#pragma once

#include "hardware/hardware_report.hpp"

#include <filesystem>
#include <string>

namespace lutgen {

struct YosysTool {
    std::filesystem::path executable;
    std::string version; // the output of `yosys -V`, such as "Yosys 0.23 (git sha1 7ce5011c24b)"
};

// Finds Yosys: `requested` if given (a path, or a name looked up on PATH), else `yosys` on PATH.
// Throws lutgen::Error when it is missing or does not run.
YosysTool find_yosys(const std::filesystem::path& requested = {});

struct YosysOptions {
    std::filesystem::path yosys;     // empty: `yosys` on PATH
    std::filesystem::path cache_dir; // empty: <default cache>/yosys
    bool use_cache = true;
    int jobs = 0;                    // Yosys processes at once (0 = one per core)
    int max_batch_neurons = 96;      // neurons per Yosys process at most
    std::string family = "xc7"; // synth_xilinx -family; Yosys 0.23 has -abc9 timing data for xc7 only
};

// The synth_xilinx command of the flow, such as "synth_xilinx -family xc7 -abc9 -noiopad".
std::string yosys_synth_command(const YosysOptions& options, bool flatten);

// Maps the RTL in `rtl_dir` (written by `lutgen generate`, either dialect) and returns the
// report. Yosys runs in `rtl_dir`, because $readmemh paths are relative. Throws lutgen::Error when
// Yosys fails, naming the log it left behind.
HardwareReport map_with_yosys(const std::filesystem::path& rtl_dir, const YosysOptions& options);

} // namespace lutgen
