// The Tcl script for Vivado's out-of-context (OOC) flow over a generated RTL directory: synthesis,
// then optimization, placement, physical optimization and routing, with utilization and timing
// reports after synthesis and after routing.
#pragma once

#include "verilog/rtl_manifest.hpp"

#include <filesystem>
#include <string>

namespace lutgen {

// The part most published LUT-network results are reported on.
inline constexpr const char* kDefaultVivadoPart = "xcvu9p-flgb2104-2-i";
// A deliberately tight default target: WNS comes out negative and Fmax = 1000 / (period - WNS)
// gives the frequency the design reaches.
inline constexpr double kDefaultClockNs = 1.0;

struct VivadoScriptOptions {
    std::string part = kDefaultVivadoPart;
    double clock_ns = kDefaultClockNs;
    bool implementation = true; // false: stop after synthesis
};

// Returns the script text for the RTL in `rtl_dir`. `rtl_path_from_script` is the RTL directory
// relative to the directory the script is written to (or absolute), so the script finds the RTL
// wherever both are moved together. Output depends only on the arguments.
std::string vivado_script(const RtlManifest& manifest, const std::string& rtl_path_from_script,
                          const VivadoScriptOptions& options);

} // namespace lutgen
