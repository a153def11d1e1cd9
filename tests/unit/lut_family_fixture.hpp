// Checks shared by the PolyLUT and NeuraLUT fixture tests: tables against the repository's
// truth_tables.json, the golden model against its per-layer LUT codes, the logicnets dialect
// against its Verilog, and verify through Verilator.
#pragma once

#include "cli_support.hpp"
#include "dataset/code_dump.hpp"
#include "golden/golden_model.hpp"
#include "tables/truth_table.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace lutgen::test {

// The fixtures keep their large JSON files gzip-compressed.
inline nlohmann::json read_gzip_json(const std::filesystem::path& path)
{
    const CommandResult result = run_program("/bin/gzip", {"-dc", path.string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
}

struct TableComparison {
    size_t entries = 0;
    size_t mismatches = 0;
};

// The repository's tables list every neuron's output codes in its enumeration order; row r of
// the layer's input_code_rows contains the input codes of that entry, column k for inputs[k].
inline TableComparison compare_with_repository_tables(const TruthTables& tables, const nlohmann::json& reference)
{
    TableComparison result;
    for (const nlohmann::json& layer_object : reference.at("layers")) {
        const LayerTables& layer = tables.layers.at(layer_object.at("layer").get<size_t>());
        std::vector<uint32_t> keys;
        for (const nlohmann::json& row : layer_object.at("input_code_rows")) {
            uint32_t key = 0;
            for (const nlohmann::json& code : row)
                key = (key << layer.input_format.bits) | layer.input_format.pattern(code.get<int>());
            keys.push_back(key);
        }
        for (const nlohmann::json& neuron : layer_object.at("neurons")) {
            const NeuronTable& ours = layer.neurons.at(neuron.at("neuron").get<size_t>());
            EXPECT_EQ(ours.inputs, neuron.at("indices").get<std::vector<int>>());
            const nlohmann::json& codes = neuron.at("output_codes");
            EXPECT_EQ(codes.size(), keys.size());
            for (size_t row = 0; row < keys.size() && row < codes.size(); ++row) {
                ++result.entries;
                result.mismatches += layer.output_format.code(ours.entries.at(keys[row])) != codes[row].get<int>();
            }
        }
    }
    return result;
}

struct GoldenComparison {
    size_t samples = 0;
    size_t code_mismatches = 0; // over every layer and neuron
    size_t correct = 0;         // golden predictions equal to the labels
};

// Runs the golden model on one split and compares every layer's codes with the repository's
// LUT inference (`<split>_lut_all_layer_codes.json.gz`).
inline GoldenComparison compare_golden_with_repository(const TruthTables& tables, const std::filesystem::path& fixture,
                                                       const std::string& split)
{
    const CodeDataset inputs = read_code_dump(fixture / (split + "_input.txt"), tables.input_count(),
                                              tables.input_format().bits);
    const GoldenResult result = evaluate_network(tables, inputs, true);
    const nlohmann::json reference = read_gzip_json(fixture / (split + "_lut_all_layer_codes.json.gz"));
    const nlohmann::json& layer_codes = reference.at("layer_codes");
    EXPECT_EQ(layer_codes.size(), tables.layers.size());

    GoldenComparison comparison;
    comparison.samples = inputs.sample_count;
    for (size_t sample = 0; sample < inputs.sample_count; ++sample) {
        const nlohmann::json& input_codes = reference.at("input_codes").at(sample);
        for (int feature = 0; feature < tables.input_count(); ++feature)
            comparison.code_mismatches +=
                tables.input_format().code(inputs.sample(sample)[feature]) != input_codes.at(feature).get<int>();
        for (size_t l = 0; l < tables.layers.size(); ++l) {
            const int width = result.layer_widths[l];
            for (int n = 0; n < width; ++n)
                comparison.code_mismatches += tables.layers[l].output_format.code(result.layers[l][sample * width + n]) !=
                                              layer_codes[l][sample][n].get<int>();
        }
    }

    const std::vector<int> labels =
        read_labels(fixture / (split + "_output.txt"), inputs.sample_count, tables.output_count());
    for (size_t sample = 0; sample < inputs.sample_count; ++sample)
        comparison.correct += predict_class(result.output(sample), tables.output_count(), tables.output_format()) ==
                              labels[sample];
    return comparison;
}

inline std::set<std::string> file_names(const std::filesystem::path& directory)
{
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        names.insert(entry.path().filename().string());
    return names;
}

// Generates the logicnets dialect without registers and compares it, file by file and byte by
// byte, with the repository's Verilog in verilog_all.tar.gz.
inline void expect_logicnets_dialect_equals_repository(const std::filesystem::path& model,
                                                       const std::filesystem::path& fixture,
                                                       const ScratchDirectory& scratch)
{
    const std::filesystem::path rtl = scratch.path() / "logicnets_rtl";
    const CommandResult generate = run_lutgen(
        {"generate", model.string(), "--dialect", "logicnets", "--registers", "none", "-o", rtl.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.err;

    const std::filesystem::path expected = scratch.path() / "repository";
    std::filesystem::create_directories(expected);
    const CommandResult untar =
        run_program("/bin/tar", {"-xzf", (fixture / "verilog_all.tar.gz").string(), "-C", expected.string()});
    ASSERT_EQ(untar.exit_code, 0) << untar.err;

    std::set<std::string> ours = file_names(rtl);
    ours.erase("lutgen_rtl.json"); // lutgen's description of the top module, for verify
    const std::set<std::string> theirs = file_names(expected / "verilog");
    EXPECT_EQ(ours, theirs);
    EXPECT_GT(theirs.size(), 4u);

    size_t different = 0;
    for (const std::string& name : theirs) {
        if (!ours.count(name))
            continue;
        if (read_text(rtl / name) != read_text(expected / "verilog" / name)) {
            ++different;
            ADD_FAILURE() << name << " differs from the repository's file";
        }
    }
    EXPECT_EQ(different, 0u);
}

} // namespace lutgen::test
