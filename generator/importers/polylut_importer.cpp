#include "importers/polylut_importer.hpp"

#include "base/error.hpp"
#include "importers/brevitas_layers.hpp"
#include "model/model_json.hpp"

#include <fmt/format.h>

namespace lutgen {

namespace {

constexpr int kMaxDegree = 16;

// C(F + D, D) - 1, the number of monomials of degree 1 to D over F inputs, saturated at `limit`.
int64_t monomial_count(int fan_in, int degree, int64_t limit)
{
    int64_t binomial = 1;
    for (int i = 1; i <= degree; ++i) {
        binomial = binomial * (fan_in + i) / i;
        if (binomial > limit)
            return limit;
    }
    return binomial - 1;
}

// The degree whose monomial count over `fan_in` inputs is `terms`, or 0 if there is none.
int degree_from_terms(int fan_in, int64_t terms)
{
    for (int degree = 1; degree <= kMaxDegree; ++degree) {
        const int64_t count = monomial_count(fan_in, degree, int64_t{1} << 40);
        if (count == terms)
            return degree;
        if (count > terms)
            break;
    }
    return 0;
}

} // namespace

Model import_polylut(const StateDict& state_dict, const Architecture& arch, const Connectivity& connectivity,
                     std::optional<int> degree)
{
    const TensorAccess tensors(state_dict, "PolyLUT");
    const std::string& source = tensors.source();
    const int layer_count = count_layers(tensors, "fc.weight");
    if (static_cast<int>(connectivity.layers.size()) != layer_count)
        throw Error(connectivity.source,
                    fmt::format("the connectivity lists {} layers but the checkpoint {} has {}",
                                connectivity.layers.size(), source, layer_count),
                    std::to_string(connectivity.layers.size()), "write the connectivity of this model");
    if (degree && (*degree < 1 || *degree > kMaxDegree))
        throw Error(source, fmt::format("the polynomial degree must be in [1, {}]", kMaxDegree),
                    std::to_string(*degree), "pass the degree the model was trained with");

    // Shapes: neurons from fc.weight, inputs from the input BatchNorm or the previous layer,
    // fan-in from the connectivity.
    std::vector<LayerShape> shapes;
    std::vector<int> layer_degrees;
    for (int l = 0; l < layer_count; ++l) {
        const std::string where = fmt::format("layer {}", l);
        const std::vector<int64_t>& weight_shape =
            tensors.shape(fmt::format("module_list.{}.fc.weight", l), where + " weights", 2);
        LayerShape shape;
        shape.out_features = static_cast<int>(weight_shape[0]);
        shape.in_features =
            l == 0 ? static_cast<int>(
                         tensors.shape("module_list.0.input_quant.pre_transforms.0.weight", "input BatchNorm", 1)[0])
                   : shapes.back().out_features;

        const std::vector<std::vector<int>>& rows = connectivity.layers[l];
        if (static_cast<int>(rows.size()) != shape.out_features)
            throw Error(connectivity.source,
                        fmt::format("{}: the connectivity lists {} neurons but the checkpoint has {}", where,
                                    rows.size(), shape.out_features),
                        std::to_string(rows.size()), "write the connectivity of this model");
        shape.fan_in = static_cast<int>(rows.front().size());
        for (size_t n = 0; n < rows.size(); ++n) {
            if (static_cast<int>(rows[n].size()) != shape.fan_in)
                throw Error(connectivity.source,
                            fmt::format("{} neuron {}: {} inputs, but neuron 0 has {}", where, n, rows[n].size(),
                                        shape.fan_in),
                            std::to_string(rows[n].size()), "every neuron of a layer has the same fan-in");
            for (int index : rows[n])
                if (index >= shape.in_features)
                    throw Error(connectivity.source,
                                fmt::format("{} neuron {}: input index out of range [0, {})", where, n,
                                            shape.in_features),
                                std::to_string(index), "write the connectivity of this model");
        }

        const int64_t terms = weight_shape[1];
        const int layer_degree = degree ? *degree : degree_from_terms(shape.fan_in, terms);
        if (layer_degree == 0 || monomial_count(shape.fan_in, layer_degree, int64_t{1} << 40) != terms)
            throw Error(source,
                        fmt::format("{} has {} polynomial weights per neuron, which is not C(F + D, D) - 1 for "
                                    "fan-in F = {}{}",
                                    where, terms, shape.fan_in,
                                    degree ? fmt::format(" and degree D = {}", *degree) : std::string()),
                        std::to_string(terms), "check the fan-in of --arch, the connectivity and --degree");
        shapes.push_back(shape);
        layer_degrees.push_back(layer_degree);
    }

    Model model = import_layer_frame(tensors, arch, shapes, NeuronKind::Polynomial);
    model.name = "polylut";
    model.source = fmt::format("polylut checkpoint {}", state_dict.source.filename().string());

    for (int l = 0; l < layer_count; ++l) {
        const LayerShape& shape = shapes[l];
        Layer& layer = model.layers[l];
        layer.degree = layer_degrees[l];
        layer.monomials = polynomial_monomials(shape.fan_in, layer.degree);
        const int64_t terms = static_cast<int64_t>(layer.monomials.size());

        const std::string prefix = fmt::format("module_list.{}.fc.", l);
        const std::vector<float> weights =
            tensors.floats(prefix + "weight", fmt::format("layer {} weights", l), {shape.out_features, terms});
        const std::vector<float> biases =
            tensors.floats(prefix + "bias", fmt::format("layer {} biases", l), {shape.out_features});
        for (int n = 0; n < shape.out_features; ++n) {
            PolynomialNeuron neuron;
            neuron.inputs = connectivity.layers[l][n];
            neuron.weights.assign(weights.begin() + n * terms, weights.begin() + (n + 1) * terms);
            neuron.bias = biases[n];
            layer.polynomial_neurons.push_back(std::move(neuron));
        }
    }

    validate_model(model, source);
    return model;
}

} // namespace lutgen
