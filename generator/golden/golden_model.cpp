#include "golden/golden_model.hpp"

#include "base/error.hpp"
#include "base/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lutgen {

namespace {

// Samples per parallel work item: large enough to amortize scheduling, small enough to balance.
constexpr size_t kBatchSamples = 4096;

// A neuron flattened for evaluation: where its inputs come from and the shift of each in the key.
struct CompiledNeuron {
    std::vector<int> inputs;
    std::vector<int> shifts;
    const uint16_t* entries = nullptr;
};

std::vector<std::vector<CompiledNeuron>> compile(const TruthTables& tables)
{
    std::vector<std::vector<CompiledNeuron>> layers;
    for (const LayerTables& layer : tables.layers) {
        std::vector<CompiledNeuron> neurons;
        for (const NeuronTable& neuron : layer.neurons) {
            CompiledNeuron compiled;
            compiled.inputs = neuron.inputs;
            const int fan_in = static_cast<int>(neuron.inputs.size());
            for (int k = 0; k < fan_in; ++k)
                compiled.shifts.push_back(layer.input_format.bits * (fan_in - 1 - k));
            compiled.entries = neuron.entries.data();
            neurons.push_back(std::move(compiled));
        }
        layers.push_back(std::move(neurons));
    }
    return layers;
}

} // namespace

GoldenResult evaluate_network(const TruthTables& tables, const CodeDataset& inputs, bool keep_every_layer, int threads)
{
    if (tables.layers.empty())
        throw Error("golden model", "the network has no layers", "0", "check the model");
    if (inputs.feature_count != tables.input_count() || inputs.bits != tables.input_format().bits)
        throw Error("golden model",
                    fmt::format("the input dump has {} features x {} bits but the model takes {} x {}",
                                inputs.feature_count, inputs.bits, tables.input_count(), tables.input_format().bits),
                    "", "pass the input dump made for this model");

    const std::vector<std::vector<CompiledNeuron>> layers = compile(tables);
    const size_t layer_count = layers.size();

    GoldenResult result;
    result.sample_count = inputs.sample_count;
    for (const auto& layer : layers)
        result.layer_widths.push_back(static_cast<int>(layer.size()));
    result.layers.resize(layer_count);
    for (size_t l = 0; l < layer_count; ++l)
        if (keep_every_layer || l + 1 == layer_count)
            result.layers[l].resize(inputs.sample_count * result.layer_widths[l]);

    const size_t batch_count = (inputs.sample_count + kBatchSamples - 1) / kBatchSamples;
    parallel_for(batch_count, threads, [&](size_t batch) {
        const size_t begin = batch * kBatchSamples;
        const size_t end = std::min(begin + kBatchSamples, inputs.sample_count);

        // Intermediate layers go to per-thread scratch when they are not kept.
        std::vector<std::vector<uint16_t>> scratch(layer_count);
        for (size_t sample = begin; sample < end; ++sample) {
            const uint16_t* layer_input = inputs.sample(sample);
            for (size_t l = 0; l < layer_count; ++l) {
                const int width = result.layer_widths[l];
                uint16_t* layer_output;
                if (!result.layers[l].empty()) {
                    layer_output = result.layers[l].data() + sample * width;
                } else {
                    scratch[l].resize(width);
                    layer_output = scratch[l].data();
                }

                for (int n = 0; n < width; ++n) {
                    const CompiledNeuron& neuron = layers[l][n];
                    uint32_t key = 0;
                    for (size_t k = 0; k < neuron.inputs.size(); ++k)
                        key |= static_cast<uint32_t>(layer_input[neuron.inputs[k]]) << neuron.shifts[k];
                    layer_output[n] = neuron.entries[key];
                }
                layer_input = layer_output;
            }
        }
    });
    return result;
}

int predict_class(const uint16_t* output_patterns, int output_count, const CodeFormat& format)
{
    int best = 0;
    int best_code = format.code(output_patterns[0]);
    for (int n = 1; n < output_count; ++n) {
        const int code = format.code(output_patterns[n]);
        if (code > best_code) {
            best = n;
            best_code = code;
        }
    }
    return best;
}

} // namespace lutgen
