#include "golden/golden_model.hpp"

#include "base/error.hpp"
#include "base/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace lutgen {

namespace {

// Samples per work item. Each neuron's table serves the whole batch before the next neuron's, so a
// table of up to 14-bit keys (32 KiB) stays in the L1 cache. The two activation buffers of a batch
// (JSC-L's widest layer: 2 x 192 neurons x 1024 samples x 2 bytes = 768 KiB) fit a 1 MiB L2 cache.
constexpr size_t kBatchSamples = 1024;

// A neuron flattened for evaluation: where its inputs come from and the shift of each in the key.
struct CompiledNeuron {
    std::vector<int> inputs;
    std::vector<int> shifts;
    const uint16_t* entries = nullptr;
};

std::vector<std::vector<CompiledNeuron>> compile(const TruthTables& tables)
{
    std::vector<std::vector<CompiledNeuron>> layers;
    int previous_width = tables.input_count();
    int previous_bits = tables.input_format().bits;
    for (const LayerTables& layer : tables.layers) {
        if (layer.input_format.bits != previous_bits)
            throw Error(fmt::format("layer {}", layer.index),
                        fmt::format("the input bit width differs from the {}-bit codes the layer receives",
                                    previous_bits),
                        std::to_string(layer.input_format.bits), "regenerate the tables from the model");
        std::vector<CompiledNeuron> neurons;
        for (const NeuronTable& neuron : layer.neurons) {
            const int fan_in = static_cast<int>(neuron.inputs.size());
            const int key_bits = layer.key_bits(neuron);
            const std::string subject = fmt::format("layer {} neuron {}", layer.index, neuron.index);
            if (key_bits > 30 || neuron.entries.size() != size_t{1} << key_bits)
                throw Error(subject,
                            fmt::format("the truth table has {} entries but a {}-bit key needs 2^{}",
                                        neuron.entries.size(), key_bits, key_bits),
                            std::to_string(neuron.entries.size()), "regenerate the tables from the model");
            for (int input : neuron.inputs)
                if (input < 0 || input >= previous_width)
                    throw Error(subject,
                                fmt::format("input index out of range [0, {})", previous_width),
                                std::to_string(input), "regenerate the tables from the model");

            // An entry wider than the output bit width would index past the next layer's tables.
            const uint16_t widest_entry = *std::max_element(neuron.entries.begin(), neuron.entries.end());
            if (widest_entry >> layer.output_format.bits != 0)
                throw Error(subject,
                            fmt::format("a truth table entry does not fit in the {}-bit output",
                                        layer.output_format.bits),
                            std::to_string(widest_entry), "regenerate the tables from the model");

            CompiledNeuron compiled;
            compiled.inputs = neuron.inputs;
            for (int k = 0; k < fan_in; ++k)
                compiled.shifts.push_back(layer.input_format.bits * (fan_in - 1 - k));
            compiled.entries = neuron.entries.data();
            neurons.push_back(std::move(compiled));
        }
        previous_width = static_cast<int>(layer.neurons.size());
        previous_bits = layer.output_format.bits;
        layers.push_back(std::move(neurons));
    }
    return layers;
}

// Evaluates one neuron on a batch. Activations are neuron-major (column n holds neuron n's
// pattern for every sample of the batch), so the key loop runs over contiguous memory and
// vectorizes, and only the table lookup is a gather.
void evaluate_neuron(const CompiledNeuron& neuron, const uint16_t* input_columns, size_t count, uint32_t* keys,
                     uint16_t* output_column)
{
    const size_t fan_in = neuron.inputs.size();
    if (fan_in == 0) {
        std::fill(output_column, output_column + count, neuron.entries[0]);
        return;
    }

    const uint16_t* first = input_columns + static_cast<size_t>(neuron.inputs[0]) * kBatchSamples;
    const int first_shift = neuron.shifts[0];
    for (size_t s = 0; s < count; ++s)
        keys[s] = static_cast<uint32_t>(first[s]) << first_shift;
    for (size_t k = 1; k < fan_in; ++k) {
        const uint16_t* column = input_columns + static_cast<size_t>(neuron.inputs[k]) * kBatchSamples;
        const int shift = neuron.shifts[k];
        for (size_t s = 0; s < count; ++s)
            keys[s] |= static_cast<uint32_t>(column[s]) << shift;
    }

    const uint16_t* entries = neuron.entries;
    for (size_t s = 0; s < count; ++s)
        output_column[s] = entries[keys[s]];
}

// Copies a neuron-major batch into the sample-major result rows [begin, begin + count).
void store_sample_major(const uint16_t* columns, int width, size_t begin, size_t count, uint16_t* result)
{
    for (int n = 0; n < width; ++n) {
        const uint16_t* column = columns + static_cast<size_t>(n) * kBatchSamples;
        for (size_t s = 0; s < count; ++s)
            result[(begin + s) * width + n] = column[s];
    }
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
    if (inputs.patterns.size() != inputs.sample_count * static_cast<size_t>(inputs.feature_count))
        throw Error("golden model",
                    fmt::format("the input dump contains {} codes but {} samples x {} features need {}",
                                inputs.patterns.size(), inputs.sample_count, inputs.feature_count,
                                inputs.sample_count * static_cast<size_t>(inputs.feature_count)),
                    std::to_string(inputs.patterns.size()), "read the dump with read_code_dump");

    const std::vector<std::vector<CompiledNeuron>> layers = compile(tables);
    const size_t layer_count = layers.size();

    GoldenResult result;
    result.sample_count = inputs.sample_count;
    int widest = inputs.feature_count;
    for (const auto& layer : layers) {
        result.layer_widths.push_back(static_cast<int>(layer.size()));
        widest = std::max(widest, static_cast<int>(layer.size()));
    }
    result.layers.resize(layer_count);
    for (size_t l = 0; l < layer_count; ++l)
        if (keep_every_layer || l + 1 == layer_count)
            result.layers[l].resize(inputs.sample_count * result.layer_widths[l]);

    // A code wider than the input bit width would index past a table.
    const uint16_t input_limit = static_cast<uint16_t>((1u << inputs.bits) - 1);
    const size_t batch_count = (inputs.sample_count + kBatchSamples - 1) / kBatchSamples;
    parallel_for(batch_count, threads, [&](size_t batch) {
        const size_t begin = batch * kBatchSamples;
        const size_t count = std::min(kBatchSamples, inputs.sample_count - begin);

        // Two neuron-major activation buffers, swapped after each layer, and the key scratch.
        std::vector<uint16_t> current(static_cast<size_t>(widest) * kBatchSamples);
        std::vector<uint16_t> next(static_cast<size_t>(widest) * kBatchSamples);
        std::vector<uint32_t> keys(kBatchSamples);

        for (size_t s = 0; s < count; ++s) {
            const uint16_t* sample = inputs.sample(begin + s);
            for (int f = 0; f < inputs.feature_count; ++f) {
                if (sample[f] > input_limit)
                    throw Error("golden model",
                                fmt::format("sample {} feature {}: the code does not fit in {} bits", begin + s, f,
                                            inputs.bits),
                                std::to_string(sample[f]), "read the dump with read_code_dump");
                current[static_cast<size_t>(f) * kBatchSamples + s] = sample[f];
            }
        }

        for (size_t l = 0; l < layer_count; ++l) {
            const int width = result.layer_widths[l];
            for (int n = 0; n < width; ++n)
                evaluate_neuron(layers[l][n], current.data(), count, keys.data(),
                                next.data() + static_cast<size_t>(n) * kBatchSamples);
            if (!result.layers[l].empty())
                store_sample_major(next.data(), width, begin, count, result.layers[l].data());
            current.swap(next);
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
