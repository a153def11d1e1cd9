// `lutgen inspect` on the JSC-S fixture: the layer summary, the per-feature scale and bias, and a
// negative BatchNorm gamma shown as reversed codes.
#include "cli_support.hpp"

#include "model/model_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace lutgen {
namespace {

using test::run_lutgen;

class InspectCommand : public testing::Test {
protected:
    void SetUp() override
    {
        scratch_ = std::make_unique<test::ScratchDirectory>("inspect");
        model_ = scratch_->path() / "model.json";
        const test::CommandResult result =
            run_lutgen({"import", (test::data_dir() / "jsc_s_digits" / "best_accuracy.pth").string(), "--arch",
                        "jsc-s", "-o", model_.string()});
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }

    std::unique_ptr<test::ScratchDirectory> scratch_;
    std::filesystem::path model_;
};

TEST_F(InspectCommand, JsonSummary)
{
    const test::CommandResult result = run_lutgen({"inspect", model_.string(), "--json", "--input-format", "s9.8"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const nlohmann::json summary = nlohmann::json::parse(result.out);

    EXPECT_EQ(summary.at("inputs"), 16);
    EXPECT_EQ(summary.at("outputs"), 5);
    const nlohmann::json& layers = summary.at("layers");
    ASSERT_EQ(layers.size(), 5u);
    const std::vector<int> neurons = {64, 32, 32, 32, 5};
    double lut_cost = 0.0;
    for (size_t l = 0; l < layers.size(); ++l) {
        EXPECT_EQ(layers[l].at("neurons"), neurons[l]);
        EXPECT_EQ(layers[l].at("fan_in_max"), 3);
        EXPECT_EQ(layers[l].at("input_bits"), 2);
        EXPECT_EQ(layers[l].at("output_bits"), 2);
        // 3 inputs of 2 bits: 64 entries per neuron.
        EXPECT_EQ(layers[l].at("table_entries"), 64 * neurons[l]);
        lut_cost += layers[l].at("logicnets_lut_cost").get<double>();
    }
    EXPECT_EQ(layers[0].at("input_code_kind"), "signed");
    EXPECT_EQ(layers[4].at("quantizer"), "hardtanh");
    // (2 / 3) * (2^(6-4) - 1) LUT6 per neuron, 165 neurons.
    EXPECT_NEAR(lut_cost, 165 * 2.0, 1e-9);

    const nlohmann::json affine =
        nlohmann::json::parse(test::read_text(test::data_dir() / "jsc_s_digits" / "input_quant_affine.json"));
    const nlohmann::json& features = summary.at("input_quantizer").at("features");
    ASSERT_EQ(features.size(), 16u);
    for (size_t i = 0; i < features.size(); ++i) {
        const double scale = 1.0 / affine.at("A")[i].get<double>();
        EXPECT_NEAR(features[i].at("scale").get<double>(), scale, 1e-6 * scale);
        EXPECT_EQ(features[i].at("encoder").at("comparators").size(), 3u);
    }
    EXPECT_EQ(summary.at("input_quantizer").at("encoder_format"), "s9.8");
}

TEST_F(InspectCommand, TextShowsReversedFeature)
{
    Model model = read_model(model_);
    model.input_quantizer.batchnorm->weight[5] = -model.input_quantizer.batchnorm->weight[5];
    const std::filesystem::path flipped = scratch_->path() / "flipped.json";
    write_model(model, flipped);

    const test::CommandResult result = run_lutgen({"inspect", flipped.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("total: 21120 table bits, LogicNets' LUT cost estimate 330.0 LUT6"), std::string::npos)
        << result.out;

    const size_t feature5 = result.out.find("  feature 5 ");
    ASSERT_NE(feature5, std::string::npos) << result.out;
    const std::string line = result.out.substr(feature5, result.out.find('\n', feature5) - feature5);
    EXPECT_NE(line.find("code 1 below, 0 from"), std::string::npos) << line;
    EXPECT_NE(line.find("[reversed: negative BatchNorm gamma, codes fall as x rises]"), std::string::npos) << line;
    EXPECT_EQ(result.out.find("reversed"), feature5 + line.find("reversed")) << "only feature 5 is reversed";
}

} // namespace
} // namespace lutgen
