// Google Benchmark micro-benchmarks of the stages that scale with the model: truth-table
// enumeration, the golden model, reading an input dump and writing Verilog.
//
// The models come from the benchmark work directory that scripts/bench.sh prepares:
// $LUTGEN_BENCH_DIR/<model>/model.json (written by `lutgen import`) and input.txt (an input dump).
// Models missing from it are skipped.
#include "base/error.hpp"
#include "dataset/code_dump.hpp"
#include "golden/golden_model.hpp"
#include "model/model_json.hpp"
#include "tables/enumerate.hpp"
#include "verilog/verilog_writer.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace lutgen;

const char* const kModelNames[] = {"jsc-s", "jsc-m", "jsc-l", "stress15"};

// A model with its tables and input dump, loaded once per process.
struct BenchModel {
    Model model;
    TruthTables tables;
    CodeDataset inputs;
    fs::path input_path;
};

std::map<std::string, std::unique_ptr<BenchModel>>& loaded_models()
{
    static std::map<std::string, std::unique_ptr<BenchModel>> models;
    return models;
}

const BenchModel& bench_model(const std::string& name)
{
    return *loaded_models().at(name);
}

void load_models(const fs::path& directory)
{
    for (const char* name : kModelNames) {
        const fs::path folder = directory / name;
        if (!fs::exists(folder / "model.json") || !fs::exists(folder / "input.txt"))
            continue;
        auto loaded = std::make_unique<BenchModel>();
        loaded->model = read_model(folder / "model.json");
        loaded->tables = enumerate_tables(loaded->model);
        loaded->input_path = folder / "input.txt";
        loaded->inputs =
            read_code_dump(loaded->input_path, loaded->tables.input_count(), loaded->tables.input_format().bits);
        loaded_models().emplace(name, std::move(loaded));
    }
}

void enumerate_benchmark(benchmark::State& state, const std::string& name)
{
    const BenchModel& loaded = bench_model(name);
    const int threads = static_cast<int>(state.range(0));
    for (auto _ : state) {
        TruthTables tables = enumerate_tables(loaded.model, threads);
        benchmark::DoNotOptimize(tables.layers.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(loaded.tables.entry_count()));
    state.counters["entries"] = static_cast<double>(loaded.tables.entry_count());
}

void golden_benchmark(benchmark::State& state, const std::string& name)
{
    const BenchModel& loaded = bench_model(name);
    const int threads = static_cast<int>(state.range(0));
    for (auto _ : state) {
        GoldenResult result = evaluate_network(loaded.tables, loaded.inputs, false, threads);
        benchmark::DoNotOptimize(result.layers.back().data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(loaded.inputs.sample_count));
}

void read_dump_benchmark(benchmark::State& state, const std::string& name)
{
    const BenchModel& loaded = bench_model(name);
    for (auto _ : state) {
        CodeDataset dataset =
            read_code_dump(loaded.input_path, loaded.tables.input_count(), loaded.tables.input_format().bits);
        benchmark::DoNotOptimize(dataset.patterns.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(loaded.inputs.sample_count));
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(fs::file_size(loaded.input_path)));
}

void write_verilog_benchmark(benchmark::State& state, const std::string& name)
{
    const BenchModel& loaded = bench_model(name);
    const fs::path base = fs::temp_directory_path() / ("lutgen-bench-verilog-" + std::to_string(::getpid()));
    VerilogOptions options;
    options.model_name = "model.json";
    int run = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const fs::path directory = base / std::to_string(run++);
        fs::create_directories(directory);
        state.ResumeTiming();

        RtlManifest manifest = write_verilog(loaded.tables, options, directory);
        benchmark::DoNotOptimize(manifest.latency);

        state.PauseTiming();
        fs::remove_all(directory);
        state.ResumeTiming();
    }
    fs::remove_all(base);
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(loaded.tables.entry_count()));
}

void register_benchmarks()
{
    for (const auto& [name, loaded] : loaded_models()) {
        benchmark::RegisterBenchmark(("enumerate_tables/" + name).c_str(), enumerate_benchmark, name)
            ->ArgName("threads")
            ->Arg(1)
            ->Arg(2)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("golden_model/" + name).c_str(), golden_benchmark, name)
            ->ArgName("threads")
            ->Arg(1)
            ->Arg(2)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("read_code_dump/" + name).c_str(), read_dump_benchmark, name)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("write_verilog_memh/" + name).c_str(), write_verilog_benchmark, name)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
}

} // namespace

int main(int argc, char** argv)
{
    const char* directory = std::getenv("LUTGEN_BENCH_DIR");
    if (!directory) {
        std::fprintf(stderr,
                     "lutgen_bench: error: LUTGEN_BENCH_DIR is not set; run scripts/bench.sh, or point it at a "
                     "directory with <model>/model.json and <model>/input.txt\n");
        return 2;
    }

    try {
        load_models(directory);
    } catch (const Error& error) {
        std::fprintf(stderr, "lutgen_bench: error: %s\n", error.what());
        return 2;
    }
    if (loaded_models().empty()) {
        std::fprintf(stderr, "lutgen_bench: error: no model found under '%s'; run scripts/bench.sh first\n",
                     directory);
        return 2;
    }

    register_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
