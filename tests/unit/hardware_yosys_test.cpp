// `lutgen synth --yosys` with the real Yosys on generated RTL: the bundled JSC-S model in the
// default dialect (memh neurons, $readmemh with relative paths), and a small model in the
// LogicNets dialect (case neurons). Runs a fresh cache, then reruns from it.
#include "cli_support.hpp"
#include "hardware/rtl_neurons.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>

namespace lutgen {
namespace {

using test::CommandResult;
using test::run_lutgen;

nlohmann::json synth_report(const std::vector<std::string>& arguments)
{
    const CommandResult result = run_lutgen(arguments);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    if (result.exit_code != 0)
        return nlohmann::json::object();
    return nlohmann::json::parse(result.out)["reports"][0];
}

int64_t sum_lut_cells(const nlohmann::json& cells)
{
    int64_t total = 0;
    for (const auto& [size, count] : cells["luts_by_size"].items())
        total += count.get<int64_t>();
    return total;
}

// Checks what is true of any correct mapping. Totals are the sum of the layers, plus glue. A
// neuron with a K-bit key and O output bits needs a bounded number of LUT cells. Flip-flops are
// no more than the RTL's register bits.
void check_consistent(const nlohmann::json& report, const std::filesystem::path& rtl_dir)
{
    const RtlInventory inventory = read_rtl_inventory(rtl_dir);

    EXPECT_EQ(report["counts"]["stage"], "yosys-mapping");
    EXPECT_EQ(report["counts"]["lut_basis"], "lut-cells");
    EXPECT_EQ(report["counts"]["registers_included"], true);
    EXPECT_NE(report["counts"]["tool"].get<std::string>().find("Yosys"), std::string::npos);
    EXPECT_EQ(report["latency_cycles"], inventory.manifest.latency);

    int64_t layer_luts = 0;
    int64_t register_bits = 0;
    ASSERT_EQ(report["layers"].size(), inventory.manifest.layer_outputs.size());
    for (const nlohmann::json& layer : report["layers"]) {
        const int64_t luts = layer["cells"]["lut_cells"].get<int64_t>();
        EXPECT_EQ(luts, sum_lut_cells(layer["cells"]));
        EXPECT_LE(layer["neurons_used"].get<int>(), layer["neurons"].get<int>());
        EXPECT_GT(layer["neurons_used"].get<int>(), 0) << "every layer reaches the output";
        // A K-input function of O outputs fits in O * 2^(K-6) LUT6s plus their MUXF trees, and
        // a good mapper needs no more cells than that times two.
        const int key_bits = layer["key_bits"].get<int>();
        const int64_t bound = 2 * layer["output_bits"].get<int64_t>() * (key_bits <= 6 ? 1 : (int64_t{1} << (key_bits - 6)));
        EXPECT_LE(luts, bound * layer["neurons_used"].get<int64_t>()) << "layer " << layer["layer"];
        EXPECT_GE(layer["logic_depth"].get<int>(), 1);
        layer_luts += luts;
        register_bits += layer["register_bits"].get<int64_t>();
    }
    EXPECT_EQ(report["luts"].get<int64_t>(), sum_lut_cells(report["cells"]));
    EXPECT_GE(report["luts"].get<int64_t>(), layer_luts);
    EXPECT_GT(report["flip_flops"].get<int64_t>(), 0);
    EXPECT_LE(report["flip_flops"].get<int64_t>(), register_bits);
    EXPECT_GE(report["logic_depth"].get<int>(), 1);
}

TEST(HardwareYosys, JscSFreshThenCached)
{
    test::ScratchDirectory scratch("hardware-yosys-jsc-s");
    const auto model = scratch.path() / "model.json";
    const auto rtl = scratch.path() / "rtl";
    const auto cache = scratch.path() / "cache";
    ASSERT_EQ(run_lutgen({"import", (test::source_dir() / "examples" / "jsc_s_digits" / "best_accuracy.pth").string(),
                          "--arch", "jsc-s", "-o", model.string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_lutgen({"generate", model.string(), "-o", rtl.string()}).exit_code, 0);

    const auto start = std::chrono::steady_clock::now();
    const nlohmann::json fresh =
        synth_report({"synth", rtl.string(), "--yosys", "--jobs", "2", "--cache-dir", cache.string(), "--json"});
    const double fresh_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_FALSE(fresh.empty());
    check_consistent(fresh, rtl);
    EXPECT_LT(fresh_seconds, 120.0);
    // Each JSC-S neuron has a 6-bit key and 2 output bits: at most one LUT6 per output bit.
    EXPECT_EQ(fresh["cells"]["muxf7"], 0);
    EXPECT_EQ(fresh["logic_depth"], 1);

    const auto rerun_start = std::chrono::steady_clock::now();
    const nlohmann::json cached =
        synth_report({"synth", rtl.string(), "--yosys", "--cache-dir", cache.string(), "--json"});
    const double cached_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - rerun_start).count();
    EXPECT_EQ(cached["luts"], fresh["luts"]);
    EXPECT_EQ(cached["flip_flops"], fresh["flip_flops"]);
    EXPECT_EQ(cached["layers"], fresh["layers"]);
    EXPECT_LT(cached_seconds, 10.0) << "a rerun reads every neuron from the cache";
    bool cache_note = false;
    for (const auto& note : cached["notes"])
        cache_note |= note.get<std::string>().find("165 of 165 neurons came from the cache") != std::string::npos;
    EXPECT_TRUE(cache_note) << cached["notes"];

    // The estimate covers every neuron, so it is at least the mapped count of the used ones.
    const CommandResult cost = run_lutgen({"cost", model.string(), "--json"});
    ASSERT_EQ(cost.exit_code, 0) << cost.err;
    const nlohmann::json estimate = nlohmann::json::parse(cost.out)["reports"][0];
    EXPECT_GE(estimate["lut_estimate"].get<double>(), fresh["luts"].get<double>());
    EXPECT_GE(estimate["flip_flops"].get<int64_t>(), fresh["flip_flops"].get<int64_t>());
}

TEST(HardwareYosys, LogicNetsDialectCaseNeurons)
{
    test::ScratchDirectory scratch("hardware-yosys-logicnets");
    const auto zoo = test::data_dir() / "zoo" / "onelayer";
    const auto model = scratch.path() / "model.json";
    const auto rtl = scratch.path() / "rtl";
    ASSERT_EQ(run_lutgen({"import", (zoo / "model_zip.pth").string(), "--arch", (zoo / "arch.json").string(), "-o",
                          model.string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_lutgen({"generate", model.string(), "-o", rtl.string(), "--dialect", "logicnets"}).exit_code, 0);

    const nlohmann::json report = synth_report({"synth", rtl.string(), "--yosys", "--no-cache", "--json"});
    ASSERT_FALSE(report.empty());
    check_consistent(report, rtl);
    EXPECT_EQ(report["design"], "logicnet");

    // The key and output widths read from the RTL ports agree with the model's.
    const CommandResult cost = run_lutgen({"cost", model.string(), "--json"});
    ASSERT_EQ(cost.exit_code, 0) << cost.err;
    const nlohmann::json estimate = nlohmann::json::parse(cost.out)["reports"][0];
    ASSERT_EQ(report["layers"].size(), estimate["layers"].size());
    EXPECT_EQ(report["layers"][0]["key_bits"], estimate["layers"][0]["key_bits"]);
    EXPECT_EQ(report["layers"][0]["output_bits"], estimate["layers"][0]["output_bits"]);
}

TEST(HardwareYosys, MissingManifest)
{
    test::ScratchDirectory scratch("hardware-yosys-missing");
    const CommandResult result = run_lutgen({"synth", scratch.path().string(), "--yosys", "--no-cache"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("lutgen_rtl.json"), std::string::npos) << result.err;
}

TEST(HardwareYosys, BatchWrapperPorts)
{
    const std::vector<RtlPort> lutgen_ports = parse_module_ports(
        "module n0 (\n    input  wire [5:0] key,\n    output wire [1:0] code\n);\n    reg [1:0] rom [0:63];\nendmodule\n",
        "n0", "n0.v");
    ASSERT_EQ(lutgen_ports.size(), 2u);
    EXPECT_EQ(lutgen_ports[0].width, 6);
    EXPECT_FALSE(lutgen_ports[0].output);
    EXPECT_EQ(lutgen_ports[1].name, "code");

    const std::vector<RtlPort> logicnets_ports =
        parse_module_ports("module layer0_N1 ( input [9:0] M0, output [2:0] M1 );\n", "layer0_N1", "layer0_N1.v");
    ASSERT_EQ(logicnets_ports.size(), 2u);
    EXPECT_EQ(logicnets_ports[0].width, 10);
    EXPECT_TRUE(logicnets_ports[1].output);

    RtlNeuron neuron;
    neuron.module = "layer0_N1";
    neuron.ports = logicnets_ports;
    const std::string wrapper = batch_wrapper_verilog("batch", {&neuron});
    EXPECT_NE(wrapper.find("input  wire [9:0] n0_M0"), std::string::npos) << wrapper;
    EXPECT_NE(wrapper.find("layer0_N1 u0 (.M0(n0_M0), .M1(n0_M1));"), std::string::npos) << wrapper;
}

} // namespace
} // namespace lutgen
