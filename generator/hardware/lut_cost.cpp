#include "hardware/lut_cost.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lutgen {

double logicnets_lut_cost(int key_bits, int output_bits)
{
    const double sign = key_bits % 2 == 0 ? 1.0 : -1.0;
    return output_bits / 3.0 * (std::ldexp(1.0, key_bits - 4) - sign);
}

HardwareReport estimate_cost(const Model& model, RegisterPlacement registers, const std::string& design_name)
{
    if (model.layers.empty())
        throw Error(design_name, "model has no layers", "0", "import a model with at least one layer");

    HardwareReport report;
    report.design = design_name;
    report.tool = fmt::format("lutgen {}", LUTGEN_VERSION);
    report.stage = CostStage::Estimate;
    report.flow = "LogicNets LUTCost(X, Y) = (Y / 3) * (2^(X - 4) - (-1)^X) per neuron, X key bits, Y output bits; "
                  "flip-flops = pipeline register bits of the RTL";
    report.registers_included = registers != RegisterPlacement::None;
    report.lut_basis = LutBasis::Lut6Estimate;

    double total_luts = 0.0;
    uint64_t total_table_bits = 0;
    int64_t total_register_bits = 0;
    for (size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const int input_bits = model.layer_input_quantizer(l).format.bits;
        const int output_bits = layer.output_quantizer.format.bits;

        LayerCost cost;
        cost.layer = static_cast<int>(l);
        cost.neurons = layer.neuron_count();
        cost.output_bits = output_bits;
        double layer_luts = 0.0;
        uint64_t layer_table_bits = 0;
        for (int n = 0; n < cost.neurons; ++n) {
            const int key_bits = static_cast<int>(layer.neuron_inputs(n).size()) * input_bits;
            if (key_bits > 62)
                throw Error(fmt::format("layer {} neuron {}", l, n), "table key is too wide to cost",
                            fmt::format("{} bits", key_bits), "check the model's fan-in and bit widths");
            cost.key_bits = std::max(cost.key_bits, key_bits);
            layer_luts += logicnets_lut_cost(key_bits, output_bits);
            layer_table_bits += (uint64_t{1} << key_bits) * static_cast<uint64_t>(output_bits);
        }
        cost.lut_estimate = layer_luts;
        cost.table_bits = layer_table_bits;
        if (registers != RegisterPlacement::None)
            cost.register_bits = static_cast<int64_t>(layer.input_count) * input_bits;

        total_luts += layer_luts;
        total_table_bits += layer_table_bits;
        total_register_bits += cost.register_bits.value_or(0);
        report.layers.push_back(cost);
    }

    if (registers == RegisterPlacement::All)
        total_register_bits += static_cast<int64_t>(model.output_count()) * model.layers.back().output_quantizer.format.bits;

    report.lut_estimate = total_luts;
    report.table_bits = total_table_bits;
    report.flip_flops = total_register_bits;
    const int layer_count = static_cast<int>(model.layers.size());
    report.latency_cycles = registers == RegisterPlacement::None ? 0
                            : registers == RegisterPlacement::All ? layer_count + 1
                                                                  : layer_count;
    report.notes.push_back("LUTCost assumes every neuron feeds the next layer, so it over-counts neurons whose output "
                           "is unused; mapping tools remove those");
    return report;
}

} // namespace lutgen
