#include "arch/architecture.hpp"
#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "checkpoint/state_dict.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "importers/logicnets_importer.hpp"
#include "model/model_json.hpp"

#include <memory>

namespace lutgen::cli {

namespace {

struct ImportOptions {
    std::string checkpoint;
    std::string arch;
    std::string output;
    std::string format = "logicnets";
    std::string input_order = "ascending";
    bool force = false;
};

int run_import(const ImportOptions& options)
{
    StageTimer timer("import");
    const StateDict state_dict = read_checkpoint(options.checkpoint);
    const Architecture arch = load_architecture(options.arch);
    const Model model = import_logicnets(state_dict, arch, parse_input_order(options.input_order));

    AtomicFile output(options.output, options.force);
    write_model(model, output.path());
    output.commit();

    size_t neurons = 0;
    for (const Layer& layer : model.layers)
        neurons += static_cast<size_t>(layer.neuron_count());
    timer.done(fmt::format("{} layers, {} neurons, {} inputs, {} container{} -> {}", model.layers.size(), neurons,
                           model.input_count,
                           state_dict.container == CheckpointContainer::Zip ? "zip" : "legacy",
                           state_dict.wrapped_in_model_dict ? ", model_dict" : "", options.output));
    return kExitSuccess;
}

} // namespace

CommandRunner add_import_command(CLI::App& app)
{
    auto options = std::make_shared<ImportOptions>();
    app.add_option("checkpoint", options->checkpoint, "PyTorch checkpoint (.pth), zip or legacy container")
        ->required();
    app.add_option("--arch", options->arch,
                   "Architecture: a preset (jsc-s, jsc-m, jsc-l) or a JSON file with LogicNets' config keys")
        ->required();
    app.add_option("-o,--output", options->output, "Model JSON to write")->required();
    app.add_option("--format", options->format, "Checkpoint kind")->check(CLI::IsMember({"logicnets"}));
    app.add_option("--input-order", options->input_order,
                   "Order of each neuron's inputs in its table key, first = most significant: ascending (LogicNets "
                   "with PyTorch >= 1.13) or descending (older PyTorch)")
        ->check(CLI::IsMember({"ascending", "descending"}));
    app.add_flag("-f,--force", options->force, "Overwrite an existing output file");
    return [options] { return run_import(*options); };
}

} // namespace lutgen::cli
