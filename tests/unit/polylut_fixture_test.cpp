// The PolyLUT fixture (hidden 64, 32; 3-bit codes; fan-in 4; degree 2) against PolyLUT's own
// output. Checked: truth tables, per-layer LUT codes, Verilog, and the RTL through Verilator.
#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "importers/polylut_importer.hpp"
#include "lut_family_fixture.hpp"
#include "model/model_json.hpp"
#include "tables/enumerate.hpp"

#include <gtest/gtest.h>

namespace lutgen {
namespace {

const std::filesystem::path kFixture = test::data_dir() / "polylut_digits";

Model import_fixture(std::optional<int> degree = std::nullopt)
{
    const StateDict state_dict = read_checkpoint(kFixture / "best_accuracy.pth");
    const Architecture arch = load_architecture((kFixture / "arch.json").string());
    return import_polylut(state_dict, arch, read_connectivity(kFixture / "connectivity.json"), degree);
}

TEST(PolyLutFixture, ModelHasPolynomialLayersOfDegreeTwo)
{
    const Model model = import_fixture();
    EXPECT_EQ(model.name, "polylut");
    ASSERT_EQ(model.layers.size(), 3u);
    for (const Layer& layer : model.layers) {
        EXPECT_EQ(layer.kind, NeuronKind::Polynomial);
        EXPECT_EQ(layer.degree, 2);
        EXPECT_EQ(layer.input_precision, InputPrecision::Float16);
        // PolyLUT's order for 4 inputs: (0) (1) (2) (3) (0,0) (0,1) (0,2) (0,3) (1,1) ... (3,3).
        ASSERT_EQ(layer.monomials.size(), 14u);
        EXPECT_EQ(layer.monomials[4], (std::vector<int>{0, 0}));
        EXPECT_EQ(layer.monomials[7], (std::vector<int>{0, 3}));
        EXPECT_EQ(layer.monomials[13], (std::vector<int>{3, 3}));
    }
    EXPECT_EQ(import_fixture(2).layers[0].monomials, model.layers[0].monomials);
}

TEST(PolyLutFixture, ModelJsonRoundTripsExactly)
{
    const Model model = import_fixture();
    const std::string text = model_to_json(model);
    EXPECT_EQ(model_to_json(model_from_json(text, "round trip")), text);
}

TEST(PolyLutFixture, TablesEqualRepositoryInEveryEntry)
{
    const TruthTables tables = enumerate_tables(import_fixture());
    const test::TableComparison result =
        test::compare_with_repository_tables(tables, test::read_gzip_json(kFixture / "truth_tables.json.gz"));
    EXPECT_EQ(result.entries, 413696u);
    EXPECT_EQ(result.mismatches, 0u);
    EXPECT_EQ(tables.entry_count(), 413696u);
}

TEST(PolyLutFixture, Float32InputValuesWouldNotMatch)
{
    // The float16 rounding of the table inputs matters: without it, entries differ.
    Model model = import_fixture();
    for (Layer& layer : model.layers)
        layer.input_precision = InputPrecision::Float32;
    const test::TableComparison result = test::compare_with_repository_tables(
        enumerate_tables(model), test::read_gzip_json(kFixture / "truth_tables.json.gz"));
    // The repository's own ablation (verify_math_result.json) counts the same entries.
    EXPECT_EQ(result.mismatches, 301u);
}

TEST(PolyLutFixture, GoldenEqualsRepositoryCodes)
{
    const TruthTables tables = enumerate_tables(import_fixture());
    const test::GoldenComparison test_split = test::compare_golden_with_repository(tables, kFixture, "test");
    const test::GoldenComparison train_split = test::compare_golden_with_repository(tables, kFixture, "train");
    EXPECT_EQ(test_split.samples + train_split.samples, 901u);
    EXPECT_EQ(test_split.code_mismatches, 0u);
    EXPECT_EQ(train_split.code_mismatches, 0u);
    EXPECT_NEAR(100.0 * test_split.correct / test_split.samples, 95.58, 0.005);
}

class PolyLutCli : public testing::Test {
protected:
    void SetUp() override
    {
        scratch_ = std::make_unique<test::ScratchDirectory>("polylut-cli");
        model_ = scratch_->path() / "model.json";
        const test::CommandResult import = test::run_lutgen(
            {"import", "--format", "polylut", (kFixture / "best_accuracy.pth").string(), "--arch",
             (kFixture / "arch.json").string(), "--connectivity", (kFixture / "connectivity.json").string(), "-o",
             model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    std::unique_ptr<test::ScratchDirectory> scratch_;
    std::filesystem::path model_;
};

TEST_F(PolyLutCli, LogicNetsDialectEqualsRepositoryVerilog)
{
    test::expect_logicnets_dialect_equals_repository(model_, kFixture, *scratch_);
}

TEST_F(PolyLutCli, VerifyShowsNoMismatchAndTheRepositoryAccuracy)
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
    EXPECT_NE(report.find("accuracy (labels vs RTL):    95.58 % (173/181)"), std::string::npos) << report;
    EXPECT_NE(report.find("100.00 % (181/181 samples identical"), std::string::npos) << report;

    // The same build (cached) on the train split.
    const test::CommandResult train_split =
        test::run_lutgen({"verify", rtl.string(), "--model", model_.string(), "--inputs",
                          (kFixture / "train_input.txt").string(), "--labels",
                          (kFixture / "train_output.txt").string(), "--cache-dir", cache});
    EXPECT_EQ(train_split.exit_code, 0) << train_split.out << train_split.err;
    EXPECT_NE((train_split.out + train_split.err).find("(720/720 samples identical"), std::string::npos)
        << train_split.out << train_split.err;
}

TEST_F(PolyLutCli, ImportWithoutConnectivityNamesTheOption)
{
    const test::CommandResult result =
        test::run_lutgen({"import", "--format", "polylut", (kFixture / "best_accuracy.pth").string(), "--arch",
                          (kFixture / "arch.json").string(), "-o", (scratch_->path() / "other.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("--connectivity"), std::string::npos) << result.err;
}

TEST_F(PolyLutCli, WrongDegreeIsAnError)
{
    const test::CommandResult result = test::run_lutgen(
        {"import", "--format", "polylut", (kFixture / "best_accuracy.pth").string(), "--arch",
         (kFixture / "arch.json").string(), "--connectivity", (kFixture / "connectivity.json").string(), "--degree",
         "3", "-o", (scratch_->path() / "other.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("degree D = 3"), std::string::npos) << result.err;
}

TEST_F(PolyLutCli, ConnectivityOfTheWrongSizeIsAnError)
{
    const std::filesystem::path connectivity = scratch_->path() / "short.json";
    test::write_text(connectivity, R"({"layers": [[[0, 1, 2, 3]], [[0, 1, 2, 3]], [[0, 1, 2, 3]]]})");
    const test::CommandResult result = test::run_lutgen(
        {"import", "--format", "polylut", (kFixture / "best_accuracy.pth").string(), "--arch",
         (kFixture / "arch.json").string(), "--connectivity", connectivity.string(), "-o",
         (scratch_->path() / "other.json").string()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("lists 1 neurons but the checkpoint has 64"), std::string::npos) << result.err;
}

} // namespace
} // namespace lutgen
