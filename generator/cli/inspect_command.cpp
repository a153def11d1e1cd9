#include "base/error.hpp"
#include "cli/commands.hpp"
#include "model/model_json.hpp"
#include "quantize/input_encoder.hpp"
#include "quantize/input_quantization.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

namespace lutgen::cli {

namespace {

struct InspectOptions {
    std::string model;
    bool json = false;
    std::string input_format;
};

struct LayerSummary {
    int layer = 0;
    int neurons = 0;
    int min_fan_in = 0;
    int max_fan_in = 0;
    CodeFormat input_format;
    CodeFormat output_format;
    const char* quantizer = "";
    uint64_t table_entries = 0;
    uint64_t table_bits = 0;
    double lut_cost = 0.0;
};

// LogicNets' analytic LUT6 cost of a neuron with X key bits and Y output bits:
// (Y / 3) * (2^(X - 4) - (-1)^X). It is an estimate, not a synthesis result.
double logicnets_lut_cost(int key_bits, int output_bits)
{
    const double sign = key_bits % 2 == 0 ? 1.0 : -1.0;
    return static_cast<double>(output_bits) / 3.0 * (std::ldexp(1.0, key_bits - 4) - sign);
}

std::vector<LayerSummary> summarize_layers(const Model& model)
{
    std::vector<LayerSummary> layers;
    for (size_t index = 0; index < model.layers.size(); ++index) {
        const Layer& layer = model.layers[index];
        LayerSummary summary;
        summary.layer = static_cast<int>(index);
        summary.neurons = layer.neuron_count();
        summary.input_format = model.layer_input_quantizer(index).format;
        summary.output_format = layer.output_quantizer.format;
        summary.quantizer = quantizer_kind_name(layer.output_quantizer.kind);
        summary.min_fan_in = summary.neurons > 0 ? INT32_MAX : 0;
        for (int neuron = 0; neuron < summary.neurons; ++neuron) {
            const int fan_in = static_cast<int>(layer.neuron_inputs(neuron).size());
            const int key_bits = fan_in * summary.input_format.bits;
            summary.min_fan_in = std::min(summary.min_fan_in, fan_in);
            summary.max_fan_in = std::max(summary.max_fan_in, fan_in);
            summary.table_entries += uint64_t{1} << key_bits;
            summary.lut_cost += logicnets_lut_cost(key_bits, summary.output_format.bits);
        }
        summary.table_bits = summary.table_entries * static_cast<uint64_t>(summary.output_format.bits);
        layers.push_back(summary);
    }
    return layers;
}

std::string format_name(const CodeFormat& format)
{
    return fmt::format("{}-bit {}", format.bits, code_kind_name(format.kind));
}

std::string fan_in_text(const LayerSummary& layer)
{
    if (layer.min_fan_in == layer.max_fan_in)
        return std::to_string(layer.max_fan_in);
    return fmt::format("{}..{}", layer.min_fan_in, layer.max_fan_in);
}

nlohmann::ordered_json inspect_json(const Model& model, const std::vector<LayerSummary>& layers,
                                    const std::vector<FeatureQuantization>& features,
                                    const std::optional<InputEncoder>& encoder)
{
    using nlohmann::ordered_json;
    const Quantizer& quantizer = model.input_quantizer;

    ordered_json layer_list = ordered_json::array();
    for (const LayerSummary& layer : layers)
        layer_list.push_back({{"layer", layer.layer},
                              {"neurons", layer.neurons},
                              {"fan_in_min", layer.min_fan_in},
                              {"fan_in_max", layer.max_fan_in},
                              {"input_bits", layer.input_format.bits},
                              {"input_code_kind", code_kind_name(layer.input_format.kind)},
                              {"output_bits", layer.output_format.bits},
                              {"output_code_kind", code_kind_name(layer.output_format.kind)},
                              {"quantizer", layer.quantizer},
                              {"table_entries", layer.table_entries},
                              {"table_bits", layer.table_bits},
                              {"logicnets_lut_cost", layer.lut_cost}});

    ordered_json feature_list = ordered_json::array();
    for (const FeatureQuantization& feature : features) {
        ordered_json starts = ordered_json::array();
        for (const CodeStart& start : feature.code_starts)
            starts.push_back({{"code", start.code}, {"value", start.value}});
        ordered_json entry = {{"feature", feature.feature},
                              {"scale", feature.scale},
                              {"bias", feature.bias},
                              {"reversed", feature.reversed},
                              {"lowest_value_code", feature.lowest_value_code},
                              {"code_starts", starts}};
        if (encoder) {
            const EncoderFeature& encoded = encoder->features[static_cast<size_t>(feature.feature)];
            ordered_json comparators = ordered_json::array();
            for (const EncoderComparator& comparator : encoded.comparators)
                comparators.push_back({{"code", comparator.code}, {"raw_threshold", comparator.threshold}});
            entry["encoder"] = {{"default_code", encoded.default_code}, {"comparators", comparators}};
        }
        feature_list.push_back(entry);
    }

    ordered_json input = {{"kind", quantizer_kind_name(quantizer.kind)},
                          {"bits", quantizer.format.bits},
                          {"code_kind", code_kind_name(quantizer.format.kind)},
                          {"min_code", quantizer.min_code()},
                          {"max_code", quantizer.max_code()},
                          {"scale_param", quantizer.scale_param},
                          {"step", quantizer.step()},
                          {"batchnorm", quantizer.batchnorm.has_value()},
                          {"scalar_bias", quantizer.scalar_bias ? ordered_json(*quantizer.scalar_bias) : ordered_json()},
                          {"formula", "code = clip(round(x / scale + bias), min_code, max_code)"}};
    if (encoder)
        input["encoder_format"] = encoder->format.name();
    input["features"] = feature_list;

    return {{"source", model.source},
            {"inputs", model.input_count},
            {"outputs", model.output_count()},
            {"layers", layer_list},
            {"input_quantizer", input}};
}

void print_text(const Model& model, const std::vector<LayerSummary>& layers,
                const std::vector<FeatureQuantization>& features, const std::optional<InputEncoder>& encoder)
{
    std::printf("model: %s\n", model.source.empty() ? "(source not recorded)" : model.source.c_str());
    std::printf("%d inputs, %zu layers, %d outputs\n\n", model.input_count, model.layers.size(), model.output_count());

    std::printf("%-5s %7s %6s %-14s %-14s %-9s %13s %12s %17s\n", "layer", "neurons", "fan-in", "input codes",
                "output codes", "quantizer", "table entries", "table bits", "LUT cost estimate");
    uint64_t total_bits = 0;
    double total_cost = 0.0;
    for (const LayerSummary& layer : layers) {
        std::printf("%-5d %7d %6s %-14s %-14s %-9s %13llu %12llu %17.1f\n", layer.layer, layer.neurons,
                    fan_in_text(layer).c_str(), format_name(layer.input_format).c_str(),
                    format_name(layer.output_format).c_str(), layer.quantizer,
                    static_cast<unsigned long long>(layer.table_entries),
                    static_cast<unsigned long long>(layer.table_bits), layer.lut_cost);
        total_bits += layer.table_bits;
        total_cost += layer.lut_cost;
    }
    std::printf("total: %llu table bits, LogicNets' LUT cost estimate %.1f LUT6\n\n",
                static_cast<unsigned long long>(total_bits), total_cost);

    const Quantizer& quantizer = model.input_quantizer;
    std::printf("input quantizer: %s, %s codes %d..%d, step %s%s%s\n", quantizer_kind_name(quantizer.kind),
                format_name(quantizer.format).c_str(), quantizer.min_code(), quantizer.max_code(),
                fmt::format("{}", quantizer.step()).c_str(), quantizer.batchnorm ? ", BatchNorm" : "",
                quantizer.scalar_bias ? fmt::format(", scalar bias {}", *quantizer.scalar_bias).c_str() : "");
    std::printf("per feature: code = clip(round(x / s + b), %d, %d); a code begins at the value shown\n",
                quantizer.min_code(), quantizer.max_code());
    if (encoder)
        std::printf("encoder thresholds in %s: the raw fixed-point value at which each code begins\n",
                    encoder->format.name().c_str());

    for (const FeatureQuantization& feature : features) {
        std::string starts = fmt::format("code {} below", feature.lowest_value_code);
        for (const CodeStart& start : feature.code_starts)
            starts += fmt::format(", {} from {}", start.code, start.value);
        std::printf("  feature %-3d s %-12s b %-12s %s%s\n", feature.feature, fmt::format("{:.7g}", feature.scale).c_str(),
                    fmt::format("{:.7g}", feature.bias).c_str(), starts.c_str(),
                    feature.reversed ? "  [reversed: negative BatchNorm gamma, codes fall as x rises]" : "");
        if (!encoder)
            continue;
        const EncoderFeature& encoded = encoder->features[static_cast<size_t>(feature.feature)];
        std::string comparators = fmt::format("code {} below", encoded.default_code);
        for (const EncoderComparator& comparator : encoded.comparators)
            comparators += fmt::format(", {} from {}", comparator.code, comparator.threshold);
        std::printf("              %s: %s\n", encoder->format.name().c_str(), comparators.c_str());
    }
}

int run_inspect(const InspectOptions& options)
{
    const Model model = read_model(options.model);
    const std::vector<LayerSummary> layers = summarize_layers(model);
    const std::vector<FeatureQuantization> features = describe_input_quantization(model);

    std::optional<InputEncoder> encoder;
    if (!options.input_format.empty())
        encoder = build_input_encoder(features, model.input_quantizer.format,
                                      parse_fixed_point_format(options.input_format, "--input-format"));

    if (options.json)
        std::printf("%s\n", inspect_json(model, layers, features, encoder).dump(1).c_str());
    else
        print_text(model, layers, features, encoder);
    return kExitSuccess;
}

} // namespace

CommandRunner add_inspect_command(CLI::App& app)
{
    auto options = std::make_shared<InspectOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_flag("--json", options->json, "Print the summary as JSON");
    app.add_option("--input-format", options->input_format,
                   "Also show the input encoder's thresholds in this signed fixed-point format "
                   "(s<bits>.<fraction bits>, such as s16.8)");
    return [options] { return run_inspect(*options); };
}

} // namespace lutgen::cli
