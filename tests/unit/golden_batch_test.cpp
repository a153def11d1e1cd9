// The batched golden model against a plain per-sample evaluation of the same truth tables, on
// shapes that exercise partial batches, mixed bit widths, fan-in 1 and both thread counts.
#include "golden/golden_model.hpp"
#include "base/error.hpp"
#include "verilog_synthetic_tables.hpp"

#include <gtest/gtest.h>

#include <random>

namespace lutgen {
namespace {

using testing::make_synthetic_tables;
using testing::SyntheticLayer;

CodeFormat unsigned_bits(int bits)
{
    CodeFormat format;
    format.kind = CodeKind::Unsigned;
    format.bits = bits;
    return format;
}

CodeDataset random_dataset(int feature_count, int bits, size_t samples, uint32_t seed)
{
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> pattern(0, (1 << bits) - 1);
    CodeDataset dataset;
    dataset.feature_count = feature_count;
    dataset.bits = bits;
    dataset.sample_count = samples;
    dataset.patterns.resize(samples * static_cast<size_t>(feature_count));
    for (uint16_t& value : dataset.patterns)
        value = static_cast<uint16_t>(pattern(random));
    return dataset;
}

// Every layer's outputs, sample-major, computed one sample and one neuron at a time.
std::vector<std::vector<uint16_t>> evaluate_per_sample(const TruthTables& tables, const CodeDataset& inputs)
{
    std::vector<std::vector<uint16_t>> layers(tables.layers.size());
    for (size_t sample = 0; sample < inputs.sample_count; ++sample) {
        std::vector<uint16_t> values(inputs.sample(sample), inputs.sample(sample) + inputs.feature_count);
        for (size_t l = 0; l < tables.layers.size(); ++l) {
            const LayerTables& layer = tables.layers[l];
            std::vector<uint16_t> outputs;
            for (const NeuronTable& neuron : layer.neurons) {
                uint32_t key = 0;
                for (int input : neuron.inputs)
                    key = (key << layer.input_format.bits) | values[input];
                outputs.push_back(neuron.entries[key]);
            }
            layers[l].insert(layers[l].end(), outputs.begin(), outputs.end());
            values = outputs;
        }
    }
    return layers;
}

struct GoldenShape {
    const char* name;
    int input_count;
    int input_bits;
    std::vector<SyntheticLayer> layers;
};

std::vector<GoldenShape> golden_shapes()
{
    return {
        {"jsc_s_like", 16, 2, {{64, 3, unsigned_bits(2)}, {32, 3, unsigned_bits(2)}, {5, 3, unsigned_bits(2)}}},
        {"mixed_bits", 16, 4, {{32, 3, unsigned_bits(3)}, {40, 4, unsigned_bits(7)}, {5, 2, unsigned_bits(1)}}},
        {"fan_in_one", 8, 3, {{8, 1, unsigned_bits(3)}, {3, 1, unsigned_bits(5)}}},
        {"key_15_bits", 12, 3, {{6, 5, unsigned_bits(3)}, {4, 5, unsigned_bits(4)}}},
    };
}

TEST(GoldenBatch, MatchesPerSampleEvaluation)
{
    // 1 and 511..513 straddle the batch size; 2000 gives several batches for two threads.
    const size_t sample_counts[] = {1, 511, 512, 513, 2000};
    uint32_t seed = 7;
    for (const GoldenShape& shape : golden_shapes()) {
        const TruthTables tables =
            make_synthetic_tables(shape.input_count, unsigned_bits(shape.input_bits), shape.layers, ++seed);
        for (size_t samples : sample_counts) {
            const CodeDataset inputs = random_dataset(shape.input_count, shape.input_bits, samples, ++seed);
            const std::vector<std::vector<uint16_t>> expected = evaluate_per_sample(tables, inputs);
            for (int threads : {1, 2}) {
                SCOPED_TRACE(::testing::Message() << shape.name << ", " << samples << " samples, " << threads
                                                  << " threads");
                const GoldenResult every = evaluate_network(tables, inputs, true, threads);
                ASSERT_EQ(every.layers.size(), expected.size());
                for (size_t l = 0; l < expected.size(); ++l)
                    EXPECT_EQ(every.layers[l], expected[l]) << "layer " << l;

                const GoldenResult last = evaluate_network(tables, inputs, false, threads);
                EXPECT_EQ(last.outputs(), expected.back());
                for (size_t l = 0; l + 1 < expected.size(); ++l)
                    EXPECT_TRUE(last.layers[l].empty()) << "layer " << l;
            }
        }
    }
}

TEST(GoldenBatch, EmptyDatasetGivesNoOutputs)
{
    const GoldenShape shape = golden_shapes().front();
    const TruthTables tables = make_synthetic_tables(shape.input_count, unsigned_bits(shape.input_bits), shape.layers, 3);
    const GoldenResult result = evaluate_network(tables, random_dataset(shape.input_count, shape.input_bits, 0, 4), true);

    EXPECT_EQ(result.sample_count, 0u);
    EXPECT_TRUE(result.outputs().empty());
}

TEST(GoldenBatch, CodeWiderThanInputRejected)
{
    const GoldenShape shape = golden_shapes().front();
    const TruthTables tables = make_synthetic_tables(shape.input_count, unsigned_bits(shape.input_bits), shape.layers, 5);
    CodeDataset inputs = random_dataset(shape.input_count, shape.input_bits, 600, 6);
    inputs.patterns[550 * shape.input_count + 3] = 4; // a 2-bit code cannot be 4

    try {
        evaluate_network(tables, inputs, false, 2);
        FAIL() << "expected lutgen::Error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("sample 550 feature 3"), std::string::npos) << error.what();
    }
}

TEST(GoldenBatch, TableOfWrongSizeRejected)
{
    const GoldenShape shape = golden_shapes().front();
    TruthTables tables = make_synthetic_tables(shape.input_count, unsigned_bits(shape.input_bits), shape.layers, 8);
    tables.layers[1].neurons[4].entries.pop_back();

    try {
        evaluate_network(tables, random_dataset(shape.input_count, shape.input_bits, 10, 9), false);
        FAIL() << "expected lutgen::Error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("layer 1 neuron 4"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("63 entries"), std::string::npos) << error.what();
    }
}

TEST(GoldenBatch, EntryWiderThanOutputRejected)
{
    const GoldenShape shape = golden_shapes().front();
    TruthTables tables = make_synthetic_tables(shape.input_count, unsigned_bits(shape.input_bits), shape.layers, 10);
    tables.layers[0].neurons[2].entries[17] = 9; // a 2-bit output cannot be 9

    try {
        evaluate_network(tables, random_dataset(shape.input_count, shape.input_bits, 10, 11), false);
        FAIL() << "expected lutgen::Error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("layer 0 neuron 2"), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace lutgen
