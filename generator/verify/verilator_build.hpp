// Building the simulation harness (sim/harness.cpp) against a generated RTL directory with
// Verilator, cached by a SHA-256 key over every input of the build.
#pragma once

#include "verilog/rtl_manifest.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct VerilatorTool {
    std::filesystem::path executable;
    std::string version; // first line of `verilator --version`, such as "Verilator 5.006 2023-01-22 ..."
};

// Finds Verilator 5.0 or newer: `requested` if given (a path, or a name looked up on PATH),
// else `verilator` on PATH. Throws lutgen::Error when it is missing, does not run or is older.
VerilatorTool find_verilator(const std::filesystem::path& requested = {});

// Returns the build cache root: $LUTGEN_CACHE_DIR, else $XDG_CACHE_HOME/lutgen, else
// ~/.cache/lutgen. Throws lutgen::Error when none of them can be determined.
std::filesystem::path default_cache_dir();

// Returns the directory with harness.cpp: $LUTGEN_DATA_DIR/sim, else <executable dir>/../share/lutgen/sim,
// else the source tree's sim/. Throws lutgen::Error when none contains harness.cpp.
std::filesystem::path find_harness_dir();

struct HarnessBuildOptions {
    std::filesystem::path cache_dir; // empty: default_cache_dir()
    std::filesystem::path verilator; // empty: `verilator` on PATH
    std::filesystem::path harness_dir; // empty: find_harness_dir()
    int jobs = 2;                      // parallel C++ compile jobs
    bool progress = false;             // print a line to stderr before a build starts
};

struct HarnessBuild {
    std::filesystem::path executable; // the harness program, inside the cache
    std::filesystem::path build_log;  // Verilator's and the compiler's output
    std::string key;                  // SHA-256 cache key, also the cache entry's directory name
    bool cache_hit = false;           // true when an earlier build was reused
    double seconds = 0.0;             // wall time of this call
};

// Checks the fields of the manifest that the harness build depends on: identifiers, widths,
// latencies and file lists. Throws lutgen::Error naming the manifest and the field.
void check_manifest_for_simulation(const RtlManifest& manifest, const std::filesystem::path& rtl_dir);

// Returns the contents of lutgen_harness_config.h, which names the Verilated top class and the
// ports, widths, latency and layer signals for the generic harness.
std::string harness_config_header(const RtlManifest& manifest);

// Returns the Verilator configuration file that makes the layer output signals readable over VPI.
std::string harness_verilator_config(const RtlManifest& manifest);

// Returns the cache key: SHA-256 over the manifest file, every Verilog and data file it lists,
// the harness sources, the Verilator version and the build flags.
std::string harness_build_key(const std::filesystem::path& rtl_dir, const RtlManifest& manifest,
                              const std::filesystem::path& harness_dir, const VerilatorTool& verilator);

// Builds the harness for the RTL directory, or reuses the cached build with the same key.
// Builds run in a temporary directory that is renamed into place, so concurrent builds of the
// same key are safe. Throws lutgen::Error naming the build log when Verilator fails.
HarnessBuild build_harness(const std::filesystem::path& rtl_dir, const RtlManifest& manifest,
                           const HarnessBuildOptions& options);

} // namespace lutgen
