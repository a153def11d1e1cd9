#include "importers/logicnets_importer.hpp"

#include "base/error.hpp"
#include "model/model_json.hpp"

#include <fmt/format.h>

#include <cmath>

namespace lutgen {

namespace {

const char* const kScaleSuffix =
    "brevitas_module.act_quant_proxy.fused_activation_quant_proxy.tensor_quant.scaling_impl.learned_value";

// Brevitas clamps the learned scale from below.
constexpr float kMinScale = 1.0f / 65536.0f;

class TensorReader {
public:
    TensorReader(const StateDict& state_dict) : state_dict_(state_dict), source_(state_dict.source.string()) {}

    bool has(const std::string& name) const { return state_dict_.tensors.count(name) != 0; }

    const Tensor& get(const std::string& name, const std::string& purpose) const
    {
        auto it = state_dict_.tensors.find(name);
        if (it == state_dict_.tensors.end())
            throw Error(source_, fmt::format("missing tensor ({})", purpose), name,
                        "check that this is a LogicNets checkpoint and that --arch matches it");
        return it->second;
    }

    std::vector<float> floats(const std::string& name, const std::string& purpose, std::vector<int64_t> shape) const
    {
        const Tensor& tensor = get(name, purpose);
        if (tensor.shape != shape)
            throw Error(source_, fmt::format("tensor has shape {} but {} needs {}", shape_text(tensor.shape),
                                             purpose, shape_text(shape)),
                        name, "check that --arch matches the checkpoint");
        std::vector<float> values;
        values.reserve(tensor.values.size());
        for (size_t i = 0; i < tensor.values.size(); ++i) {
            const double value = tensor.values[i];
            if (!std::isfinite(value))
                throw Error(source_, fmt::format("tensor '{}' has a non-finite value at element {}", name, i),
                            fmt::format("{}", value), "the training diverged; use an earlier checkpoint");
            values.push_back(static_cast<float>(value));
        }
        return values;
    }

    float scalar(const std::string& name, const std::string& purpose) const
    {
        const Tensor& tensor = get(name, purpose);
        if (tensor.values.size() != 1)
            throw Error(source_, fmt::format("expected a single value for {}", purpose), name,
                        fmt::format("the tensor has shape {}", shape_text(tensor.shape)));
        return floats(name, purpose, tensor.shape).front();
    }

    const Tensor& matrix(const std::string& name, const std::string& purpose) const
    {
        const Tensor& tensor = get(name, purpose);
        if (tensor.shape.size() != 2)
            throw Error(source_, fmt::format("{} is not a matrix: shape {}", purpose, shape_text(tensor.shape)),
                        name, "check that this is a LogicNets checkpoint");
        return tensor;
    }

    const std::string& source() const { return source_; }

    static std::string shape_text(const std::vector<int64_t>& shape)
    {
        return fmt::format("({})", fmt::join(shape, ", "));
    }

private:
    const StateDict& state_dict_;
    std::string source_;
};

struct QuantizerDefaults {
    QuantizerKind kind;
    int bits;
    bool batchnorm;
};

Quantizer read_quantizer(const TensorReader& reader, const std::string& prefix, const std::string& role,
                         QuantizerDefaults defaults, const QuantizerOverride& override_, int channels)
{
    Quantizer quantizer;
    quantizer.kind = override_.kind.value_or(defaults.kind);
    if (quantizer.kind == QuantizerKind::HardTanh && defaults.bits == 1 && !override_.kind)
        quantizer.kind = QuantizerKind::Binary;

    bool is_signed = quantizer.kind != QuantizerKind::ReLU;
    if (override_.is_signed)
        is_signed = *override_.is_signed;
    quantizer.format.bits = defaults.bits;
    if (quantizer.kind == QuantizerKind::Binary) {
        if (defaults.bits != 1)
            throw Error(reader.source(), fmt::format("{}: a binary quantizer must be 1 bit wide", role),
                        std::to_string(defaults.bits), "set the bit width to 1 or choose another quantizer kind");
        quantizer.format.kind = CodeKind::Binary;
    } else {
        quantizer.format.kind = is_signed ? CodeKind::Signed : CodeKind::Unsigned;
    }

    // The scale is learned as log2 unless the architecture gives a constant.
    const std::string scale_name = prefix + kScaleSuffix;
    if (reader.has(scale_name) && !override_.constant_scale) {
        const float learned = reader.scalar(scale_name, role + " learned scale");
        quantizer.learned_log2 = learned;
        const float scale = static_cast<float>(std::pow(2.0, static_cast<double>(learned)));
        quantizer.scale_param = std::max(scale, kMinScale);
    } else if (override_.constant_scale) {
        quantizer.scale_param = *override_.constant_scale;
    } else {
        throw Error(reader.source(), fmt::format("missing tensor ({} learned scale)", role), scale_name,
                    "give a constant scale for this quantizer in the architecture file, for example "
                    "\"quantizers\": {\"input\": {\"scale\": 1.0}}");
    }

    if (override_.batchnorm.value_or(defaults.batchnorm)) {
        const std::string bn = prefix + "pre_transforms.0.";
        const std::vector<int64_t> shape = {channels};
        BatchNorm batchnorm;
        batchnorm.weight = reader.floats(bn + "weight", role + " BatchNorm weight", shape);
        batchnorm.bias = reader.floats(bn + "bias", role + " BatchNorm bias", shape);
        batchnorm.running_mean = reader.floats(bn + "running_mean", role + " BatchNorm running mean", shape);
        batchnorm.running_var = reader.floats(bn + "running_var", role + " BatchNorm running variance", shape);
        for (size_t i = 0; i < batchnorm.running_var.size(); ++i)
            if (batchnorm.running_var[i] < 0.0f)
                throw Error(reader.source(), fmt::format("{}: negative BatchNorm running variance at channel {}", role, i),
                            fmt::format("{}", batchnorm.running_var[i]), "the checkpoint is corrupt");
        quantizer.batchnorm = std::move(batchnorm);
    }
    return quantizer;
}

std::vector<int> connected_inputs(const TensorReader& reader, const Tensor& mask, int layer, int neuron,
                                  int expected_fan_in)
{
    const int64_t in_features = mask.shape[1];
    std::vector<int> inputs;
    for (int64_t j = 0; j < in_features; ++j) {
        const double value = mask.values[static_cast<size_t>(neuron * in_features + j)];
        if (value == 1.0)
            inputs.push_back(static_cast<int>(j));
        else if (value != 0.0)
            throw Error(reader.source(),
                        fmt::format("layer {} neuron {}: mask entry {} is neither 0 nor 1", layer, neuron, j),
                        fmt::format("{}", value), "check that this is a LogicNets checkpoint");
    }
    if (static_cast<int>(inputs.size()) != expected_fan_in)
        throw Error(reader.source(),
                    fmt::format("layer {} neuron {}: the mask connects {} inputs but the architecture's fan-in is {}",
                                layer, neuron, inputs.size(), expected_fan_in),
                    std::to_string(inputs.size()), "check the fan-in values of --arch");
    return inputs;
}

} // namespace

Quantizer import_brevitas_quantizer(const StateDict& state_dict, const std::string& prefix, const std::string& role,
                                    QuantizerKind kind, int bits, const QuantizerOverride& override_, int channels)
{
    return read_quantizer(TensorReader(state_dict), prefix, role, {kind, bits, true}, override_, channels);
}

Model import_logicnets(const StateDict& state_dict, const Architecture& arch, InputOrder order)
{
    const TensorReader reader(state_dict);

    // Count the layers the checkpoint holds.
    int checkpoint_layers = 0;
    while (reader.has(fmt::format("module_list.{}.fc.weight", checkpoint_layers)))
        ++checkpoint_layers;
    if (checkpoint_layers == 0)
        throw Error(reader.source(), "no LogicNets layers found", "module_list.0.fc.weight",
                    "pass a LogicNets checkpoint (its state dict has module_list.<i>.fc.weight tensors)");
    if (checkpoint_layers != arch.layer_count())
        throw Error(reader.source(),
                    fmt::format("the checkpoint has {} layers but the architecture '{}' has {} ({} hidden)",
                                checkpoint_layers, arch.name, arch.layer_count(), arch.hidden_layers.size()),
                    std::to_string(checkpoint_layers), "pass the architecture the model was trained with");

    Model model;
    model.name = "logicnet";
    model.source = fmt::format("logicnets checkpoint {}", state_dict.source.filename().string());

    const int layer_count = arch.layer_count();
    for (int l = 0; l < layer_count; ++l) {
        const std::string prefix = fmt::format("module_list.{}.", l);
        const bool first = l == 0;
        const bool last = l == layer_count - 1;

        const Tensor& weight = reader.matrix(prefix + "fc.weight", fmt::format("layer {} weights", l));
        const int out_features = static_cast<int>(weight.shape[0]);
        const int in_features = static_cast<int>(weight.shape[1]);
        const std::string layer_name = fmt::format("layer {}", l);

        // Check the sizes the architecture states against the tensors.
        if (first && arch.input_length && *arch.input_length != in_features)
            throw Error(reader.source(),
                        fmt::format("layer 0 has {} inputs but the architecture says input_length {}", in_features,
                                    *arch.input_length),
                        std::to_string(in_features), "fix input_length in the architecture");
        if (!last && arch.hidden_layers[l] != out_features)
            throw Error(reader.source(),
                        fmt::format("layer {} has {} neurons but the architecture's hidden_layers[{}] is {}", l,
                                    out_features, l, arch.hidden_layers[l]),
                        std::to_string(out_features), "pass the architecture the model was trained with");
        if (last && arch.output_length && *arch.output_length != out_features)
            throw Error(reader.source(),
                        fmt::format("the last layer has {} neurons but the architecture says output_length {}",
                                    out_features, *arch.output_length),
                        std::to_string(out_features), "fix output_length in the architecture");
        if (!first && in_features != model.layers.back().neuron_count())
            throw Error(reader.source(),
                        fmt::format("layer {} has {} inputs but layer {} has {} neurons", l, in_features, l - 1,
                                    model.layers.back().neuron_count()),
                        std::to_string(in_features), "the checkpoint is inconsistent");

        if (first) {
            model.input_count = in_features;
            model.input_quantizer = read_quantizer(reader, prefix + "input_quant.", "input quantizer",
                                                   {QuantizerKind::HardTanh, arch.input_bitwidth, true},
                                                   arch.input_override, in_features);
            const std::string bias_name = prefix + "input_quant.pre_transforms.1.bias";
            if (reader.has(bias_name))
                model.input_quantizer.scalar_bias = reader.scalar(bias_name, "input scalar bias");
        }

        // LogicNets checks the first-layer branch before the last-layer one, so a single-layer
        // network gets a hidden (ReLU) output quantizer and no post-transform.
        Layer layer;
        layer.kind = NeuronKind::Linear;
        layer.input_count = in_features;
        const bool hidden_output = !last || first;
        const std::string role = fmt::format("layer {} output quantizer", l);
        if (hidden_output)
            layer.output_quantizer = read_quantizer(reader, prefix + "output_quant.", role,
                                                    {QuantizerKind::ReLU, arch.hidden_bitwidth, true},
                                                    arch.hidden_override, out_features);
        else
            layer.output_quantizer = read_quantizer(reader, prefix + "output_quant.", role,
                                                    {QuantizerKind::HardTanh, arch.output_bitwidth, true},
                                                    arch.output_override, out_features);

        const std::vector<float> weights =
            reader.floats(prefix + "fc.weight", layer_name + " weights", {out_features, in_features});
        const std::vector<float> biases = reader.floats(prefix + "fc.bias", layer_name + " biases", {out_features});
        const Tensor& mask = reader.matrix(prefix + "fc.mask.mask", layer_name + " mask");
        if (mask.shape != weight.shape)
            throw Error(reader.source(),
                        fmt::format("{} mask has shape {} but its weights have {}", layer_name,
                                    TensorReader::shape_text(mask.shape), TensorReader::shape_text(weight.shape)),
                        prefix + "fc.mask.mask", "the checkpoint is inconsistent");

        const int fan_in = arch.fan_in(l);
        for (int n = 0; n < out_features; ++n) {
            LinearNeuron neuron;
            neuron.inputs = connected_inputs(reader, mask, l, n, fan_in);
            for (int j : neuron.inputs)
                neuron.weights.push_back(weights[static_cast<size_t>(n) * in_features + j]);
            neuron.bias = biases[n];
            layer.linear_neurons.push_back(std::move(neuron));
        }
        model.layers.push_back(std::move(layer));

        if (last && !first) {
            const std::string post = prefix + "output_quant.post_transforms.0.";
            if (reader.has(post + "weight"))
                model.output_post_weight = reader.scalar(post + "weight", "output post-transform weight");
            if (reader.has(post + "bias"))
                model.output_post_bias = reader.scalar(post + "bias", "output post-transform bias");
        }
    }

    reorder_inputs(model, order);
    validate_model(model, reader.source());
    return model;
}

} // namespace lutgen
