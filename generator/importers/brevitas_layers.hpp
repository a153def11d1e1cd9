// The layer frame that PolyLUT's and NeuraLUT's checkpoints share with LogicNets': module_list
// layout, Brevitas quantizers with BatchNorm, first-layer scalar bias, last-layer post-transform.
// Their importers build this frame and fill in their own neurons.
#pragma once

#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "model/model.hpp"

#include <string>
#include <vector>

namespace lutgen {

// Typed access to a state dict's tensors; errors name the checkpoint and the tensor.
class TensorAccess {
public:
    TensorAccess(const StateDict& state_dict, std::string format_name);

    bool has(const std::string& name) const;
    const Tensor& get(const std::string& name, const std::string& purpose) const;
    // The tensor's values as float32, after checking its shape and that every value is finite.
    std::vector<float> floats(const std::string& name, const std::string& purpose,
                              const std::vector<int64_t>& shape) const;
    // The shape of a tensor that must have `dimensions` dimensions.
    const std::vector<int64_t>& shape(const std::string& name, const std::string& purpose, size_t dimensions) const;

    const StateDict& state_dict() const { return state_dict_; }
    const std::string& source() const { return source_; }
    const std::string& format_name() const { return format_name_; }

private:
    const StateDict& state_dict_;
    std::string source_;
    std::string format_name_; // "PolyLUT", "NeuraLUT": for hints
};

struct LayerShape {
    int in_features = 0;
    int out_features = 0;
    int fan_in = 0;
};

// Checks the shapes against the architecture and returns the model without neurons: the input
// quantizer, and per layer the input count and output quantizer. As in LogicNets, layer 0 gets a
// hidden (ReLU) output quantizer even when it is also the last layer. Only a last layer that is
// not the first gets the signed output quantizer and the post-transform.
Model import_layer_frame(const TensorAccess& tensors, const Architecture& arch, const std::vector<LayerShape>& shapes,
                         NeuronKind kind);

// Counts the layers L = 0, 1, ... whose tensor "module_list.L.<suffix>" exists.
int count_layers(const TensorAccess& tensors, const std::string& suffix);

} // namespace lutgen
