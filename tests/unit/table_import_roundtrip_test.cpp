// Tables exported with 'lutgen tables' and imported back with '--format tables' give the same
// RTL as the model they came from, in both dialects.
#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lutgen {
namespace {

using test::run_lutgen;

// Every file of the directory; lines naming the source model (its file name and hash) dropped.
std::map<std::string, std::string> rtl_files(const std::filesystem::path& directory, const std::string& model_name)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        std::istringstream lines(test::read_text(entry.path()));
        std::string text;
        for (std::string line; std::getline(lines, line);)
            if (line.find(model_name) == std::string::npos && line.find("sha256") == std::string::npos)
                text += line + "\n";
        files[entry.path().filename().string()] = text;
    }
    return files;
}

class TableImport : public testing::Test {
protected:
    void SetUp() override
    {
        scratch_ = std::make_unique<test::ScratchDirectory>("table-import");
        const std::filesystem::path fixture = test::data_dir() / "polylut_digits";
        const test::CommandResult import = run_lutgen(
            {"import", "--format", "polylut", (fixture / "best_accuracy.pth").string(), "--arch",
             (fixture / "arch.json").string(), "--connectivity", (fixture / "connectivity.json").string(), "-o",
             path("polylut_model.json")});
        ASSERT_EQ(import.exit_code, 0) << import.err;
        const test::CommandResult tables =
            run_lutgen({"tables", path("polylut_model.json"), "-o", path("tables.json")});
        ASSERT_EQ(tables.exit_code, 0) << tables.err;
        const test::CommandResult reimport =
            run_lutgen({"import", "--format", "tables", path("tables.json"), "-o", path("table_model.json")});
        ASSERT_EQ(reimport.exit_code, 0) << reimport.err;
    }

    std::string path(const std::string& name) const { return (scratch_->path() / name).string(); }

    void expect_identical_rtl(const std::vector<std::string>& options)
    {
        for (const char* model : {"polylut_model", "table_model"}) {
            std::vector<std::string> arguments = {"generate", path(std::string(model) + ".json"), "-o",
                                                  path(std::string(model) + "_rtl")};
            arguments.insert(arguments.end(), options.begin(), options.end());
            const test::CommandResult result = run_lutgen(arguments);
            ASSERT_EQ(result.exit_code, 0) << result.err;
        }
        const auto original = rtl_files(path("polylut_model_rtl"), "polylut_model.json");
        const auto reimported = rtl_files(path("table_model_rtl"), "table_model.json");
        ASSERT_GT(original.size(), 100u);
        EXPECT_EQ(original.size(), reimported.size());
        size_t different = 0;
        for (const auto& [name, text] : original) {
            auto it = reimported.find(name);
            if (it == reimported.end() || it->second != text) {
                ++different;
                ADD_FAILURE() << name << " differs";
            }
        }
        EXPECT_EQ(different, 0u);
    }

    std::unique_ptr<test::ScratchDirectory> scratch_;
};

TEST_F(TableImport, ModelHasTableLayersAndTheNetworkName)
{
    const std::string model = test::read_text(path("table_model.json"));
    EXPECT_NE(model.find("\"name\": \"polylut\""), std::string::npos);
    EXPECT_NE(model.find("\"kind\": \"table\""), std::string::npos);
    EXPECT_EQ(model.find("\"kind\": \"polynomial\""), std::string::npos);

    // The tables of the imported model are the exported tables, byte for byte.
    const test::CommandResult again = run_lutgen({"tables", path("table_model.json"), "-o", path("again.json")});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(test::read_text(path("again.json")), test::read_text(path("tables.json")));
}

TEST_F(TableImport, LogicNetsDialectIsIdentical)
{
    expect_identical_rtl({"--dialect", "logicnets", "--registers", "none"});
}

TEST_F(TableImport, LutgenDialectIsIdentical)
{
    expect_identical_rtl({});
}

TEST_F(TableImport, MismatchedLayerFormatsAreRejected)
{
    // Layer 1 claims 4-bit inputs while layer 0 writes 3-bit codes.
    std::string text = test::read_text(path("tables.json"));
    const std::string layer1 = "\"layer\": 1, \"input_count\": 64, \"input_format\": {\"kind\": \"unsigned\", \"bits\": 3}";
    const size_t at = text.find(layer1);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, layer1.size(),
                 "\"layer\": 1, \"input_count\": 64, \"input_format\": {\"kind\": \"signed\", \"bits\": 3}");
    test::write_text(path("bad.json"), text);
    const test::CommandResult result =
        run_lutgen({"import", "--format", "tables", path("bad.json"), "-o", path("bad_model.json")});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("differs from layer 0's output_format"), std::string::npos) << result.err;
}

} // namespace
} // namespace lutgen
