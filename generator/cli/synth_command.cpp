#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"
#include "hardware/vivado_reports.hpp"
#include "hardware/vivado_script.hpp"
#include "hardware/yosys_mapping.hpp"
#include "verilog/rtl_manifest.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace lutgen::cli {

namespace {

struct SynthOptions {
    std::string rtl_dir;
    bool yosys = false;
    bool vivado_script = false;
    std::vector<std::string> parse_vivado;
    bool json = false;

    int jobs = 0;
    std::string cache_dir;
    bool no_cache = false;
    std::string yosys_path;
    std::string family = "xc7";

    std::string output = "lutgen_vivado.tcl";
    std::string part = kDefaultVivadoPart;
    double clock_ns = kDefaultClockNs;
    bool clock_given = false;
    bool synth_only = false;
    bool force = false;
};

void print_reports(const std::vector<HardwareReport>& reports, bool json)
{
    if (json) {
        std::fputs(hardware_reports_json(reports).c_str(), stdout);
        return;
    }
    for (size_t i = 0; i < reports.size(); ++i)
        std::fputs(((i > 0 ? "\n" : "") + hardware_report_text(reports[i])).c_str(), stdout);
}

int run_yosys(const SynthOptions& options)
{
    YosysOptions yosys;
    yosys.yosys = options.yosys_path;
    yosys.cache_dir = options.cache_dir;
    yosys.use_cache = !options.no_cache;
    yosys.jobs = options.jobs;
    yosys.family = options.family;
    print_reports({map_with_yosys(options.rtl_dir, yosys)}, options.json);
    return kExitSuccess;
}

int run_vivado_script(const SynthOptions& options)
{
    const RtlManifest manifest = read_rtl_manifest(options.rtl_dir);

    // The script finds the RTL relative to its own location.
    const std::filesystem::path script = std::filesystem::absolute(options.output).lexically_normal();
    const std::filesystem::path rtl = std::filesystem::absolute(options.rtl_dir).lexically_normal();
    std::string rtl_from_script = rtl.lexically_relative(script.parent_path()).generic_string();
    if (rtl_from_script.empty())
        rtl_from_script = rtl.generic_string();
    if (!rtl_from_script.empty() && rtl_from_script.back() == '/')
        rtl_from_script.pop_back();

    VivadoScriptOptions vivado;
    vivado.part = options.part;
    vivado.clock_ns = options.clock_ns;
    vivado.implementation = !options.synth_only;
    const std::string text = vivado_script(manifest, rtl_from_script, vivado);

    AtomicFile file(options.output, options.force);
    {
        std::ofstream out(file.path(), std::ios::binary);
        out << text;
        out.close();
        if (!out)
            throw Error(options.output, "failed to write the file", options.output,
                        "check that the directory is writable");
    }
    file.commit();
    log_info("synth: Vivado script for {} ({}, clock {} ns) -> {}", manifest.top_module, options.part,
             options.clock_ns, options.output);
    return kExitSuccess;
}

int run_parse_vivado(const SynthOptions& options)
{
    std::vector<VivadoFigures> figures;
    for (const std::string& file : options.parse_vivado)
        figures.push_back(parse_vivado_file(file));
    const std::vector<HardwareReport> reports =
        merge_vivado_figures(figures, options.clock_given ? std::optional<double>(options.clock_ns) : std::nullopt);
    print_reports(reports, options.json);
    return kExitSuccess;
}

int run_synth(const SynthOptions& options)
{
    const int modes = int(options.yosys) + int(options.vivado_script) + int(!options.parse_vivado.empty());
    if (modes != 1)
        throw Error("synth", "choose exactly one of --yosys, --vivado-script and --parse-vivado",
                    fmt::format("{} given", modes), "run 'lutgen synth --help'");
    if (!options.parse_vivado.empty()) {
        if (!options.rtl_dir.empty())
            throw Error("synth", "--parse-vivado takes files, not an RTL directory", options.rtl_dir,
                        "put the log and report files after --parse-vivado");
        return run_parse_vivado(options);
    }
    if (options.rtl_dir.empty())
        throw Error("synth", "missing RTL directory", "DIR", "pass the directory 'lutgen generate' wrote");
    return options.yosys ? run_yosys(options) : run_vivado_script(options);
}

} // namespace

CommandRunner add_synth_command(CLI::App& app)
{
    auto options = std::make_shared<SynthOptions>();
    app.add_option("dir", options->rtl_dir, "RTL directory written by 'lutgen generate'");
    app.add_flag("--yosys", options->yosys, "Map the RTL with Yosys (synth_xilinx) and report the cells");
    app.add_flag("--vivado-script", options->vivado_script,
                 "Write a Tcl script for Vivado's out-of-context synthesis and implementation");
    app.add_option("--parse-vivado", options->parse_vivado,
                   "Read a Vivado log and reports (utilization, timing summary, KEY=VALUE summary) into a report")
        ->expected(1, -1);
    app.add_flag("--json", options->json, "Print the report as JSON");

    app.add_option("-j,--jobs", options->jobs, "Yosys processes at once (0 = one per core)")->check(CLI::Range(0, 256));
    app.add_option("--cache-dir", options->cache_dir,
                   "Cache of per-neuron Yosys results (default: $LUTGEN_CACHE_DIR/yosys, else ~/.cache/lutgen/yosys)");
    app.add_flag("--no-cache", options->no_cache, "Map every neuron again and store nothing");
    app.add_option("--yosys-path", options->yosys_path, "Yosys executable (default: yosys on PATH)");
    app.add_option("--family", options->family, "synth_xilinx -family: xc7 (default; the only family with -abc9 timing data in Yosys 0.23), xcu or xcup")
        ->check(CLI::IsMember({"xcup", "xcu", "xc7"}));

    app.add_option("-o,--output", options->output, "Tcl script to write (default: lutgen_vivado.tcl)");
    app.add_option("--part", options->part, fmt::format("Vivado part (default: {})", kDefaultVivadoPart));
    app.add_option("--clock-ns", options->clock_ns,
                   fmt::format("Clock period in ns: the script's constraint, or the period for Fmax with "
                               "--parse-vivado (default for the script: {})",
                               kDefaultClockNs))
        ->check(CLI::PositiveNumber)
        ->each([options](const std::string&) { options->clock_given = true; });
    app.add_flag("--synth-only", options->synth_only, "Script only synthesis, no place and route");
    app.add_flag("-f,--force", options->force, "Replace an existing script");
    return [options] { return run_synth(*options); };
}

} // namespace lutgen::cli
