#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "tables/tables_json.hpp"

#include <memory>

namespace lutgen::cli {

namespace {

struct TablesCommandOptions {
    std::string model;
    std::string output;
    bool force = false;
    TableOptions tables;
};

int run_tables(const TablesCommandOptions& options)
{
    const TruthTables tables = load_tables(options.model, options.tables);

    StageTimer timer("write tables");
    AtomicFile output(options.output, options.force);
    write_tables_json(tables, output.path());
    output.commit();
    timer.done(options.output);
    return kExitSuccess;
}

} // namespace

CommandRunner add_tables_command(CLI::App& app)
{
    auto options = std::make_shared<TablesCommandOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_option("-o,--output", options->output, "Tables JSON to write")->required();
    app.add_flag("-f,--force", options->force, "Overwrite an existing output file");
    add_table_options(app, options->tables);
    return [options] { return run_tables(*options); };
}

} // namespace lutgen::cli
