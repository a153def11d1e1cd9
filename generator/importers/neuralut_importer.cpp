#include "importers/neuralut_importer.hpp"

#include "base/error.hpp"
#include "importers/brevitas_layers.hpp"
#include "model/model_json.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lutgen {

namespace {

// Neuron n's rows [n * rows, (n + 1) * rows) of a (out * rows, columns) matrix.
std::vector<float> neuron_rows(const std::vector<float>& matrix, int neuron, int rows, int columns)
{
    const size_t begin = static_cast<size_t>(neuron) * rows * columns;
    return std::vector<float>(matrix.begin() + begin, matrix.begin() + begin + static_cast<size_t>(rows) * columns);
}

} // namespace

Model import_neuralut(const StateDict& state_dict, const Architecture& arch, std::optional<int> width)
{
    const TensorAccess tensors(state_dict, "NeuraLUT");
    const std::string& source = tensors.source();
    const int layer_count = count_layers(tensors, "fc4.weight");

    std::vector<LayerShape> shapes;
    std::vector<int> widths;
    for (int l = 0; l < layer_count; ++l) {
        const std::string where = fmt::format("layer {}", l);
        const std::string prefix = fmt::format("module_list.{}.", l);
        const std::vector<int64_t>& fc4 = tensors.shape(prefix + "fc4.weight", where + " fc4 weights", 2);
        const std::vector<int64_t>& imask = tensors.shape(prefix + "imask.imask", where + " connectivity", 2);
        LayerShape shape;
        shape.out_features = static_cast<int>(fc4[0]);
        shape.fan_in = static_cast<int>(imask[1]);
        shape.in_features =
            l == 0 ? static_cast<int>(
                         tensors.shape("module_list.0.input_quant.pre_transforms.0.weight", "input BatchNorm", 1)[0])
                   : shapes.back().out_features;
        if (imask[0] != shape.out_features)
            throw Error(source,
                        fmt::format("{} connectivity has {} rows but the layer has {} neurons", where, imask[0],
                                    shape.out_features),
                        prefix + "imask.imask", "the checkpoint is inconsistent");
        const int layer_width = static_cast<int>(fc4[1]);
        if (width && *width != layer_width)
            throw Error(source,
                        fmt::format("{} has sub-network width {} (fc4.weight is ({}, {})) but --width is {}", where,
                                    layer_width, fc4[0], fc4[1], *width),
                        std::to_string(layer_width), "pass the width_n the model was trained with, or omit --width");
        shapes.push_back(shape);
        widths.push_back(layer_width);
    }

    Model model = import_layer_frame(tensors, arch, shapes, NeuronKind::SubNetwork);
    model.name = "neuralut";
    model.source = fmt::format("neuralut checkpoint {}", state_dict.source.filename().string());

    for (int l = 0; l < layer_count; ++l) {
        const LayerShape& shape = shapes[l];
        const int out = shape.out_features;
        const int fan_in = shape.fan_in;
        const int w = widths[l];
        Layer& layer = model.layers[l];
        layer.width = w;

        const std::string prefix = fmt::format("module_list.{}.", l);
        const std::string where = fmt::format("layer {}", l);
        auto weight = [&](const char* name, int rows_per_neuron, int columns) {
            return tensors.floats(prefix + name + ".weight", fmt::format("{} {} weights", where, name),
                                  {int64_t{out} * rows_per_neuron, columns});
        };
        auto bias = [&](const char* name, int rows_per_neuron) {
            return tensors.floats(prefix + name + ".bias", fmt::format("{} {} biases", where, name),
                                  {int64_t{out} * rows_per_neuron});
        };
        const std::vector<float> fc1 = weight("fc1", w, fan_in), fc1_bias = bias("fc1", w);
        const std::vector<float> res0 = weight("res0", w, fan_in), res0_bias = bias("res0", w);
        const std::vector<float> fc2 = weight("fc2", w, w), fc2_bias = bias("fc2", w);
        const std::vector<float> fc3 = weight("fc3", w, w), fc3_bias = bias("fc3", w);
        const std::vector<float> fc4 = weight("fc4", 1, w), fc4_bias = bias("fc4", 1);
        const std::vector<float> res1 = weight("res1", 1, w), res1_bias = bias("res1", 1);

        const Tensor& imask = tensors.get(prefix + "imask.imask", where + " connectivity");
        for (int n = 0; n < out; ++n) {
            SubNetworkNeuron neuron;
            for (int k = 0; k < fan_in; ++k) {
                const double index = imask.values[static_cast<size_t>(n) * fan_in + k];
                if (index < 0 || index >= shape.in_features || index != static_cast<int>(index))
                    throw Error(source,
                                fmt::format("{} neuron {}: connected input {} is not an index in [0, {})", where, n,
                                            k, shape.in_features),
                                fmt::format("{}", index), "the checkpoint is corrupt");
                neuron.inputs.push_back(static_cast<int>(index));
            }
            neuron.fc1_weight = neuron_rows(fc1, n, w, fan_in);
            neuron.fc1_bias = neuron_rows(fc1_bias, n, w, 1);
            neuron.res0_weight = neuron_rows(res0, n, w, fan_in);
            neuron.res0_bias = neuron_rows(res0_bias, n, w, 1);
            neuron.fc2_weight = neuron_rows(fc2, n, w, w);
            neuron.fc2_bias = neuron_rows(fc2_bias, n, w, 1);
            neuron.fc3_weight = neuron_rows(fc3, n, w, w);
            neuron.fc3_bias = neuron_rows(fc3_bias, n, w, 1);
            neuron.fc4_weight = neuron_rows(fc4, n, 1, w);
            neuron.fc4_bias = fc4_bias[n];
            neuron.res1_weight = neuron_rows(res1, n, 1, w);
            neuron.res1_bias = res1_bias[n];
            layer.subnetwork_neurons.push_back(std::move(neuron));
        }
    }

    validate_model(model, source);
    return model;
}

} // namespace lutgen
