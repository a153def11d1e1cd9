// Verilog emission: truth tables in, one module per neuron, one per layer and a top module out.
#pragma once

#include "quantize/input_encoder.hpp"
#include "tables/truth_table.hpp"
#include "verilog/rtl_manifest.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace lutgen {

enum class RtlDialect {
    Lutgen,    // our clean, lint-free RTL (the default)
    LogicNets, // LogicNets' file, module and port names, bit layout and reset behaviour
};

enum class NeuronStyle {
    Memh, // a ROM array loaded with $readmemh from one hex file per neuron (the default)
    Case, // one case statement per neuron, self-contained
};

enum class RegisterPlacement {
    None,         // purely combinational
    BeforeLayers, // a register stage before each layer; the output is not registered (the default)
    All,          // before each layer and on the output
};

struct VerilogOptions {
    RtlDialect dialect = RtlDialect::Lutgen;
    NeuronStyle style = NeuronStyle::Memh; // the LogicNets dialect always uses Case
    RegisterPlacement registers = RegisterPlacement::BeforeLayers;
    std::string model_name;   // source model file name, for the file headers
    std::string model_sha256; // source model hash, for the file headers and the manifest
    std::string options_text; // the generate options, for the file headers
    // Top module name of the lutgen dialect, also the prefix of its layer and neuron modules.
    // Empty means kDefaultTopModule. The LogicNets dialect uses TruthTables::network_name.
    std::string top_module;
    bool write_bench = true; // LogicNets dialect: also write one .bench file per neuron
    // Lutgen dialect only: the top module takes raw fixed-point features through this encoder
    // (port input_features) instead of input codes.
    std::optional<InputEncoder> input_encoder;
};

inline constexpr const char* kDefaultTopModule = "lutgen_network";

const char* rtl_dialect_name(RtlDialect dialect);             // "lutgen", "logicnets"
const char* neuron_style_name(NeuronStyle style);             // "memh", "case"
const char* register_placement_name(RegisterPlacement place); // "none", "before-layers", "all"

// Writes the Verilog and lutgen_rtl.json into `directory`, which must exist and be empty; the
// caller makes the write atomic. Output bytes depend only on the arguments. Throws lutgen::Error
// when the tables are inconsistent, an option does not apply to the dialect, or a write fails.
RtlManifest write_verilog(const TruthTables& tables, const VerilogOptions& options,
                          const std::filesystem::path& directory);

} // namespace lutgen
