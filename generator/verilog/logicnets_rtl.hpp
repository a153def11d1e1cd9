// The LogicNets Verilog dialect: the files LogicNets' module_list_to_verilog_module writes
// (LogicNets commit 67be9b58), byte for byte. Neuron layer{L}_N{n} is a case statement over its
// key with rows in LogicNets' enumeration order, layer{L} wires the keys, the top module is named
// after the network and `myreg` is the register stage.
#pragma once

#include "verilog/template.hpp"
#include "verilog/verilog_writer.hpp"

namespace lutgen {

// Writes the dialect's files into `directory` and returns the manifest (without writing it).
// Expects tables that write_verilog() has checked.
RtlManifest write_logicnets_rtl(const TruthTables& tables, const VerilogOptions& options,
                                TemplateLibrary& templates, const std::filesystem::path& directory);

} // namespace lutgen
