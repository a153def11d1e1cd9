// `lutgen quantize` and the input quantization library on the real JSC-S fixture: float features
// to LogicNets' dumps byte for byte, the per-feature scale and bias, and the CSV checks.
#include "cli_support.hpp"

#include "base/error.hpp"
#include "model/model_json.hpp"
#include "quantize/feature_codes.hpp"
#include "quantize/input_quantization.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace lutgen {
namespace {

using test::run_lutgen;

class QuantizeFixture : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        scratch_ = new test::ScratchDirectory("quantize-fixture");
        model_ = scratch_->path() / "model.json";
        const test::CommandResult result =
            run_lutgen({"import", (fixture() / "best_accuracy.pth").string(), "--arch", "jsc-s", "-o", model_.string()});
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    static void TearDownTestSuite()
    {
        delete scratch_;
        scratch_ = nullptr;
    }

    static std::filesystem::path fixture() { return test::data_dir() / "jsc_s_digits"; }

    static test::ScratchDirectory* scratch_;
    static std::filesystem::path model_;
};

test::ScratchDirectory* QuantizeFixture::scratch_ = nullptr;
std::filesystem::path QuantizeFixture::model_;

TEST_F(QuantizeFixture, ReproducesDumpsByteForByte)
{
    for (const std::string split : {"train", "test"}) {
        const std::filesystem::path inputs = scratch_->path() / (split + "_input.txt");
        const std::filesystem::path labels = scratch_->path() / (split + "_output.txt");
        const test::CommandResult result =
            run_lutgen({"quantize", model_.string(), "--features", (fixture() / (split + "_features.csv")).string(),
                        "-o", inputs.string(), "--labels-out", labels.string()});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(test::read_text(inputs), test::read_text(fixture() / (split + "_input.txt"))) << split;
        EXPECT_EQ(test::read_text(labels), test::read_text(fixture() / (split + "_output.txt"))) << split;
        EXPECT_NE(result.out.find("clipped to the code range:"), std::string::npos) << result.out;
    }
}

TEST_F(QuantizeFixture, ScaleAndBiasMatchAffine)
{
    const nlohmann::json affine = nlohmann::json::parse(test::read_text(fixture() / "input_quant_affine.json"));
    const std::vector<FeatureQuantization> features = describe_input_quantization(read_model(model_));
    ASSERT_EQ(features.size(), affine.at("A").size());

    for (size_t i = 0; i < features.size(); ++i) {
        // The affine file writes code = round(A x + B), so s = 1 / A and b = B.
        const double expected_scale = 1.0 / affine.at("A")[i].get<double>();
        const double expected_bias = affine.at("B")[i].get<double>();
        EXPECT_NEAR(features[i].scale, expected_scale, 1e-6 * std::abs(expected_scale)) << "feature " << i;
        EXPECT_NEAR(features[i].bias, expected_bias, 1e-6 * std::abs(expected_bias)) << "feature " << i;
        EXPECT_FALSE(features[i].reversed) << "feature " << i;

        // Codes -1, 0, 1 begin at the thresholds, to float32 precision.
        const nlohmann::json& thresholds = affine.at("thresholds_raw_x_for_code_-1_0_1")[i];
        ASSERT_EQ(features[i].code_starts.size(), 3u) << "feature " << i;
        EXPECT_EQ(features[i].lowest_value_code, -2);
        for (size_t k = 0; k < 3; ++k) {
            const double expected = thresholds[k].get<double>();
            EXPECT_EQ(features[i].code_starts[k].code, static_cast<int>(k) - 1);
            EXPECT_NEAR(features[i].code_starts[k].value, expected, 1e-6 * std::max(1.0, std::abs(expected)))
                << "feature " << i << " code " << k - 1;
        }
    }
}

TEST_F(QuantizeFixture, CodeStartsAreExactBoundaries)
{
    const Model model = read_model(model_);
    for (const FeatureQuantization& feature : describe_input_quantization(model)) {
        int previous = feature.lowest_value_code;
        for (const CodeStart& start : feature.code_starts) {
            const float below = std::nextafter(start.value, -INFINITY);
            const size_t index = static_cast<size_t>(feature.feature);
            EXPECT_EQ(quantize_feature(model.input_quantizer, index, start.value), start.code);
            EXPECT_EQ(quantize_feature(model.input_quantizer, index, below), previous);
            EXPECT_EQ(code_from_starts(feature, start.value), start.code);
            EXPECT_EQ(code_from_starts(feature, below), previous);
            previous = start.code;
        }
    }
}

TEST_F(QuantizeFixture, NarrowestFormatIsExactAndMinimal)
{
    const Model model = read_model(model_);
    for (const std::string split : {"train", "test"}) {
        FeatureCsvOptions csv;
        csv.expected_features = model.input_count;
        const FeatureTable features = read_features_csv(fixture() / (split + "_features.csv"), csv);
        const CodeDataset float_codes = quantize_features(model, features).codes;

        const std::optional<FixedPointFormat> narrowest = find_narrowest_exact_format(model, features, float_codes);
        ASSERT_TRUE(narrowest.has_value()) << split;
        const InputEncoder encoder = build_input_encoder(model, *narrowest);
        EXPECT_EQ(count_differing_samples(encode_features(encoder, to_fixed_point(features, *narrowest)), float_codes),
                  0u);
        // Every format one bit narrower changes some sample's codes.
        for (int fraction_bits = 0; fraction_bits < narrowest->bits - 1; ++fraction_bits) {
            const FixedPointFormat narrower{narrowest->bits - 1, fraction_bits};
            const InputEncoder narrower_encoder = build_input_encoder(model, narrower);
            EXPECT_GT(count_differing_samples(
                          encode_features(narrower_encoder, to_fixed_point(features, narrower)), float_codes),
                      0u)
                << narrower.name();
        }
        std::printf("[ figure ] %s: narrowest exact input encoder format %s\n", split.c_str(),
                    narrowest->name().c_str());
    }
}

TEST_F(QuantizeFixture, FixedPointReportCountsDifferences)
{
    const std::filesystem::path inputs = scratch_->path() / "coarse_input.txt";
    const test::CommandResult result =
        run_lutgen({"quantize", model_.string(), "--features", (fixture() / "test_features.csv").string(), "-o",
                    inputs.string(), "--input-format", "s4.1"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // One fraction bit cannot place the thresholds, so some codes differ.
    EXPECT_NE(result.out.find("because of s4.1: "), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("because of s4.1: 0 of"), std::string::npos) << result.out;
    EXPECT_NE(test::read_text(inputs), test::read_text(fixture() / "test_input.txt"));
}

TEST_F(QuantizeFixture, RejectsMismatchedColumns)
{
    const std::filesystem::path csv = scratch_->path() / "fifteen.csv";
    std::string text = "f0";
    std::string row = "0.5";
    for (int i = 1; i < 15; ++i) {
        text += ",f" + std::to_string(i);
        row += ",0.5";
    }
    test::write_text(csv, text + ",label\n" + row + ",1\n");
    const test::CommandResult result = run_lutgen(
        {"quantize", model_.string(), "--features", csv.string(), "-o", (scratch_->path() / "x.txt").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("CSV has 15 feature columns but the model has 16 inputs"), std::string::npos)
        << result.err;
    EXPECT_FALSE(std::filesystem::exists(scratch_->path() / "x.txt"));
}

TEST_F(QuantizeFixture, LabelColumnChosenByName)
{
    const std::filesystem::path csv = scratch_->path() / "class_column.csv";
    std::string text = test::read_text(fixture() / "test_features.csv");
    text.replace(text.find(",label"), 6, ",class");
    test::write_text(csv, text);

    const std::filesystem::path inputs = scratch_->path() / "class_input.txt";
    const std::filesystem::path labels = scratch_->path() / "class_output.txt";
    const test::CommandResult missing = run_lutgen({"quantize", model_.string(), "--features", csv.string(), "-o",
                                                    inputs.string(), "--labels-out", labels.string()});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("label column not found: 'label'"), std::string::npos) << missing.err;

    const test::CommandResult named =
        run_lutgen({"quantize", model_.string(), "--features", csv.string(), "-o", inputs.string(), "--labels-out",
                    labels.string(), "--label-column", "class"});
    ASSERT_EQ(named.exit_code, 0) << named.err;
    EXPECT_EQ(test::read_text(inputs), test::read_text(fixture() / "test_input.txt"));
    EXPECT_EQ(test::read_text(labels), test::read_text(fixture() / "test_output.txt"));
}

TEST(QuantizeCsv, RejectsBadValues)
{
    test::ScratchDirectory scratch("quantize-csv");
    const std::filesystem::path csv = scratch.path() / "bad.csv";
    FeatureCsvOptions options;
    options.expected_features = 2;

    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a,b,label\n1,x,0\n", "line 2 column 2: value is not a number"},
        {"a,b,label\n1,nan,0\n", "line 2 column 2: value is not a number"},
        {"a,b,label\n1,2\n", "line 2: row has 2 fields but the header has 3"},
        {"a,b,label\n1,2,-1\n", "line 2 column 3: label is not a non-negative integer"},
        {"a,b,label\n1,2,0.5\n", "line 2 column 3: label is not a non-negative integer"},
        {"a,a,label\n1,2,0\n", "line 1: duplicate column name in column 2"},
        {"a,b,label\n", "features file has no samples"},
        {"a,b,c\n1,2,3\n", "CSV has 3 feature columns but the model has 2 inputs"},
    };
    for (const auto& [text, message] : cases) {
        test::write_text(csv, text);
        try {
            read_features_csv(csv, options);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const Error& error) {
            EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
        }
    }

    test::write_text(csv, "a , \"b\",label\r\n1.5,-2e-1,3\r\n\r\n");
    const FeatureTable table = read_features_csv(csv, options);
    ASSERT_EQ(table.sample_count, 1u);
    EXPECT_EQ(table.feature_names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(table.values, (std::vector<float>{1.5f, -0.2f}));
    EXPECT_EQ(table.labels, (std::vector<int>{3}));
}

TEST(QuantizeFixedPoint, ParsesAndRounds)
{
    const FixedPointFormat format = parse_fixed_point_format("s16.8", "test");
    EXPECT_EQ(format.bits, 16);
    EXPECT_EQ(format.fraction_bits, 8);
    EXPECT_EQ(format.name(), "s16.8");

    for (const std::string bad : {"16.8", "s16", "s16.", "s1.0", "s33.8", "s8.8", "u8.4", "s16.8x", "s-4.2", ""})
        EXPECT_THROW(parse_fixed_point_format(bad, "test"), Error) << bad;

    bool saturated = false;
    EXPECT_EQ(to_fixed_point(0.5f + 1.0f / 512.0f, format, &saturated), 128);   // 128.5 -> 128, ties to even
    EXPECT_EQ(to_fixed_point(0.5f + 3.0f / 512.0f, format, &saturated), 130);   // 129.5 -> 130
    EXPECT_FALSE(saturated);
    EXPECT_EQ(to_fixed_point(-1000.0f, format, &saturated), -32768);
    EXPECT_TRUE(saturated);
    EXPECT_EQ(to_fixed_point(INFINITY, format, &saturated), 32767);
    EXPECT_TRUE(saturated);
    EXPECT_EQ(fixed_point_bus_string(std::vector<int64_t>{-1, 2}.data(), 2, FixedPointFormat{4, 1}), "00101111");
}

} // namespace
} // namespace lutgen
