#include "tables/truth_table.hpp"

#include <algorithm>

namespace lutgen {

int LayerTables::fan_in() const
{
    size_t largest = 0;
    for (const NeuronTable& neuron : neurons)
        largest = std::max(largest, neuron.inputs.size());
    return static_cast<int>(largest);
}

uint64_t TruthTables::entry_count() const
{
    uint64_t count = 0;
    for (const LayerTables& layer : layers)
        for (const NeuronTable& neuron : layer.neurons)
            count += neuron.entries.size();
    return count;
}

} // namespace lutgen
