#include "tables/enumerate.hpp"

#include "base/error.hpp"
#include "base/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace lutgen {

namespace {

int neuron_key_bits(const Model& model, size_t layer, int neuron)
{
    const int input_bits = model.layer_input_quantizer(layer).format.bits;
    return static_cast<int>(model.layers[layer].neuron_inputs(neuron).size()) * input_bits;
}

// LogicNets' neuron: z = W x + b over the connected inputs, then BatchNorm, then the quantizer,
// all in float32. The products of each input with each of its codes are computed once.
void enumerate_linear(const LinearNeuron& neuron, int neuron_index, const Quantizer& input,
                      const Quantizer& output, NeuronTable& table)
{
    const int fan_in = static_cast<int>(neuron.inputs.size());
    const int bits = input.format.bits;
    const uint32_t field_mask = (1u << bits) - 1;

    // PyTorch sums the masked dense row in ascending input order whatever the key order is, so
    // products are added in that order to round the same way.
    std::vector<int> sum_order(fan_in);
    std::iota(sum_order.begin(), sum_order.end(), 0);
    std::sort(sum_order.begin(), sum_order.end(),
              [&](int a, int b) { return neuron.inputs[a] < neuron.inputs[b]; });

    // products[k][pattern] = weight_k * value of the code that pattern stands for.
    std::vector<std::vector<float>> products(fan_in, std::vector<float>(size_t{1} << bits));
    for (int k = 0; k < fan_in; ++k)
        for (uint32_t pattern = 0; pattern <= field_mask; ++pattern)
            products[k][pattern] = neuron.weights[k] * input.dequantize(input.format.code(pattern));

    const size_t entry_count = size_t{1} << (fan_in * bits);
    table.entries.resize(entry_count);
    for (size_t key = 0; key < entry_count; ++key) {
        float z = 0.0f;
        for (int k : sum_order) {
            const int shift = bits * (fan_in - 1 - k);
            z += products[k][(key >> shift) & field_mask];
        }
        z += neuron.bias;

        const float u = output.batchnorm ? output.batchnorm->apply(static_cast<size_t>(neuron_index), z) : z;
        table.entries[key] = static_cast<uint16_t>(output.format.pattern(output.quantize(u)));
    }
}

void fill_table(const TableNeuron& neuron, const CodeFormat& output, NeuronTable& table)
{
    table.entries.resize(neuron.codes.size());
    for (size_t key = 0; key < neuron.codes.size(); ++key)
        table.entries[key] = static_cast<uint16_t>(output.pattern(neuron.codes[key]));
}

} // namespace

TableSize measure_tables(const Model& model)
{
    TableSize size;
    for (size_t l = 0; l < model.layers.size(); ++l) {
        for (int n = 0; n < model.layers[l].neuron_count(); ++n) {
            const int key_bits = neuron_key_bits(model, l, n);
            if (key_bits > size.widest_key_bits) {
                size.widest_key_bits = key_bits;
                size.widest_layer = static_cast<int>(l);
            }
            // Saturate instead of overflowing; the limit check rejects such sizes anyway.
            const uint64_t entries = key_bits >= 62 ? (uint64_t{1} << 62) : (uint64_t{1} << key_bits);
            size.entries = std::min(size.entries + entries, uint64_t{1} << 62);
        }
    }
    size.bytes = size.entries * sizeof(uint16_t);
    return size;
}

void check_table_limits(const Model& model, const TableLimits& limits, const std::string& source_name)
{
    for (size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        for (int n = 0; n < layer.neuron_count(); ++n) {
            const int key_bits = neuron_key_bits(model, l, n);
            if (key_bits > limits.max_key_bits)
                throw Error(source_name,
                            fmt::format("layer {} neuron {}: table key of {} bits ({} inputs x {} bits) exceeds the "
                                        "limit of {} bits",
                                        l, n, key_bits, layer.neuron_inputs(n).size(),
                                        model.layer_input_quantizer(l).format.bits, limits.max_key_bits),
                            std::to_string(key_bits),
                            "reduce the fan-in or bit width, or raise the limit with --max-key-bits");
        }
    }

    const TableSize size = measure_tables(model);
    if (size.bytes > limits.max_total_bytes)
        throw Error(source_name,
                    fmt::format("the truth tables need {} entries ({} MiB), more than the limit of {} MiB; the widest "
                                "key is {} bits, in layer {}",
                                size.entries, size.bytes >> 20, limits.max_total_bytes >> 20, size.widest_key_bits,
                                size.widest_layer),
                    std::to_string(size.entries), "raise the limit with --max-table-mib or shrink the model");
}

TruthTables enumerate_tables(const Model& model, int threads)
{
    TruthTables tables;
    tables.network_name = model.name;

    // Lay out every table first, so threads only fill entries they own.
    std::vector<std::pair<size_t, int>> jobs;
    for (size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        LayerTables layer_tables;
        layer_tables.index = static_cast<int>(l);
        layer_tables.input_count = layer.input_count;
        layer_tables.input_format = model.layer_input_quantizer(l).format;
        layer_tables.output_format = layer.output_quantizer.format;
        for (int n = 0; n < layer.neuron_count(); ++n) {
            NeuronTable neuron;
            neuron.layer = static_cast<int>(l);
            neuron.index = n;
            neuron.inputs = layer.neuron_inputs(n);
            layer_tables.neurons.push_back(std::move(neuron));
            jobs.emplace_back(l, n);
        }
        tables.layers.push_back(std::move(layer_tables));
    }

    parallel_for(jobs.size(), threads, [&](size_t job) {
        const auto [l, n] = jobs[job];
        const Layer& layer = model.layers[l];
        NeuronTable& table = tables.layers[l].neurons[n];
        if (layer.kind == NeuronKind::Linear)
            enumerate_linear(layer.linear_neurons[n], n, model.layer_input_quantizer(l), layer.output_quantizer,
                             table);
        else
            fill_table(layer.table_neurons[n], layer.output_quantizer.format, table);
    });
    return tables;
}

} // namespace lutgen
