#include "hardware/vivado_script.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <regex>

namespace lutgen {

namespace {

// Names go into Tcl braces unquoted, so only plain file and part names are allowed.
void check_tcl_word(const std::string& word, const std::string& what)
{
    static const std::regex plain(R"([A-Za-z0-9_./+-]+)");
    if (!std::regex_match(word, plain))
        throw Error(what, "name has characters the Tcl script cannot carry", word,
                    "use letters, digits and _ . / + - only");
}

} // namespace

std::string vivado_script(const RtlManifest& manifest, const std::string& rtl_path_from_script,
                          const VivadoScriptOptions& options)
{
    check_tcl_word(options.part, "--part");
    check_tcl_word(manifest.top_module, "top module");
    check_tcl_word(rtl_path_from_script, "RTL directory");
    for (const std::string& file : manifest.verilog_files)
        check_tcl_word(file, "Verilog file");
    if (!(options.clock_ns > 0.0) || options.clock_ns > 1e6)
        throw Error("--clock-ns", "clock period is out of range", fmt::format("{}", options.clock_ns),
                    "give a period in ns greater than 0");

    const bool clocked = manifest.registers != "none" && !manifest.clock_port.empty();
    if (clocked)
        check_tcl_word(manifest.clock_port, "clock port");

    std::string files;
    for (const std::string& file : manifest.verilog_files)
        files += fmt::format("    {}\n", file);

    std::string script;
    script += fmt::format(
        "# Vivado out-of-context synthesis{} of the lutgen RTL in '{}', top module {}.\n"
        "# Written by lutgen {} ({} dialect, registers {}, latency {} cycles).\n"
        "#\n"
        "# Run:   vivado -mode batch -source <this file> [-tclargs OUTPUT_DIR]\n"
        "# Then:  lutgen synth --parse-vivado OUTPUT_DIR/vivado.log OUTPUT_DIR/*.rpt OUTPUT_DIR/summary_*.txt\n"
        "# OUTPUT_DIR defaults to vivado_{} in the current directory. Vivado writes vivado.log where\n"
        "# it starts; pass -log OUTPUT_DIR/vivado.log to keep it with the reports.\n\n",
        options.implementation ? " and implementation" : "", rtl_path_from_script, manifest.top_module,
        manifest.generator_version, manifest.dialect, manifest.registers, manifest.latency, manifest.top_module);

    script += fmt::format("set top {}\n", manifest.top_module);
    script += fmt::format("set part {}\n", options.part);
    script += fmt::format("set clock_port {}\n", clocked ? manifest.clock_port : "");
    script += fmt::format("set clock_ns {:.3f}\n", options.clock_ns);
    script += fmt::format("set verilog_files {{\n{}}}\n\n", files);

    script += fmt::format(
        "set script_dir [file dirname [file normalize [info script]]]\n"
        "set rtl_dir [file normalize [file join $script_dir {{{}}}]]\n"
        "if {{[llength $argv] > 0}} {{\n"
        "    set out_dir [file normalize [lindex $argv 0]]\n"
        "}} else {{\n"
        "    set out_dir [file normalize [file join [pwd] vivado_$top]]\n"
        "}}\n"
        "file mkdir $out_dir\n\n",
        rtl_path_from_script);

    script +=
        "# Writes the figures lutgen reads as KEY=VALUE lines: LUT cells by size, MUXF7/F8, flip-flops and\n"
        "# the worst setup slack.\n"
        "proc write_summary {stage path} {\n"
        "    global part clock_ns top\n"
        "    set handle [open $path w]\n"
        "    puts $handle \"TOOL=Vivado v[version -short]\"\n"
        "    puts $handle \"STAGE=$stage\"\n"
        "    puts $handle \"TOP=$top\"\n"
        "    puts $handle \"PART=$part\"\n"
        "    puts $handle \"CLOCK_NS=$clock_ns\"\n"
        "    foreach ref {LUT1 LUT2 LUT3 LUT4 LUT5 LUT6 MUXF7 MUXF8} {\n"
        "        puts $handle \"$ref=[llength [get_cells -hierarchical -quiet -filter \"REF_NAME == $ref\"]]\"\n"
        "    }\n"
        "    puts $handle \"FF=[llength [get_cells -hierarchical -quiet -filter {PRIMITIVE_GROUP == FLOP_LATCH}]]\"\n"
        "    set worst [get_timing_paths -quiet -max_paths 1 -nworst 1 -setup]\n"
        "    if {[llength $worst] > 0} {\n"
        "        puts $handle \"WNS=[get_property SLACK $worst]\"\n"
        "    }\n"
        "    close $handle\n"
        "}\n\n";

    script += "# $readmemh resolves its file names against the working directory, so Vivado reads the RTL\n"
              "# from inside its directory.\n"
              "cd $rtl_dir\n"
              "foreach file $verilog_files {\n"
              "    read_verilog $file\n"
              "}\n\n";

    if (clocked)
        script += "set xdc [file join $out_dir clock.xdc]\n"
                  "set handle [open $xdc w]\n"
                  "puts $handle \"create_clock -name $clock_port -period $clock_ns \\[get_ports $clock_port\\]\"\n"
                  "close $handle\n"
                  "read_xdc -mode out_of_context $xdc\n\n";
    else
        script += "# NOTE: the RTL has no registers, so no clock is constrained and WNS is not reported.\n\n";

    script += "synth_design -top $top -part $part -mode out_of_context\n"
              "report_utilization -file [file join $out_dir utilization_synth.rpt]\n"
              "report_timing_summary -file [file join $out_dir timing_synth.rpt]\n"
              "write_summary synthesis [file join $out_dir summary_synth.txt]\n"
              "write_checkpoint -force [file join $out_dir post_synth.dcp]\n";

    if (options.implementation)
        script += "\n"
                  "opt_design\n"
                  "place_design\n"
                  "phys_opt_design\n"
                  "route_design\n"
                  "report_utilization -file [file join $out_dir utilization_impl.rpt]\n"
                  "report_timing_summary -file [file join $out_dir timing_impl.rpt]\n"
                  "write_summary implementation [file join $out_dir summary_impl.txt]\n"
                  "write_checkpoint -force [file join $out_dir post_route.dcp]\n";
    return script;
}

} // namespace lutgen
