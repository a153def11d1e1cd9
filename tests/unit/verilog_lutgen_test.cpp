// The lutgen Verilog dialect on random synthetic networks: Verilator lint (-Wall) on the whole
// design, a Verilator simulation against a table lookup in C++, the hex files, determinism and
// input checks.
#include "base/error.hpp"
#include "verilog/verilog_writer.hpp"
#include "verilog_synthetic_tables.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace lutgen {
namespace {

using testing::SyntheticLayer;

std::string read_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

struct CommandResult {
    int status = -1;
    std::string output;
};

// Runs `command` through the shell with stdout and stderr captured in `log`.
CommandResult run_command(const std::string& command, const std::filesystem::path& log)
{
    CommandResult result;
    result.status = std::system(fmt::format("{} > '{}' 2>&1", command, log.string()).c_str());
    result.output = read_bytes(log);
    return result;
}

// Six 2-bit signed inputs. The last layer leaves every third of its inputs unconnected.
TruthTables make_small_network(uint32_t seed)
{
    return testing::make_synthetic_tables(6, {CodeKind::Signed, 2},
                                          {{5, 3, {CodeKind::Unsigned, 2}},
                                           {6, 2, {CodeKind::Unsigned, 3}},
                                           {3, 2, {CodeKind::Signed, 2}}},
                                          seed, /*skip_inputs=*/true);
}

// Eight 1-bit binary inputs, for the 1-bit part selects.
TruthTables make_binary_network(uint32_t seed)
{
    return testing::make_synthetic_tables(8, {CodeKind::Binary, 1},
                                          {{4, 3, {CodeKind::Unsigned, 1}}, {2, 4, {CodeKind::Signed, 3}}}, seed,
                                          /*skip_inputs=*/true);
}

// The network output bus for an input bus, by table lookup (input i and neuron n occupy bits
// [i*b+b-1 : i*b] and [n*ob+ob-1 : n*ob]).
uint64_t evaluate(const TruthTables& tables, uint64_t input_bus)
{
    uint64_t bus = input_bus;
    for (const LayerTables& layer : tables.layers) {
        const int b = layer.input_format.bits;
        const int ob = layer.output_format.bits;
        uint64_t next = 0;
        for (const NeuronTable& neuron : layer.neurons) {
            uint32_t key = 0;
            for (int input : neuron.inputs)
                key = (key << b) | static_cast<uint32_t>((bus >> (input * b)) & ((1u << b) - 1u));
            next |= static_cast<uint64_t>(neuron.entries[key]) << (neuron.index * ob);
        }
        bus = next;
    }
    return bus;
}

class LutgenDialectTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        root_ = std::filesystem::temp_directory_path() / ("lutgen_verilog_test_" + std::to_string(::getpid()));
        std::filesystem::remove_all(root_);
        std::filesystem::create_directories(root_);
    }
    void TearDown() override { std::filesystem::remove_all(root_); }

    std::filesystem::path new_directory(const std::string& name)
    {
        const std::filesystem::path directory = root_ / name;
        std::filesystem::create_directories(directory);
        return directory;
    }

    // Returns Verilator's lint output for the design in `directory` (empty when clean).
    CommandResult lint(const std::filesystem::path& directory, const RtlManifest& manifest)
    {
        std::string command = fmt::format("cd '{}' && verilator --lint-only -Wall --top-module {}", directory.string(),
                                          manifest.top_module);
        for (const std::string& file : manifest.verilog_files)
            command += " " + file;
        return run_command(command, root_ / "lint.log");
    }

    std::filesystem::path root_;
};

TEST_F(LutgenDialectTest, LintCleanForEveryStyle)
{
    const TruthTables networks[] = {make_small_network(11), make_binary_network(12)};
    int design = 0;
    for (const TruthTables& tables : networks) {
        for (NeuronStyle style : {NeuronStyle::Memh, NeuronStyle::Case}) {
            for (RegisterPlacement registers :
                 {RegisterPlacement::None, RegisterPlacement::BeforeLayers, RegisterPlacement::All}) {
                VerilogOptions options;
                options.style = style;
                options.registers = registers;
                const std::filesystem::path directory = new_directory("lint" + std::to_string(design++));
                const RtlManifest manifest = write_verilog(tables, options, directory);

                const CommandResult result = lint(directory, manifest);
                EXPECT_EQ(result.status, 0) << result.output;
                EXPECT_EQ(result.output, "") << neuron_style_name(style) << " " << register_placement_name(registers);
            }
        }
    }
}

TEST_F(LutgenDialectTest, WaivesUnusedInputsOnlyInSparseLayer)
{
    const TruthTables tables = make_small_network(21);
    const std::filesystem::path directory = new_directory("sparse");
    write_verilog(tables, {}, directory);

    EXPECT_EQ(read_bytes(directory / "lutgen_network_layer0.v").find("lint_off"), std::string::npos);
    EXPECT_EQ(read_bytes(directory / "lutgen_network_layer1.v").find("lint_off"), std::string::npos);
    const std::string sparse = read_bytes(directory / "lutgen_network_layer2.v");
    EXPECT_NE(sparse.find("/* verilator lint_off UNUSEDSIGNAL */"), std::string::npos);
    EXPECT_NE(sparse.find("2 of the 6 input codes feed no neuron"), std::string::npos);
}

TEST_F(LutgenDialectTest, SimulationMatchesTables)
{
    const TruthTables tables = make_small_network(31);
    const int input_width = tables.input_count() * tables.input_format().bits;
    const int output_width = tables.output_count() * tables.output_format().bits;
    const int sample_count = 200;

    // Random input codes and the expected outputs, as hex files for the testbench.
    std::mt19937_64 random(32);
    std::string inputs_hex;
    std::string expected_hex;
    for (int sample = 0; sample < sample_count; ++sample) {
        const uint64_t input_bus = random() & ((uint64_t{1} << input_width) - 1);
        inputs_hex += fmt::format("{:x}\n", input_bus);
        expected_hex += fmt::format("{:x}\n", evaluate(tables, input_bus));
    }

    struct Case {
        NeuronStyle style;
        RegisterPlacement registers;
    };
    for (const Case& design : {Case{NeuronStyle::Memh, RegisterPlacement::BeforeLayers},
                               Case{NeuronStyle::Case, RegisterPlacement::All}}) {
        VerilogOptions options;
        options.style = design.style;
        options.registers = design.registers;
        const std::filesystem::path directory =
            new_directory(fmt::format("sim_{}", neuron_style_name(design.style)));
        const RtlManifest manifest = write_verilog(tables, options, directory);
        ASSERT_EQ(manifest.input_width, input_width);
        ASSERT_EQ(manifest.output_width, output_width);

        std::ofstream(directory / "tb_inputs.hex") << inputs_hex;
        std::ofstream(directory / "tb_expected.hex") << expected_hex;

        // Reset for two edges, then one sample per cycle. The output of cycle t belongs to the
        // sample applied in cycle t - latency.
        std::ofstream(directory / "tb.v") << fmt::format(R"(module tb;
    reg clk = 0;
    reg rst = 1;
    reg [{iw_msb}:0] inputs [0:{last}];
    reg [{ow_msb}:0] expected [0:{last}];
    reg [{iw_msb}:0] input_codes = 0;
    wire [{ow_msb}:0] output_codes;
    integer t;
    integer checked = 0;
    integer mismatches = 0;
    {top} dut (.clk(clk), .rst(rst), .input_codes(input_codes), .output_codes(output_codes));
    always #5 clk = ~clk;
    initial begin
        $readmemh("tb_inputs.hex", inputs);
        $readmemh("tb_expected.hex", expected);
        @(posedge clk);
        @(posedge clk);
        #1 rst = 0;
        for (t = 0; t < {count} + {latency}; t = t + 1) begin
            input_codes = t < {count} ? inputs[t] : 0;
            #3;
            if (t >= {latency}) begin
                checked = checked + 1;
                if (output_codes !== expected[t - {latency}]) mismatches = mismatches + 1;
            end
            @(posedge clk);
            #1;
        end
        $display("tb: checked %0d mismatches %0d", checked, mismatches);
        $finish;
    end
endmodule
)",
                                                         fmt::arg("iw_msb", input_width - 1),
                                                         fmt::arg("ow_msb", output_width - 1),
                                                         fmt::arg("last", sample_count - 1),
                                                         fmt::arg("count", sample_count),
                                                         fmt::arg("latency", manifest.latency),
                                                         fmt::arg("top", manifest.top_module));

        std::string command = fmt::format("cd '{}' && verilator --binary -j 2 -Wno-fatal --top-module tb "
                                          "--Mdir obj tb.v",
                                          directory.string());
        for (const std::string& file : manifest.verilog_files)
            command += " " + file;
        const CommandResult build = run_command(command, root_ / "build.log");
        ASSERT_EQ(build.status, 0) << build.output;

        const CommandResult simulation =
            run_command(fmt::format("cd '{}' && ./obj/Vtb", directory.string()), root_ / "sim.log");
        ASSERT_EQ(simulation.status, 0) << simulation.output;
        EXPECT_NE(simulation.output.find(fmt::format("tb: checked {} mismatches 0", sample_count)), std::string::npos)
            << neuron_style_name(design.style) << ": " << simulation.output;
    }
}

TEST_F(LutgenDialectTest, HexFilesHoldEntriesInKeyOrder)
{
    const TruthTables tables = make_small_network(41);
    const std::filesystem::path directory = new_directory("hex");
    const RtlManifest manifest = write_verilog(tables, {}, directory);

    size_t neuron_count = 0;
    for (const LayerTables& layer : tables.layers)
        neuron_count += layer.neurons.size();
    ASSERT_EQ(manifest.data_files.size(), neuron_count);

    const NeuronTable& neuron = tables.layers[1].neurons[4];
    std::istringstream lines(read_bytes(directory / "lutgen_network_layer1_neuron4.hex"));
    std::string line;
    size_t key = 0;
    while (std::getline(lines, line)) {
        ASSERT_LT(key, neuron.entries.size());
        EXPECT_EQ(line.size(), 1u);
        EXPECT_EQ(std::stoul(line, nullptr, 16), neuron.entries[key]) << "key " << key;
        ++key;
    }
    EXPECT_EQ(key, neuron.entries.size());
}

TEST_F(LutgenDialectTest, HeaderDescribesNeuron)
{
    const TruthTables tables = make_small_network(51);
    VerilogOptions options;
    options.model_name = "model.pth";
    options.model_sha256 = "0123abcd";
    options.options_text = "--registers before-layers";
    const std::filesystem::path directory = new_directory("header");
    write_verilog(tables, options, directory);

    const NeuronTable& neuron = tables.layers[1].neurons[2];
    const std::string text = read_bytes(directory / "lutgen_network_layer1_neuron2.v");
    EXPECT_NE(text.find("Generated by lutgen "), std::string::npos);
    EXPECT_NE(text.find("// Model: model.pth, sha256 0123abcd"), std::string::npos);
    EXPECT_NE(text.find("// Options: --registers before-layers"), std::string::npos);
    EXPECT_NE(text.find("Neuron 2 of layer 1: fan-in 2"), std::string::npos);
    EXPECT_NE(text.find(fmt::format("{{layer 0 neuron {}, layer 0 neuron {}}}", neuron.inputs[0], neuron.inputs[1])),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(fmt::format("// Most significant key bits: layer 0 neuron {}.", neuron.inputs[0])),
              std::string::npos);
    EXPECT_EQ(text.find(directory.string()), std::string::npos);
    EXPECT_EQ(text.rfind("`default_nettype wire\n"), text.size() - 22);
}

TEST_F(LutgenDialectTest, OutputIsDeterministic)
{
    const TruthTables tables = make_small_network(61);
    for (NeuronStyle style : {NeuronStyle::Memh, NeuronStyle::Case}) {
        VerilogOptions options;
        options.style = style;
        const std::filesystem::path first = new_directory(std::string("first_") + neuron_style_name(style));
        const std::filesystem::path second = new_directory(std::string("second_") + neuron_style_name(style));
        write_verilog(tables, options, first);
        write_verilog(tables, options, second);

        size_t compared = 0;
        for (const auto& entry : std::filesystem::directory_iterator(first)) {
            const std::string name = entry.path().filename().string();
            EXPECT_EQ(read_bytes(entry.path()), read_bytes(second / name)) << name;
            ++compared;
        }
        EXPECT_GT(compared, 10u);
    }
}

TEST_F(LutgenDialectTest, ManifestLatencies)
{
    const TruthTables tables = make_small_network(71);
    const int expected_latency[] = {0, 3, 4};
    int index = 0;
    for (RegisterPlacement registers :
         {RegisterPlacement::None, RegisterPlacement::BeforeLayers, RegisterPlacement::All}) {
        VerilogOptions options;
        options.registers = registers;
        const RtlManifest manifest = write_verilog(tables, options, new_directory("latency" + std::to_string(index)));
        EXPECT_EQ(manifest.latency, expected_latency[index]);
        ASSERT_EQ(manifest.layer_outputs.size(), 3u);
        for (int layer = 0; layer < 3; ++layer) {
            EXPECT_EQ(manifest.layer_outputs[layer].signal, fmt::format("layer{}_out", layer));
            EXPECT_EQ(manifest.layer_outputs[layer].latency, registers == RegisterPlacement::None ? 0 : layer + 1);
        }
        EXPECT_EQ(manifest.layer_outputs[1].width, 18);
        EXPECT_EQ(manifest.top_module, kDefaultTopModule);
        ++index;
    }
}

TEST_F(LutgenDialectTest, RejectsInconsistentTables)
{
    TruthTables wrong_size = make_small_network(81);
    wrong_size.layers[1].neurons[0].entries.pop_back();
    EXPECT_THROW(write_verilog(wrong_size, {}, new_directory("wrong_size")), Error);

    TruthTables wrong_input = make_small_network(82);
    wrong_input.layers[2].neurons[1].inputs[0] = 6;
    EXPECT_THROW(write_verilog(wrong_input, {}, new_directory("wrong_input")), Error);

    TruthTables wrong_entry = make_small_network(83);
    wrong_entry.layers[0].neurons[3].entries[5] = 4;
    EXPECT_THROW(write_verilog(wrong_entry, {}, new_directory("wrong_entry")), Error);

    TruthTables wrong_format = make_small_network(84);
    wrong_format.layers[1].input_format = {CodeKind::Signed, 2};
    EXPECT_THROW(write_verilog(wrong_format, {}, new_directory("wrong_format")), Error);

    VerilogOptions bad_name;
    bad_name.top_module = "top-level";
    EXPECT_THROW(write_verilog(make_small_network(85), bad_name, new_directory("bad_name")), Error);
}

TEST_F(LutgenDialectTest, RejectsNonEmptyDirectory)
{
    const std::filesystem::path directory = new_directory("used");
    std::ofstream(directory / "old.v") << "module old; endmodule\n";
    EXPECT_THROW(write_verilog(make_small_network(91), {}, directory), Error);
    EXPECT_THROW(write_verilog(make_small_network(91), {}, root_ / "missing"), Error);
}

} // namespace
} // namespace lutgen
