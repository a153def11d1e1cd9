// The logicnets dialect against LogicNets' own Verilog for the jsc_s_digits model (JSC-S trained
// on the digits set): every file byte for byte, and the set of file names.
#include "base/error.hpp"
#include "verilog/verilog_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace lutgen {
namespace {

const std::filesystem::path kFixture = std::filesystem::path(LUTGEN_SOURCE_DIR) / "tests/data/jsc_s_digits";

std::string read_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// Returns "" when the files are byte-identical, else the first differing offset with some context.
std::string first_difference(const std::filesystem::path& actual, const std::filesystem::path& expected)
{
    const std::string actual_bytes = read_bytes(actual);
    const std::string expected_bytes = read_bytes(expected);
    if (actual_bytes == expected_bytes)
        return "";
    size_t offset = 0;
    while (offset < actual_bytes.size() && offset < expected_bytes.size() && actual_bytes[offset] == expected_bytes[offset])
        ++offset;
    const size_t start = offset < 40 ? 0 : offset - 40;
    return "sizes " + std::to_string(actual_bytes.size()) + " vs " + std::to_string(expected_bytes.size()) +
           ", first difference at byte " + std::to_string(offset) + "\n--- written:\n" +
           actual_bytes.substr(start, 80) + "\n--- LogicNets:\n" + expected_bytes.substr(start, 80);
}

// Builds TruthTables from LogicNets' truth_tables.json: per neuron the connected input indices,
// the input codes of every row in enumeration order and the output code of every row.
TruthTables load_fixture_tables()
{
    std::ifstream in(kFixture / "truth_tables.json");
    const nlohmann::json document = nlohmann::json::parse(in);

    const std::vector<int> layer_sizes = {64, 32, 32, 32, 5};
    const CodeFormat input_format{CodeKind::Signed, 2};
    const CodeFormat hidden_format{CodeKind::Unsigned, 2};
    const CodeFormat output_format{CodeKind::Signed, 2};

    TruthTables tables;
    tables.network_name = "logicnet";
    for (size_t index = 0; index < layer_sizes.size(); ++index) {
        LayerTables layer;
        layer.index = static_cast<int>(index);
        layer.input_count = index == 0 ? 16 : layer_sizes[index - 1];
        layer.input_format = index == 0 ? input_format : hidden_format;
        layer.output_format = index + 1 == layer_sizes.size() ? output_format : hidden_format;
        layer.neurons.resize(static_cast<size_t>(layer_sizes[index]));
        tables.layers.push_back(layer);
    }

    for (const nlohmann::json& record : document) {
        const size_t layer_index = record.at("layer").get<size_t>();
        const size_t neuron_index = record.at("neuron").get<size_t>();
        LayerTables& layer = tables.layers.at(layer_index);
        NeuronTable& neuron = layer.neurons.at(neuron_index);
        neuron.layer = static_cast<int>(layer_index);
        neuron.index = static_cast<int>(neuron_index);
        neuron.inputs = record.at("indices").get<std::vector<int>>();

        const size_t key_bits = neuron.inputs.size() * static_cast<size_t>(layer.input_format.bits);
        neuron.entries.assign(size_t{1} << key_bits, 0);
        std::vector<bool> filled(neuron.entries.size(), false);
        const nlohmann::json& rows = record.at("bin_input_perm_matrix");
        const nlohmann::json& outputs = record.at("bin_output");
        EXPECT_EQ(rows.size(), neuron.entries.size());
        for (size_t row = 0; row < rows.size(); ++row) {
            uint32_t key = 0;
            for (const nlohmann::json& code : rows[row])
                key = (key << layer.input_format.bits) | layer.input_format.pattern(code.get<int>());
            EXPECT_FALSE(filled.at(key)) << "layer " << layer_index << " neuron " << neuron_index << " key " << key;
            filled[key] = true;
            neuron.entries[key] = static_cast<uint16_t>(layer.output_format.pattern(outputs.at(row).get<int>()));
        }
    }
    return tables;
}

class LogicNetsDialectTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory_ = std::filesystem::temp_directory_path() /
                     ("lutgen_logicnets_test_" + std::to_string(::getpid()));
        std::filesystem::remove_all(directory_);
        std::filesystem::create_directories(directory_);
        tables_ = load_fixture_tables();
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::filesystem::path directory_;
    TruthTables tables_;
};

std::set<std::string> file_names(const std::filesystem::path& directory)
{
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        names.insert(entry.path().filename().string());
    return names;
}

TEST_F(LogicNetsDialectTest, RegisteredMatchesLogicNetsBytes)
{
    VerilogOptions options;
    options.dialect = RtlDialect::LogicNets;
    options.registers = RegisterPlacement::BeforeLayers;
    const RtlManifest manifest = write_verilog(tables_, options, directory_);

    const std::filesystem::path reference = kFixture / "logicnets_verilog";
    std::set<std::string> expected = file_names(reference);
    expected.erase("logicnet_noreg_top.v");
    expected.insert(kRtlManifestName);
    EXPECT_EQ(file_names(directory_), expected);

    for (const std::string& name : expected) {
        if (name == kRtlManifestName)
            continue;
        EXPECT_EQ(first_difference(directory_ / name, reference / name), "") << name;
    }

    EXPECT_EQ(manifest.dialect, "logicnets");
    EXPECT_EQ(manifest.top_module, "logicnet");
    EXPECT_EQ(manifest.input_port, "M0");
    EXPECT_EQ(manifest.output_port, "M5");
    EXPECT_EQ(manifest.input_width, 32);
    EXPECT_EQ(manifest.output_width, 10);
    EXPECT_EQ(manifest.latency, 5);
    ASSERT_EQ(manifest.layer_outputs.size(), 5u);
    const std::vector<int> widths = {128, 64, 64, 64, 10};
    for (int layer = 0; layer < 5; ++layer) {
        EXPECT_EQ(manifest.layer_outputs[layer].signal, "M" + std::to_string(layer + 1));
        EXPECT_EQ(manifest.layer_outputs[layer].width, widths[layer]);
        EXPECT_EQ(manifest.layer_outputs[layer].latency, layer + 1);
    }
    EXPECT_EQ(manifest.verilog_files.size(), 165u + 5u + 2u);
    EXPECT_TRUE(manifest.data_files.empty());

    const RtlManifest stored = read_rtl_manifest(directory_);
    EXPECT_EQ(stored.top_module, manifest.top_module);
    EXPECT_EQ(stored.latency, manifest.latency);
}

TEST_F(LogicNetsDialectTest, CombinationalMatchesLogicNetsBytes)
{
    VerilogOptions options;
    options.dialect = RtlDialect::LogicNets;
    options.registers = RegisterPlacement::None;
    const RtlManifest manifest = write_verilog(tables_, options, directory_);

    const std::filesystem::path reference = kFixture / "logicnets_verilog";
    EXPECT_EQ(first_difference(directory_ / "logicnet.v", reference / "logicnet_noreg_top.v"), "");
    for (const auto& entry : std::filesystem::directory_iterator(reference)) {
        const std::string name = entry.path().filename().string();
        if (name != "logicnet.v" && name != "logicnet_noreg_top.v")
            EXPECT_EQ(first_difference(directory_ / name, entry.path()), "") << name;
    }

    EXPECT_EQ(manifest.latency, 0);
    for (const RtlLayerSignal& signal : manifest.layer_outputs)
        EXPECT_EQ(signal.latency, 0);
    for (const std::string& file : manifest.verilog_files)
        EXPECT_NE(file, "myreg.v");
}

TEST_F(LogicNetsDialectTest, UsesNetworkNameForTop)
{
    tables_.network_name = "polylut";
    VerilogOptions options;
    options.dialect = RtlDialect::LogicNets;
    options.write_bench = false;
    const RtlManifest manifest = write_verilog(tables_, options, directory_);

    EXPECT_EQ(manifest.top_module, "polylut");
    EXPECT_TRUE(std::filesystem::exists(directory_ / "polylut.v"));
    EXPECT_FALSE(std::filesystem::exists(directory_ / "layer0_N0.bench"));
    const std::string top = read_bytes(directory_ / "polylut.v");
    EXPECT_EQ(top.rfind("module polylut (", 0), 0u);
}

TEST_F(LogicNetsDialectTest, RejectsOutputRegister)
{
    VerilogOptions options;
    options.dialect = RtlDialect::LogicNets;
    options.registers = RegisterPlacement::All;
    EXPECT_THROW(write_verilog(tables_, options, directory_), Error);
    EXPECT_TRUE(std::filesystem::is_empty(directory_));
}

} // namespace
} // namespace lutgen
