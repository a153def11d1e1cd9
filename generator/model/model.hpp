// The network model: plain data that importers produce and that table enumeration consumes.
// Each layer contains neurons of one kind: LogicNets' linear neuron, PolyLUT's polynomial neuron,
// NeuraLUT's sub-network neuron, or an explicit truth table.
#pragma once

#include "model/quantizer.hpp"

#include <string>
#include <vector>

namespace lutgen {

enum class NeuronKind {
    Linear,     // LogicNets: a masked linear layer over the connected inputs
    Polynomial, // PolyLUT: a linear layer over the monomials of the connected inputs
    SubNetwork, // NeuraLUT: a small dense network with two skip connections
    Table,      // an explicit truth table, from any source
};

const char* neuron_kind_name(NeuronKind kind);

// The float type of the values a layer's table is computed from. LogicNets uses the float32
// value code * step; PolyLUT and NeuraLUT round that value to float16 (nearest, ties to even).
enum class InputPrecision { Float32, Float16 };

const char* input_precision_name(InputPrecision precision);

// A LogicNets neuron: z = sum_k weights[k] * x[inputs[k]] + bias.
struct LinearNeuron {
    std::vector<int> inputs; // connected inputs, in the neuron's key order (first = most significant)
    std::vector<float> weights;
    float bias = 0.0f;
};

// A PolyLUT neuron: z = sum_t weights[t] * m_t + bias, where m_t is the product of the inputs
// that monomial t of the layer lists (see Layer::monomials).
struct PolynomialNeuron {
    std::vector<int> inputs; // connected inputs, in key order
    std::vector<float> weights; // one per monomial, in the layer's monomial order
    float bias = 0.0f;
};

// A NeuraLUT neuron over its F inputs a, with width W (row-major matrices, NeuraLUT's names):
//   h1 = relu(fc1 a + fc1_bias)                                   fc1, res0: W x F
//   h2 = relu((fc2 h1 + fc2_bias) + (res0 a + res0_bias))         fc2, fc3:  W x W
//   z  = (fc4 . relu(fc3 h2 + fc3_bias) + fc4_bias) + (res1 . h2 + res1_bias)
struct SubNetworkNeuron {
    std::vector<int> inputs;
    std::vector<float> fc1_weight, fc1_bias;
    std::vector<float> res0_weight, res0_bias;
    std::vector<float> fc2_weight, fc2_bias;
    std::vector<float> fc3_weight, fc3_bias;
    std::vector<float> fc4_weight;
    float fc4_bias = 0.0f;
    std::vector<float> res1_weight;
    float res1_bias = 0.0f;
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
    InputPrecision input_precision = InputPrecision::Float32; // computed kinds only
    // Polynomial: the monomials, each a list of input positions (0 = the neuron's first input)
    // with repetition for powers, e.g. {0, 0, 2} is a0^2 * a2. PolyLUT lists every monomial of
    // degree 1 to `degree`: degree 1 first, each degree in lexicographic order.
    int degree = 0;
    std::vector<std::vector<int>> monomials;
    int width = 0; // SubNetwork: the hidden width W
    std::vector<LinearNeuron> linear_neurons;         // kind == Linear
    std::vector<PolynomialNeuron> polynomial_neurons; // kind == Polynomial
    std::vector<SubNetworkNeuron> subnetwork_neurons; // kind == SubNetwork
    std::vector<TableNeuron> table_neurons;           // kind == Table

    int neuron_count() const;
    const std::vector<int>& neuron_inputs(int neuron) const;
};

// PolyLUT's monomial order for `fan_in` inputs: every multiset of 1 to `degree` positions,
// degree 1 first, each degree in lexicographic order (itertools.combinations_with_replacement).
std::vector<std::vector<int>> polynomial_monomials(int fan_in, int degree);

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

// Sorts every linear neuron's inputs (and their weights) into the given order. LogicNets' key
// order depends on the PyTorch version that trained the model: ascending with 1.13, descending
// with 1.5. Other kinds keep the order their importer gave, which fixes their key layout.
void reorder_inputs(Model& model, InputOrder order);

} // namespace lutgen
