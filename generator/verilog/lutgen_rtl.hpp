// The lutgen Verilog dialect: one file per module, a ROM or case module per neuron, a layer
// module wiring each neuron's key from the layer input bus, and a top module with the register
// stages.
#pragma once

#include "verilog/template.hpp"
#include "verilog/verilog_writer.hpp"

namespace lutgen {

// Writes the dialect's files into `directory` and returns the manifest (without writing it).
// Expects tables that write_verilog() has checked.
RtlManifest write_lutgen_rtl(const TruthTables& tables, const VerilogOptions& options,
                             TemplateLibrary& templates, const std::filesystem::path& directory);

} // namespace lutgen
