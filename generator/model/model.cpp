#include "model/model.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <numeric>

namespace lutgen {

const char* neuron_kind_name(NeuronKind kind)
{
    switch (kind) {
    case NeuronKind::Linear: return "linear";
    case NeuronKind::Table: return "table";
    }
    return "unknown";
}

int Layer::neuron_count() const
{
    switch (kind) {
    case NeuronKind::Linear: return static_cast<int>(linear_neurons.size());
    case NeuronKind::Table: return static_cast<int>(table_neurons.size());
    }
    return 0;
}

const std::vector<int>& Layer::neuron_inputs(int neuron) const
{
    if (kind == NeuronKind::Table)
        return table_neurons[neuron].inputs;
    return linear_neurons[neuron].inputs;
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
