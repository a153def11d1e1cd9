// `lutgen cost`: LogicNets' LUTCost formula and the estimate report of the bundled JSC-S model,
// checked against figures derived from its architecture.
#include "cli_support.hpp"
#include "hardware/lut_cost.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lutgen {
namespace {

using test::CommandResult;
using test::run_lutgen;

TEST(HardwareCost, LutCostFormula)
{
    EXPECT_DOUBLE_EQ(logicnets_lut_cost(6, 2), 2.0);    // (2/3) * (4 - 1)
    EXPECT_DOUBLE_EQ(logicnets_lut_cost(12, 3), 255.0); // 1 * (256 - 1)
    EXPECT_DOUBLE_EQ(logicnets_lut_cost(7, 3), 9.0);    // 1 * (8 + 1)
    EXPECT_DOUBLE_EQ(logicnets_lut_cost(14, 2), 2.0 / 3.0 * 1023.0);
}

TEST(HardwareCost, JscSEstimateFromArchitecture)
{
    test::ScratchDirectory scratch("hardware-cost");
    const auto model = scratch.path() / "model.json";
    ASSERT_EQ(run_lutgen({"import", (test::source_dir() / "examples" / "jsc_s_digits" / "best_accuracy.pth").string(),
                          "--arch", "jsc-s", "-o", model.string()})
                  .exit_code,
              0);
    const CommandResult cost = run_lutgen({"cost", model.string(), "--json"});
    ASSERT_EQ(cost.exit_code, 0) << cost.err;
    const nlohmann::json report = nlohmann::json::parse(cost.out)["reports"][0];

    // JSC-S: 16 inputs, layers of 64, 32, 32, 32 and 5 neurons, fan-in 3, 2-bit codes everywhere.
    const std::vector<int> neurons = {64, 32, 32, 32, 5};
    const std::vector<int> inputs = {16, 64, 32, 32, 32};
    double luts = 0;
    int64_t register_bits = 0;
    ASSERT_EQ(report["layers"].size(), neurons.size());
    for (size_t l = 0; l < neurons.size(); ++l) {
        const nlohmann::json& layer = report["layers"][l];
        EXPECT_EQ(layer["neurons"], neurons[l]);
        EXPECT_EQ(layer["key_bits"], 6);
        EXPECT_DOUBLE_EQ(layer["lut_estimate"].get<double>(), neurons[l] * 2.0);
        EXPECT_EQ(layer["table_bits"], neurons[l] * 64 * 2);
        EXPECT_EQ(layer["register_bits"], inputs[l] * 2);
        luts += neurons[l] * 2.0;
        register_bits += inputs[l] * 2;
    }
    EXPECT_DOUBLE_EQ(report["lut_estimate"].get<double>(), luts);
    EXPECT_EQ(report["flip_flops"], register_bits);
    EXPECT_EQ(report["latency_cycles"], 5);
    EXPECT_EQ(report["counts"]["stage"], "estimate");
    EXPECT_EQ(report["counts"]["lut_basis"], "lut6-estimate");

    const CommandResult combinational = run_lutgen({"cost", model.string(), "--registers", "none", "--json"});
    ASSERT_EQ(combinational.exit_code, 0) << combinational.err;
    const nlohmann::json none = nlohmann::json::parse(combinational.out)["reports"][0];
    EXPECT_EQ(none["flip_flops"], 0);
    EXPECT_EQ(none["latency_cycles"], 0);
    EXPECT_EQ(none["counts"]["registers_included"], false);

    const CommandResult text = run_lutgen({"cost", model.string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("LUT6 estimate: 330.0"), std::string::npos) << text.out;
}

} // namespace
} // namespace lutgen
