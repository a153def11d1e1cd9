// Float features to input codes on zoo models with 3-bit inputs (w3), 4-bit inputs and a negative
// input BatchNorm gamma (mixed437) and 64 features (wide64), against the dumps that
// tests/reference/make_zoo_features.py wrote with the independent numpy arithmetic.
#include "cli_support.hpp"

#include "model/model_json.hpp"
#include "quantize/feature_codes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lutgen {
namespace {

using test::run_lutgen;

class QuantizeZoo : public testing::TestWithParam<std::string> {
protected:
    void SetUp() override
    {
        zoo_ = test::data_dir() / "zoo" / GetParam();
        scratch_ = std::make_unique<test::ScratchDirectory>("quantize-zoo-" + GetParam());
        model_ = scratch_->path() / "model.json";
        const test::CommandResult import = run_lutgen({"import", (zoo_ / "model_zip.pth").string(), "--arch",
                                                       (zoo_ / "arch.json").string(), "-o", model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
        expected_ = nlohmann::json::parse(test::read_text(zoo_ / "features_expected.json"));
    }

    std::filesystem::path zoo_;
    std::unique_ptr<test::ScratchDirectory> scratch_;
    std::filesystem::path model_;
    nlohmann::json expected_;
};

TEST_P(QuantizeZoo, FeaturesEqualReferenceDump)
{
    const std::filesystem::path inputs = scratch_->path() / "input.txt";
    const std::filesystem::path labels = scratch_->path() / "output.txt";
    const test::CommandResult result =
        run_lutgen({"quantize", model_.string(), "--features", (zoo_ / "features.csv").string(), "-o",
                    inputs.string(), "--labels-out", labels.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(test::read_text(inputs), test::read_text(zoo_ / "features_input.txt"));
    EXPECT_EQ(test::read_text(labels), test::read_text(zoo_ / "features_output.txt"));
}

TEST_P(QuantizeZoo, BoundaryValuesEqualReferenceDump)
{
    const std::filesystem::path inputs = scratch_->path() / "boundary.txt";
    const test::CommandResult result = run_lutgen(
        {"quantize", model_.string(), "--features", (zoo_ / "boundary_features.csv").string(), "-o", inputs.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(test::read_text(inputs), test::read_text(zoo_ / "boundary_input.txt"));
}

TEST_P(QuantizeZoo, NarrowestFormatEqualsReference)
{
    const Model model = read_model(model_);
    FeatureCsvOptions csv;
    csv.expected_features = model.input_count;
    const FeatureTable features = read_features_csv(zoo_ / "features.csv", csv);
    const CodeDataset float_codes = quantize_features(model, features).codes;

    const std::optional<FixedPointFormat> narrowest = find_narrowest_exact_format(model, features, float_codes);
    ASSERT_TRUE(narrowest.has_value());
    EXPECT_EQ(narrowest->name(), expected_.at("narrowest_exact_format").get<std::string>());
    std::printf("[ figure ] %s: narrowest exact input encoder format %s\n", GetParam().c_str(),
                narrowest->name().c_str());
}

TEST_P(QuantizeZoo, InspectShowsReversedFeatures)
{
    const test::CommandResult result = run_lutgen({"inspect", model_.string(), "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const nlohmann::json summary = nlohmann::json::parse(result.out);

    std::vector<int> reversed;
    for (const nlohmann::json& feature : summary.at("input_quantizer").at("features")) {
        if (!feature.at("reversed").get<bool>())
            continue;
        reversed.push_back(feature.at("feature").get<int>());
        EXPECT_LT(feature.at("scale").get<double>(), 0.0);
        // Codes fall as the value rises.
        int previous = feature.at("lowest_value_code").get<int>();
        for (const nlohmann::json& start : feature.at("code_starts")) {
            EXPECT_LT(start.at("code").get<int>(), previous);
            previous = start.at("code").get<int>();
        }
    }
    EXPECT_EQ(reversed, expected_.at("reversed_features").get<std::vector<int>>());
}

INSTANTIATE_TEST_SUITE_P(Models, QuantizeZoo, testing::Values("w3", "mixed437", "wide64"));

} // namespace
} // namespace lutgen
