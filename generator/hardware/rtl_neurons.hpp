// The neuron modules of a generated RTL directory, found by file name in its lutgen_rtl.json:
// `<top>_layer{L}_neuron{N}.v` in the lutgen dialect and `layer{L}_N{N}.v` in the LogicNets
// dialect. Each file contains one module with the file's name.
#pragma once

#include "verilog/rtl_manifest.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct RtlPort {
    bool output = false;
    int width = 1;
    std::string name;
};

struct RtlNeuron {
    int layer = 0;
    int index = 0;
    std::string module;
    std::string verilog_file;            // relative to the RTL directory
    std::vector<std::string> data_files; // its $readmemh files, relative to the RTL directory
    std::vector<RtlPort> ports;
    uint64_t size_bytes = 0;             // of its files, a measure of its synthesis effort

    int input_bits() const;
    int output_bits() const;
};

struct RtlInventory {
    RtlManifest manifest;
    std::vector<RtlNeuron> neurons;        // by layer, then index
    std::vector<std::string> other_files;  // the layer and top modules and anything else
};

// Reads the manifest and every neuron's module header. Throws lutgen::Error naming the file when
// the manifest is missing, no neuron module is found or a header cannot be read.
RtlInventory read_rtl_inventory(const std::filesystem::path& rtl_dir);

// Reads the ports of `module` from the ANSI-style module header in `verilog`.
std::vector<RtlPort> parse_module_ports(const std::string& verilog, const std::string& module,
                                        const std::string& source);

// A Verilog module `name` that instantiates each of `neurons` once, every port wired to a port of
// its own, so that one synthesis run maps all of them and keeps each as its own module.
std::string batch_wrapper_verilog(const std::string& name, const std::vector<const RtlNeuron*>& neurons);

} // namespace lutgen
