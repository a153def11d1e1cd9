// A LogicNets architecture: what the state dict does not store (bit widths, quantizer kinds) and
// what it must agree with (layer sizes, fan-in). Given as a preset name or a JSON file with
// LogicNets' own config keys.
#pragma once

#include "model/quantizer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lutgen {

// Per-quantizer settings for models that differ from upstream LogicNets.
struct QuantizerOverride {
    std::optional<QuantizerKind> kind;
    std::optional<bool> is_signed;
    std::optional<float> constant_scale; // used where the state dict has no learned scale
    std::optional<bool> batchnorm;       // false: no BatchNorm pre-transform
};

struct Architecture {
    std::string name;                 // preset name or file path, for messages
    std::vector<int> hidden_layers;
    std::optional<int> input_length;  // checked against the tensors when given
    std::optional<int> output_length;
    int input_bitwidth = 2;
    int hidden_bitwidth = 2;
    int output_bitwidth = 2;
    int input_fanin = 3;
    int hidden_fanin = 3;
    int output_fanin = 3;
    QuantizerOverride input_override;  // the first layer's input quantizer
    QuantizerOverride hidden_override; // every hidden output quantizer
    QuantizerOverride output_override; // the last layer's output quantizer

    int layer_count() const { return static_cast<int>(hidden_layers.size()) + 1; }
    // LogicNets' rule: layer 0 uses input_fanin (even when it is also the last layer), the last
    // layer output_fanin, the others hidden_fanin.
    int fan_in(int layer) const;
};

// Names of the built-in presets, for help text.
std::vector<std::string> architecture_preset_names();

// Loads a preset ("jsc-s", "jsc-m", "jsc-l") or a JSON file. Throws lutgen::Error.
Architecture load_architecture(const std::string& preset_or_path);
Architecture architecture_from_json(const std::string& text, const std::string& source_name);

} // namespace lutgen
