// The description of a generated RTL directory that `lutgen generate` writes beside the Verilog
// (file lutgen_rtl.json) and `lutgen verify` reads to drive it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

inline constexpr const char* kRtlManifestName = "lutgen_rtl.json";

struct RtlLayerSignal {
    int layer = 0;
    std::string signal; // name of the wire in the top module that carries this layer's output codes
    int width = 0;      // bits
    int latency = 0;    // clock cycles from the network input to this signal
};

struct RtlManifest {
    std::string generator_version;
    std::string dialect;        // "lutgen" or "logicnets"
    std::string neuron_style;   // "memh" or "case"
    std::string registers;      // "none", "before-layers" or "all"
    std::string top_module;
    std::string input_port;
    std::string output_port;
    std::string clock_port;
    std::string reset_port;
    bool reset_active_high = true;
    int input_width = 0;
    int output_width = 0;
    int latency = 0;            // clock cycles from the network input to the output port
    std::vector<RtlLayerSignal> layer_outputs;
    std::vector<std::string> verilog_files; // relative to the directory
    std::vector<std::string> data_files;    // $readmemh files, relative to the directory
    std::string model_sha256;   // of the model file the RTL was generated from, if known
    // Set when the top module takes raw fixed-point features through an input encoder: input_port
    // then carries the features (input_width = features * fixed-point bits) and the encoder's
    // codes appear on input_code_signal. Empty when input_port carries the input codes.
    std::string input_encoder_format; // such as "s16.8"
    std::string input_code_signal;
    int input_code_width = 0;
};

void write_rtl_manifest(const RtlManifest& manifest, const std::filesystem::path& directory);
// Throws lutgen::Error naming the file when it is missing or malformed.
RtlManifest read_rtl_manifest(const std::filesystem::path& directory);

} // namespace lutgen
