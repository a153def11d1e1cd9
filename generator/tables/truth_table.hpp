// Truth tables: every neuron's output code for every input key. This is the value type between
// table enumeration and everything downstream (golden model, Verilog, reports).
#pragma once

#include "model/code_format.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lutgen {

struct NeuronTable {
    int layer = 0;
    int index = 0;
    // Connected inputs (indices into the previous layer's outputs, or into the network inputs
    // for layer 0) in key order: inputs[0] occupies the most significant bits of the key.
    std::vector<int> inputs;
    // Output bit pattern (see CodeFormat::pattern) for every key, indexed by the key's integer
    // value. The key concatenates the inputs' bit patterns, inputs[0] first (most significant).
    std::vector<uint16_t> entries;
};

struct LayerTables {
    int index = 0;
    int input_count = 0;     // width of the layer's input vector, in codes
    CodeFormat input_format; // format of each input code (the previous layer's output format)
    CodeFormat output_format;
    std::vector<NeuronTable> neurons;

    int fan_in() const;          // the largest fan-in of the layer's neurons
    int key_bits(const NeuronTable& neuron) const { return static_cast<int>(neuron.inputs.size()) * input_format.bits; }
};

struct TruthTables {
    std::string network_name; // "logicnet", "polylut", ... used by the logicnets Verilog dialect
    std::vector<LayerTables> layers;

    int input_count() const { return layers.empty() ? 0 : layers.front().input_count; }
    const CodeFormat& input_format() const { return layers.front().input_format; }
    int output_count() const { return static_cast<int>(layers.back().neurons.size()); }
    const CodeFormat& output_format() const { return layers.back().output_format; }
    uint64_t entry_count() const;
};

} // namespace lutgen
