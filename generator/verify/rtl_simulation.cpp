#include "verify/rtl_simulation.hpp"

#include "base/error.hpp"
#include "verify/subprocess.hpp"
#include "verify/temp_directory.hpp"
#include "verify/verilator_build.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace lutgen {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFileBufferBytes = 1u << 20;

bool is_binary_text(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c == '0' || c == '1'; });
}

void check_input_lines(const RtlManifest& manifest, const std::vector<std::string>& input_lines)
{
    const std::size_t width = static_cast<std::size_t>(manifest.input_width);
    for (std::size_t sample = 0; sample < input_lines.size(); ++sample) {
        const std::string& line = input_lines[sample];
        const std::string subject = fmt::format("input sample {}", sample);
        if (line.size() != width)
            throw Error(subject, fmt::format("invalid bus value length {}", line.size()), line,
                        fmt::format("write {} binary digits per sample, MSB first", width));
        if (!is_binary_text(line))
            throw Error(subject, "invalid bus value", line, "write only the digits '0' and '1'");
    }
}

void write_lines(const fs::path& path, const std::vector<std::string>& lines)
{
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file)
        throw Error(path.string(), "cannot write the file", "", "check the free space of the temporary directory");
    std::setvbuf(file, nullptr, _IOFBF, kFileBufferBytes);

    bool written = true;
    for (const std::string& line : lines) {
        written = written && std::fwrite(line.data(), 1, line.size(), file) == line.size();
        written = written && std::fputc('\n', file) != EOF;
    }
    if (std::fclose(file) != 0 || !written)
        throw Error(path.string(), "cannot write the file", "", "check the free space of the temporary directory");
}

std::string read_file_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Reads the harness output: exactly `count` lines of `width` binary digits.
std::vector<std::string> read_outputs(const fs::path& path, std::size_t count, int width)
{
    const std::size_t line_bytes = static_cast<std::size_t>(width) + 1;
    std::error_code error;
    const std::uintmax_t size = fs::file_size(path, error);
    if (error || size != count * line_bytes)
        throw Error(path.string(), "unexpected size of the RTL simulation output",
                    error ? error.message() : std::to_string(size),
                    fmt::format("expected {} lines of {} binary digits; rerun the verification", count, width));

    std::vector<std::string> outputs;
    outputs.reserve(count);
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (outputs.size() < count && std::getline(in, line)) {
        if (line.size() != static_cast<std::size_t>(width) || !is_binary_text(line))
            throw Error(path.string(), fmt::format("invalid output line {}", outputs.size() + 1), line,
                        "rerun the verification");
        outputs.push_back(std::move(line));
    }
    if (outputs.size() != count)
        throw Error(path.string(), "cannot read the RTL simulation output", "", "rerun the verification");
    return outputs;
}

// Reads the harness layer output, lines of "<sample> <signal> <bits>".
std::vector<RtlLayerOutputs> read_layer_outputs(const fs::path& path, const RtlManifest& manifest,
                                                const std::vector<std::size_t>& samples)
{
    std::map<std::string, std::size_t> signal_index;
    for (std::size_t layer = 0; layer < manifest.layer_outputs.size(); ++layer)
        signal_index[manifest.layer_outputs[layer].signal] = layer;

    std::map<std::size_t, RtlLayerOutputs> by_sample;
    for (std::size_t sample : samples) {
        by_sample[sample].sample = sample;
        by_sample[sample].buses.assign(manifest.layer_outputs.size(), "");
    }

    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::size_t sample = 0;
        std::string signal;
        std::string bits;
        fields >> sample >> signal >> bits;
        const auto entry = by_sample.find(sample);
        const auto layer = signal_index.find(signal);
        if (!fields || entry == by_sample.end() || layer == signal_index.end() ||
            bits.size() != static_cast<std::size_t>(manifest.layer_outputs[layer->second].width))
            throw Error(path.string(), "invalid layer output line", line, "rerun the verification");
        entry->second.buses[layer->second] = bits;
    }

    std::vector<RtlLayerOutputs> result;
    for (auto& [sample, outputs] : by_sample)
        result.push_back(std::move(outputs));
    return result;
}

} // namespace

RtlRun run_rtl(const fs::path& rtl_dir, const std::vector<std::string>& input_lines, const RtlRunOptions& options)
{
    RtlRun run;
    run.manifest = read_rtl_manifest(rtl_dir);
    check_input_lines(run.manifest, input_lines);
    for (std::size_t sample : options.layer_samples) {
        if (sample >= input_lines.size())
            throw Error(fmt::format("layer sample {}", sample), "sample index out of range",
                        std::to_string(sample), fmt::format("use an index below {}", input_lines.size()));
    }

    const bool progress = options.progress && isatty(STDERR_FILENO);
    HarnessBuildOptions build_options;
    build_options.cache_dir = options.cache_dir;
    build_options.verilator = options.verilator;
    build_options.jobs = options.build_jobs;
    build_options.progress = progress;
    const HarnessBuild build = build_harness(rtl_dir, run.manifest, build_options);
    run.cache_hit = build.cache_hit;
    run.build_key = build.key;
    run.harness = build.executable;
    run.build_log = build.build_log;
    run.build_seconds = build.seconds;

    // The harness streams between files, so nothing is held twice in memory.
    TempDirectory scratch(fs::temp_directory_path(), "lutgen-rtl-run-");
    const fs::path input_path = scratch.path() / "input.txt";
    const fs::path output_path = scratch.path() / "output.txt";
    const fs::path log_path = scratch.path() / "harness.log";
    write_lines(input_path, input_lines);

    std::vector<std::string> arguments = {build.executable.string(), "--input", input_path.string(),
                                          "--output", output_path.string(), "--rtl-dir",
                                          fs::absolute(rtl_dir).string()};
    std::vector<std::size_t> layer_samples = options.layer_samples;
    std::sort(layer_samples.begin(), layer_samples.end());
    layer_samples.erase(std::unique(layer_samples.begin(), layer_samples.end()), layer_samples.end());
    const fs::path layer_samples_path = scratch.path() / "layer_samples.txt";
    const fs::path layer_output_path = scratch.path() / "layer_output.txt";
    if (!layer_samples.empty()) {
        std::vector<std::string> lines;
        for (std::size_t sample : layer_samples)
            lines.push_back(std::to_string(sample));
        write_lines(layer_samples_path, lines);
        arguments.insert(arguments.end(), {"--layer-output", layer_output_path.string(), "--layer-samples",
                                           layer_samples_path.string()});
    }

    // Progress goes from the harness stdout to our stderr. Its error messages go to the log.
    ProcessOptions process;
    process.stderr_path = log_path;
    if (progress) {
        arguments.push_back("--progress");
        process.stdout_to_stderr = true;
    } else {
        process.stdout_path = scratch.path() / "harness.stdout";
    }

    const auto start = std::chrono::steady_clock::now();
    const int exit_code = run_process(arguments, process);
    run.simulation_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (exit_code != 0) {
        std::string message = read_file_text(log_path);
        while (!message.empty() && message.back() == '\n')
            message.pop_back();
        throw Error(rtl_dir.string(), fmt::format("RTL simulation failed ({})", describe_exit(exit_code)), message,
                    fmt::format("check the RTL directory, or run {} by hand (see sim/README.md)",
                                build.executable.string()));
    }

    run.outputs = read_outputs(output_path, input_lines.size(), run.manifest.output_width);
    if (!layer_samples.empty())
        run.layer_outputs = read_layer_outputs(layer_output_path, run.manifest, layer_samples);
    if (run.simulation_seconds > 0.0)
        run.samples_per_second = static_cast<double>(input_lines.size()) / run.simulation_seconds;
    return run;
}

} // namespace lutgen
