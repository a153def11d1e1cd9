#include "verilog/logicnets_rtl.hpp"

#include "verilog/output_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#ifndef LUTGEN_VERSION
#error "LUTGEN_VERSION must be defined by the build"
#endif

namespace lutgen {

namespace {

std::string msb(int width)
{
    return std::to_string(width - 1);
}

// Returns the key of case row `row`. LogicNets enumerates a neuron's input states with the first
// input varying fastest, each input's states from the minimum code upward, while the key puts the
// first input in the most significant bits. State s of a code format has bit pattern s, so the
// key is `row` with its b-bit digits in reverse order.
uint32_t row_key(uint32_t row, int fan_in, int input_bits)
{
    const uint32_t digit_mask = (1u << input_bits) - 1u;
    uint32_t key = 0;
    for (int input = 0; input < fan_in; ++input) {
        const uint32_t digit = (row >> (input * input_bits)) & digit_mask;
        key |= digit << ((fan_in - 1 - input) * input_bits);
    }
    return key;
}

class LogicNetsWriter {
public:
    LogicNetsWriter(const TruthTables& tables, const VerilogOptions& options, TemplateLibrary& templates,
                    const std::filesystem::path& directory)
        : tables_(tables), options_(options), templates_(templates), directory_(directory),
          top_module_(tables.network_name.empty() ? "logicnet" : tables.network_name)
    {
    }

    RtlManifest write();

private:
    void write_neuron(const LayerTables& layer, const NeuronTable& neuron);
    void write_bench(const LayerTables& layer, const NeuronTable& neuron);
    void write_layer(const LayerTables& layer);
    void write_top();
    void write_register();

    const TruthTables& tables_;
    const VerilogOptions& options_;
    TemplateLibrary& templates_;
    const std::filesystem::path& directory_;
    std::string top_module_;
    std::vector<std::string> verilog_files_;
};

void LogicNetsWriter::write_neuron(const LayerTables& layer, const NeuronTable& neuron)
{
    const std::string module_name = fmt::format("layer{}_N{}", layer.index, neuron.index);
    const int key_bits = layer.key_bits(neuron);
    const int code_bits = layer.output_format.bits;
    const int fan_in = static_cast<int>(neuron.inputs.size());

    auto render_rows = [&](OutputFile& out) {
        const std::string key_prefix = fmt::format("\t\t\t{}'b", key_bits);
        const std::string code_prefix = fmt::format(": M1r = {}'b", code_bits);
        const uint32_t row_count = static_cast<uint32_t>(neuron.entries.size());
        for (uint32_t row = 0; row < row_count; ++row) {
            const uint32_t key = row_key(row, fan_in, layer.input_format.bits);
            out.append(key_prefix);
            out.append_binary(key, key_bits);
            out.append(code_prefix);
            out.append_binary(neuron.entries[key], code_bits);
            out.append(";\n");
        }
    };

    const std::string file_name = module_name + ".v";
    OutputFile out(directory_ / file_name);
    templates_.get("logicnets/neuron.v")
        .render(out, {
                         {"module_name", module_name},
                         {"key_msb", msb(key_bits)},
                         {"code_msb", msb(code_bits)},
                         {"case_rows", render_rows},
                     });
    out.close();
    verilog_files_.push_back(file_name);
}

void LogicNetsWriter::write_bench(const LayerTables& layer, const NeuronTable& neuron)
{
    const int key_bits = layer.key_bits(neuron);
    const int code_bits = layer.output_format.bits;

    auto render_inputs = [&](OutputFile& out) {
        for (int bit = 0; bit < key_bits; ++bit)
            out.format("INPUT(M0[{}])\n", bit);
    };
    auto render_outputs = [&](OutputFile& out) {
        for (int bit = 0; bit < code_bits; ++bit)
            out.format("OUTPUT(M1[{}])\n", bit);
    };

    // LogicNets' LUT operand list. NOTE: with a 1-bit key it lacks the closing " )\n" and with
    // an empty key it is empty; both are kept to match LogicNets' files.
    std::string operands;
    for (int bit = 0; bit < key_bits; ++bit) {
        if (bit == 0)
            operands += fmt::format("( M0[{}]", bit);
        else
            operands += fmt::format(", M0[{}]", bit);
    }
    if (key_bits > 1)
        operands += " )\n";

    // Bit k of the LUT constant is the output bit for key k, so with rows sorted by key in
    // descending order the constant's hex digits run from the highest key down.
    auto render_luts = [&](OutputFile& out) {
        const size_t entry_count = neuron.entries.size();
        const size_t digit_count = std::max<size_t>(1, entry_count / 4);
        for (int bit = 0; bit < code_bits; ++bit) {
            out.format("M1[{}]       = LUT 0x", bit);
            for (size_t digit = digit_count; digit-- > 0;) {
                uint32_t nibble = 0;
                for (size_t offset = 0; offset < 4; ++offset) {
                    const size_t key = digit * 4 + offset;
                    if (key < entry_count)
                        nibble |= ((neuron.entries[key] >> bit) & 1u) << offset;
                }
                out.append_hex(nibble, 1);
            }
            out.append(' ');
            out.append(operands);
        }
    };

    OutputFile out(directory_ / fmt::format("layer{}_N{}.bench", layer.index, neuron.index));
    templates_.get("logicnets/neuron.bench")
        .render(out, {{"inputs", render_inputs}, {"outputs", render_outputs}, {"luts", render_luts}});
    out.close();
}

void LogicNetsWriter::write_layer(const LayerTables& layer)
{
    const int input_bits = layer.input_format.bits;
    const int output_bits = layer.output_format.bits;

    // Each connected input contributes its bits from the most significant down.
    auto render_neurons = [&](OutputFile& out) {
        const Template& instance = templates_.get("logicnets/layer_neuron.v");
        for (const NeuronTable& neuron : layer.neurons) {
            std::string key_bits;
            for (int input : neuron.inputs) {
                for (int bit = input_bits - 1; bit >= 0; --bit) {
                    if (!key_bits.empty())
                        key_bits += ", ";
                    key_bits += fmt::format("M0[{}]", input * input_bits + bit);
                }
            }

            const int code_low = neuron.index * output_bits;
            instance.render(out, {
                                     {"module_name", fmt::format("layer{}_N{}", layer.index, neuron.index)},
                                     {"key_msb", msb(layer.key_bits(neuron))},
                                     {"key_bits", key_bits},
                                     {"code_msb", std::to_string(code_low + output_bits - 1)},
                                     {"code_lsb", std::to_string(code_low)},
                                 });
        }
    };

    const std::string module_name = fmt::format("layer{}", layer.index);
    const std::string file_name = module_name + ".v";
    OutputFile out(directory_ / file_name);
    templates_.get("logicnets/layer.v")
        .render(out, {
                         {"module_name", module_name},
                         {"input_msb", msb(layer.input_count * input_bits)},
                         {"output_msb", msb(static_cast<int>(layer.neurons.size()) * output_bits)},
                         {"neurons", render_neurons},
                     });
    out.close();
    verilog_files_.push_back(file_name);
}

void LogicNetsWriter::write_top()
{
    const bool registered = options_.registers != RegisterPlacement::None;
    const int layer_count = static_cast<int>(tables_.layers.size());

    auto render_layers = [&](OutputFile& out) {
        for (const LayerTables& layer : tables_.layers) {
            const int input_width = layer.input_count * layer.input_format.bits;
            const std::string index = std::to_string(layer.index);
            const std::string next = std::to_string(layer.index + 1);
            if (registered)
                templates_.get("logicnets/top_layer_register.v")
                    .render(out, {{"layer", index},
                                  {"input_msb", msb(input_width)},
                                  {"input_width", std::to_string(input_width)}});
            else
                templates_.get("logicnets/top_layer_passthrough.v")
                    .render(out, {{"layer", index}, {"input_msb", msb(input_width)}});

            // The last layer drives the output port, which needs no wire.
            if (layer.index + 1 < layer_count) {
                const int output_width = static_cast<int>(layer.neurons.size()) * layer.output_format.bits;
                templates_.get("logicnets/top_layer_output_wire.v")
                    .render(out, {{"output_msb", msb(output_width)}, {"next_layer", next}});
            }
            templates_.get("logicnets/top_layer_instance.v").render(out, {{"layer", index}, {"next_layer", next}});
        }
    };

    const std::string file_name = top_module_ + ".v";
    OutputFile out(directory_ / file_name);
    templates_.get("logicnets/top.v")
        .render(out, {
                         {"module_name", top_module_},
                         {"input_msb", msb(tables_.input_count() * tables_.input_format().bits)},
                         {"output_msb", msb(tables_.output_count() * tables_.output_format().bits)},
                         {"layer_count", std::to_string(layer_count)},
                         {"layers", render_layers},
                     });
    out.close();
    verilog_files_.push_back(file_name);
}

void LogicNetsWriter::write_register()
{
    OutputFile out(directory_ / "myreg.v");
    templates_.get("logicnets/myreg.v").render(out, {});
    out.close();

    // LogicNets writes myreg.v for every design, but only a registered design instantiates it,
    // and an unused module would be a second top module for the simulator.
    if (options_.registers != RegisterPlacement::None)
        verilog_files_.push_back("myreg.v");
}

RtlManifest LogicNetsWriter::write()
{
    for (const LayerTables& layer : tables_.layers) {
        for (const NeuronTable& neuron : layer.neurons) {
            write_neuron(layer, neuron);
            // PolyLUT's and NeuraLUT's neq2lut pass generate_bench=False; only LogicNets writes .bench.
            if (options_.write_bench && top_module_ == "logicnet")
                write_bench(layer, neuron);
        }
        write_layer(layer);
    }
    write_register();
    write_top();

    const int layer_count = static_cast<int>(tables_.layers.size());
    const bool registered = options_.registers != RegisterPlacement::None;

    RtlManifest manifest;
    manifest.generator_version = LUTGEN_VERSION;
    manifest.dialect = rtl_dialect_name(RtlDialect::LogicNets);
    manifest.neuron_style = neuron_style_name(NeuronStyle::Case);
    manifest.registers = register_placement_name(options_.registers);
    manifest.top_module = top_module_;
    manifest.input_port = "M0";
    manifest.output_port = fmt::format("M{}", layer_count);
    manifest.clock_port = "clk";
    manifest.reset_port = "rst";
    manifest.reset_active_high = true;
    manifest.input_width = tables_.input_count() * tables_.input_format().bits;
    manifest.output_width = tables_.output_count() * tables_.output_format().bits;
    manifest.latency = registered ? layer_count : 0;

    // Layer L drives M{L+1}. With registers its input is registered, so M{L+1} carries a
    // sample L+1 cycles after it entered.
    for (const LayerTables& layer : tables_.layers)
        manifest.layer_outputs.push_back({layer.index, fmt::format("M{}", layer.index + 1),
                                          static_cast<int>(layer.neurons.size()) * layer.output_format.bits,
                                          registered ? layer.index + 1 : 0});
    manifest.verilog_files = verilog_files_;
    manifest.model_sha256 = options_.model_sha256;
    return manifest;
}

} // namespace

RtlManifest write_logicnets_rtl(const TruthTables& tables, const VerilogOptions& options,
                                TemplateLibrary& templates, const std::filesystem::path& directory)
{
    return LogicNetsWriter(tables, options, templates, directory).write();
}

} // namespace lutgen
