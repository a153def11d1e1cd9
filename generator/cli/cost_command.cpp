#include "base/error.hpp"
#include "cli/commands.hpp"
#include "hardware/lut_cost.hpp"
#include "model/model_json.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace lutgen::cli {

namespace {

struct CostOptions {
    std::string model;
    std::string registers = "before-layers";
    bool json = false;
};

int run_cost(const CostOptions& options)
{
    const Model model = read_model(options.model);
    const RegisterPlacement registers = options.registers == "none" ? RegisterPlacement::None
                                        : options.registers == "all" ? RegisterPlacement::All
                                                                     : RegisterPlacement::BeforeLayers;
    const HardwareReport report =
        estimate_cost(model, registers, std::filesystem::path(options.model).filename().string());

    const std::string text = options.json ? hardware_reports_json({report}) : hardware_report_text(report);
    std::fputs(text.c_str(), stdout);
    return kExitSuccess;
}

} // namespace

CommandRunner add_cost_command(CLI::App& app)
{
    auto options = std::make_shared<CostOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_option("--registers", options->registers,
                   "Pipeline registers the flip-flop count assumes, as in 'lutgen generate': before-layers, none "
                   "or all")
        ->check(CLI::IsMember({"none", "before-layers", "all"}));
    app.add_flag("--json", options->json, "Print the report as JSON");
    return [options] { return run_cost(*options); };
}

} // namespace lutgen::cli
