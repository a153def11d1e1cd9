// The NeuraLUT fixture (hidden 32; 4-bit codes; fan-in 3; sub-network width 8) against NeuraLUT's
// own output. Checked: truth tables, per-layer LUT codes, Verilog, and the RTL through Verilator.
#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "importers/neuralut_importer.hpp"
#include "lut_family_fixture.hpp"
#include "model/model_json.hpp"
#include "tables/enumerate.hpp"

#include <gtest/gtest.h>

namespace lutgen {
namespace {

const std::filesystem::path kFixture = test::data_dir() / "neuralut_digits";

Model import_fixture()
{
    const StateDict state_dict = read_checkpoint(kFixture / "best_accuracy.pth");
    return import_neuralut(state_dict, load_architecture((kFixture / "arch.json").string()), 8);
}

TEST(NeuraLutFixture, ModelHasSubNetworkLayersOfWidthEight)
{
    const Model model = import_fixture();
    EXPECT_EQ(model.name, "neuralut");
    ASSERT_EQ(model.layers.size(), 2u);
    for (const Layer& layer : model.layers) {
        EXPECT_EQ(layer.kind, NeuronKind::SubNetwork);
        EXPECT_EQ(layer.width, 8);
        EXPECT_EQ(layer.input_precision, InputPrecision::Float16);
        for (const SubNetworkNeuron& neuron : layer.subnetwork_neurons) {
            EXPECT_EQ(neuron.inputs.size(), 3u);
            EXPECT_EQ(neuron.fc2_weight.size(), 64u);
        }
    }
}

TEST(NeuraLutFixture, ModelJsonRoundTripsExactly)
{
    const Model model = import_fixture();
    const std::string text = model_to_json(model);
    EXPECT_EQ(model_to_json(model_from_json(text, "round trip")), text);
}

TEST(NeuraLutFixture, TablesEqualRepositoryInEveryEntry)
{
    const TruthTables tables = enumerate_tables(import_fixture());
    const test::TableComparison result =
        test::compare_with_repository_tables(tables, test::read_gzip_json(kFixture / "truth_tables.json.gz"));
    EXPECT_EQ(result.entries, 151552u);
    EXPECT_EQ(result.mismatches, 0u);
}

TEST(NeuraLutFixture, Float32InputValuesWouldNotMatch)
{
    Model model = import_fixture();
    for (Layer& layer : model.layers)
        layer.input_precision = InputPrecision::Float32;
    const test::TableComparison result = test::compare_with_repository_tables(
        enumerate_tables(model), test::read_gzip_json(kFixture / "truth_tables.json.gz"));
    // The repository's own ablation (verify_math_result.json) counts the same entries.
    EXPECT_EQ(result.mismatches, 90u);
}

TEST(NeuraLutFixture, GoldenEqualsRepositoryCodes)
{
    const TruthTables tables = enumerate_tables(import_fixture());
    const test::GoldenComparison test_split = test::compare_golden_with_repository(tables, kFixture, "test");
    const test::GoldenComparison train_split = test::compare_golden_with_repository(tables, kFixture, "train");
    EXPECT_EQ(test_split.samples + train_split.samples, 901u);
    EXPECT_EQ(test_split.code_mismatches, 0u);
    EXPECT_EQ(train_split.code_mismatches, 0u);
    EXPECT_NEAR(100.0 * test_split.correct / test_split.samples, 89.50, 0.005);
}

class NeuraLutCli : public testing::Test {
protected:
    void SetUp() override
    {
        scratch_ = std::make_unique<test::ScratchDirectory>("neuralut-cli");
        model_ = scratch_->path() / "model.json";
        const test::CommandResult import =
            test::run_lutgen({"import", "--format", "neuralut", (kFixture / "best_accuracy.pth").string(), "--arch",
                              (kFixture / "arch.json").string(), "-o", model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    std::unique_ptr<test::ScratchDirectory> scratch_;
    std::filesystem::path model_;
};

TEST_F(NeuraLutCli, LogicNetsDialectEqualsRepositoryVerilog)
{
    test::expect_logicnets_dialect_equals_repository(model_, kFixture, *scratch_);
}

TEST_F(NeuraLutCli, VerifyShowsNoMismatchAndTheRepositoryAccuracy)
{
    const std::filesystem::path rtl = scratch_->path() / "rtl";
    const test::CommandResult generate = test::run_lutgen({"generate", model_.string(), "-o", rtl.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;

    const std::string cache = (scratch_->path() / "cache").string();
    const test::CommandResult test_split =
        test::run_lutgen({"verify", rtl.string(), "--model", model_.string(), "--inputs",
                          (kFixture / "test_input.txt").string(), "--labels", (kFixture / "test_output.txt").string(),
                          "--cache-dir", cache});
    EXPECT_EQ(test_split.exit_code, 0) << test_split.out << test_split.err;
    const std::string report = test_split.out + test_split.err;
    EXPECT_NE(report.find("accuracy (labels vs RTL):    89.50 % (162/181)"), std::string::npos) << report;
    EXPECT_NE(report.find("100.00 % (181/181 samples identical"), std::string::npos) << report;

    const test::CommandResult train_split =
        test::run_lutgen({"verify", rtl.string(), "--model", model_.string(), "--inputs",
                          (kFixture / "train_input.txt").string(), "--labels",
                          (kFixture / "train_output.txt").string(), "--cache-dir", cache});
    EXPECT_EQ(train_split.exit_code, 0) << train_split.out << train_split.err;
    EXPECT_NE((train_split.out + train_split.err).find("(720/720 samples identical"), std::string::npos)
        << train_split.out << train_split.err;
}

TEST_F(NeuraLutCli, WrongWidthIsAnError)
{
    const test::CommandResult result = test::run_lutgen(
        {"import", "--format", "neuralut", (kFixture / "best_accuracy.pth").string(), "--arch",
         (kFixture / "arch.json").string(), "--width", "16", "-o", (scratch_->path() / "other.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("width 8"), std::string::npos) << result.err;
}

TEST_F(NeuraLutCli, LogicNetsCheckpointIsRejected)
{
    const test::CommandResult result =
        test::run_lutgen({"import", "--format", "neuralut", (test::data_dir() / "jsc_s_digits/best_accuracy.pth").string(),
                          "--arch", "jsc-s", "-o", (scratch_->path() / "other.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("no NeuraLUT layers found"), std::string::npos) << result.err;
}

} // namespace
} // namespace lutgen
