#include "importers/brevitas_layers.hpp"

#include "base/error.hpp"
#include "importers/logicnets_importer.hpp"

#include <fmt/format.h>

#include <cmath>

namespace lutgen {

namespace {

std::string shape_text(const std::vector<int64_t>& shape)
{
    return fmt::format("({})", fmt::join(shape, ", "));
}

} // namespace

TensorAccess::TensorAccess(const StateDict& state_dict, std::string format_name)
    : state_dict_(state_dict), source_(state_dict.source.string()), format_name_(std::move(format_name))
{
}

bool TensorAccess::has(const std::string& name) const
{
    return state_dict_.tensors.count(name) != 0;
}

const Tensor& TensorAccess::get(const std::string& name, const std::string& purpose) const
{
    auto it = state_dict_.tensors.find(name);
    if (it == state_dict_.tensors.end())
        throw Error(source_, fmt::format("missing tensor ({})", purpose), name,
                    fmt::format("check that this is a {} checkpoint and that --arch matches it", format_name_));
    return it->second;
}

std::vector<float> TensorAccess::floats(const std::string& name, const std::string& purpose,
                                        const std::vector<int64_t>& shape) const
{
    const Tensor& tensor = get(name, purpose);
    if (tensor.shape != shape)
        throw Error(source_,
                    fmt::format("tensor has shape {} but {} needs {}", shape_text(tensor.shape), purpose,
                                shape_text(shape)),
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

const std::vector<int64_t>& TensorAccess::shape(const std::string& name, const std::string& purpose,
                                                size_t dimensions) const
{
    const Tensor& tensor = get(name, purpose);
    if (tensor.shape.size() != dimensions)
        throw Error(source_,
                    fmt::format("{} must have {} dimensions but has shape {}", purpose, dimensions,
                                shape_text(tensor.shape)),
                    name, fmt::format("check that this is a {} checkpoint", format_name_));
    for (int64_t size : tensor.shape)
        if (size < 1 || size > (int64_t{1} << 24))
            throw Error(source_, fmt::format("{} has an implausible shape {}", purpose, shape_text(tensor.shape)),
                        name, "the checkpoint is corrupt");
    return tensor.shape;
}

int count_layers(const TensorAccess& tensors, const std::string& suffix)
{
    int layers = 0;
    while (tensors.has(fmt::format("module_list.{}.{}", layers, suffix)))
        ++layers;
    if (layers == 0)
        throw Error(tensors.source(), fmt::format("no {} layers found", tensors.format_name()),
                    "module_list.0." + suffix,
                    fmt::format("pass a {} checkpoint (its state dict has module_list.<i>.{} tensors)",
                                tensors.format_name(), suffix));
    return layers;
}

Model import_layer_frame(const TensorAccess& tensors, const Architecture& arch, const std::vector<LayerShape>& shapes,
                         NeuronKind kind)
{
    const std::string& source = tensors.source();
    const int layer_count = static_cast<int>(shapes.size());
    if (layer_count != arch.layer_count())
        throw Error(source,
                    fmt::format("the checkpoint has {} layers but the architecture '{}' has {} ({} hidden)",
                                layer_count, arch.name, arch.layer_count(), arch.hidden_layers.size()),
                    std::to_string(layer_count), "pass the architecture the model was trained with");

    Model model;
    for (int l = 0; l < layer_count; ++l) {
        const LayerShape& shape = shapes[l];
        const std::string prefix = fmt::format("module_list.{}.", l);
        const bool first = l == 0;
        const bool last = l == layer_count - 1;

        // Check the sizes the architecture states against the tensors.
        if (first && arch.input_length && *arch.input_length != shape.in_features)
            throw Error(source,
                        fmt::format("layer 0 has {} inputs but the architecture says input_length {}",
                                    shape.in_features, *arch.input_length),
                        std::to_string(shape.in_features), "fix input_length in the architecture");
        if (!last && arch.hidden_layers[l] != shape.out_features)
            throw Error(source,
                        fmt::format("layer {} has {} neurons but the architecture's hidden_layers[{}] is {}", l,
                                    shape.out_features, l, arch.hidden_layers[l]),
                        std::to_string(shape.out_features), "pass the architecture the model was trained with");
        if (last && arch.output_length && *arch.output_length != shape.out_features)
            throw Error(source,
                        fmt::format("the last layer has {} neurons but the architecture says output_length {}",
                                    shape.out_features, *arch.output_length),
                        std::to_string(shape.out_features), "fix output_length in the architecture");
        if (shape.fan_in != arch.fan_in(l))
            throw Error(source,
                        fmt::format("layer {} has fan-in {} but the architecture's fan-in for it is {}", l,
                                    shape.fan_in, arch.fan_in(l)),
                        std::to_string(shape.fan_in), "check the fan-in values of --arch");
        if (shape.fan_in > shape.in_features)
            throw Error(source,
                        fmt::format("layer {} has fan-in {} but only {} inputs", l, shape.fan_in, shape.in_features),
                        std::to_string(shape.fan_in), "the checkpoint is inconsistent");

        if (first) {
            model.input_count = shape.in_features;
            model.input_quantizer =
                import_brevitas_quantizer(tensors.state_dict(), prefix + "input_quant.", "input quantizer",
                                          QuantizerKind::HardTanh, arch.input_bitwidth, arch.input_override,
                                          shape.in_features);
            const std::string bias_name = prefix + "input_quant.pre_transforms.1.bias";
            if (tensors.has(bias_name))
                model.input_quantizer.scalar_bias = tensors.floats(bias_name, "input scalar bias", {1}).front();
        }

        Layer layer;
        layer.kind = kind;
        layer.input_count = shape.in_features;
        layer.input_precision = InputPrecision::Float16;
        const std::string role = fmt::format("layer {} output quantizer", l);
        if (!last || first)
            layer.output_quantizer =
                import_brevitas_quantizer(tensors.state_dict(), prefix + "output_quant.", role, QuantizerKind::ReLU,
                                          arch.hidden_bitwidth, arch.hidden_override, shape.out_features);
        else
            layer.output_quantizer =
                import_brevitas_quantizer(tensors.state_dict(), prefix + "output_quant.", role,
                                          QuantizerKind::HardTanh, arch.output_bitwidth, arch.output_override,
                                          shape.out_features);
        model.layers.push_back(std::move(layer));

        if (last && !first) {
            const std::string post = prefix + "output_quant.post_transforms.0.";
            if (tensors.has(post + "weight"))
                model.output_post_weight = tensors.floats(post + "weight", "output post-transform weight", {1}).front();
            if (tensors.has(post + "bias"))
                model.output_post_bias = tensors.floats(post + "bias", "output post-transform bias", {1}).front();
        }
    }
    return model;
}

} // namespace lutgen
