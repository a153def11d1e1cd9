// The main job through the real command line: import -> generate -> verify with Verilator.
#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace lutgen {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::data_dir;
using test::run_lutgen;

// Imports the JSC-S fixture once per test binary; every test gets its own output names.
class JscEndToEnd : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        scratch_ = new test::ScratchDirectory("end-to-end");
        model_ = scratch_->path() / "model.json";
        const CommandResult import = run_lutgen({"import", (data_dir() / "jsc_s_digits" / "best_accuracy.pth").string(),
                                                 "--arch", "jsc-s", "-o", model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    static void TearDownTestSuite()
    {
        delete scratch_;
        scratch_ = nullptr;
    }

    static CommandResult verify(const fs::path& rtl, const std::string& split = "test")
    {
        return run_lutgen({"verify", rtl.string(), "--model", model_.string(), "--inputs",
                           (data_dir() / "jsc_s_digits" / (split + "_input.txt")).string(), "--labels",
                           (data_dir() / "jsc_s_digits" / (split + "_output.txt")).string()});
    }

    static test::ScratchDirectory* scratch_;
    static fs::path model_;
};

test::ScratchDirectory* JscEndToEnd::scratch_ = nullptr;
fs::path JscEndToEnd::model_;

TEST_F(JscEndToEnd, DefaultDialectMatchesGolden)
{
    const fs::path rtl = scratch_->path() / "rtl_default";
    const CommandResult generate = run_lutgen({"generate", model_.string(), "-o", rtl.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;

    const CommandResult result = verify(rtl);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("accuracy (labels vs golden): 89.50 % (162/181)"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("accuracy (labels vs RTL):    89.50 % (162/181)"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("agreement (golden vs RTL):   100.00 % (181/181"), std::string::npos) << result.out;

    // The train split completes the 901 samples of the dataset; the cached build is reused.
    const CommandResult train = verify(rtl, "train");
    EXPECT_EQ(train.exit_code, 0) << train.out << train.err;
    EXPECT_NE(train.out.find("agreement (golden vs RTL):   100.00 % (720/720"), std::string::npos) << train.out;
}

TEST_F(JscEndToEnd, LogicNetsDialectMatchesGoldenAndFixture)
{
    const fs::path rtl = scratch_->path() / "rtl_logicnets";
    const CommandResult generate =
        run_lutgen({"generate", model_.string(), "-o", rtl.string(), "--dialect", "logicnets"});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;

    // Every file LogicNets wrote is reproduced byte for byte.
    const fs::path fixture = data_dir() / "jsc_s_digits" / "logicnets_verilog";
    size_t compared = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(fixture)) {
        const std::string name = entry.path().filename().string();
        if (name == "logicnet_noreg_top.v")
            continue;
        ASSERT_TRUE(fs::exists(rtl / name)) << name;
        EXPECT_EQ(test::read_text(rtl / name), test::read_text(entry.path())) << name;
        ++compared;
    }
    EXPECT_EQ(compared, 337u);

    const CommandResult result = verify(rtl);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("accuracy (labels vs RTL):    89.50 % (162/181)"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("(181/181"), std::string::npos) << result.out;

    const CommandResult train = verify(rtl, "train");
    EXPECT_EQ(train.exit_code, 0) << train.out << train.err;
    EXPECT_NE(train.out.find("agreement (golden vs RTL):   100.00 % (720/720"), std::string::npos) << train.out;
}

TEST_F(JscEndToEnd, CombinationalLogicNetsTopEqualsFixture)
{
    const fs::path rtl = scratch_->path() / "rtl_noreg";
    const CommandResult generate = run_lutgen(
        {"generate", model_.string(), "-o", rtl.string(), "--dialect", "logicnets", "--registers", "none"});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;
    EXPECT_EQ(test::read_text(rtl / "logicnet.v"),
              test::read_text(data_dir() / "jsc_s_digits" / "logicnets_verilog" / "logicnet_noreg_top.v"));
}

TEST_F(JscEndToEnd, FlippedTableEntryFailsAndNamesNeuron)
{
    const fs::path rtl = scratch_->path() / "rtl_flipped";
    const CommandResult generate = run_lutgen({"generate", model_.string(), "-o", rtl.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;

    // Flip the lowest bit of the first entry of layer 1, neuron 5 (a hidden neuron).
    fs::path hex;
    for (const fs::directory_entry& entry : fs::directory_iterator(rtl))
        if (std::regex_search(entry.path().filename().string(), std::regex("layer1_neuron5\\.hex$")))
            hex = entry.path();
    ASSERT_FALSE(hex.empty());
    std::string text = test::read_text(hex);
    const size_t first = text.find_first_of("0123456789abcdefABCDEF");
    ASSERT_NE(first, std::string::npos);
    const int value = std::stoi(text.substr(first, 1), nullptr, 16);
    text[first] = "0123456789abcdef"[value ^ 1];
    test::write_text(hex, text);

    const CommandResult result = verify(rtl);
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("FAILED"), std::string::npos) << result.out;
    EXPECT_NE(result.err.find("mismatch: sample"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("first differing layer 1, neuron 5:"), std::string::npos) << result.err;
}

TEST_F(JscEndToEnd, RegisterPlacementsAllMatchGolden)
{
    for (const std::string registers : {"none", "all"}) {
        const fs::path rtl = scratch_->path() / ("rtl_registers_" + registers);
        const CommandResult generate =
            run_lutgen({"generate", model_.string(), "-o", rtl.string(), "--registers", registers});
        ASSERT_EQ(generate.exit_code, 0) << generate.err;
        const CommandResult result = verify(rtl);
        EXPECT_EQ(result.exit_code, 0) << registers << ": " << result.out << result.err;
    }
}

TEST_F(JscEndToEnd, CaseStyleMatchesGolden)
{
    const fs::path rtl = scratch_->path() / "rtl_case";
    const CommandResult generate = run_lutgen({"generate", model_.string(), "-o", rtl.string(), "--style", "case"});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;
    const CommandResult result = verify(rtl);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST_F(JscEndToEnd, GenerateIsDeterministicAcrossThreadCounts)
{
    const fs::path first = scratch_->path() / "rtl_threads_1";
    const fs::path second = scratch_->path() / "rtl_threads_2";
    ASSERT_EQ(run_lutgen({"generate", model_.string(), "-o", first.string(), "--threads", "1"}).exit_code, 0);
    ASSERT_EQ(run_lutgen({"generate", model_.string(), "-o", second.string(), "--threads", "2"}).exit_code, 0);
    size_t files = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(first)) {
        EXPECT_EQ(test::read_text(entry.path()), test::read_text(second / entry.path().filename()))
            << entry.path().filename();
        ++files;
    }
    EXPECT_GT(files, 300u);
}

// iiot_cybernid: trained by someone else, binary inputs, descending input order.
TEST(IiotEndToEnd, RtlMatchesGoldenAndLogicNetsOutputs)
{
    test::ScratchDirectory scratch("iiot-end-to-end");
    const fs::path model = scratch.path() / "model.json";
    const fs::path fixture = data_dir() / "iiot_cybernid";
    const CommandResult import =
        run_lutgen({"import", (fixture / "best_accuracy.pth").string(), "--arch", (fixture / "arch.json").string(),
                    "--input-order", "descending", "-o", model.string()});
    ASSERT_EQ(import.exit_code, 0) << import.err;

    // The golden model reproduces LogicNets' LUT inference on the random regression vectors.
    const fs::path codes = scratch.path() / "codes.txt";
    const CommandResult simulate = run_lutgen(
        {"simulate", model.string(), "--inputs", (fixture / "random_input.txt").string(), "-o", codes.string()});
    ASSERT_EQ(simulate.exit_code, 0) << simulate.err;
    std::string expected;
    std::istringstream reference(test::read_text(fixture / "random_lut_output_codes.txt"));
    for (std::string line; std::getline(reference, line);)
        if (!line.empty() && line[0] != '#')
            expected += line + "\n";
    EXPECT_EQ(test::read_text(codes), expected);

    for (const std::string dialect : {"lutgen", "logicnets"}) {
        const fs::path rtl = scratch.path() / ("rtl_" + dialect);
        const CommandResult generate =
            run_lutgen({"generate", model.string(), "-o", rtl.string(), "--dialect", dialect});
        ASSERT_EQ(generate.exit_code, 0) << generate.err;
        const CommandResult result =
            run_lutgen({"verify", rtl.string(), "--model", model.string(), "--inputs",
                        (fixture / "random_input.txt").string()});
        EXPECT_EQ(result.exit_code, 0) << dialect << ": " << result.out << result.err;
        EXPECT_NE(result.out.find("(2000/2000"), std::string::npos) << result.out;
    }
}

} // namespace
} // namespace lutgen
