// Readers for what Vivado writes: the synthesis and implementation logs, report_utilization and
// report_timing_summary text reports, and KEY=VALUE summaries (the one the lutgen Tcl script
// writes, and LogicNets' "LUT=984" style results file). They produce the same report type as the
// Yosys flow, one report per Vivado stage found.
#pragma once

#include "hardware/hardware_report.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lutgen {

enum class VivadoFileKind { SynthesisLog, ImplementationLog, Utilization, TimingSummary, Summary, Unknown };

// The figures one file gives. Each is optional because no file gives all of them.
struct VivadoFigures {
    std::string file;                  // file name, for the report's sources
    VivadoFileKind kind = VivadoFileKind::Unknown;
    std::optional<CostStage> stage;    // unknown for LogicNets' summary
    std::string tool;                  // "Vivado v2021.2"
    std::string part;
    std::string top;
    std::optional<double> clock_ns;
    std::optional<CellCounts> cells;   // LUT, MUXF and FF cells
    std::optional<int64_t> lut_sites;
    std::optional<int64_t> flip_flops;
    std::optional<int64_t> muxf7;
    std::optional<int64_t> muxf8;
    std::optional<double> wns_ns;
};

// Parses one file, named `name` in errors and sources. Throws lutgen::Error when the text matches
// no known kind, or a known kind lacks the figures it always has.
VivadoFigures parse_vivado_text(const std::string& text, const std::string& name);
VivadoFigures parse_vivado_file(const std::filesystem::path& path);

// Merges the figures into one report per stage, synthesis first. A summary without a stage goes
// to implementation when an implementation file is present or no synthesis file is, because
// LogicNets writes it after routing by default. `clock_ns` overrides the clock read from the
// files, for Fmax.
std::vector<HardwareReport> merge_vivado_figures(const std::vector<VivadoFigures>& figures,
                                                 std::optional<double> clock_ns);

} // namespace lutgen
