// The Vivado Tcl script: written for the bundled JSC-S RTL, then run by tclsh with stub Vivado
// commands that record each call and check its files, so the syntax and the command flow are
// checked without Vivado.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace lutgen {
namespace {

using test::CommandResult;
using test::run_lutgen;
using test::run_program;

// Stub Vivado commands. read_verilog fails on a file missing from the working directory, which
// is where $readmemh looks too; report and checkpoint commands write their -file argument.
const char* kVivadoStubs = R"(
set calls {}
proc record {args} { global calls; foreach word $args { lappend calls $word } }
proc file_option {arguments} {
    set index [lsearch -exact $arguments -file]
    if {$index < 0} { error "no -file option in: $arguments" }
    return [lindex $arguments [expr {$index + 1}]]
}
proc read_verilog {path} {
    if {![file exists $path]} { error "read_verilog: no file $path in [pwd]" }
    record read_verilog
}
proc read_xdc {args} {
    set path [lindex $args end]
    if {![file exists $path]} { error "read_xdc: no file $path" }
    record read_xdc
}
proc synth_design {args} { record synth_design [lindex $args [expr {[lsearch -exact $args -part] + 1}]] }
proc opt_design {args} { record opt_design }
proc place_design {args} { record place_design }
proc phys_opt_design {args} { record phys_opt_design }
proc route_design {args} { record route_design }
proc report_utilization {args} { record report_utilization; close [open [file_option $args] w] }
proc report_timing_summary {args} { record report_timing_summary; close [open [file_option $args] w] }
proc write_checkpoint {args} { record write_checkpoint; close [open [lindex $args end] w] }
proc version {args} { return 2099.1 }
proc get_cells {args} { return {cell_a cell_b} }
proc get_timing_paths {args} { return {path_a} }
proc get_property {name object} { return -0.125 }
)";

std::vector<std::string> split_words(const std::string& text)
{
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;)
        words.push_back(word);
    return words;
}

size_t position_of(const std::vector<std::string>& calls, const std::string& name)
{
    for (size_t i = 0; i < calls.size(); ++i)
        if (calls[i] == name)
            return i;
    return calls.size();
}

class HardwareTcl : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        scratch_ = new test::ScratchDirectory("hardware-tcl");
        const auto model = scratch_->path() / "model.json";
        const CommandResult import = run_lutgen({"import", (test::data_dir() / "jsc_s_digits" / "best_accuracy.pth").string(),
                                                 "--arch", "jsc-s", "-o", model.string()});
        ASSERT_EQ(import.exit_code, 0) << import.err;
        const CommandResult generate =
            run_lutgen({"generate", model.string(), "-o", (scratch_->path() / "rtl").string()});
        ASSERT_EQ(generate.exit_code, 0) << generate.err;
    }
    static void TearDownTestSuite()
    {
        delete scratch_;
        scratch_ = nullptr;
    }

    // Runs the script under tclsh from `run_dir` with the stubs and returns the recorded calls.
    static CommandResult run_script(const std::filesystem::path& script, const std::filesystem::path& out_dir)
    {
        const auto driver = scratch_->path() / "driver.tcl";
        test::write_text(driver, std::string(kVivadoStubs) + "set argv [list {" + out_dir.string() +
                                     "}]\nset argc 1\nsource {" + script.string() + "}\nputs $calls\n");
        return run_program("/usr/bin/tclsh", {driver.string()});
    }

    static test::ScratchDirectory* scratch_;
};

test::ScratchDirectory* HardwareTcl::scratch_ = nullptr;

TEST_F(HardwareTcl, ScriptRunsUnderTclsh)
{
    const auto script = scratch_->path() / "scripts" / "run.tcl";
    std::filesystem::create_directories(script.parent_path());
    const CommandResult write = run_lutgen({"synth", (scratch_->path() / "rtl").string(), "--vivado-script", "-o",
                                            script.string(), "--clock-ns", "1.5"});
    ASSERT_EQ(write.exit_code, 0) << write.err;

    const std::string text = test::read_text(script);
    EXPECT_NE(text.find("set part xcvu9p-flgb2104-2-i"), std::string::npos);
    EXPECT_NE(text.find("set clock_ns 1.500"), std::string::npos);
    EXPECT_NE(text.find("{../rtl}"), std::string::npos) << "the RTL path must be relative to the script";

    const auto out_dir = scratch_->path() / "vivado_out";
    const CommandResult run = run_script(script, out_dir);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

    const std::vector<std::string> calls = split_words(run.out);
    const nlohmann::json manifest = nlohmann::json::parse(test::read_text(scratch_->path() / "rtl" / "lutgen_rtl.json"));
    size_t reads = 0;
    for (const std::string& call : calls)
        reads += call == "read_verilog";
    EXPECT_EQ(reads, manifest["verilog_files"].size());

    const std::vector<std::string> order = {"read_verilog", "read_xdc",     "synth_design",    "opt_design",
                                            "place_design", "phys_opt_design", "route_design"};
    for (size_t i = 0; i + 1 < order.size(); ++i)
        EXPECT_LT(position_of(calls, order[i]), position_of(calls, order[i + 1])) << order[i] << " before " << order[i + 1];
    EXPECT_NE(position_of(calls, "xcvu9p-flgb2104-2-i"), calls.size()) << "synth_design gets the part";

    const std::string xdc = test::read_text(out_dir / "clock.xdc");
    EXPECT_NE(xdc.find("create_clock -name clk -period 1.500 [get_ports clk]"), std::string::npos) << xdc;
    for (const char* report : {"utilization_synth.rpt", "timing_synth.rpt", "utilization_impl.rpt", "timing_impl.rpt"})
        EXPECT_TRUE(std::filesystem::exists(out_dir / report)) << report;

    // The summary the script writes goes back through the parser.
    const std::string summary = test::read_text(out_dir / "summary_impl.txt");
    EXPECT_NE(summary.find("STAGE=implementation"), std::string::npos) << summary;
    EXPECT_NE(summary.find("LUT6=2"), std::string::npos) << summary;
    EXPECT_NE(summary.find("WNS=-0.125"), std::string::npos) << summary;
    const CommandResult parsed =
        run_lutgen({"synth", "--parse-vivado", (out_dir / "summary_impl.txt").string(), "--json"});
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    const nlohmann::json report = nlohmann::json::parse(parsed.out)["reports"][0];
    EXPECT_EQ(report["counts"]["tool"], "Vivado v2099.1");
    EXPECT_EQ(report["counts"]["clock_ns"], 1.5);
    EXPECT_NEAR(report["fmax_mhz"].get<double>(), 1000.0 / 1.625, 1e-6);
}

TEST_F(HardwareTcl, SynthesisOnlyAndDeterministic)
{
    const auto first = scratch_->path() / "first.tcl";
    const auto second = scratch_->path() / "second.tcl";
    for (const auto& script : {first, second}) {
        const CommandResult write = run_lutgen({"synth", (scratch_->path() / "rtl").string(), "--vivado-script",
                                                "--synth-only", "--part", "xcu280-fsvh2892-2L-e", "-o", script.string()});
        ASSERT_EQ(write.exit_code, 0) << write.err;
    }
    EXPECT_EQ(test::read_text(first), test::read_text(second));

    const CommandResult run = run_script(first, scratch_->path() / "synth_only_out");
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const std::vector<std::string> calls = split_words(run.out);
    EXPECT_NE(position_of(calls, "synth_design"), calls.size());
    EXPECT_NE(position_of(calls, "xcu280-fsvh2892-2L-e"), calls.size());
    EXPECT_EQ(position_of(calls, "route_design"), calls.size());

    const CommandResult again = run_lutgen({"synth", (scratch_->path() / "rtl").string(), "--vivado-script", "-o",
                                            first.string()});
    EXPECT_EQ(again.exit_code, 2) << "an existing script is replaced only with --force";
}

} // namespace
} // namespace lutgen
