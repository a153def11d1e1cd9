// Readers for the two Yosys outputs the mapping flow uses: `stat -json` (cell counts per
// module) and `ltp -noff` (the longest topological path per module).
#pragma once

#include "hardware/hardware_report.hpp"

#include <map>
#include <string>

namespace lutgen {

// Module name (without Yosys' leading backslash) -> cell type -> count, from `stat -json`. The
// types include instances of user modules, so callers decide what is a primitive. Throws
// lutgen::Error naming `source` when the text is not a stat document.
std::map<std::string, std::map<std::string, int64_t>> parse_yosys_stat_json(const std::string& text,
                                                                               const std::string& source);

// Module name -> path length in cells, from the lines "Longest topological path in M (length=N)"
// that `ltp` prints. After synth_xilinx the cells on a path are LUTs and MUXFs, so the length is
// the logic depth in levels.
std::map<std::string, int> parse_yosys_ltp(const std::string& text);

// The primitive cells of one module's type counts, skipping the types listed in `skip`.
CellCounts primitive_cells(const std::map<std::string, int64_t>& types,
                           const std::map<std::string, int>& skip = {});

} // namespace lutgen
