// Random truth tables with random sparse connectivity, for the Verilog writer tests.
#pragma once

#include "tables/truth_table.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace lutgen::testing {

struct SyntheticLayer {
    int neurons = 0;
    int fan_in = 0;
    CodeFormat output_format;
};

// Builds a network with `input_count` inputs of `input_format`. Each neuron draws `fan_in`
// distinct inputs at random (in random key order) and a random table. When `skip_inputs` is set,
// the inputs of the last layer skip every third input of that layer, so the layer has unused inputs.
inline TruthTables make_synthetic_tables(int input_count, CodeFormat input_format,
                                         const std::vector<SyntheticLayer>& shape, uint32_t seed,
                                         bool skip_inputs = false)
{
    std::mt19937 random(seed);
    TruthTables tables;
    tables.network_name = "synthetic";

    int layer_inputs = input_count;
    CodeFormat layer_input_format = input_format;
    for (size_t index = 0; index < shape.size(); ++index) {
        LayerTables layer;
        layer.index = static_cast<int>(index);
        layer.input_count = layer_inputs;
        layer.input_format = layer_input_format;
        layer.output_format = shape[index].output_format;

        std::vector<int> candidates;
        const bool sparse = skip_inputs && index + 1 == shape.size();
        for (int input = 0; input < layer_inputs; ++input)
            if (!sparse || input % 3 != 0)
                candidates.push_back(input);

        for (int n = 0; n < shape[index].neurons; ++n) {
            NeuronTable neuron;
            neuron.layer = layer.index;
            neuron.index = n;
            std::vector<int> pool = candidates;
            std::shuffle(pool.begin(), pool.end(), random);
            pool.resize(static_cast<size_t>(std::min<int>(shape[index].fan_in, static_cast<int>(pool.size()))));
            neuron.inputs = pool;

            const size_t entry_count = size_t{1} << (neuron.inputs.size() * layer.input_format.bits);
            std::uniform_int_distribution<int> pattern(0, layer.output_format.state_count() - 1);
            neuron.entries.resize(entry_count);
            for (uint16_t& entry : neuron.entries)
                entry = static_cast<uint16_t>(pattern(random));
            layer.neurons.push_back(std::move(neuron));
        }

        layer_inputs = shape[index].neurons;
        layer_input_format = shape[index].output_format;
        tables.layers.push_back(std::move(layer));
    }
    return tables;
}

} // namespace lutgen::testing
