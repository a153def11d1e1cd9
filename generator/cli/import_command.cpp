#include "arch/architecture.hpp"
#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "checkpoint/state_dict.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "importers/connectivity.hpp"
#include "importers/logicnets_importer.hpp"
#include "importers/neuralut_importer.hpp"
#include "importers/polylut_importer.hpp"
#include "importers/tables_importer.hpp"
#include "model/model_json.hpp"
#include "tables/tables_json.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <optional>

namespace lutgen::cli {

namespace {

struct ImportOptions {
    std::string checkpoint;
    std::string arch;
    std::string output;
    std::string format = "logicnets";
    std::string input_order = "ascending";
    std::string connectivity;
    std::optional<int> degree;
    std::optional<int> width;
    bool force = false;
};

// PolyLUT's "degree" and NeuraLUT's "width_n" may sit in the architecture file beside the
// LogicNets keys, as in the repositories' configs; a command-line value takes precedence.
std::optional<int> arch_file_integer(const std::string& arch, const char* key)
{
    std::ifstream in(arch, std::ios::binary);
    if (!in)
        return std::nullopt; // a preset name
    const nlohmann::json document = nlohmann::json::parse(in, nullptr, false);
    if (!document.is_object() || !document.contains(key))
        return std::nullopt;
    const nlohmann::json& value = document[key];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 4096)
        throw Error(arch, fmt::format("'{}' must be a positive integer", key), value.dump(),
                    "fix the architecture file");
    return value.get<int>();
}

Model import_model(const ImportOptions& options, std::string& detail)
{
    if (options.format == "tables") {
        const TruthTables tables = read_tables_json(options.checkpoint);
        detail = fmt::format("{} table entries", tables.entry_count());
        return import_tables(tables, options.checkpoint);
    }

    if (options.arch.empty())
        throw Error(options.checkpoint, "no architecture given", "--arch",
                    fmt::format("importing a {} checkpoint needs --arch PRESET_OR_FILE", options.format));
    if (options.format != "polylut" && !options.connectivity.empty())
        throw Error(options.connectivity, "--connectivity applies to PolyLUT checkpoints only", options.format,
                    "drop --connectivity or pass --format polylut");
    const StateDict state_dict = read_checkpoint(options.checkpoint);
    const Architecture arch = load_architecture(options.arch);
    detail = fmt::format("{} container{}", state_dict.container == CheckpointContainer::Zip ? "zip" : "legacy",
                         state_dict.wrapped_in_model_dict ? ", model_dict" : "");

    if (options.format == "polylut") {
        if (options.connectivity.empty())
            throw Error(options.checkpoint, "PolyLUT checkpoints do not store the connectivity", "--connectivity",
                        "pass --connectivity FILE, written by scripts/polylut_connectivity.py");
        const std::optional<int> degree = options.degree ? options.degree : arch_file_integer(options.arch, "degree");
        return import_polylut(state_dict, arch, read_connectivity(options.connectivity), degree);
    }
    if (options.format == "neuralut") {
        const std::optional<int> width = options.width ? options.width : arch_file_integer(options.arch, "width_n");
        return import_neuralut(state_dict, arch, width);
    }
    return import_logicnets(state_dict, arch, parse_input_order(options.input_order));
}

int run_import(const ImportOptions& options)
{
    StageTimer timer("import");
    std::string detail;
    const Model model = import_model(options, detail);

    AtomicFile output(options.output, options.force);
    write_model(model, output.path());
    output.commit();

    size_t neurons = 0;
    for (const Layer& layer : model.layers)
        neurons += static_cast<size_t>(layer.neuron_count());
    timer.done(fmt::format("{} layers, {} neurons, {} inputs, {} -> {}", model.layers.size(), neurons,
                           model.input_count, detail, options.output));
    return kExitSuccess;
}

} // namespace

CommandRunner add_import_command(CLI::App& app)
{
    auto options = std::make_shared<ImportOptions>();
    app.add_option("checkpoint", options->checkpoint,
                   "PyTorch checkpoint (.pth, zip or legacy container), or with --format tables a tables JSON "
                   "written by 'lutgen tables'")
        ->required();
    app.add_option("--arch", options->arch,
                   "Architecture: a preset (jsc-s, jsc-m, jsc-l) or a JSON file with the repository's config keys "
                   "(needed for checkpoints, not for --format tables)");
    app.add_option("-o,--output", options->output, "Model JSON to write")->required();
    app.add_option("--format", options->format,
                   "What the input is: a logicnets, polylut or neuralut checkpoint, or a tables file")
        ->check(CLI::IsMember({"logicnets", "polylut", "neuralut", "tables"}));
    app.add_option("--connectivity", options->connectivity,
                   "PolyLUT: JSON file with every neuron's connected inputs (docs/connectivity-format.md)");
    app.add_option("--degree", options->degree,
                   "PolyLUT: polynomial degree (default: the architecture file's \"degree\", else inferred from "
                   "the weight shape)")
        ->check(CLI::Range(1, 16));
    app.add_option("--width", options->width,
                   "NeuraLUT: sub-network width, checked against the checkpoint (default: the architecture file's "
                   "\"width_n\", else taken from fc4.weight)")
        ->check(CLI::Range(1, 4096));
    app.add_option("--input-order", options->input_order,
                   "LogicNets: order of each neuron's inputs in its table key, first = most significant: ascending "
                   "(LogicNets with PyTorch >= 1.13) or descending (older PyTorch)")
        ->check(CLI::IsMember({"ascending", "descending"}));
    app.add_flag("-f,--force", options->force, "Overwrite an existing output file");
    return [options] { return run_import(*options); };
}

} // namespace lutgen::cli
