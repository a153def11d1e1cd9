#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "base/sha256.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "quantize/input_encoder.hpp"
#include "verilog/verilog_writer.hpp"

#include <filesystem>
#include <memory>

namespace lutgen::cli {

namespace {

struct GenerateOptions {
    std::string model;
    std::string output;
    std::string dialect = "lutgen";
    std::string style = "memh";
    std::string registers = "before-layers";
    std::string input_encoder; // fixed-point format; empty: the top module takes input codes
    bool force = false;
    TableOptions tables;
};

int run_generate(const GenerateOptions& options)
{
    Model model;
    const TruthTables tables = load_tables(options.model, options.tables, &model);

    VerilogOptions verilog;
    verilog.dialect = options.dialect == "logicnets" ? RtlDialect::LogicNets : RtlDialect::Lutgen;
    verilog.style = options.style == "case" ? NeuronStyle::Case : NeuronStyle::Memh;
    verilog.registers = options.registers == "none" ? RegisterPlacement::None
                        : options.registers == "all" ? RegisterPlacement::All
                                                     : RegisterPlacement::BeforeLayers;
    verilog.model_name = std::filesystem::path(options.model).filename().string();
    verilog.model_sha256 = sha256_file_hex(options.model);
    verilog.options_text = fmt::format("--dialect {} --style {} --registers {}{}", options.dialect, options.style,
                                       options.registers,
                                       options.tables.input_order.empty() ? ""
                                                                          : " --input-order " + options.tables.input_order);
    if (!options.input_encoder.empty()) {
        verilog.input_encoder =
            build_input_encoder(model, parse_fixed_point_format(options.input_encoder, "--input-encoder"));
        verilog.options_text += " --input-encoder " + options.input_encoder;
    }

    StageTimer timer("generate");
    AtomicDirectory output(options.output, options.force);
    const RtlManifest manifest = write_verilog(tables, verilog, output.path());
    output.commit();
    timer.done(fmt::format("{} Verilog files, {} data files, latency {} cycles -> {}", manifest.verilog_files.size(),
                           manifest.data_files.size(), manifest.latency, options.output));
    return kExitSuccess;
}

} // namespace

CommandRunner add_generate_command(CLI::App& app)
{
    auto options = std::make_shared<GenerateOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_option("-o,--output", options->output, "Directory to write (must not exist, unless --force)")
        ->required();
    app.add_option("--dialect", options->dialect,
                   "lutgen: clean, lint-free RTL; logicnets: LogicNets' file, module and port names")
        ->check(CLI::IsMember({"lutgen", "logicnets"}));
    app.add_option("--style", options->style,
                   "Neuron ROM style of the lutgen dialect: memh ($readmemh hex file per neuron, scales to 15-bit "
                   "keys) or case (self-contained case statement; needs gigabytes in Verilator at JSC-L size)")
        ->check(CLI::IsMember({"memh", "case"}));
    app.add_option("--registers", options->registers,
                   "Pipeline registers: before-layers (one stage before each layer), none, or all (also on the "
                   "output)")
        ->check(CLI::IsMember({"none", "before-layers", "all"}));
    app.add_option("--input-encoder", options->input_encoder,
                   "Add an input encoder so that the top module takes raw features as signed fixed-point numbers "
                   "in this format: s<bits>.<fraction bits>, such as s16.8 for 16 bits with 8 fraction bits "
                   "(lutgen dialect only)");
    app.add_flag("-f,--force", options->force, "Replace an existing output directory that lutgen wrote");
    add_table_options(app, options->tables);
    return [options] { return run_generate(*options); };
}

} // namespace lutgen::cli
