// Verilator runs of hand-written RTL directories through run_rtl. The pipeline design is built into
// a cache beside the test binary, so the test processes that ctest starts (one per test) share its
// build. The wide design is built into a fresh cache on every run, so one build always runs.
#include "verify/rtl_simulation.hpp"

#include "base/error.hpp"
#include "verify_test_designs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include <stdlib.h>

namespace lutgen {
namespace {

namespace fs = std::filesystem;

class RtlSimulationTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        std::string pattern = (fs::temp_directory_path() / "lutgen-verify-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        test::write_pipeline_design(root_ / "pipe2");
        test::write_wide_design(root_ / "wide");

        pipeline_inputs_ = test::random_lines(300, test::kPipelineInputWidth, 1);
        pipeline_run_ = run_rtl(root_ / "pipe2", pipeline_inputs_, options({0, 7, 299, 7}));
    }

    static void TearDownTestSuite()
    {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    static RtlRunOptions options(std::vector<std::size_t> layer_samples = {}, bool fresh_cache = false)
    {
        RtlRunOptions result;
        result.cache_dir = fresh_cache ? root_ / "cache"
                                       : fs::read_symlink("/proc/self/exe").parent_path() / "verify_test_cache";
        result.layer_samples = std::move(layer_samples);
        result.progress = false;
        return result;
    }

    static fs::path root_;
    static std::vector<std::string> pipeline_inputs_;
    static RtlRun pipeline_run_;
};

fs::path RtlSimulationTest::root_;
std::vector<std::string> RtlSimulationTest::pipeline_inputs_;
RtlRun RtlSimulationTest::pipeline_run_;

// Sets an environment variable for the lifetime of the object.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const std::string& value) : name_(name)
    {
        if (const char* old = std::getenv(name))
            old_value_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnvironment()
    {
        if (old_value_)
            setenv(name_, old_value_->c_str(), 1);
        else
            unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_value_;
};

TEST_F(RtlSimulationTest, PipelineOutputsMatchModel)
{
    ASSERT_EQ(pipeline_run_.outputs.size(), pipeline_inputs_.size());
    for (std::size_t sample = 0; sample < pipeline_inputs_.size(); ++sample) {
        const std::uint64_t x = std::stoull(pipeline_inputs_[sample], nullptr, 2);
        const std::uint64_t expected = test::pipeline_layer1(test::pipeline_layer0(x));
        EXPECT_EQ(pipeline_run_.outputs[sample], test::to_binary(expected, 40)) << "sample " << sample;
    }
}

TEST_F(RtlSimulationTest, RunReportsBuildAndTimes)
{
    EXPECT_GE(pipeline_run_.build_seconds, 0.0);
    EXPECT_GT(pipeline_run_.simulation_seconds, 0.0);
    EXPECT_GT(pipeline_run_.samples_per_second, 0.0);
    EXPECT_TRUE(fs::is_regular_file(pipeline_run_.harness));
    EXPECT_TRUE(fs::is_regular_file(pipeline_run_.build_log));
    EXPECT_EQ(pipeline_run_.build_key.size(), 64u);
}

TEST_F(RtlSimulationTest, SecondRunReusesCachedBuild)
{
    const std::vector<std::string> inputs = test::random_lines(50, test::kPipelineInputWidth, 2);
    const RtlRun run = run_rtl(root_ / "pipe2", inputs, options());

    EXPECT_TRUE(run.cache_hit);
    EXPECT_EQ(run.build_key, pipeline_run_.build_key);
    EXPECT_EQ(run.harness, pipeline_run_.harness);
    EXPECT_LT(run.build_seconds, 2.0);
    ASSERT_EQ(run.outputs.size(), inputs.size());
    EXPECT_EQ(run.outputs[49],
              test::to_binary(test::pipeline_layer1(test::pipeline_layer0(std::stoull(inputs[49], nullptr, 2))), 40));
}

TEST_F(RtlSimulationTest, LayerOutputsOfRequestedSamples)
{
    ASSERT_EQ(pipeline_run_.layer_outputs.size(), 3u);
    const std::vector<std::size_t> samples = {0, 7, 299};
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const RtlLayerOutputs& outputs = pipeline_run_.layer_outputs[i];
        const std::uint64_t m1 = test::pipeline_layer0(std::stoull(pipeline_inputs_[samples[i]], nullptr, 2));
        EXPECT_EQ(outputs.sample, samples[i]);
        ASSERT_EQ(outputs.buses.size(), 2u);
        EXPECT_EQ(outputs.buses[0], test::to_binary(m1, 36)) << "sample " << samples[i];
        EXPECT_EQ(outputs.buses[1], test::to_binary(test::pipeline_layer1(m1), 40)) << "sample " << samples[i];
    }
}

TEST_F(RtlSimulationTest, WideCombinationalNetwork)
{
    const std::vector<std::string> inputs = test::random_lines(200, test::kWideInputWidth, 3);
    const RtlRun run = run_rtl(root_ / "wide", inputs, options({5, 199}, true));

    EXPECT_FALSE(run.cache_hit);
    ASSERT_EQ(run.outputs.size(), inputs.size());
    for (std::size_t sample = 0; sample < inputs.size(); ++sample)
        EXPECT_EQ(run.outputs[sample], test::wide_output(test::wide_middle(inputs[sample])).to_string())
            << "sample " << sample;

    ASSERT_EQ(run.layer_outputs.size(), 2u);
    EXPECT_EQ(run.layer_outputs[0].sample, 5u);
    EXPECT_EQ(run.layer_outputs[0].buses[0], test::wide_middle(inputs[5]).to_string());
    EXPECT_EQ(run.layer_outputs[1].sample, 199u);
    EXPECT_EQ(run.layer_outputs[1].buses[1], run.outputs[199]);

    const RtlRun second = run_rtl(root_ / "wide", {inputs[0]}, options({}, true));
    EXPECT_TRUE(second.cache_hit);
    EXPECT_LT(second.build_seconds, 2.0);
    EXPECT_EQ(second.harness, run.harness);
    ASSERT_EQ(second.outputs.size(), 1u);
    EXPECT_EQ(second.outputs[0], run.outputs[0]);
}

TEST_F(RtlSimulationTest, EmptyInputGivesNoOutputs)
{
    const RtlRun run = run_rtl(root_ / "pipe2", {}, options());
    EXPECT_TRUE(run.cache_hit);
    EXPECT_TRUE(run.outputs.empty());
}

TEST_F(RtlSimulationTest, InvalidInputLineIsRejected)
{
    std::vector<std::string> inputs = test::random_lines(4, test::kPipelineInputWidth, 4);
    inputs[2] = "0101";
    try {
        run_rtl(root_ / "pipe2", inputs, options());
        FAIL() << "no error for a short input line";
    } catch (const Error& error) {
        EXPECT_EQ(error.subject(), "input sample 2");
        EXPECT_EQ(error.value(), "0101");
        EXPECT_EQ(error.hint(), "write 12 binary digits per sample, MSB first");
    }

    inputs[2] = "01010101010x";
    EXPECT_THROW(run_rtl(root_ / "pipe2", inputs, options()), Error);
}

TEST_F(RtlSimulationTest, LayerSampleOutOfRangeIsRejected)
{
    const std::vector<std::string> inputs = test::random_lines(4, test::kPipelineInputWidth, 5);
    EXPECT_THROW(run_rtl(root_ / "pipe2", inputs, options({4})), Error);
}

TEST_F(RtlSimulationTest, MissingVerilatorIsReported)
{
    const fs::path empty_directory = root_ / "empty-path";
    fs::create_directories(empty_directory);
    const ScopedEnvironment path("PATH", empty_directory.string());

    try {
        run_rtl(root_ / "pipe2", pipeline_inputs_, options());
        FAIL() << "no error without verilator on PATH";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "verilator: executable not found on PATH: 'verilator'; install it with 'apt-get install verilator'");
    }
}

} // namespace
} // namespace lutgen
