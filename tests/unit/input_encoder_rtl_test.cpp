// The RTL input encoder: lint, determinism, a negative BatchNorm gamma, and `lutgen verify`
// with raw features on the real fixture and on zoo models with 3- and 4-bit inputs and 64 features.
#include "cli_support.hpp"

#include "model/model_json.hpp"
#include "quantize/feature_codes.hpp"
#include "quantize/input_encoder.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lutgen {
namespace {

using test::run_lutgen;
using test::run_program;

class InputEncoderRtl : public testing::Test {
protected:
    void SetUp() override
    {
        scratch_ = std::make_unique<test::ScratchDirectory>("input-encoder");
    }

    std::filesystem::path import_model(const std::filesystem::path& checkpoint, const std::string& arch,
                                       const std::string& name)
    {
        const std::filesystem::path model = scratch_->path() / (name + ".json");
        const test::CommandResult result =
            run_lutgen({"import", checkpoint.string(), "--arch", arch, "-o", model.string()});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return model;
    }

    std::filesystem::path generate(const std::filesystem::path& model, const std::string& format,
                                   const std::string& name)
    {
        const std::filesystem::path rtl = scratch_->path() / name;
        const test::CommandResult result =
            run_lutgen({"generate", model.string(), "-o", rtl.string(), "--input-encoder", format});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return rtl;
    }

    std::unique_ptr<test::ScratchDirectory> scratch_;
};

TEST_F(InputEncoderRtl, FixtureVerifiesAndIsLintClean)
{
    const std::filesystem::path fixture = test::data_dir() / "jsc_s_digits";
    const std::filesystem::path model = import_model(fixture / "best_accuracy.pth", "jsc-s", "jsc_s");
    const std::filesystem::path rtl = generate(model, "s9.8", "rtl");

    const nlohmann::json manifest = nlohmann::json::parse(test::read_text(rtl / "lutgen_rtl.json"));
    EXPECT_EQ(manifest.at("input_port"), "input_features");
    EXPECT_EQ(manifest.at("input_width"), 16 * 9);
    EXPECT_EQ(manifest.at("input_encoder").at("format"), "s9.8");
    EXPECT_EQ(manifest.at("input_encoder").at("code_width"), 32);
    EXPECT_EQ(manifest.at("latency"), 5);

    const test::CommandResult lint = run_program(
        "/bin/sh", {"-c", "cd '" + rtl.string() + "' && verilator --lint-only -Wall --top-module lutgen_network *.v"});
    EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
    EXPECT_EQ(lint.err, "");

    // The same model and format give the same bytes.
    const std::filesystem::path again = generate(model, "s9.8", "rtl_again");
    EXPECT_EQ(test::read_text(rtl / "lutgen_network_input_encoder.v"),
              test::read_text(again / "lutgen_network_input_encoder.v"));
    EXPECT_EQ(test::read_text(rtl / "lutgen_network.v"), test::read_text(again / "lutgen_network.v"));

    const test::CommandResult verify = run_lutgen(
        {"verify", rtl.string(), "--model", model.string(), "--features", (fixture / "test_features.csv").string()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("input encoder s9.8: 0 of 181 samples have codes that differ from float quantization"),
              std::string::npos)
        << verify.out;
    EXPECT_NE(verify.out.find("accuracy (labels vs RTL):    89.50 % (162/181)"), std::string::npos) << verify.out;
    EXPECT_NE(verify.out.find("PASSED: the RTL matches the golden model on all 181 samples"), std::string::npos)
        << verify.out;

    // Input codes cannot drive a top module that takes raw features.
    const test::CommandResult codes = run_lutgen(
        {"verify", rtl.string(), "--model", model.string(), "--inputs", (fixture / "test_input.txt").string()});
    EXPECT_EQ(codes.exit_code, 2);
    EXPECT_NE(codes.err.find("the RTL takes raw fixed-point features, not input codes"), std::string::npos)
        << codes.err;
}

TEST_F(InputEncoderRtl, WithoutEncoderTopTakesCodes)
{
    const std::filesystem::path model =
        import_model(test::data_dir() / "jsc_s_digits" / "best_accuracy.pth", "jsc-s", "plain");
    const std::filesystem::path rtl = scratch_->path() / "plain_rtl";
    const test::CommandResult result = run_lutgen({"generate", model.string(), "-o", rtl.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const nlohmann::json manifest = nlohmann::json::parse(test::read_text(rtl / "lutgen_rtl.json"));
    EXPECT_EQ(manifest.at("input_port"), "input_codes");
    EXPECT_EQ(manifest.at("input_width"), 32);
    EXPECT_FALSE(manifest.contains("input_encoder"));
    EXPECT_FALSE(std::filesystem::exists(rtl / "lutgen_network_input_encoder.v"));

    const test::CommandResult logicnets = run_lutgen({"generate", model.string(), "-o", (scratch_->path() / "ln").string(),
                                                      "--dialect", "logicnets", "--input-encoder", "s16.8"});
    EXPECT_EQ(logicnets.exit_code, 2);
    EXPECT_NE(logicnets.err.find("input encoder: not available in the logicnets dialect"), std::string::npos)
        << logicnets.err;
}

TEST_F(InputEncoderRtl, NegativeGammaReversesCodes)
{
    const std::filesystem::path model_path =
        import_model(test::data_dir() / "jsc_s_digits" / "best_accuracy.pth", "jsc-s", "flipped");
    Model model = read_model(model_path);
    ASSERT_TRUE(model.input_quantizer.batchnorm.has_value());
    model.input_quantizer.batchnorm->weight[3] = -model.input_quantizer.batchnorm->weight[3];

    const std::vector<FeatureQuantization> features = describe_input_quantization(model);
    EXPECT_TRUE(features[3].reversed);
    EXPECT_LT(features[3].scale, 0.0);
    EXPECT_EQ(features[3].lowest_value_code, 1);
    ASSERT_EQ(features[3].code_starts.size(), 3u);
    EXPECT_EQ(features[3].code_starts[0].code, 0);
    EXPECT_EQ(features[3].code_starts[2].code, -2);
    EXPECT_FALSE(features[2].reversed);

    // Exhaustively over s12.8, the encoder's code is the float quantization of the raw value.
    const FixedPointFormat format{12, 8};
    const InputEncoder encoder = build_input_encoder(model, format);
    EXPECT_TRUE(encoder.features[3].reversed);
    size_t mismatches = 0;
    for (size_t feature = 0; feature < encoder.features.size(); ++feature)
        for (int64_t raw = format.min_raw(); raw <= format.max_raw(); ++raw) {
            const float value = static_cast<float>(from_fixed_point(raw, format));
            mismatches += encoder.encode(feature, raw) != quantize_feature(model.input_quantizer, feature, value);
        }
    EXPECT_EQ(mismatches, 0u);
}

struct ZooEncoderCase {
    std::string name;
    std::string format; // empty: the narrowest exact format from features_expected.json
};

class InputEncoderZoo : public InputEncoderRtl, public testing::WithParamInterface<ZooEncoderCase> {};

TEST_P(InputEncoderZoo, VerifiesWithFeatures)
{
    const std::filesystem::path zoo = test::data_dir() / "zoo" / GetParam().name;
    const nlohmann::json expected = nlohmann::json::parse(test::read_text(zoo / "features_expected.json"));
    const std::string exact_format = expected.at("narrowest_exact_format").get<std::string>();
    const std::string format = GetParam().format.empty() ? exact_format : GetParam().format;

    const std::filesystem::path model = import_model(zoo / "model_zip.pth", (zoo / "arch.json").string(), "model");
    const std::filesystem::path rtl = generate(model, format, "rtl");
    const test::CommandResult lint = run_program(
        "/bin/sh", {"-c", "cd '" + rtl.string() + "' && verilator --lint-only -Wall --top-module lutgen_network *.v"});
    EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;

    const test::CommandResult verify = run_lutgen(
        {"verify", rtl.string(), "--model", model.string(), "--features", (zoo / "features.csv").string()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("PASSED: the RTL matches the golden model on all 100 samples"), std::string::npos)
        << verify.out;

    const std::string exact = "input encoder " + format + ": 0 of 100 samples";
    if (format == exact_format)
        EXPECT_NE(verify.out.find(exact), std::string::npos) << verify.out;
    else
        EXPECT_EQ(verify.out.find(exact), std::string::npos) << verify.out;
}

INSTANTIATE_TEST_SUITE_P(Models, InputEncoderZoo,
                         testing::Values(ZooEncoderCase{"w3", "s6.2"}, ZooEncoderCase{"mixed437", ""},
                                         ZooEncoderCase{"wide64", ""}),
                         [](const testing::TestParamInfo<ZooEncoderCase>& info) { return info.param.name; });

} // namespace
} // namespace lutgen
