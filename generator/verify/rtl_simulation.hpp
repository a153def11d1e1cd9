// Simulating a generated RTL directory with Verilator: one input sample per clock cycle through
// the pipeline, returning the output bus of every sample.
#pragma once

#include "verilog/rtl_manifest.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct RtlRunOptions {
    std::filesystem::path cache_dir;        // harness build cache; empty: default_cache_dir()
    std::filesystem::path verilator;        // empty: `verilator` on PATH
    std::vector<std::size_t> layer_samples; // samples whose layer output buses are recorded
    int build_jobs = 2;                     // parallel C++ compile jobs of a Verilator build
    bool progress = true;                   // progress on stderr, shown only when it is a terminal
};

// The layer output buses of one sample, in the order of RtlManifest::layer_outputs.
struct RtlLayerOutputs {
    std::size_t sample = 0;
    std::vector<std::string> buses; // binary, MSB first, the signal's bit width each
};

struct RtlRun {
    RtlManifest manifest;
    std::vector<std::string> outputs;           // per sample, output_width binary digits, MSB first
    std::vector<RtlLayerOutputs> layer_outputs; // per distinct requested sample, in sample order
    bool cache_hit = false;                     // true when a cached harness build was reused
    std::string build_key;                      // SHA-256 cache key of the harness build
    std::filesystem::path harness;              // the harness program that ran
    std::filesystem::path build_log;
    double build_seconds = 0.0;                 // wall time of the build step, near 0 on a cache hit
    double simulation_seconds = 0.0;            // wall time of the harness process, model load included
    double samples_per_second = 0.0;
};

// Builds (or reuses) the Verilator harness for rtl_dir and simulates every input line: a bus value
// of the manifest's input_width binary digits, MSB first, as in LogicNets' *_input.txt dumps.
// Throws lutgen::Error on an invalid input line, a failed build or a failed simulation.
RtlRun run_rtl(const std::filesystem::path& rtl_dir, const std::vector<std::string>& input_lines,
               const RtlRunOptions& options = {});

} // namespace lutgen
