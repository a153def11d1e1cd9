#include "importers/tables_importer.hpp"

#include "base/error.hpp"
#include "model/model_json.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace lutgen {

namespace {

Quantizer quantizer_for(const CodeFormat& format)
{
    Quantizer quantizer;
    quantizer.format = format;
    switch (format.kind) {
    case CodeKind::Signed: quantizer.kind = QuantizerKind::HardTanh; break;
    case CodeKind::Unsigned: quantizer.kind = QuantizerKind::ReLU; break;
    case CodeKind::Binary: quantizer.kind = QuantizerKind::Binary; break;
    }
    return quantizer;
}

std::string format_text(const CodeFormat& format)
{
    return fmt::format("{} {}-bit", code_kind_name(format.kind), format.bits);
}

} // namespace

Model import_tables(const TruthTables& tables, const std::string& source_name)
{
    if (tables.layers.empty())
        throw Error(source_name, "the tables file has no layers", "0", "pass a file written by 'lutgen tables'");

    Model model;
    model.name = tables.network_name.empty() ? "logicnet" : tables.network_name;
    model.source = fmt::format("tables file {}", std::filesystem::path(source_name).filename().string());
    model.input_count = tables.layers.front().input_count;
    model.input_quantizer = quantizer_for(tables.layers.front().input_format);

    for (size_t l = 0; l < tables.layers.size(); ++l) {
        const LayerTables& source = tables.layers[l];
        if (l > 0 && !(source.input_format == tables.layers[l - 1].output_format))
            throw Error(source_name,
                        fmt::format("layer {}: input_format ({}) differs from layer {}'s output_format ({})", l,
                                    format_text(source.input_format), l - 1,
                                    format_text(tables.layers[l - 1].output_format)),
                        format_text(source.input_format), "each layer's inputs are the previous layer's outputs");

        Layer layer;
        layer.kind = NeuronKind::Table;
        layer.input_count = source.input_count;
        layer.output_quantizer = quantizer_for(source.output_format);
        for (const NeuronTable& table : source.neurons) {
            TableNeuron neuron;
            neuron.inputs = table.inputs;
            neuron.codes.reserve(table.entries.size());
            for (uint16_t pattern : table.entries)
                neuron.codes.push_back(source.output_format.code(pattern));
            layer.table_neurons.push_back(std::move(neuron));
        }
        model.layers.push_back(std::move(layer));
    }

    validate_model(model, source_name);
    return model;
}

} // namespace lutgen
