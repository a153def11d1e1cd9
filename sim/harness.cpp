// The Verilator testbench of lutgen. It streams one input bus value per clock cycle through a
// generated LUT network and writes the output bus value of every sample.
//
// The source is generic. lutgen_harness_config.h, written into the build directory by
// `lutgen verify`, names the Verilated top class and its ports, widths, latency, reset level and
// layer output signals. See sim/README.md for the command line and the file formats.
#include "lutgen_harness_config.h"

#include LUTGEN_TOP_HEADER
#include "verilated.h"
#include "verilated_vpi.h"

#include "port_bits.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using lutgen_sim::Word;

constexpr int kResetCycles = 4;
constexpr std::uint64_t kLatency = LUTGEN_LATENCY;
constexpr std::uint64_t kProgressInterval = 1u << 16;
constexpr std::size_t kOutputBufferBytes = 1u << 20;

struct LayerSignal {
    const char* name;
    int width;
    int latency;
};

const std::vector<LayerSignal> kLayerSignals = {LUTGEN_LAYER_SIGNALS};

struct Options {
    const char* input_path = nullptr;
    const char* output_path = nullptr;
    const char* rtl_dir = nullptr;
    const char* layer_output_path = nullptr;
    const char* layer_samples_path = nullptr;
    bool progress = false;
};

// Exit code 2 is bad input or usage, 1 a failure of the simulation itself.
[[noreturn]] void fail(int exit_code, const std::string& message)
{
    std::fprintf(stderr, "lutgen_harness: error: %s\n", message.c_str());
    std::exit(exit_code);
}

void print_usage(FILE* stream)
{
    std::fprintf(stream,
                 "usage: lutgen_harness --input FILE --output FILE [--rtl-dir DIR]\n"
                 "                      [--layer-output FILE --layer-samples FILE] [--progress]\n"
                 "  --input FILE          one input bus value per line, %d binary digits, MSB first\n"
                 "  --output FILE         receives one output bus value per line, %d binary digits\n"
                 "  --rtl-dir DIR         working directory of the simulation ($readmemh paths are\n"
                 "                        relative to it)\n"
                 "  --layer-output FILE   receives '<sample> <signal> <bits>' lines for every layer\n"
                 "                        output signal of the samples listed in --layer-samples\n"
                 "  --layer-samples FILE  sample indices (from 0), one per line\n"
                 "  --progress            print the number of simulated samples to stdout\n",
                 LUTGEN_INPUT_WIDTH, LUTGEN_OUTPUT_WIDTH);
}

Options parse_options(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                fail(2, "option " + arg + ": missing value");
            return argv[++i];
        };

        if (arg == "--input")
            options.input_path = value();
        else if (arg == "--output")
            options.output_path = value();
        else if (arg == "--rtl-dir")
            options.rtl_dir = value();
        else if (arg == "--layer-output")
            options.layer_output_path = value();
        else if (arg == "--layer-samples")
            options.layer_samples_path = value();
        else if (arg == "--progress")
            options.progress = true;
        else if (arg == "--help" || arg == "-h") {
            print_usage(stdout);
            std::exit(0);
        } else if (arg.rfind("+verilator+", 0) != 0) {
            print_usage(stderr);
            fail(2, "unknown option '" + arg + "'");
        }
    }

    if (!options.input_path || !options.output_path) {
        print_usage(stderr);
        fail(2, "--input and --output are required");
    }
    if ((options.layer_output_path == nullptr) != (options.layer_samples_path == nullptr))
        fail(2, "--layer-output and --layer-samples must be given together");
    return options;
}

FILE* open_file(const char* path, const char* mode)
{
    FILE* file = std::fopen(path, mode);
    if (!file)
        fail(2, std::string("cannot open '") + path + "': " + std::strerror(errno));
    return file;
}

std::vector<std::uint64_t> read_sample_indices(const char* path)
{
    FILE* file = open_file(path, "r");
    std::vector<std::uint64_t> indices;
    unsigned long long index = 0;
    while (std::fscanf(file, "%llu", &index) == 1)
        indices.push_back(index);
    if (!std::feof(file))
        fail(2, std::string(path) + ": invalid sample index; write one non-negative integer per line");
    std::fclose(file);

    std::sort(indices.begin(), indices.end());
    return indices;
}

// Buffered writer: one fwrite per megabyte keeps the output cheap next to the model evaluation.
class OutputBuffer {
public:
    OutputBuffer(FILE* file, const char* path) : file_(file), path_(path) { buffer_.reserve(kOutputBufferBytes); }

    char* append(std::size_t length)
    {
        if (buffer_.size() + length > kOutputBufferBytes)
            flush();
        const std::size_t offset = buffer_.size();
        buffer_.resize(offset + length);
        return &buffer_[offset];
    }

    void flush()
    {
        if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
            fail(1, std::string("cannot write '") + path_ + "': " + std::strerror(errno));
        buffer_.clear();
    }

    void close()
    {
        flush();
        if (std::fclose(file_) != 0)
            fail(1, std::string("cannot write '") + path_ + "': " + std::strerror(errno));
    }

private:
    FILE* file_;
    const char* path_;
    std::string buffer_;
};

// Records the layer output signals through VPI, so that no Verilator-internal member names are used.
class LayerRecorder {
public:
    // Opens the files, before the harness changes its working directory.
    explicit LayerRecorder(const Options& options)
    {
        if (!options.layer_output_path)
            return;
        samples_ = read_sample_indices(options.layer_samples_path);
        output_ = std::make_unique<OutputBuffer>(open_file(options.layer_output_path, "wb"),
                                                 options.layer_output_path);
    }

    // Looks the signals up, once the model exists.
    void attach()
    {
        if (!output_)
            return;
        for (const LayerSignal& signal : kLayerSignals) {
            std::string name = std::string("TOP.") + LUTGEN_TOP_MODULE + "." + signal.name;
            vpiHandle handle = vpi_handle_by_name(&name[0], nullptr);
            if (!handle)
                fail(1, "layer output signal '" + name +
                            "' not found through VPI; check layer_outputs in the RTL manifest");
            if (vpi_get(vpiSize, handle) != signal.width)
                fail(1, "layer output signal '" + name + "' has a bit width of " +
                            std::to_string(vpi_get(vpiSize, handle)) + ", not " + std::to_string(signal.width) +
                            "; check layer_outputs in the RTL manifest");
            handles_.push_back(handle);
        }
    }

    bool active() const { return output_ != nullptr; }

    // Records every layer signal whose latency places a selected sample on it in this cycle.
    void record(std::uint64_t cycle, std::uint64_t sample_count)
    {
        for (std::size_t layer = 0; layer < kLayerSignals.size(); ++layer) {
            const std::uint64_t latency = static_cast<std::uint64_t>(kLayerSignals[layer].latency);
            if (cycle < latency)
                continue;
            const std::uint64_t sample = cycle - latency;
            if (sample >= sample_count || !std::binary_search(samples_.begin(), samples_.end(), sample))
                continue;

            s_vpi_value value;
            value.format = vpiBinStrVal;
            vpi_get_value(handles_[layer], &value);
            const std::string line =
                std::to_string(sample) + " " + kLayerSignals[layer].name + " " + value.value.str + "\n";
            std::memcpy(output_->append(line.size()), line.data(), line.size());
        }
    }

    void close()
    {
        if (output_)
            output_->close();
    }

private:
    std::vector<std::uint64_t> samples_;
    std::vector<vpiHandle> handles_;
    std::unique_ptr<OutputBuffer> output_;
};

int max_latency()
{
    int latency = LUTGEN_LATENCY;
    for (const LayerSignal& signal : kLayerSignals)
        latency = std::max(latency, signal.latency);
    return latency;
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse_options(argc, argv);

    // Open the files before changing directory so that relative paths keep their meaning.
    FILE* input = open_file(options.input_path, "rb");
    OutputBuffer output(open_file(options.output_path, "wb"), options.output_path);
    LayerRecorder layers(options);
    std::setvbuf(input, nullptr, _IOFBF, kOutputBufferBytes);
    if (options.rtl_dir && chdir(options.rtl_dir) != 0)
        fail(2, std::string("cannot change to the RTL directory '") + options.rtl_dir + "': " + std::strerror(errno));

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    auto top = std::make_unique<LUTGEN_TOP_CLASS>(context.get());
    layers.attach();

    Word input_words[lutgen_sim::word_count(LUTGEN_INPUT_WIDTH)] = {};
    Word output_words[lutgen_sim::word_count(LUTGEN_OUTPUT_WIDTH)] = {};

    // Synchronous reset with an all-zero input, then release the reset while the clock is low.
    lutgen_sim::store_port(top->LUTGEN_INPUT_PORT, input_words, LUTGEN_INPUT_WIDTH);
#if LUTGEN_HAS_RESET
    top->LUTGEN_RESET_PORT = LUTGEN_RESET_ACTIVE_LEVEL;
#endif
    for (int cycle = 0; cycle < kResetCycles; ++cycle) {
#if LUTGEN_HAS_CLOCK
        top->LUTGEN_CLOCK_PORT = 0;
        top->eval();
        top->LUTGEN_CLOCK_PORT = 1;
#endif
        top->eval();
    }
#if LUTGEN_HAS_CLOCK
    top->LUTGEN_CLOCK_PORT = 0;
#endif
#if LUTGEN_HAS_RESET
    top->LUTGEN_RESET_PORT = !LUTGEN_RESET_ACTIVE_LEVEL;
#endif

    // Cycle c applies sample c (or zeros once the input is exhausted). A signal of latency k shows
    // sample c - k while the clock is low, before the rising edge of cycle c.
    char* line = nullptr;
    std::size_t line_capacity = 0;
    std::uint64_t sample_count = 0;
    bool input_done = false;
    const std::uint64_t flush_cycles = static_cast<std::uint64_t>(max_latency());
    for (std::uint64_t cycle = 0;; ++cycle) {
        if (!input_done) {
            const ssize_t length = getline(&line, &line_capacity, input);
            if (length < 0) {
                input_done = true;
            } else {
                ssize_t width = length;
                while (width > 0 && (line[width - 1] == '\n' || line[width - 1] == '\r'))
                    --width;
                if (width != LUTGEN_INPUT_WIDTH)
                    fail(2, std::string(options.input_path) + ":" + std::to_string(sample_count + 1) +
                                ": invalid line length " + std::to_string(width) + "; write " +
                                std::to_string(LUTGEN_INPUT_WIDTH) + " binary digits per line, MSB first");
                if (!lutgen_sim::parse_binary(line, LUTGEN_INPUT_WIDTH, input_words))
                    fail(2, std::string(options.input_path) + ":" + std::to_string(sample_count + 1) +
                                ": invalid character; write only '0' and '1'");
                ++sample_count;
            }
        }
        if (input_done) {
            if (cycle >= sample_count + flush_cycles)
                break;
            std::fill(std::begin(input_words), std::end(input_words), 0);
        }

        lutgen_sim::store_port(top->LUTGEN_INPUT_PORT, input_words, LUTGEN_INPUT_WIDTH);
#if LUTGEN_HAS_CLOCK
        top->LUTGEN_CLOCK_PORT = 0;
#endif
        top->eval();

        if (cycle >= kLatency && cycle - kLatency < sample_count) {
            lutgen_sim::load_port(top->LUTGEN_OUTPUT_PORT, LUTGEN_OUTPUT_WIDTH, output_words);
            char* text = output.append(LUTGEN_OUTPUT_WIDTH + 1);
            lutgen_sim::format_binary(output_words, LUTGEN_OUTPUT_WIDTH, text);
            text[LUTGEN_OUTPUT_WIDTH] = '\n';
        }
        if (layers.active())
            layers.record(cycle, sample_count);

#if LUTGEN_HAS_CLOCK
        top->LUTGEN_CLOCK_PORT = 1;
        top->eval();
#endif

        if (options.progress && cycle % kProgressInterval == 0 && cycle > 0) {
            std::printf("\rrtl simulation: %llu samples", static_cast<unsigned long long>(cycle));
            std::fflush(stdout);
        }
    }

    if (options.progress) {
        std::printf("\rrtl simulation: %llu samples\n", static_cast<unsigned long long>(sample_count));
        std::fflush(stdout);
    }

    top->final();
    std::free(line);
    std::fclose(input);
    output.close();
    layers.close();
    return 0;
}
