#include "tables/enumerate.hpp"

#include "base/error.hpp"
#include "base/parallel.hpp"
#include "tables/torch_arithmetic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lutgen {

namespace {

int neuron_key_bits(const Model& model, size_t layer, int neuron)
{
    const int input_bits = model.layer_input_quantizer(layer).format.bits;
    return static_cast<int>(model.layers[layer].neuron_inputs(neuron).size()) * input_bits;
}

// The float32 value of every input bit pattern, as the layer's table computes with it.
std::vector<float> input_values(const Quantizer& input, InputPrecision precision)
{
    std::vector<float> values(size_t{1} << input.format.bits);
    for (uint32_t pattern = 0; pattern < values.size(); ++pattern) {
        const float value = input.dequantize(input.format.code(pattern));
        values[pattern] = precision == InputPrecision::Float16 ? round_to_float16(value) : value;
    }
    return values;
}

// LogicNets' neuron: z = W x + b over the connected inputs, then BatchNorm, then the quantizer,
// all in float32. The products of each input with each of its codes are computed once.
void enumerate_linear(const LinearNeuron& neuron, int neuron_index, const Quantizer& input,
                      const std::vector<float>& values, const Quantizer& output, NeuronTable& table)
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
            products[k][pattern] = neuron.weights[k] * values[pattern];

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

// Splits a key into the neuron's input bit patterns, inputs[0] from the most significant field.
void split_key(size_t key, int fan_in, int bits, std::vector<uint32_t>& patterns)
{
    const uint32_t field_mask = (1u << bits) - 1;
    for (int k = 0; k < fan_in; ++k)
        patterns[k] = static_cast<uint32_t>(key >> (bits * (fan_in - 1 - k))) & field_mask;
}

uint16_t output_pattern(const Quantizer& output, int neuron_index, float z)
{
    const float u = output.batchnorm ? output.batchnorm->apply(static_cast<size_t>(neuron_index), z) : z;
    return static_cast<uint16_t>(output.format.pattern(output.quantize(u)));
}

// PolyLUT's neuron, in its operation order: m_t = prod_k a_k ** e_tk with std::pow (torch.pow's
// scalar loop) multiplied in input order, then torch.sum(weights * m) + bias.
void enumerate_polynomial(const PolynomialNeuron& neuron, int neuron_index, const Layer& layer, int bits,
                          const std::vector<float>& values, NeuronTable& table)
{
    const int fan_in = static_cast<int>(neuron.inputs.size());
    const size_t terms = layer.monomials.size();

    // exponents[t][k]: how often input k occurs in monomial t.
    std::vector<std::vector<int>> exponents(terms, std::vector<int>(fan_in, 0));
    int max_exponent = 0;
    for (size_t t = 0; t < terms; ++t)
        for (int k : layer.monomials[t])
            max_exponent = std::max(max_exponent, ++exponents[t][k]);

    // powers[e][pattern] = value ** e, computed once per input value.
    std::vector<std::vector<float>> powers(max_exponent + 1, std::vector<float>(values.size()));
    for (int e = 0; e <= max_exponent; ++e)
        for (size_t pattern = 0; pattern < values.size(); ++pattern)
            powers[e][pattern] = std::pow(values[pattern], static_cast<float>(e));

    std::vector<uint32_t> patterns(fan_in);
    std::vector<float> products(terms);
    const size_t entry_count = size_t{1} << (fan_in * bits);
    table.entries.resize(entry_count);
    for (size_t key = 0; key < entry_count; ++key) {
        split_key(key, fan_in, bits, patterns);
        for (size_t t = 0; t < terms; ++t) {
            float monomial = 1.0f;
            for (int k = 0; k < fan_in; ++k)
                monomial *= powers[exponents[t][k]][patterns[k]];
            products[t] = neuron.weights[t] * monomial;
        }
        const float z = torch_row_sum(products.data(), terms) + neuron.bias;
        table.entries[key] = output_pattern(layer.output_quantizer, neuron_index, z);
    }
}

// One SparseLinear row: torch.sum(x * weight_row) + bias.
float dense_row(const float* weights, const float* x, size_t count, float bias, std::vector<float>& scratch)
{
    scratch.resize(count);
    for (size_t i = 0; i < count; ++i)
        scratch[i] = x[i] * weights[i];
    return torch_row_sum(scratch.data(), count) + bias;
}

// NeuraLUT's neuron, in the operation order of its forward_to_fill_luts.
void enumerate_subnetwork(const SubNetworkNeuron& neuron, int neuron_index, const Layer& layer, int bits,
                          const std::vector<float>& values, NeuronTable& table)
{
    const size_t fan_in = neuron.inputs.size();
    const size_t width = static_cast<size_t>(layer.width);
    std::vector<uint32_t> patterns(fan_in);
    std::vector<float> a(fan_in), h1(width), h2(width), h3(width), scratch;
    auto relu = [](float x) { return std::max(x, 0.0f); };

    const size_t entry_count = size_t{1} << (fan_in * bits);
    table.entries.resize(entry_count);
    for (size_t key = 0; key < entry_count; ++key) {
        split_key(key, static_cast<int>(fan_in), bits, patterns);
        for (size_t k = 0; k < fan_in; ++k)
            a[k] = values[patterns[k]];

        for (size_t j = 0; j < width; ++j)
            h1[j] = relu(dense_row(&neuron.fc1_weight[j * fan_in], a.data(), fan_in, neuron.fc1_bias[j], scratch));
        for (size_t j = 0; j < width; ++j) {
            const float skip =
                dense_row(&neuron.res0_weight[j * fan_in], a.data(), fan_in, neuron.res0_bias[j], scratch);
            h2[j] = relu(dense_row(&neuron.fc2_weight[j * width], h1.data(), width, neuron.fc2_bias[j], scratch) +
                         skip);
        }
        for (size_t j = 0; j < width; ++j)
            h3[j] = relu(dense_row(&neuron.fc3_weight[j * width], h2.data(), width, neuron.fc3_bias[j], scratch));
        const float skip = dense_row(neuron.res1_weight.data(), h2.data(), width, neuron.res1_bias, scratch);
        const float z = dense_row(neuron.fc4_weight.data(), h3.data(), width, neuron.fc4_bias, scratch) + skip;
        table.entries[key] = output_pattern(layer.output_quantizer, neuron_index, z);
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
                    fmt::format("the truth tables need {} entries ({} bytes, {:.2f} MiB), more than the limit of "
                                "{:.2f} MiB; the widest key is {} bits, in layer {}",
                                size.entries, size.bytes, static_cast<double>(size.bytes) / (1 << 20),
                                static_cast<double>(limits.max_total_bytes) / (1 << 20), size.widest_key_bits,
                                size.widest_layer),
                    std::to_string(size.entries), "raise the limit with --max-table-mib or shrink the model");
}

TruthTables enumerate_tables(const Model& model, int threads)
{
    TruthTables tables;
    tables.network_name = model.name;

    // Lay out every table first, so threads only fill entries they own.
    std::vector<std::pair<size_t, int>> jobs;
    std::vector<std::vector<float>> layer_values;
    for (size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        LayerTables layer_tables;
        layer_tables.index = static_cast<int>(l);
        layer_tables.input_count = layer.input_count;
        layer_tables.input_format = model.layer_input_quantizer(l).format;
        layer_tables.output_format = layer.output_quantizer.format;
        layer_values.push_back(input_values(model.layer_input_quantizer(l), layer.input_precision));
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
        const Quantizer& input = model.layer_input_quantizer(l);
        const std::vector<float>& values = layer_values[l];
        switch (layer.kind) {
        case NeuronKind::Linear:
            enumerate_linear(layer.linear_neurons[n], n, input, values, layer.output_quantizer, table);
            break;
        case NeuronKind::Polynomial:
            enumerate_polynomial(layer.polynomial_neurons[n], n, layer, input.format.bits, values, table);
            break;
        case NeuronKind::SubNetwork:
            enumerate_subnetwork(layer.subnetwork_neurons[n], n, layer, input.format.bits, values, table);
            break;
        case NeuronKind::Table:
            fill_table(layer.table_neurons[n], layer.output_quantizer.format, table);
            break;
        }
    });
    return tables;
}

} // namespace lutgen
