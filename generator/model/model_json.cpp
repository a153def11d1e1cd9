#include "model/model_json.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace lutgen {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// Codes, keys and bit patterns are held in 32-bit words; 16 bits per code is far beyond any
// LUT network and keeps every shift well defined.
constexpr int kMaxCodeBits = 16;

ordered_json float_array(const std::vector<float>& values)
{
    ordered_json array = ordered_json::array();
    for (float value : values)
        array.push_back(static_cast<double>(value));
    return array;
}

ordered_json quantizer_to_json(const Quantizer& quantizer)
{
    ordered_json object = {
        {"kind", quantizer_kind_name(quantizer.kind)},
        {"code", code_kind_name(quantizer.format.kind)},
        {"bits", quantizer.format.bits},
        {"narrow_range", quantizer.narrow_range},
        {"scale", static_cast<double>(quantizer.scale_param)},
        {"learned_log2", quantizer.learned_log2 ? ordered_json(static_cast<double>(*quantizer.learned_log2))
                                                : ordered_json(nullptr)},
        {"scalar_bias", quantizer.scalar_bias ? ordered_json(static_cast<double>(*quantizer.scalar_bias))
                                              : ordered_json(nullptr)},
    };
    if (quantizer.batchnorm) {
        const BatchNorm& bn = *quantizer.batchnorm;
        object["batchnorm"] = {
            {"eps", static_cast<double>(bn.eps)},
            {"weight", float_array(bn.weight)},
            {"bias", float_array(bn.bias)},
            {"running_mean", float_array(bn.running_mean)},
            {"running_var", float_array(bn.running_var)},
        };
    } else {
        object["batchnorm"] = nullptr;
    }
    return object;
}

ordered_json layer_to_json(const Layer& layer)
{
    ordered_json neurons = ordered_json::array();
    if (layer.kind == NeuronKind::Linear) {
        for (const LinearNeuron& neuron : layer.linear_neurons)
            neurons.push_back({{"inputs", neuron.inputs},
                               {"weights", float_array(neuron.weights)},
                               {"bias", static_cast<double>(neuron.bias)}});
    } else {
        for (const TableNeuron& neuron : layer.table_neurons)
            neurons.push_back({{"inputs", neuron.inputs}, {"codes", neuron.codes}});
    }

    return {
        {"kind", neuron_kind_name(layer.kind)},
        {"input_count", layer.input_count},
        {"neuron_count", layer.neuron_count()},
        {"output_quantizer", quantizer_to_json(layer.output_quantizer)},
        {"neurons", neurons},
    };
}

// Reading: every accessor names where in the file it is, so errors point at the value.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what, const std::string& value,
                           const std::string& hint = "regenerate the model with 'lutgen import'") const
    {
        throw Error(source_, fmt::format("{}: {}", where, what), value, hint);
    }

    const json& member(const json& object, const char* key, const std::string& where) const
    {
        if (!object.is_object())
            fail(where, "expected a JSON object", object.type_name());
        auto it = object.find(key);
        if (it == object.end())
            fail(where, fmt::format("missing member '{}'", key), key);
        return *it;
    }

    int integer(const json& object, const char* key, const std::string& where, int min, int max) const
    {
        const json& value = member(object, key, where);
        if (!value.is_number_integer())
            fail(where, fmt::format("'{}' is not an integer", key), value.dump());
        const int64_t number = value.get<int64_t>();
        if (number < min || number > max)
            fail(where, fmt::format("'{}' is out of range [{}, {}]", key, min, max), value.dump());
        return static_cast<int>(number);
    }

    float real(const json& value, const std::string& where) const
    {
        if (!value.is_number())
            fail(where, "expected a number", value.dump());
        const double number = value.get<double>();
        if (!std::isfinite(number))
            fail(where, "value is not finite", value.dump());
        return static_cast<float>(number);
    }

    std::vector<float> real_array(const json& value, const std::string& where, size_t expected_size) const
    {
        if (!value.is_array())
            fail(where, "expected an array", value.type_name());
        if (value.size() != expected_size)
            fail(where, fmt::format("expected {} values", expected_size), std::to_string(value.size()));
        std::vector<float> result;
        result.reserve(value.size());
        for (size_t i = 0; i < value.size(); ++i)
            result.push_back(real(value[i], fmt::format("{}[{}]", where, i)));
        return result;
    }

    std::string text(const json& object, const char* key, const std::string& where) const
    {
        const json& value = member(object, key, where);
        if (!value.is_string())
            fail(where, fmt::format("'{}' is not a string", key), value.dump());
        return value.get<std::string>();
    }

    Quantizer quantizer(const json& object, const std::string& where) const
    {
        Quantizer quantizer;
        const std::string kind = text(object, "kind", where);
        if (kind == "hardtanh")
            quantizer.kind = QuantizerKind::HardTanh;
        else if (kind == "relu")
            quantizer.kind = QuantizerKind::ReLU;
        else if (kind == "binary")
            quantizer.kind = QuantizerKind::Binary;
        else
            fail(where, "unknown quantizer kind", kind, "use hardtanh, relu or binary");

        const std::string code = text(object, "code", where);
        if (code == "signed")
            quantizer.format.kind = CodeKind::Signed;
        else if (code == "unsigned")
            quantizer.format.kind = CodeKind::Unsigned;
        else if (code == "binary")
            quantizer.format.kind = CodeKind::Binary;
        else
            fail(where, "unknown code kind", code, "use signed, unsigned or binary");

        quantizer.format.bits = integer(object, "bits", where, 1, kMaxCodeBits);
        if (quantizer.format.kind == CodeKind::Binary && quantizer.format.bits != 1)
            fail(where, "binary codes must be 1 bit wide", std::to_string(quantizer.format.bits));

        quantizer.narrow_range = member(object, "narrow_range", where).get<bool>();
        quantizer.scale_param = real(member(object, "scale", where), where + ".scale");
        if (!(quantizer.scale_param > 0.0f))
            fail(where, "scale must be positive", fmt::format("{}", quantizer.scale_param));
        const json& learned = member(object, "learned_log2", where);
        if (!learned.is_null())
            quantizer.learned_log2 = real(learned, where + ".learned_log2");
        const json& scalar_bias = member(object, "scalar_bias", where);
        if (!scalar_bias.is_null())
            quantizer.scalar_bias = real(scalar_bias, where + ".scalar_bias");

        const json& bn = member(object, "batchnorm", where);
        if (!bn.is_null()) {
            const std::string bn_where = where + ".batchnorm";
            BatchNorm batchnorm;
            const json& weight = member(bn, "weight", bn_where);
            const size_t channels = weight.is_array() ? weight.size() : 0;
            batchnorm.eps = real(member(bn, "eps", bn_where), bn_where + ".eps");
            batchnorm.weight = real_array(weight, bn_where + ".weight", channels);
            batchnorm.bias = real_array(member(bn, "bias", bn_where), bn_where + ".bias", channels);
            batchnorm.running_mean =
                real_array(member(bn, "running_mean", bn_where), bn_where + ".running_mean", channels);
            batchnorm.running_var =
                real_array(member(bn, "running_var", bn_where), bn_where + ".running_var", channels);
            quantizer.batchnorm = std::move(batchnorm);
        }
        return quantizer;
    }

private:
    std::string source_;
};

} // namespace

std::string model_to_json(const Model& model)
{
    ordered_json layers = ordered_json::array();
    for (const Layer& layer : model.layers)
        layers.push_back(layer_to_json(layer));

    ordered_json document = {
        {"format", "lutgen-model"},
        {"format_version", kModelFormatVersion},
        {"name", model.name},
        {"source", model.source},
        {"input_count", model.input_count},
        {"input_quantizer", quantizer_to_json(model.input_quantizer)},
        {"output_post_transform",
         {{"weight", static_cast<double>(model.output_post_weight)},
          {"bias", static_cast<double>(model.output_post_bias)}}},
        {"layers", layers},
    };
    return document.dump(1) + "\n";
}

void write_model(const Model& model, const std::filesystem::path& path)
{
    std::ofstream out(path, std::ios::binary);
    out << model_to_json(model);
    out.close();
    if (!out)
        throw Error(path.string(), "cannot write the model file", "", "check that the directory is writable");
}

Model model_from_json(const std::string& text, const std::string& source_name)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error& error) {
        throw Error(source_name, "invalid JSON", error.what(), "pass a model file written by 'lutgen import'");
    }

    const Reader reader(source_name);
    if (!document.is_object() || document.value("format", "") != "lutgen-model")
        reader.fail("top level", "not a lutgen model file (member 'format' is not 'lutgen-model')",
                    document.is_object() ? document.value("format", "") : document.type_name(),
                    "pass a model file written by 'lutgen import'");
    const int version = reader.integer(document, "format_version", "top level", 1, 1000);
    if (version != kModelFormatVersion)
        reader.fail("top level", "unsupported model format version", std::to_string(version),
                    fmt::format("this lutgen reads version {}; re-import the model", kModelFormatVersion));

    Model model;
    model.name = reader.text(document, "name", "top level");
    model.source = reader.text(document, "source", "top level");
    model.input_count = reader.integer(document, "input_count", "top level", 1, 1 << 20);
    model.input_quantizer = reader.quantizer(reader.member(document, "input_quantizer", "top level"), "input_quantizer");
    if (document.contains("output_post_transform")) {
        const json& post = document["output_post_transform"];
        model.output_post_weight = reader.real(reader.member(post, "weight", "output_post_transform"),
                                               "output_post_transform.weight");
        model.output_post_bias = reader.real(reader.member(post, "bias", "output_post_transform"),
                                             "output_post_transform.bias");
    }

    const json& layers = reader.member(document, "layers", "top level");
    if (!layers.is_array() || layers.empty())
        reader.fail("layers", "expected a non-empty array of layers", layers.dump().substr(0, 40));

    for (size_t l = 0; l < layers.size(); ++l) {
        const std::string where = fmt::format("layer {}", l);
        const json& object = layers[l];
        Layer layer;
        const std::string kind = reader.text(object, "kind", where);
        if (kind == "linear")
            layer.kind = NeuronKind::Linear;
        else if (kind == "table")
            layer.kind = NeuronKind::Table;
        else
            reader.fail(where, "unknown neuron kind", kind, "use linear or table");

        layer.input_count = reader.integer(object, "input_count", where, 1, 1 << 20);
        layer.output_quantizer = reader.quantizer(reader.member(object, "output_quantizer", where),
                                                  where + " output_quantizer");

        const json& neurons = reader.member(object, "neurons", where);
        if (!neurons.is_array() || neurons.empty())
            reader.fail(where, "expected a non-empty array of neurons", neurons.dump().substr(0, 40));
        for (size_t n = 0; n < neurons.size(); ++n) {
            const std::string neuron_where = fmt::format("layer {} neuron {}", l, n);
            const json& neuron_object = neurons[n];
            const json& inputs = reader.member(neuron_object, "inputs", neuron_where);
            if (!inputs.is_array())
                reader.fail(neuron_where, "'inputs' is not an array", inputs.dump());
            std::vector<int> input_indices;
            for (const json& index : inputs) {
                if (!index.is_number_integer())
                    reader.fail(neuron_where, "input index is not an integer", index.dump());
                input_indices.push_back(index.get<int>());
            }

            if (layer.kind == NeuronKind::Linear) {
                LinearNeuron neuron;
                neuron.inputs = std::move(input_indices);
                neuron.weights = reader.real_array(reader.member(neuron_object, "weights", neuron_where),
                                                   neuron_where + " weights", neuron.inputs.size());
                neuron.bias = reader.real(reader.member(neuron_object, "bias", neuron_where), neuron_where + " bias");
                layer.linear_neurons.push_back(std::move(neuron));
            } else {
                TableNeuron neuron;
                neuron.inputs = std::move(input_indices);
                const json& codes = reader.member(neuron_object, "codes", neuron_where);
                if (!codes.is_array())
                    reader.fail(neuron_where, "'codes' is not an array", codes.type_name());
                for (const json& code : codes) {
                    if (!code.is_number_integer())
                        reader.fail(neuron_where, "table code is not an integer", code.dump());
                    neuron.codes.push_back(code.get<int>());
                }
                layer.table_neurons.push_back(std::move(neuron));
            }
        }
        model.layers.push_back(std::move(layer));
    }

    validate_model(model, source_name);
    return model;
}

Model read_model(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot open the model file", path.string(),
                    "check the path, or create the model with 'lutgen import'");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return model_from_json(buffer.str(), path.string());
}

void validate_model(const Model& model, const std::string& source_name)
{
    auto fail = [&](const std::string& where, const std::string& what, const std::string& value,
                    const std::string& hint) { throw Error(source_name, fmt::format("{}: {}", where, what), value, hint); };

    if (model.layers.empty())
        fail("model", "the model has no layers", "0", "check the architecture");
    if (model.input_count != model.layers.front().input_count)
        fail("layer 0", "input_count differs from the model's input_count",
             fmt::format("{} != {}", model.layers.front().input_count, model.input_count),
             "make both the number of network inputs");

    for (size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const std::string where = fmt::format("layer {}", l);
        if (l > 0 && layer.input_count != model.layers[l - 1].neuron_count())
            fail(where, "input_count differs from the previous layer's neuron count",
                 fmt::format("{} != {}", layer.input_count, model.layers[l - 1].neuron_count()),
                 "each layer's inputs are the previous layer's outputs");

        const Quantizer& output = layer.output_quantizer;
        if (output.batchnorm && output.batchnorm->channels() != static_cast<size_t>(layer.neuron_count()))
            fail(where, "BatchNorm channel count differs from the neuron count",
                 fmt::format("{} != {}", output.batchnorm->channels(), layer.neuron_count()),
                 "check the checkpoint and the architecture");

        const int input_bits = model.layer_input_quantizer(l).format.bits;
        for (int n = 0; n < layer.neuron_count(); ++n) {
            const std::string neuron_where = fmt::format("layer {} neuron {}", l, n);
            const std::vector<int>& inputs = layer.neuron_inputs(n);
            if (inputs.empty())
                fail(neuron_where, "the neuron has no inputs", "0", "every neuron needs a fan-in of at least 1");
            for (int index : inputs)
                if (index < 0 || index >= layer.input_count)
                    fail(neuron_where, fmt::format("input index out of range [0, {})", layer.input_count),
                         std::to_string(index), "check the connectivity");
            if (layer.kind == NeuronKind::Table) {
                const int64_t key_bits = static_cast<int64_t>(inputs.size()) * input_bits;
                if (key_bits > 30)
                    fail(neuron_where, "table key is wider than 30 bits", std::to_string(key_bits),
                         "reduce the fan-in or the input bit width");
                const size_t expected = size_t{1} << key_bits;
                const std::vector<int>& codes = layer.table_neurons[n].codes;
                if (codes.size() != expected)
                    fail(neuron_where, fmt::format("expected {} table codes (2^{} keys)", expected, key_bits),
                         std::to_string(codes.size()), "give one output code for every key");
                for (int code : codes)
                    if (code < output.min_code() || code > output.max_code())
                        fail(neuron_where,
                             fmt::format("table code outside the output range [{}, {}]", output.min_code(),
                                         output.max_code()),
                             std::to_string(code), "check the output bit width and signedness");
            }
        }
    }
}

} // namespace lutgen
