#include "cli/common.hpp"

#include "base/error.hpp"
#include "base/log.hpp"
#include "model/model_json.hpp"

namespace lutgen::cli {

void add_table_options(CLI::App& command, TableOptions& options)
{
    command.add_option("-j,--threads", options.threads, "Threads for table enumeration (0 = one per core)")
        ->check(CLI::Range(0, 1024));
    command.add_option("--max-key-bits", options.max_key_bits,
                       "Reject neurons whose table key is wider than this many bits")
        ->check(CLI::Range(1, 30));
    command.add_option("--max-table-mib", options.max_table_mib,
                       "Reject models whose tables need more than this many MiB (2 bytes per entry)")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
    command.add_option("--input-order", options.input_order,
                       "Order of a neuron's inputs in its key, first = most significant: ascending or descending "
                       "(default: the order stored in the model)")
        ->check(CLI::IsMember({"ascending", "descending"}));
}

InputOrder parse_input_order(const std::string& text)
{
    return text == "descending" ? InputOrder::Descending : InputOrder::Ascending;
}

TruthTables load_tables(const std::string& model_path, const TableOptions& options, Model* model_out)
{
    Model model = read_model(model_path);
    if (!options.input_order.empty())
        reorder_inputs(model, parse_input_order(options.input_order));

    TableLimits limits;
    limits.max_key_bits = options.max_key_bits;
    limits.max_total_bytes = options.max_table_mib << 20;
    check_table_limits(model, limits, model_path);

    StageTimer timer("tables");
    TruthTables tables = enumerate_tables(model, options.threads);
    timer.done(fmt::format("{} neurons, {} entries", [&] {
        size_t neurons = 0;
        for (const LayerTables& layer : tables.layers)
            neurons += layer.neurons.size();
        return neurons;
    }(), tables.entry_count()));

    if (model_out)
        *model_out = std::move(model);
    return tables;
}

} // namespace lutgen::cli
