// LogicNets models of other shapes (3-bit, 4/3/7-bit mixed, 64 inputs with 10 classes, one layer,
// 15-bit keys everywhere), checked against the independent numpy reference in tests/reference/.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace lutgen {
namespace {

using test::run_lutgen;
using test::run_program;

struct ZooCase {
    std::string name;
    std::string container; // "zip" or "legacy"
};

void PrintTo(const ZooCase& zoo_case, std::ostream* out)
{
    *out << zoo_case.name << " (" << zoo_case.container << ")";
}

std::string case_name(const testing::TestParamInfo<ZooCase>& info)
{
    return info.param.name + "_" + info.param.container;
}

std::string fmt_accuracy(size_t correct, size_t total)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.2f %% (%zu/%zu)", 100.0 * static_cast<double>(correct) / total, correct, total);
    return text;
}

class ZooModel : public testing::TestWithParam<ZooCase> {
protected:
    void SetUp() override
    {
        zoo_ = test::data_dir() / "zoo" / GetParam().name;
        scratch_ = std::make_unique<test::ScratchDirectory>("zoo-" + GetParam().name + "-" + GetParam().container);
        model_ = scratch_->path() / "model.json";
        const test::CommandResult import =
            run_lutgen({"import", (zoo_ / ("model_" + GetParam().container + ".pth")).string(), "--arch",
                        (zoo_ / "arch.json").string(), "-o", model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    std::filesystem::path zoo_;
    std::unique_ptr<test::ScratchDirectory> scratch_;
    std::filesystem::path model_;
};

TEST_P(ZooModel, TablesEqualReference)
{
    const std::filesystem::path tables = scratch_->path() / "tables.json";
    const test::CommandResult result = run_lutgen({"tables", model_.string(), "-o", tables.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    std::filesystem::path expected = zoo_ / "expected_tables.json";
    if (!std::filesystem::exists(expected))
        expected = zoo_ / "expected_tables.sha256";
    const test::CommandResult check = run_program(
        "/usr/bin/python3",
        {(test::source_dir() / "tests" / "reference" / "check_tables.py").string(), expected.string(), tables.string()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_P(ZooModel, GoldenEqualsReferenceCodes)
{
    const std::filesystem::path codes = scratch_->path() / "codes.txt";
    const test::CommandResult result =
        run_lutgen({"simulate", model_.string(), "--inputs", (zoo_ / "inputs.txt").string(), "--labels",
                    (zoo_ / "labels.txt").string(), "-o", codes.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const nlohmann::json expected =
        nlohmann::json::parse(test::read_text(zoo_ / "expected_layer_codes.json"));
    std::istringstream lines(test::read_text(codes));
    std::string line;
    size_t sample = 0;
    size_t mismatches = 0;
    size_t correct = 0;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::vector<int> ours;
        for (int code; fields >> code;)
            ours.push_back(code);
        mismatches += ours != expected["output_codes"][sample].get<std::vector<int>>();
        correct += expected["predicted_class"][sample].get<int>() == expected["label"][sample].get<int>();
        ++sample;
    }
    EXPECT_EQ(sample, expected["output_codes"].size());
    EXPECT_EQ(mismatches, 0u);

    // The reported accuracy follows from the reference's own predictions.
    const std::string accuracy = fmt_accuracy(correct, sample);
    EXPECT_NE(result.err.find(accuracy), std::string::npos) << result.err << " lacks " << accuracy;
}

// The RTL is checked once per shape: both containers import to the same model (checked above).
class ZooRtl : public ZooModel {};

TEST_P(ZooRtl, MatchesGolden)
{
    const std::filesystem::path rtl = scratch_->path() / "rtl";
    const test::CommandResult generate = run_lutgen({"generate", model_.string(), "-o", rtl.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;
    const test::CommandResult result =
        run_lutgen({"verify", rtl.string(), "--model", model_.string(), "--inputs", (zoo_ / "inputs.txt").string(),
                    "--labels", (zoo_ / "labels.txt").string()});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("agreement (golden vs RTL):   100.00 % (200/200"), std::string::npos) << result.out;
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooModel,
                         testing::Values(ZooCase{"w3", "zip"}, ZooCase{"w3", "legacy"}, ZooCase{"mixed437", "zip"},
                                         ZooCase{"mixed437", "legacy"}, ZooCase{"wide64", "zip"},
                                         ZooCase{"wide64", "legacy"}, ZooCase{"onelayer", "zip"},
                                         ZooCase{"onelayer", "legacy"}, ZooCase{"key15", "zip"},
                                         ZooCase{"key15", "legacy"}),
                         case_name);

INSTANTIATE_TEST_SUITE_P(Zoo, ZooRtl,
                         testing::Values(ZooCase{"w3", "zip"}, ZooCase{"mixed437", "zip"}, ZooCase{"wide64", "zip"},
                                         ZooCase{"onelayer", "zip"}, ZooCase{"key15", "zip"}),
                         case_name);

} // namespace
} // namespace lutgen
