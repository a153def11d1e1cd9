#include "model/model.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <numeric>

namespace lutgen {

const char* neuron_kind_name(NeuronKind kind)
{
    switch (kind) {
    case NeuronKind::Linear: return "linear";
    case NeuronKind::Polynomial: return "polynomial";
    case NeuronKind::SubNetwork: return "subnetwork";
    case NeuronKind::Table: return "table";
    }
    return "unknown";
}

const char* input_precision_name(InputPrecision precision)
{
    return precision == InputPrecision::Float16 ? "float16" : "float32";
}

int Layer::neuron_count() const
{
    switch (kind) {
    case NeuronKind::Linear: return static_cast<int>(linear_neurons.size());
    case NeuronKind::Polynomial: return static_cast<int>(polynomial_neurons.size());
    case NeuronKind::SubNetwork: return static_cast<int>(subnetwork_neurons.size());
    case NeuronKind::Table: return static_cast<int>(table_neurons.size());
    }
    return 0;
}

const std::vector<int>& Layer::neuron_inputs(int neuron) const
{
    switch (kind) {
    case NeuronKind::Polynomial: return polynomial_neurons[neuron].inputs;
    case NeuronKind::SubNetwork: return subnetwork_neurons[neuron].inputs;
    case NeuronKind::Table: return table_neurons[neuron].inputs;
    case NeuronKind::Linear: break;
    }
    return linear_neurons[neuron].inputs;
}

std::vector<std::vector<int>> polynomial_monomials(int fan_in, int degree)
{
    std::vector<std::vector<int>> monomials;
    if (fan_in < 1)
        return monomials;
    for (int d = 1; d <= degree; ++d) {
        // Non-decreasing position lists of length d, in lexicographic order.
        std::vector<int> term(d, 0);
        while (true) {
            monomials.push_back(term);
            int i = d - 1;
            while (i >= 0 && term[i] == fan_in - 1)
                --i;
            if (i < 0)
                break;
            ++term[i];
            for (int j = i + 1; j < d; ++j)
                term[j] = term[i];
        }
    }
    return monomials;
}

void reorder_inputs(Model& model, InputOrder order)
{
    for (Layer& layer : model.layers) {
        // A table's key layout is fixed by its entries, so only computed neurons can be reordered.
        if (layer.kind != NeuronKind::Linear)
            continue;

        for (LinearNeuron& neuron : layer.linear_neurons) {
            std::vector<size_t> permutation(neuron.inputs.size());
            std::iota(permutation.begin(), permutation.end(), size_t{0});
            std::sort(permutation.begin(), permutation.end(), [&](size_t a, size_t b) {
                return order == InputOrder::Ascending ? neuron.inputs[a] < neuron.inputs[b]
                                                      : neuron.inputs[a] > neuron.inputs[b];
            });

            LinearNeuron sorted;
            sorted.bias = neuron.bias;
            for (size_t k : permutation) {
                sorted.inputs.push_back(neuron.inputs[k]);
                sorted.weights.push_back(neuron.weights[k]);
            }
            neuron = std::move(sorted);
        }
    }
}

} // namespace lutgen
