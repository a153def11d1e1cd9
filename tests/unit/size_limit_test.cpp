// The table size guard through the real command line: `lutgen tables` on a model over the limit
// exits with 2, names the layer and the numbers, and writes nothing.
#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lutgen {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::data_dir;
using test::run_lutgen;

// The key15 zoo model: 16 inputs, layers of 8, 8, 8 and 4 neurons, each with a 15-bit key
// (5 inputs x 3 bits), so 28 x 32768 = 917504 entries and 1835008 bytes of tables.
class SizeLimit : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        scratch_ = new test::ScratchDirectory("size-limit");
        model_ = scratch_->path() / "model.json";
        const fs::path zoo = data_dir() / "zoo" / "key15";
        const CommandResult import = run_lutgen({"import", (zoo / "model_zip.pth").string(), "--arch",
                                                 (zoo / "arch.json").string(), "-o", model_.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    static void TearDownTestSuite()
    {
        delete scratch_;
        scratch_ = nullptr;
    }

    // Lists the scratch directory, to show that a rejected run left no file behind.
    static std::vector<std::string> scratch_files()
    {
        std::vector<std::string> names;
        for (const fs::directory_entry& entry : fs::directory_iterator(scratch_->path()))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    static test::ScratchDirectory* scratch_;
    static fs::path model_;
};

test::ScratchDirectory* SizeLimit::scratch_ = nullptr;
fs::path SizeLimit::model_;

TEST_F(SizeLimit, KeyBitsOverLimitRejected)
{
    const fs::path output = scratch_->path() / "tables.json";
    const CommandResult result =
        run_lutgen({"tables", model_.string(), "-o", output.string(), "--max-key-bits", "14"});

    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("layer 0 neuron 0"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("15 bits (5 inputs x 3 bits)"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("limit of 14 bits"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("--max-key-bits"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(output));
    EXPECT_EQ(scratch_files(), std::vector<std::string>{"model.json"});
}

TEST_F(SizeLimit, TotalBytesOverLimitRejected)
{
    const fs::path output = scratch_->path() / "tables.json";
    const CommandResult result =
        run_lutgen({"tables", model_.string(), "-o", output.string(), "--max-table-mib", "1"});

    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("917504 entries"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("more than the limit of 1.00 MiB"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("15 bits, in layer 0"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("--max-table-mib"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(output));
    EXPECT_EQ(scratch_files(), std::vector<std::string>{"model.json"});
}

TEST_F(SizeLimit, GenerateOverLimitWritesNoDirectory)
{
    const fs::path output = scratch_->path() / "rtl";
    const CommandResult result =
        run_lutgen({"generate", model_.string(), "-o", output.string(), "--max-key-bits", "14"});

    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("limit of 14 bits"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(output));
    EXPECT_EQ(scratch_files(), std::vector<std::string>{"model.json"});
}

TEST_F(SizeLimit, ModelAtLimitAccepted)
{
    const fs::path output = scratch_->path() / "tables-at-limit.json";
    const CommandResult result =
        run_lutgen({"tables", model_.string(), "-o", output.string(), "--max-key-bits", "15", "--max-table-mib", "2"});

    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(fs::exists(output));
    fs::remove(output);
}

} // namespace
} // namespace lutgen
