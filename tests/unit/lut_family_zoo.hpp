// Held-back PolyLUT and NeuraLUT models of other shapes (tests/data/zoo, built by
// tests/reference/make_lut_family_zoo.py), checked against the independent numpy reference:
// every table entry, and every output code of 200 samples through the golden model.
#pragma once

#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace lutgen::test {

class LutFamilyZoo : public testing::TestWithParam<std::string> {
protected:
    void SetUp() override
    {
        zoo_ = data_dir() / "zoo" / GetParam();
        scratch_ = std::make_unique<ScratchDirectory>("lut-family-zoo-" + GetParam());
        model_ = scratch_->path() / "model.json";
        const bool polylut = GetParam().rfind("polylut", 0) == 0;
        std::vector<std::string> arguments = {"import", "--format", polylut ? "polylut" : "neuralut",
                                              (zoo_ / "model_zip.pth").string(), "--arch",
                                              (zoo_ / "arch.json").string(), "-o", model_.string()};
        if (polylut) {
            arguments.push_back("--connectivity");
            arguments.push_back((zoo_ / "connectivity.json").string());
        }
        const CommandResult import = run_lutgen(arguments);
        ASSERT_EQ(import.exit_code, 0) << import.err;
    }

    void expect_tables_equal_reference()
    {
        const std::filesystem::path tables = scratch_->path() / "tables.json";
        const CommandResult result = run_lutgen({"tables", model_.string(), "-o", tables.string()});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        const CommandResult check =
            run_program("/usr/bin/python3", {(source_dir() / "tests" / "reference" / "check_tables.py").string(),
                                             (zoo_ / "expected_tables.json").string(), tables.string()});
        EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    }

    void expect_golden_equals_reference()
    {
        const std::filesystem::path codes = scratch_->path() / "codes.txt";
        const CommandResult result =
            run_lutgen({"simulate", model_.string(), "--inputs", (zoo_ / "inputs.txt").string(), "--labels",
                        (zoo_ / "labels.txt").string(), "-o", codes.string()});
        ASSERT_EQ(result.exit_code, 0) << result.err;

        const nlohmann::json expected = nlohmann::json::parse(read_text(zoo_ / "expected_layer_codes.json"));
        std::istringstream lines(read_text(codes));
        size_t sample = 0;
        size_t mismatches = 0;
        for (std::string line; std::getline(lines, line); ++sample) {
            std::istringstream fields(line);
            std::vector<int> ours;
            for (int code; fields >> code;)
                ours.push_back(code);
            mismatches += ours != expected["output_codes"][sample].get<std::vector<int>>();
        }
        EXPECT_EQ(sample, expected["output_codes"].size());
        EXPECT_EQ(mismatches, 0u);
    }

    std::filesystem::path zoo_;
    std::unique_ptr<ScratchDirectory> scratch_;
    std::filesystem::path model_;
};

} // namespace lutgen::test
