#include "model/model_json.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
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
// Bounds for the other neuron kinds, far above PolyLUT's and NeuraLUT's published models; they
// keep a corrupt file from asking for huge allocations.
constexpr int kMaxDegree = 16;
constexpr size_t kMaxMonomials = 1 << 16;
constexpr int kMaxWidth = 4096;

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

ordered_json dense_to_json(const std::vector<float>& weight, const std::vector<float>& bias)
{
    return {{"weight", float_array(weight)}, {"bias", float_array(bias)}};
}

ordered_json subnetwork_to_json(const SubNetworkNeuron& neuron)
{
    return {
        {"inputs", neuron.inputs},
        {"fc1", dense_to_json(neuron.fc1_weight, neuron.fc1_bias)},
        {"res0", dense_to_json(neuron.res0_weight, neuron.res0_bias)},
        {"fc2", dense_to_json(neuron.fc2_weight, neuron.fc2_bias)},
        {"fc3", dense_to_json(neuron.fc3_weight, neuron.fc3_bias)},
        {"fc4", dense_to_json(neuron.fc4_weight, {neuron.fc4_bias})},
        {"res1", dense_to_json(neuron.res1_weight, {neuron.res1_bias})},
    };
}

ordered_json layer_to_json(const Layer& layer)
{
    ordered_json neurons = ordered_json::array();
    switch (layer.kind) {
    case NeuronKind::Linear:
        for (const LinearNeuron& neuron : layer.linear_neurons)
            neurons.push_back({{"inputs", neuron.inputs},
                               {"weights", float_array(neuron.weights)},
                               {"bias", static_cast<double>(neuron.bias)}});
        break;
    case NeuronKind::Polynomial:
        for (const PolynomialNeuron& neuron : layer.polynomial_neurons)
            neurons.push_back({{"inputs", neuron.inputs},
                               {"weights", float_array(neuron.weights)},
                               {"bias", static_cast<double>(neuron.bias)}});
        break;
    case NeuronKind::SubNetwork:
        for (const SubNetworkNeuron& neuron : layer.subnetwork_neurons)
            neurons.push_back(subnetwork_to_json(neuron));
        break;
    case NeuronKind::Table:
        for (const TableNeuron& neuron : layer.table_neurons)
            neurons.push_back({{"inputs", neuron.inputs}, {"codes", neuron.codes}});
        break;
    }

    ordered_json object = {
        {"kind", neuron_kind_name(layer.kind)},
        {"input_count", layer.input_count},
        {"neuron_count", layer.neuron_count()},
        {"output_quantizer", quantizer_to_json(layer.output_quantizer)},
    };
    if (layer.kind != NeuronKind::Table)
        object["input_precision"] = input_precision_name(layer.input_precision);
    if (layer.kind == NeuronKind::Polynomial) {
        object["degree"] = layer.degree;
        object["monomials"] = layer.monomials;
    }
    if (layer.kind == NeuronKind::SubNetwork)
        object["width"] = layer.width;
    object["neurons"] = neurons;
    return object;
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
        // Values beyond float32's range would become infinite in the tables.
        if (!std::isfinite(number) || !std::isfinite(static_cast<float>(number)))
            fail(where, "value is not a finite float32", value.dump());
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

    // A SparseLinear block of a sub-network neuron: {"weight": [rows * columns], "bias": [rows]}.
    void dense(const json& neuron, const char* key, const std::string& where, size_t rows, size_t columns,
               std::vector<float>& weight, std::vector<float>& bias) const
    {
        const std::string block_where = fmt::format("{} {}", where, key);
        const json& block = member(neuron, key, where);
        weight = real_array(member(block, "weight", block_where), block_where + " weight", rows * columns);
        bias = real_array(member(block, "bias", block_where), block_where + " bias", rows);
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

namespace {

Model parse_model_document(const json& document, const std::string& source_name)
{
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
        else if (kind == "polynomial")
            layer.kind = NeuronKind::Polynomial;
        else if (kind == "subnetwork")
            layer.kind = NeuronKind::SubNetwork;
        else if (kind == "table")
            layer.kind = NeuronKind::Table;
        else
            reader.fail(where, "unknown neuron kind", kind, "use linear, polynomial, subnetwork or table");

        layer.input_count = reader.integer(object, "input_count", where, 1, 1 << 20);
        layer.output_quantizer = reader.quantizer(reader.member(object, "output_quantizer", where),
                                                  where + " output_quantizer");

        // Version 1 files written before the other kinds existed have no input_precision.
        if (layer.kind != NeuronKind::Table && object.contains("input_precision")) {
            const std::string precision = reader.text(object, "input_precision", where);
            if (precision == "float16")
                layer.input_precision = InputPrecision::Float16;
            else if (precision != "float32")
                reader.fail(where, "unknown input_precision", precision, "use float32 or float16");
        }
        if (layer.kind == NeuronKind::Polynomial) {
            layer.degree = reader.integer(object, "degree", where, 1, kMaxDegree);
            const json& monomials = reader.member(object, "monomials", where);
            if (!monomials.is_array() || monomials.empty() || monomials.size() > kMaxMonomials)
                reader.fail(where, fmt::format("'monomials' must be an array of 1 to {} monomials", kMaxMonomials),
                            monomials.dump().substr(0, 40));
            for (const json& term : monomials) {
                if (!term.is_array() || term.empty() || term.size() > static_cast<size_t>(layer.degree))
                    reader.fail(where, fmt::format("a monomial must list 1 to degree ({}) input positions",
                                                   layer.degree),
                                term.dump());
                std::vector<int> positions;
                for (const json& position : term) {
                    if (!position.is_number_integer())
                        reader.fail(where, "monomial position is not an integer", position.dump());
                    positions.push_back(position.get<int>());
                }
                layer.monomials.push_back(std::move(positions));
            }
        }
        if (layer.kind == NeuronKind::SubNetwork)
            layer.width = reader.integer(object, "width", where, 1, kMaxWidth);

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
            } else if (layer.kind == NeuronKind::Polynomial) {
                PolynomialNeuron neuron;
                neuron.inputs = std::move(input_indices);
                neuron.weights = reader.real_array(reader.member(neuron_object, "weights", neuron_where),
                                                   neuron_where + " weights", layer.monomials.size());
                neuron.bias = reader.real(reader.member(neuron_object, "bias", neuron_where), neuron_where + " bias");
                layer.polynomial_neurons.push_back(std::move(neuron));
            } else if (layer.kind == NeuronKind::SubNetwork) {
                SubNetworkNeuron neuron;
                neuron.inputs = std::move(input_indices);
                const size_t fan_in = neuron.inputs.size();
                const size_t width = static_cast<size_t>(layer.width);
                std::vector<float> bias;
                reader.dense(neuron_object, "fc1", neuron_where, width, fan_in, neuron.fc1_weight, neuron.fc1_bias);
                reader.dense(neuron_object, "res0", neuron_where, width, fan_in, neuron.res0_weight, neuron.res0_bias);
                reader.dense(neuron_object, "fc2", neuron_where, width, width, neuron.fc2_weight, neuron.fc2_bias);
                reader.dense(neuron_object, "fc3", neuron_where, width, width, neuron.fc3_weight, neuron.fc3_bias);
                reader.dense(neuron_object, "fc4", neuron_where, 1, width, neuron.fc4_weight, bias);
                neuron.fc4_bias = bias[0];
                reader.dense(neuron_object, "res1", neuron_where, 1, width, neuron.res1_weight, bias);
                neuron.res1_bias = bias[0];
                layer.subnetwork_neurons.push_back(std::move(neuron));
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

    return model;
}

} // namespace

Model model_from_json(const std::string& text, const std::string& source_name)
{
    // The reader checks the members it reads. nlohmann still raises on numbers beyond a double and
    // on mistyped members, so those become the same kind of error.
    Model model;
    try {
        model = parse_model_document(json::parse(text), source_name);
    } catch (const json::parse_error& error) {
        throw Error(source_name, "invalid JSON", error.what(), "pass a model file written by 'lutgen import'");
    } catch (const json::exception& error) {
        throw Error(source_name, "malformed model", error.what(), "regenerate the model with 'lutgen import'");
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
        if (output.batchnorm)
            for (size_t c = 0; c < output.batchnorm->channels(); ++c)
                if (output.batchnorm->running_var[c] < 0.0f)
                    fail(fmt::format("{} neuron {}", where, c), "negative BatchNorm running variance",
                         fmt::format("{}", output.batchnorm->running_var[c]), "a variance cannot be negative; fix the model");

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
            std::vector<int> sorted_inputs = inputs;
            std::sort(sorted_inputs.begin(), sorted_inputs.end());
            const auto repeated = std::adjacent_find(sorted_inputs.begin(), sorted_inputs.end());
            if (repeated != sorted_inputs.end())
                fail(neuron_where, "an input index occurs twice", std::to_string(*repeated),
                     "each neuron reads each input once; check the connectivity");
            if (layer.kind == NeuronKind::Polynomial) {
                for (const std::vector<int>& term : layer.monomials)
                    for (int position : term)
                        if (position < 0 || position >= static_cast<int>(inputs.size()))
                            fail(neuron_where,
                                 fmt::format("monomial position outside the neuron's {} inputs", inputs.size()),
                                 std::to_string(position), "positions count the neuron's inputs from 0");
                if (layer.polynomial_neurons[n].weights.size() != layer.monomials.size())
                    fail(neuron_where, fmt::format("expected one weight per monomial ({})", layer.monomials.size()),
                         std::to_string(layer.polynomial_neurons[n].weights.size()), "check the importer");
            }
            if (layer.kind == NeuronKind::SubNetwork) {
                const SubNetworkNeuron& neuron = layer.subnetwork_neurons[n];
                const size_t width = static_cast<size_t>(layer.width);
                const size_t fan_in = inputs.size();
                if (layer.width < 1 || neuron.fc1_weight.size() != width * fan_in ||
                    neuron.res0_weight.size() != width * fan_in || neuron.fc2_weight.size() != width * width ||
                    neuron.fc3_weight.size() != width * width || neuron.fc4_weight.size() != width ||
                    neuron.res1_weight.size() != width || neuron.fc1_bias.size() != width ||
                    neuron.res0_bias.size() != width || neuron.fc2_bias.size() != width ||
                    neuron.fc3_bias.size() != width)
                    fail(neuron_where, "sub-network weight sizes do not match the width and the fan-in",
                         fmt::format("width {}, fan-in {}", layer.width, fan_in), "check the importer");
            }
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
