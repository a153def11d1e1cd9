#include "base/error.hpp"
#include "base/log.hpp"
#include "base/sha256.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "dataset/code_dump.hpp"
#include "golden/golden_model.hpp"
#include "quantize/feature_codes.hpp"
#include "verify/rtl_simulation.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

namespace lutgen::cli {

namespace {

struct VerifyOptions {
    std::string rtl_dir;
    std::string model;
    std::string inputs;
    std::string features;
    std::string label_column = "label";
    std::string labels;
    std::string cache_dir;
    size_t max_reported = 10;
    TableOptions tables;
};

// Keeps only the given samples of a dataset, in the given order.
CodeDataset select_samples(const CodeDataset& dataset, const std::vector<size_t>& samples)
{
    CodeDataset subset;
    subset.feature_count = dataset.feature_count;
    subset.bits = dataset.bits;
    subset.sample_count = samples.size();
    for (size_t sample : samples)
        subset.patterns.insert(subset.patterns.end(), dataset.sample(sample),
                               dataset.sample(sample) + dataset.feature_count);
    return subset;
}

void check_manifest_matches(const RtlManifest& manifest, const TruthTables& tables, const VerifyOptions& options)
{
    const int input_width = tables.input_count() * tables.input_format().bits;
    const int output_width = tables.output_count() * tables.output_format().bits;
    // With an input encoder, the port takes raw features and the encoder's codes must fit the model.
    const int rtl_code_width = manifest.input_encoder_format.empty() ? manifest.input_width : manifest.input_code_width;
    if (rtl_code_width != input_width || manifest.output_width != output_width)
        throw Error(options.rtl_dir,
                    fmt::format("the RTL has a {}-bit input and a {}-bit output but the model needs {} and {}",
                                rtl_code_width, manifest.output_width, input_width, output_width),
                    options.model, "pass the model the RTL was generated from, or regenerate the RTL");
    if (!manifest.input_encoder_format.empty()) {
        const FixedPointFormat format = parse_fixed_point_format(manifest.input_encoder_format, options.rtl_dir);
        if (manifest.input_width != tables.input_count() * format.bits)
            throw Error(options.rtl_dir,
                        fmt::format("the RTL's input encoder takes {} bits but {} features of {} need {}",
                                    manifest.input_width, tables.input_count(), format.name(),
                                    tables.input_count() * format.bits),
                        options.model, "pass the model the RTL was generated from, or regenerate the RTL");
        if (options.features.empty())
            throw Error(options.rtl_dir, "the RTL takes raw fixed-point features, not input codes",
                        manifest.input_encoder_format, "pass the features as a CSV with --features instead of --inputs");
    }
    if (manifest.layer_outputs.size() != tables.layers.size())
        throw Error(options.rtl_dir,
                    fmt::format("the RTL has {} layers but the model has {}", manifest.layer_outputs.size(),
                                tables.layers.size()),
                    options.model, "pass the model the RTL was generated from, or regenerate the RTL");
    if (!manifest.model_sha256.empty() && manifest.model_sha256 != sha256_file_hex(options.model))
        log_warning("{} was generated from a model file with another SHA-256 than {}; comparing anyway",
                    options.rtl_dir, options.model);
}

// For mismatching samples, finds the first layer whose RTL codes differ from the golden model's:
// its inputs still agree, so the neurons that differ there are the ones at fault.
void report_faulty_neurons(const TruthTables& tables, const CodeDataset& inputs, const std::vector<std::string>& lines,
                           const std::vector<size_t>& samples, const VerifyOptions& options)
{
    RtlRunOptions run_options;
    run_options.cache_dir = options.cache_dir;
    run_options.layer_samples = samples;
    run_options.progress = false;
    const RtlRun run = run_rtl(options.rtl_dir, lines, run_options);
    const GoldenResult golden = evaluate_network(tables, select_samples(inputs, samples), true, 1);

    for (size_t i = 0; i < run.layer_outputs.size() && i < samples.size(); ++i) {
        const RtlLayerOutputs& recorded = run.layer_outputs[i];
        const size_t golden_index = static_cast<size_t>(
            std::find(samples.begin(), samples.end(), recorded.sample) - samples.begin());
        for (size_t l = 0; l < tables.layers.size() && l < recorded.buses.size(); ++l) {
            const LayerTables& layer = tables.layers[l];
            const int width = golden.layer_widths[l];
            std::vector<uint16_t> rtl(width);
            const std::string& bus = recorded.buses[l];
            if (!parse_bus_string(bus.data(), bus.size(), width, layer.output_format.bits, rtl.data())) {
                std::fprintf(stderr, "  sample %zu: layer %zu output is unknown or malformed in the RTL: '%s'\n",
                             recorded.sample, l, bus.c_str());
                break;
            }
            const uint16_t* expected = golden.layers[l].data() + golden_index * width;
            bool differs = false;
            for (int n = 0; n < width; ++n) {
                if (rtl[n] == expected[n])
                    continue;
                differs = true;
                std::fprintf(stderr,
                             "  sample %zu: first differing layer %zu, neuron %d: expected code %d, RTL code %d\n",
                             recorded.sample, l, n, layer.output_format.code(expected[n]),
                             layer.output_format.code(rtl[n]));
            }
            if (differs)
                break;
        }
    }
}

double percent(size_t count, size_t total)
{
    return total ? 100.0 * static_cast<double>(count) / static_cast<double>(total) : 0.0;
}

// The golden model's input codes and the RTL's input lines for one dataset.
struct VerifyInputs {
    CodeDataset codes;
    std::vector<std::string> lines;
    std::optional<std::vector<int>> labels;
};

std::vector<std::string> code_bus_lines(const CodeDataset& codes)
{
    std::vector<std::string> lines;
    lines.reserve(codes.sample_count);
    for (size_t sample = 0; sample < codes.sample_count; ++sample) {
        std::string line;
        append_bus_string(line, codes.sample(sample), codes.feature_count, codes.bits);
        lines.push_back(std::move(line));
    }
    return lines;
}

// Quantizes a features CSV the way the RTL does: through the input encoder when it has one, else
// with the float quantization. Reports how many samples the fixed-point format changes.
VerifyInputs read_feature_inputs(const Model& model, const TruthTables& tables, const RtlManifest& manifest,
                                 const VerifyOptions& options)
{
    FeatureCsvOptions csv;
    csv.expected_features = tables.input_count();
    csv.label_column = options.label_column;
    const FeatureTable features = read_features_csv(options.features, csv);
    const QuantizedFeatures quantized = quantize_features(model, features);

    VerifyInputs inputs;
    if (manifest.input_encoder_format.empty()) {
        inputs.codes = quantized.codes;
        inputs.lines = code_bus_lines(inputs.codes);
    } else {
        const FixedPointFormat format = parse_fixed_point_format(manifest.input_encoder_format, options.rtl_dir);
        const FixedPointFeatures fixed = to_fixed_point(features, format);
        inputs.codes = encode_features(build_input_encoder(model, format), fixed);
        for (size_t sample = 0; sample < fixed.sample_count; ++sample)
            inputs.lines.push_back(fixed_point_bus_string(fixed.sample(sample), fixed.feature_count, format));

        size_t saturated = 0;
        for (size_t count : fixed.saturated)
            saturated += count;
        std::printf("input encoder %s: %zu of %zu samples have codes that differ from float quantization "
                    "(%zu of %zu values saturated)\n",
                    format.name().c_str(), count_differing_samples(inputs.codes, quantized.codes),
                    inputs.codes.sample_count, saturated, fixed.raw.size());
    }

    const int class_count = std::max(2, tables.output_count());
    if (features.has_labels && options.labels.empty()) {
        for (size_t sample = 0; sample < features.labels.size(); ++sample)
            if (features.labels[sample] >= class_count)
                throw Error(options.features, fmt::format("sample {}: label out of range 0..{}", sample, class_count - 1),
                            std::to_string(features.labels[sample]), "pass the labels of this model's classes");
        inputs.labels = features.labels;
    }
    return inputs;
}

int run_verify(const VerifyOptions& options)
{
    Model model;
    const TruthTables tables = load_tables(options.model, options.tables, &model);
    const RtlManifest manifest = read_rtl_manifest(options.rtl_dir);
    check_manifest_matches(manifest, tables, options);

    VerifyInputs verify_inputs;
    if (options.features.empty()) {
        verify_inputs.codes = read_code_dump(options.inputs, tables.input_count(), tables.input_format().bits);
        verify_inputs.lines = code_bus_lines(verify_inputs.codes);
    } else {
        verify_inputs = read_feature_inputs(model, tables, manifest, options);
    }
    const CodeDataset& inputs = verify_inputs.codes;
    const std::vector<std::string>& lines = verify_inputs.lines;
    std::optional<std::vector<int>> labels;
    if (!options.labels.empty())
        labels = read_labels(options.labels, inputs.sample_count, std::max(2, tables.output_count()));
    else if (verify_inputs.labels)
        labels.emplace(*verify_inputs.labels);

    StageTimer golden_timer("golden model");
    const GoldenResult golden = evaluate_network(tables, inputs, false, options.tables.threads);
    golden_timer.done(fmt::format("{} samples", golden.sample_count));

    RtlRunOptions run_options;
    run_options.cache_dir = options.cache_dir;
    const RtlRun run = run_rtl(options.rtl_dir, lines, run_options);
    log_info("verilator: {} ({:.1f} s build{}), simulation {:.2f} s ({:.0f} samples/s, one sample per clock)",
             run.cache_hit ? "cached build" : "built", run.build_seconds, run.cache_hit ? ", cache hit" : "",
             run.simulation_seconds, run.samples_per_second);

    // Compare every sample's output bus with the golden model's.
    const int output_count = tables.output_count();
    const CodeFormat& format = tables.output_format();
    std::vector<size_t> mismatching;
    size_t agree = 0;
    size_t golden_correct = 0;
    size_t rtl_correct = 0;
    std::vector<uint16_t> rtl_codes(output_count);
    for (size_t sample = 0; sample < golden.sample_count; ++sample) {
        const std::string& bus = run.outputs.at(sample);
        const bool parsed = parse_bus_string(bus.data(), bus.size(), output_count, format.bits, rtl_codes.data());
        const uint16_t* expected = golden.output(sample);
        const bool same = parsed && std::equal(rtl_codes.begin(), rtl_codes.end(), expected);
        if (same)
            ++agree;
        else
            mismatching.push_back(sample);

        if (labels && output_count >= 2) {
            golden_correct += predict_class(expected, output_count, format) == (*labels)[sample];
            rtl_correct += parsed && predict_class(rtl_codes.data(), output_count, format) == (*labels)[sample];
        }

        if (!same && mismatching.size() <= options.max_reported) {
            if (!parsed) {
                std::fprintf(stderr, "mismatch: sample %zu: RTL output is not a valid code bus: '%s'\n", sample,
                             bus.c_str());
                continue;
            }
            for (int n = 0; n < output_count; ++n)
                if (rtl_codes[n] != expected[n])
                    std::fprintf(stderr, "mismatch: sample %zu: output neuron %d: expected code %d, RTL code %d\n",
                                 sample, n, format.code(expected[n]), format.code(rtl_codes[n]));
        }
    }

    if (!mismatching.empty()) {
        std::vector<size_t> reported(mismatching.begin(),
                                     mismatching.begin() + std::min(mismatching.size(), options.max_reported));
        std::fprintf(stderr, "locating the first differing neuron for %zu sample(s):\n", reported.size());
        report_faulty_neurons(tables, inputs, lines, reported, options);
    }

    const size_t total = golden.sample_count;
    if (labels && output_count >= 2) {
        std::printf("accuracy (labels vs golden): %.2f %% (%zu/%zu)\n", percent(golden_correct, total),
                    golden_correct, total);
        std::printf("accuracy (labels vs RTL):    %.2f %% (%zu/%zu)\n", percent(rtl_correct, total), rtl_correct,
                    total);
    } else if (labels) {
        // TODO: decide a class for single-output models from the float post-transform.
        log_warning("accuracy is not reported for a model with one output neuron");
    }
    std::printf("agreement (golden vs RTL):   %.2f %% (%zu/%zu samples identical on every output)\n",
                percent(agree, total), agree, total);

    if (!mismatching.empty()) {
        std::printf("FAILED: %zu of %zu samples differ between the RTL and the golden model\n", mismatching.size(),
                    total);
        return kExitCheckFailed;
    }
    std::printf("PASSED: the RTL matches the golden model on all %zu samples\n", total);
    return kExitSuccess;
}

} // namespace

CommandRunner add_verify_command(CLI::App& app)
{
    auto options = std::make_shared<VerifyOptions>();
    app.add_option("rtl_dir", options->rtl_dir, "Directory written by 'lutgen generate'")->required();
    app.add_option("--model", options->model, "Model JSON the RTL was generated from")->required();
    CLI::Option* inputs =
        app.add_option("--inputs", options->inputs, "Input dump: one binary string of input codes per line");
    CLI::Option* features =
        app.add_option("--features", options->features,
                       "CSV of float features instead of --inputs: quantized as the RTL does, through its input "
                       "encoder if it has one");
    inputs->excludes(features);
    app.add_option("--label-column", options->label_column,
                   "Name of the label column of --features, used for accuracy unless --labels is given "
                   "(default: label)");
    app.add_option("--labels", options->labels, "Labels: one class per line, to report accuracy");
    app.add_option("--cache-dir", options->cache_dir,
                   "Where Verilator builds are cached (default: $LUTGEN_CACHE_DIR, else $XDG_CACHE_HOME/lutgen, "
                   "else ~/.cache/lutgen)");
    app.add_option("--max-reported", options->max_reported, "How many mismatching samples to report in detail");
    add_table_options(app, options->tables);
    return [options, inputs, features] {
        if (inputs->count() == 0 && features->count() == 0)
            throw Error("verify", "no input samples given", "--inputs", "pass --inputs DUMP or --features CSV");
        return run_verify(*options);
    };
}

} // namespace lutgen::cli
