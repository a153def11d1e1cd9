// The network model: plain data that importers produce and that table enumeration consumes.
// Each layer holds neurons of one kind; LogicNets' linear neuron is the first kind, and the
// model format reserves room for the others of the family (polynomial, sub-network, table).
#pragma once

#include "model/quantizer.hpp"

#include <string>
#include <vector>

namespace lutgen {

enum class NeuronKind {
    Linear, // LogicNets: a masked linear layer over the connected inputs
    Table,  // an explicit truth table, from any source
};

const char* neuron_kind_name(NeuronKind kind);

// A LogicNets neuron: z = sum_k weights[k] * x[inputs[k]] + bias.
struct LinearNeuron {
    std::vector<int> inputs; // connected inputs, in the neuron's key order (first = most significant)
    std::vector<float> weights;
    float bias = 0.0f;
};

// A neuron given directly as its truth table: output code for every key (see NeuronTable).
struct TableNeuron {
    std::vector<int> inputs;
    std::vector<int> codes;
};

struct Layer {
    NeuronKind kind = NeuronKind::Linear;
    int input_count = 0;
    // The quantizer of the layer's output codes. BatchNorm, if any, runs on z before it. The
    // layer's input codes are the previous layer's output codes (or the model's input codes).
    Quantizer output_quantizer;
    std::vector<LinearNeuron> linear_neurons; // kind == Linear
    std::vector<TableNeuron> table_neurons;   // kind == Table

    int neuron_count() const;
    const std::vector<int>& neuron_inputs(int neuron) const;
};

enum class InputOrder { Ascending, Descending };

struct Model {
    std::string name = "logicnet";    // top-level module name in the logicnets Verilog dialect
    std::string source;               // where the model came from, e.g. "logicnets checkpoint best_accuracy.pth"
    int input_count = 0;
    Quantizer input_quantizer;        // turns float features into the first layer's input codes
    std::vector<Layer> layers;
    // LogicNets' last layer has a float-only post-transform (x + bias) * weight. Codes never see
    // it, but a negative weight reverses the meaning of argmax, so it is kept for reports.
    float output_post_weight = 1.0f;
    float output_post_bias = 0.0f;

    const Quantizer& layer_input_quantizer(size_t layer) const
    {
        return layer == 0 ? input_quantizer : layers[layer - 1].output_quantizer;
    }
    int output_count() const { return layers.empty() ? 0 : layers.back().neuron_count(); }
};

// Sorts every neuron's inputs (and their weights) into the given order. LogicNets' key order
// depends on the PyTorch version that trained the model: ascending with 1.13, descending with 1.5.
void reorder_inputs(Model& model, InputOrder order);

} // namespace lutgen
