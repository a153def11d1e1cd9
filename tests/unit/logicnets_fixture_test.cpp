// The LogicNets fixtures: tables and golden-model codes must equal what LogicNets itself wrote.
#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "dataset/code_dump.hpp"
#include "golden/golden_model.hpp"
#include "importers/logicnets_importer.hpp"
#include "model/model_json.hpp"
#include "tables/enumerate.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lutgen {
namespace {

using test::data_dir;

Model import_jsc_s(const std::string& checkpoint)
{
    const StateDict state_dict = read_checkpoint(data_dir() / "jsc_s_digits" / checkpoint);
    return import_logicnets(state_dict, load_architecture("jsc-s"), InputOrder::Ascending);
}

// Counts entries of LogicNets' truth_tables.json that differ from ours. Its rows list the input
// codes in enumeration order; the key puts the first input in the most significant bits.
size_t count_table_mismatches(const TruthTables& tables, size_t& entries)
{
    const nlohmann::json reference =
        nlohmann::json::parse(test::read_text(data_dir() / "jsc_s_digits" / "truth_tables.json"));
    size_t mismatches = 0;
    entries = 0;
    for (const auto& neuron : reference) {
        const LayerTables& layer = tables.layers.at(neuron.at("layer").get<int>());
        const NeuronTable& ours = layer.neurons.at(neuron.at("neuron").get<int>());
        EXPECT_EQ(ours.inputs, neuron.at("indices").get<std::vector<int>>());

        const auto& rows = neuron.at("bin_input_perm_matrix");
        const auto& outputs = neuron.at("bin_output");
        for (size_t row = 0; row < rows.size(); ++row) {
            uint32_t key = 0;
            for (const auto& code : rows[row])
                key = (key << layer.input_format.bits) | layer.input_format.pattern(code.get<int>());
            ++entries;
            if (layer.output_format.code(ours.entries.at(key)) != outputs[row].get<int>())
                ++mismatches;
        }
    }
    return mismatches;
}

TEST(LogicNetsFixture, ZipTablesEqualLogicNets)
{
    const TruthTables tables = enumerate_tables(import_jsc_s("best_accuracy.pth"));
    size_t entries = 0;
    EXPECT_EQ(count_table_mismatches(tables, entries), 0u);
    EXPECT_EQ(entries, 10560u);
    EXPECT_EQ(tables.entry_count(), 10560u);
}

TEST(LogicNetsFixture, LegacyTablesEqualLogicNets)
{
    const TruthTables tables = enumerate_tables(import_jsc_s("best_accuracy_legacy_format.pth"));
    size_t entries = 0;
    EXPECT_EQ(count_table_mismatches(tables, entries), 0u);
    EXPECT_EQ(entries, 10560u);
}

TEST(LogicNetsFixture, BothContainersGiveTheSameModel)
{
    Model zip = import_jsc_s("best_accuracy.pth");
    Model legacy = import_jsc_s("best_accuracy_legacy_format.pth");
    // Only the recorded source file name may differ.
    EXPECT_NE(zip.source, legacy.source);
    legacy.source = zip.source;
    EXPECT_EQ(model_to_json(zip), model_to_json(legacy));
}

TEST(LogicNetsFixture, ModelJsonRoundTripsExactly)
{
    const Model model = import_jsc_s("best_accuracy.pth");
    const std::string text = model_to_json(model);
    const Model reread = model_from_json(text, "round trip");
    EXPECT_EQ(model_to_json(reread), text);

    const TruthTables first = enumerate_tables(model);
    const TruthTables second = enumerate_tables(reread);
    for (size_t l = 0; l < first.layers.size(); ++l)
        for (size_t n = 0; n < first.layers[l].neurons.size(); ++n)
            EXPECT_EQ(first.layers[l].neurons[n].entries, second.layers[l].neurons[n].entries);
}

TEST(LogicNetsFixture, TablesDoNotDependOnThreadCount)
{
    const Model model = import_jsc_s("best_accuracy.pth");
    const TruthTables one = enumerate_tables(model, 1);
    const TruthTables two = enumerate_tables(model, 2);
    const TruthTables many = enumerate_tables(model, 7);
    for (size_t l = 0; l < one.layers.size(); ++l)
        for (size_t n = 0; n < one.layers[l].neurons.size(); ++n) {
            EXPECT_EQ(one.layers[l].neurons[n].entries, two.layers[l].neurons[n].entries);
            EXPECT_EQ(one.layers[l].neurons[n].entries, many.layers[l].neurons[n].entries);
        }
}

// The golden model against LogicNets' per-layer codes for one split of the dataset.
void check_golden_against_logicnets(const std::string& split, size_t expected_samples, double expected_accuracy)
{
    const TruthTables tables = enumerate_tables(import_jsc_s("best_accuracy.pth"));
    const CodeDataset inputs = read_code_dump(data_dir() / "jsc_s_digits" / (split + "_input.txt"), 16, 2);
    ASSERT_EQ(inputs.sample_count, expected_samples);
    const GoldenResult result = evaluate_network(tables, inputs, true);

    const nlohmann::json reference =
        nlohmann::json::parse(test::read_text(data_dir() / "jsc_s_digits" / (split + "_lut_all_layer_codes.json")));
    const auto& input_codes = reference.at("input_codes");
    const auto& layer_codes = reference.at("layer_codes");
    ASSERT_EQ(layer_codes.size(), tables.layers.size());

    size_t mismatches = 0;
    for (size_t sample = 0; sample < expected_samples; ++sample) {
        for (int feature = 0; feature < 16; ++feature)
            EXPECT_EQ(tables.input_format().code(inputs.sample(sample)[feature]),
                      input_codes[sample][feature].get<int>());
        for (size_t l = 0; l < tables.layers.size(); ++l) {
            const int width = result.layer_widths[l];
            for (int n = 0; n < width; ++n) {
                const int ours = tables.layers[l].output_format.code(result.layers[l][sample * width + n]);
                if (ours != layer_codes[l][sample][n].get<int>())
                    ++mismatches;
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);

    const std::vector<int> labels =
        read_labels(data_dir() / "jsc_s_digits" / (split + "_output.txt"), inputs.sample_count, 5);
    size_t correct = 0;
    for (size_t sample = 0; sample < expected_samples; ++sample)
        correct += predict_class(result.output(sample), 5, tables.output_format()) == labels[sample];
    EXPECT_NEAR(100.0 * correct / expected_samples, expected_accuracy, 0.005);
}

TEST(LogicNetsFixture, GoldenEqualsLogicNetsOnTestSplit)
{
    check_golden_against_logicnets("test", 181, 89.50);
}

TEST(LogicNetsFixture, GoldenEqualsLogicNetsOnTrainSplit)
{
    // The train-split accuracy is whatever LogicNets' LUT inference gives; only the codes are checked.
    const TruthTables tables = enumerate_tables(import_jsc_s("best_accuracy.pth"));
    const CodeDataset inputs = read_code_dump(data_dir() / "jsc_s_digits" / "train_input.txt", 16, 2);
    EXPECT_EQ(inputs.sample_count, 720u);
    const GoldenResult result = evaluate_network(tables, inputs, true);
    const nlohmann::json reference =
        nlohmann::json::parse(test::read_text(data_dir() / "jsc_s_digits" / "train_lut_all_layer_codes.json"));
    size_t mismatches = 0;
    for (size_t l = 0; l < tables.layers.size(); ++l) {
        const int width = result.layer_widths[l];
        for (size_t sample = 0; sample < inputs.sample_count; ++sample)
            for (int n = 0; n < width; ++n)
                mismatches += tables.layers[l].output_format.code(result.layers[l][sample * width + n]) !=
                              reference["layer_codes"][l][sample][n].get<int>();
    }
    EXPECT_EQ(mismatches, 0u);
}

// iiot_cybernid: trained by a third party with PyTorch 1.5, whose mask order is descending.
TruthTables iiot_tables(InputOrder order)
{
    const StateDict state_dict = read_checkpoint(data_dir() / "iiot_cybernid" / "best_accuracy.pth");
    const Architecture arch = load_architecture((data_dir() / "iiot_cybernid" / "arch.json").string());
    return enumerate_tables(import_logicnets(state_dict, arch, order));
}

TEST(IiotFixture, TablesEqualPublishedVerilog)
{
    const TruthTables tables = iiot_tables(InputOrder::Descending);
    const nlohmann::json reference =
        nlohmann::json::parse(test::read_text(data_dir() / "iiot_cybernid" / "truth_tables_from_public_verilog.json"));

    size_t entries = 0;
    size_t mismatches = 0;
    for (const auto& neuron : reference.at("neurons")) {
        const LayerTables& layer = tables.layers.at(neuron.at("layer").get<int>());
        const NeuronTable& ours = layer.neurons.at(neuron.at("neuron").get<int>());
        ASSERT_EQ(ours.inputs, neuron.at("indices_from_wire_MSB_first").get<std::vector<int>>());

        // Entry p of the published bits is the key whose field k (k = 0 most significant) is
        // digit k of p in base 2^bits, so the first input varies fastest.
        const int bits = layer.input_format.bits;
        const int fan_in = static_cast<int>(ours.inputs.size());
        const int output_bits = layer.output_format.bits;
        const std::string published = neuron.at("out_bits_concat").get<std::string>();
        for (uint32_t p = 0; p < (1u << (fan_in * bits)); ++p) {
            uint32_t key = 0;
            for (int k = 0; k < fan_in; ++k)
                key = (key << bits) | ((p >> (bits * k)) & ((1u << bits) - 1));
            const uint32_t expected = std::stoul(published.substr(p * output_bits, output_bits), nullptr, 2);
            ++entries;
            mismatches += ours.entries.at(key) != expected;
        }
    }
    EXPECT_EQ(entries, 155648u);
    EXPECT_EQ(mismatches, 0u);
}

TEST(IiotFixture, GoldenEqualsLogicNetsOnRandomInputs)
{
    const TruthTables tables = iiot_tables(InputOrder::Descending);
    const CodeDataset inputs = read_code_dump(data_dir() / "iiot_cybernid" / "random_input.txt", 512, 1);
    const GoldenResult result = evaluate_network(tables, inputs, false);

    std::istringstream expected(test::read_text(data_dir() / "iiot_cybernid" / "random_lut_output_codes.txt"));
    std::string line;
    size_t sample = 0;
    size_t mismatches = 0;
    while (std::getline(expected, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        mismatches += tables.output_format().code(result.output(sample)[0]) != std::stoi(line);
        ++sample;
    }
    EXPECT_EQ(sample, 2000u);
    EXPECT_EQ(result.sample_count, 2000u);
    EXPECT_EQ(mismatches, 0u);
}

TEST(IiotFixture, InputOrderDoesNotChangeTheFunction)
{
    const TruthTables ascending = iiot_tables(InputOrder::Ascending);
    const TruthTables descending = iiot_tables(InputOrder::Descending);
    const CodeDataset inputs = read_code_dump(data_dir() / "iiot_cybernid" / "random_input.txt", 512, 1);
    EXPECT_EQ(evaluate_network(ascending, inputs, true).layers, evaluate_network(descending, inputs, true).layers);
}

} // namespace
} // namespace lutgen
