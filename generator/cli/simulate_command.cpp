#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "dataset/code_dump.hpp"
#include "golden/golden_model.hpp"

#include <fmt/os.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

namespace lutgen::cli {

namespace {

struct SimulateOptions {
    std::string model;
    std::string inputs;
    std::string labels;
    std::string output;
    bool force = false;
    TableOptions tables;
};

// One line per sample: the last layer's signed or unsigned codes, neuron 0 first.
void write_codes(std::FILE* out, const GoldenResult& result, const CodeFormat& format)
{
    const int width = result.layer_widths.back();
    fmt::memory_buffer buffer;
    for (size_t sample = 0; sample < result.sample_count; ++sample) {
        const uint16_t* codes = result.output(sample);
        for (int n = 0; n < width; ++n)
            fmt::format_to(std::back_inserter(buffer), n ? " {}" : "{}", format.code(codes[n]));
        buffer.push_back('\n');
        if (buffer.size() > (1 << 20)) {
            std::fwrite(buffer.data(), 1, buffer.size(), out);
            buffer.clear();
        }
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
}

int run_simulate(const SimulateOptions& options)
{
    const TruthTables tables = load_tables(options.model, options.tables);
    const CodeDataset inputs = read_code_dump(options.inputs, tables.input_count(), tables.input_format().bits);
    const int class_count = std::max(2, tables.output_count());
    std::optional<std::vector<int>> labels;
    if (!options.labels.empty())
        labels = read_labels(options.labels, inputs.sample_count, class_count);

    StageTimer timer("golden model");
    const GoldenResult result = evaluate_network(tables, inputs, false, options.tables.threads);
    timer.done(fmt::format("{} samples ({:.0f} samples/s)", result.sample_count,
                           static_cast<double>(result.sample_count) / std::max(timer.seconds(), 1e-9)));

    if (options.output.empty()) {
        write_codes(stdout, result, tables.output_format());
    } else {
        AtomicFile output(options.output, options.force);
        std::FILE* file = std::fopen(output.path().c_str(), "wb");
        if (!file)
            throw Error(options.output, "cannot write the output codes", options.output, "check the directory");
        write_codes(file, result, tables.output_format());
        if (std::fclose(file) != 0)
            throw Error(options.output, "cannot write the output codes", options.output, "check the free space");
        output.commit();
    }

    if (labels) {
        if (tables.output_count() < 2) {
            // TODO: decide a class for single-output models from the float post-transform.
            log_warning("accuracy is not reported for a model with one output neuron");
            return kExitSuccess;
        }
        size_t correct = 0;
        for (size_t sample = 0; sample < result.sample_count; ++sample)
            if (predict_class(result.output(sample), tables.output_count(), tables.output_format()) ==
                (*labels)[sample])
                ++correct;
        std::fprintf(stderr, "accuracy (labels vs golden): %.2f %% (%zu/%zu)\n",
                     100.0 * static_cast<double>(correct) / static_cast<double>(result.sample_count), correct,
                     result.sample_count);
    }
    return kExitSuccess;
}

} // namespace

CommandRunner add_simulate_command(CLI::App& app)
{
    auto options = std::make_shared<SimulateOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_option("--inputs", options->inputs, "Input dump: one binary string of input codes per line")->required();
    app.add_option("--labels", options->labels, "Labels: one class per line, to report accuracy");
    app.add_option("-o,--output", options->output,
                   "Where to write each sample's output codes, neuron 0 first (default: standard output)");
    app.add_flag("-f,--force", options->force, "Overwrite an existing output file");
    add_table_options(app, options->tables);
    return [options] { return run_simulate(*options); };
}

} // namespace lutgen::cli
