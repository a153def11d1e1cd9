#include "base/atomic_output.hpp"
#include "base/error.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"
#include "model/model_json.hpp"
#include "quantize/feature_codes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

namespace lutgen::cli {

namespace {

struct QuantizeOptions {
    std::string model;
    std::string features;
    std::string output;
    std::string labels_output;
    std::string label_column = "label";
    std::string input_format;
    bool force = false;
};

void write_text_file(const std::string& target, bool force, const std::string& text)
{
    AtomicFile file(target, force);
    std::ofstream out(file.path(), std::ios::binary);
    out << text;
    out.close();
    if (!out)
        throw Error(target, "failed to write the file", target, "check that the directory is writable");
    file.commit();
}

void print_clipped(const std::vector<size_t>& counts, const char* what, size_t sample_count)
{
    size_t total = 0;
    for (size_t count : counts)
        total += count;
    std::printf("%s: %zu of %zu values\n", what, total, sample_count * counts.size());
    for (size_t feature = 0; feature < counts.size(); ++feature)
        if (counts[feature] > 0)
            std::printf("  feature %zu: %zu\n", feature, counts[feature]);
}

int run_quantize(const QuantizeOptions& options)
{
    const Model model = read_model(options.model);

    FeatureCsvOptions csv;
    csv.expected_features = model.input_count;
    csv.label_column = options.label_column;
    csv.require_labels = !options.labels_output.empty();
    const FeatureTable features = read_features_csv(options.features, csv);

    // Labels must name a class of the model, as 'lutgen simulate' and 'verify' require.
    const int class_count = std::max(2, model.output_count());
    for (size_t sample = 0; sample < features.labels.size(); ++sample)
        if (features.labels[sample] < 0 || features.labels[sample] >= class_count)
            throw Error(options.features,
                        fmt::format("sample {}: class label outside [0, {}) for a model with {} outputs", sample,
                                    class_count, model.output_count()),
                        std::to_string(features.labels[sample]), "pass the feature file of this model's dataset");

    StageTimer timer("quantize");
    const QuantizedFeatures quantized = quantize_features(model, features);
    CodeDataset codes = quantized.codes;

    // With a fixed-point format, the dump contains the codes the RTL input encoder produces.
    std::optional<FixedPointFeatures> fixed;
    if (!options.input_format.empty()) {
        const FixedPointFormat format = parse_fixed_point_format(options.input_format, "--input-format");
        fixed = to_fixed_point(features, format);
        codes = encode_features(build_input_encoder(model, format), *fixed);
    }

    std::string dump;
    for (size_t sample = 0; sample < codes.sample_count; ++sample) {
        append_bus_string(dump, codes.sample(sample), codes.feature_count, codes.bits);
        dump.push_back('\n');
    }
    write_text_file(options.output, options.force, dump);

    if (!options.labels_output.empty()) {
        std::string labels;
        for (int label : features.labels)
            labels += fmt::format("{}\n", label);
        write_text_file(options.labels_output, options.force, labels);
    }
    timer.done(fmt::format("{} samples of {} features -> {}", codes.sample_count, codes.feature_count,
                           options.output));

    print_clipped(quantized.clipped, "clipped to the code range", features.sample_count);
    if (fixed) {
        print_clipped(fixed->saturated, fmt::format("saturated in {}", fixed->format.name()).c_str(),
                      features.sample_count);
        std::printf("samples whose codes differ from float quantization because of %s: %zu of %zu\n",
                    fixed->format.name().c_str(), count_differing_samples(codes, quantized.codes),
                    codes.sample_count);
    }

    const std::optional<FixedPointFormat> narrowest = find_narrowest_exact_format(model, features, quantized.codes);
    if (narrowest)
        std::printf("narrowest input encoder format with the float codes on every sample: %s\n",
                    narrowest->name().c_str());
    else
        std::printf("no input encoder format up to %d bits gives the float codes on every sample\n",
                    kMaxFixedPointBits);
    return kExitSuccess;
}

} // namespace

CommandRunner add_quantize_command(CLI::App& app)
{
    auto options = std::make_shared<QuantizeOptions>();
    app.add_option("model", options->model, "Model JSON written by 'lutgen import'")->required();
    app.add_option("--features", options->features,
                   "CSV of float features: a header row, one column per model input in input order, and an "
                   "optional label column")
        ->required();
    app.add_option("-o,--output", options->output,
                   "Input dump to write: one binary string of input codes per sample, feature 0 rightmost")
        ->required();
    app.add_option("--labels-out", options->labels_output, "Labels file to write: one class per line");
    app.add_option("--label-column", options->label_column, "Name of the label column (default: label)");
    app.add_option("--input-format", options->input_format,
                   "Quantize through the RTL input encoder: round each feature to this signed fixed-point "
                   "format first (s<bits>.<fraction bits>, such as s16.8)");
    app.add_flag("-f,--force", options->force, "Replace existing output files");
    return [options] { return run_quantize(*options); };
}

} // namespace lutgen::cli
