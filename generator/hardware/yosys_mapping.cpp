#include "hardware/yosys_mapping.hpp"

#include "base/error.hpp"
#include "base/log.hpp"
#include "base/parallel.hpp"
#include "base/sha256.hpp"
#include "hardware/rtl_neurons.hpp"
#include "hardware/yosys_stat.hpp"
#include "verify/subprocess.hpp"
#include "verify/temp_directory.hpp"
#include "verify/verilator_build.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace lutgen {

namespace {

constexpr const char* kBatchTop = "lutgen_yosys_batch";
// Part of every cache key, so results of an older flow are never reused.
constexpr const char* kCacheFlowVersion = "lutgen-yosys-flow 1";

struct NeuronResult {
    std::map<std::string, int64_t> cells; // cell type -> count
    int logic_depth = 0;
};

struct TopResult {
    std::map<std::string, int64_t> cells; // primitives and black-box neuron instances
};

std::string read_text_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot read file", path.filename().string(), "check that Yosys wrote it");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Writes a file under a unique temporary name, then renames it, so concurrent readers of the
// cache never see half a file.
void write_text_atomically(const std::filesystem::path& path, const std::string& text)
{
    const std::filesystem::path temporary =
        path.string() + fmt::format(".tmp{}.{}", ::getpid(), std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
        std::ofstream out(temporary, std::ios::binary);
        out << text;
        if (!out)
            throw Error(temporary.string(), "cannot write file", path.filename().string(),
                        "check the cache directory's permissions and free space, or pass --no-cache");
    }
    std::filesystem::rename(temporary, path);
}

std::optional<std::string> first_output_line(const std::filesystem::path& executable)
{
    TempDirectory scratch(std::filesystem::temp_directory_path(), "lutgen-yosys-version-");
    ProcessOptions process;
    process.stdout_path = scratch.path() / "version.txt";
    process.stderr_to_stdout = true;
    if (run_process({executable.string(), "-V"}, process) != 0)
        return std::nullopt;
    std::istringstream in(read_text_file(process.stdout_path));
    std::string line;
    std::getline(in, line);
    return line;
}

// Hashes the flow, the tool and a neuron's files into its cache key.
std::string neuron_cache_key(const std::filesystem::path& rtl_dir, const RtlNeuron& neuron, const YosysTool& tool,
                             const std::string& synth_command)
{
    Sha256 hash;
    hash.update(fmt::format("{}\n{}\n{}\nneuron {}\n", kCacheFlowVersion, tool.version, synth_command, neuron.module));
    hash.update_file(rtl_dir / neuron.verilog_file);
    for (const std::string& data : neuron.data_files) {
        hash.update("\n" + data + "\n");
        hash.update_file(rtl_dir / data);
    }
    return hash.hex_digest();
}

std::string top_cache_key(const std::filesystem::path& rtl_dir, const RtlInventory& inventory, const YosysTool& tool,
                          const std::string& synth_command)
{
    Sha256 hash;
    hash.update(fmt::format("{}\n{}\n{}\ntop {}\n", kCacheFlowVersion, tool.version, synth_command,
                            inventory.manifest.top_module));
    for (const std::string& file : inventory.manifest.verilog_files) {
        hash.update("\n" + file + "\n");
        hash.update_file(rtl_dir / file);
    }
    return hash.hex_digest();
}

std::optional<NeuronResult> load_neuron_result(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    try {
        const nlohmann::json json = nlohmann::json::parse(in);
        NeuronResult result;
        result.cells = json.at("cells").get<std::map<std::string, int64_t>>();
        result.logic_depth = json.at("logic_depth").get<int>();
        return result;
    } catch (const nlohmann::json::exception&) {
        // A damaged cache entry is only a miss: the neuron is mapped again and the entry rewritten.
        return std::nullopt;
    }
}

void store_neuron_result(const std::filesystem::path& path, const NeuronResult& result)
{
    nlohmann::ordered_json json;
    json["cells"] = result.cells;
    json["logic_depth"] = result.logic_depth;
    write_text_atomically(path, json.dump(1) + "\n");
}

std::optional<TopResult> load_top_result(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    try {
        const nlohmann::json json = nlohmann::json::parse(in);
        return TopResult{json.at("cells").get<std::map<std::string, int64_t>>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

void store_top_result(const std::filesystem::path& path, const TopResult& result)
{
    nlohmann::ordered_json json;
    json["cells"] = result.cells;
    write_text_atomically(path, json.dump(1) + "\n");
}

// Runs one Yosys script with the RTL directory as working directory. On failure the work
// directory is kept and named in the error, because its log records what went wrong.
void run_yosys_script(const YosysTool& tool, const std::filesystem::path& rtl_dir, TempDirectory& work,
                      const std::string& script, const std::string& what)
{
    const std::filesystem::path script_path = work.path() / "run.ys";
    const std::filesystem::path log_path = work.path() / "yosys.log";
    write_text_atomically(script_path, script);

    ProcessOptions process;
    process.working_directory = rtl_dir;
    process.stdout_path = work.path() / "stdout.txt";
    process.stderr_to_stdout = true;
    const int exit_code =
        run_process({tool.executable.string(), "-q", "-l", log_path.string(), "-s", script_path.string()}, process);
    if (exit_code == 0)
        return;

    std::string error_line = describe_exit(exit_code);
    std::istringstream log(read_text_file(log_path));
    for (std::string line; std::getline(log, line);)
        if (line.find("ERROR") != std::string::npos)
            error_line = line;
    work.release();
    throw Error(log_path.string(), fmt::format("Yosys failed to map {}", what), error_line,
                "read the log; the RTL must come from 'lutgen generate'");
}

// Splits the neurons into batches of similar synthesis effort (file size stands for it): largest
// first, each into the lightest batch that still has room.
std::vector<std::vector<const RtlNeuron*>> plan_batches(std::vector<const RtlNeuron*> neurons, int jobs,
                                                        int max_batch_neurons)
{
    if (neurons.empty())
        return {};
    const size_t capacity = static_cast<size_t>(std::max(1, max_batch_neurons));
    const size_t batch_count =
        std::max(std::min<size_t>(static_cast<size_t>(std::max(1, jobs)), neurons.size()),
                 (neurons.size() + capacity - 1) / capacity);

    std::stable_sort(neurons.begin(), neurons.end(),
                     [](const RtlNeuron* a, const RtlNeuron* b) { return a->size_bytes > b->size_bytes; });
    std::vector<std::vector<const RtlNeuron*>> batches(batch_count);
    std::vector<uint64_t> load(batch_count, 0);
    for (const RtlNeuron* neuron : neurons) {
        size_t best = batch_count;
        for (size_t b = 0; b < batch_count; ++b)
            if (batches[b].size() < capacity && (best == batch_count || load[b] < load[best]))
                best = b;
        batches[best].push_back(neuron);
        load[best] += neuron->size_bytes;
    }

    for (auto& batch : batches)
        std::sort(batch.begin(), batch.end(), [](const RtlNeuron* a, const RtlNeuron* b) {
            return a->layer != b->layer ? a->layer < b->layer : a->index < b->index;
        });
    return batches;
}

std::string batch_script(const std::vector<const RtlNeuron*>& batch, const std::filesystem::path& work,
                         const std::string& synth_command)
{
    std::string script;
    for (const RtlNeuron* neuron : batch)
        script += fmt::format("read_verilog {}\n", neuron->verilog_file);
    script += fmt::format("read_verilog {}\n", (work / "batch.v").string());
    script += fmt::format("{} -top {}\n", synth_command, kBatchTop);
    script += fmt::format("tee -q -o {} stat -json\n", (work / "stat.json").string());
    script += fmt::format("tee -q -o {} ltp -noff\n", (work / "ltp.txt").string());
    return script;
}

std::string top_script(const RtlInventory& inventory, const std::filesystem::path& work,
                       const std::string& synth_command)
{
    std::string script;
    // -lib reads only the neurons' ports, so they stay black boxes that the flat top instantiates.
    for (const RtlNeuron& neuron : inventory.neurons)
        script += fmt::format("read_verilog -lib {}\n", neuron.verilog_file);
    for (const std::string& file : inventory.other_files)
        script += fmt::format("read_verilog {}\n", file);
    script += fmt::format("{} -top {}\n", synth_command, inventory.manifest.top_module);
    script += fmt::format("tee -q -o {} stat -json\n", (work / "stat.json").string());
    return script;
}

std::map<std::string, NeuronResult> map_batch(const YosysTool& tool, const std::filesystem::path& rtl_dir,
                                              const std::vector<const RtlNeuron*>& batch,
                                              const std::string& synth_command)
{
    TempDirectory work(std::filesystem::temp_directory_path(), "lutgen-yosys-");
    write_text_atomically(work.path() / "batch.v", batch_wrapper_verilog(kBatchTop, batch));
    run_yosys_script(tool, rtl_dir, work, batch_script(batch, work.path(), synth_command),
                     fmt::format("a batch of {} neurons", batch.size()));

    const auto stat_path = work.path() / "stat.json";
    const auto modules = parse_yosys_stat_json(read_text_file(stat_path), stat_path.string());
    const auto depths = parse_yosys_ltp(read_text_file(work.path() / "ltp.txt"));

    std::map<std::string, NeuronResult> results;
    for (const RtlNeuron* neuron : batch) {
        const auto module = modules.find(neuron->module);
        if (module == modules.end()) {
            work.release();
            throw Error(stat_path.string(), "Yosys statistics have no entry for a neuron module", neuron->module,
                        "read the Yosys log in the same directory");
        }
        NeuronResult& result = results[neuron->module];
        result.cells = module->second;
        const auto depth = depths.find(neuron->module);
        result.logic_depth = depth == depths.end() ? 0 : depth->second;
    }
    return results;
}

TopResult map_top(const YosysTool& tool, const std::filesystem::path& rtl_dir, const RtlInventory& inventory,
                  const std::string& synth_command)
{
    TempDirectory work(std::filesystem::temp_directory_path(), "lutgen-yosys-");
    run_yosys_script(tool, rtl_dir, work, top_script(inventory, work.path(), synth_command),
                     "the top module " + inventory.manifest.top_module);

    const auto stat_path = work.path() / "stat.json";
    const auto modules = parse_yosys_stat_json(read_text_file(stat_path), stat_path.string());
    const auto top = modules.find(inventory.manifest.top_module);
    if (top == modules.end()) {
        work.release();
        throw Error(stat_path.string(), "Yosys statistics have no entry for the top module",
                    inventory.manifest.top_module, "read the Yosys log in the same directory");
    }
    return TopResult{top->second};
}

// The width of the register stage in front of each layer, from the manifest.
std::vector<int64_t> layer_input_widths(const RtlManifest& manifest)
{
    std::vector<int64_t> widths;
    int64_t previous = manifest.input_width;
    for (const RtlLayerSignal& layer : manifest.layer_outputs) {
        widths.push_back(previous);
        previous = layer.width;
    }
    return widths;
}

HardwareReport assemble_report(const RtlInventory& inventory, const std::map<std::string, NeuronResult>& neurons,
                               const TopResult& top, const YosysTool& tool, const YosysOptions& options)
{
    const RtlManifest& manifest = inventory.manifest;

    std::map<std::string, int> neuron_modules;
    for (const RtlNeuron& neuron : inventory.neurons)
        neuron_modules[neuron.module] = 1;

    HardwareReport report;
    report.design = manifest.top_module;
    report.tool = tool.version;
    report.stage = CostStage::YosysMapping;
    report.flow = fmt::format("{} on each neuron module (batched, hierarchy kept); {} on the top module with the "
                              "neurons as black boxes for the registers and the used neurons; stat -json; ltp -noff",
                              yosys_synth_command(options, false), yosys_synth_command(options, true));
    report.part = fmt::format("synth_xilinx -family {} (LUT6 device)", options.family);
    report.registers_included = manifest.registers != "none";
    report.encoder_included = !manifest.input_encoder_format.empty();
    report.lut_basis = LutBasis::Cells;
    report.latency_cycles = manifest.latency;

    const std::vector<int64_t> input_widths = layer_input_widths(manifest);
    std::map<int, LayerCost> layers;
    int unused = 0;
    for (const RtlNeuron& neuron : inventory.neurons) {
        LayerCost& layer = layers[neuron.layer];
        layer.layer = neuron.layer;
        layer.neurons += 1;
        layer.key_bits = std::max(layer.key_bits, neuron.input_bits());
        layer.output_bits = std::max(layer.output_bits, neuron.output_bits());
        // NOTE: with an input encoder the first register stage is left out, because the manifest
        // does not record whether that stage registers the features or the codes.
        const bool encoder_stage = neuron.layer == 0 && report.encoder_included;
        if (report.registers_included && !encoder_stage && static_cast<size_t>(neuron.layer) < input_widths.size())
            layer.register_bits = input_widths[static_cast<size_t>(neuron.layer)];

        // The flat top run removes the instances of neurons whose output reaches no output port.
        const auto instances = top.cells.find(neuron.module);
        if (instances == top.cells.end() || instances->second == 0) {
            ++unused;
            continue;
        }
        const NeuronResult& result = neurons.at(neuron.module);
        layer.neurons_used = layer.neurons_used.value_or(0) + 1;
        layer.cells.add(primitive_cells(result.cells));
        layer.logic_depth = std::max(layer.logic_depth.value_or(0), result.logic_depth);
    }

    const CellCounts glue = primitive_cells(top.cells, neuron_modules);
    report.cells = glue;
    int depth_max = 0;
    int depth_sum = 0;
    for (auto& [index, layer] : layers) {
        if (!layer.neurons_used)
            layer.neurons_used = 0;
        report.cells.add(layer.cells);
        depth_max = std::max(depth_max, layer.logic_depth.value_or(0));
        depth_sum += layer.logic_depth.value_or(0);
        report.layers.push_back(layer);
    }

    report.luts = report.cells.lut_cells();
    report.flip_flops = report.cells.flip_flops;
    report.muxf7 = report.cells.muxf7;
    report.muxf8 = report.cells.muxf8;
    // With a register stage in front of every layer, the longest register-to-register path is the
    // deepest layer; without registers the layers chain into one path.
    report.logic_depth = report.registers_included ? depth_max : depth_sum;

    if (unused > 0)
        report.notes.push_back(fmt::format("{} neurons reach no output and are not counted; a flat mapping and "
                                           "Vivado remove them too",
                                           unused));
    if (glue.lut_cells() > 0)
        report.notes.push_back(fmt::format("{} LUTs lie outside the neuron modules{}", glue.lut_cells(),
                                           report.encoder_included ? ", in the input encoder and glue logic" : ""));
    report.notes.push_back("LUT cells: two small LUTs that Vivado packs into one LUT6 site count twice here");
    return report;
}

} // namespace

YosysTool find_yosys(const std::filesystem::path& requested)
{
    std::filesystem::path executable = requested.empty() ? std::filesystem::path("yosys") : requested;
    if (!executable.has_parent_path())
        executable = find_on_path(executable.string());
    if (executable.empty())
        throw Error("yosys", "program not found on PATH", requested.empty() ? "yosys" : requested.string(),
                    "install Yosys (Debian: apt-get install yosys) or pass --yosys-path");

    const std::optional<std::string> version = first_output_line(executable);
    if (!version || version->rfind("Yosys", 0) != 0)
        throw Error(executable.string(), "program does not run as Yosys", "-V",
                    "check the installation; 'yosys -V' must print the version");

    // synth_xilinx with -abc9 and -noiopad, as used here, needs Yosys 0.10 or newer.
    int major = 0;
    int minor = 0;
    if (std::sscanf(version->c_str(), "Yosys %d.%d", &major, &minor) != 2 || major * 1000 + minor < 10)
        throw Error(executable.string(), "Yosys 0.10 or newer required", *version,
                    "install a newer Yosys (Debian 12: apt-get install yosys)");
    return YosysTool{executable, *version};
}

std::string yosys_synth_command(const YosysOptions& options, bool flatten)
{
    return fmt::format("synth_xilinx -family {}{} -abc9 -noiopad", options.family, flatten ? " -flatten" : "");
}

HardwareReport map_with_yosys(const std::filesystem::path& rtl_dir, const YosysOptions& options)
{
    StageTimer timer("yosys");
    const RtlInventory inventory = read_rtl_inventory(rtl_dir);
    const YosysTool tool = find_yosys(options.yosys);
    const std::string neuron_command = yosys_synth_command(options, false);
    const std::string top_command = yosys_synth_command(options, true);

    std::filesystem::path cache_dir;
    if (options.use_cache) {
        cache_dir = options.cache_dir.empty() ? default_cache_dir() / "yosys" : options.cache_dir;
        std::filesystem::create_directories(cache_dir);
    }

    // Look up every neuron and the top run in the cache.
    std::map<std::string, NeuronResult> neuron_results;
    std::map<std::string, std::string> neuron_keys;
    std::vector<const RtlNeuron*> missing;
    for (const RtlNeuron& neuron : inventory.neurons) {
        std::optional<NeuronResult> cached;
        if (options.use_cache) {
            neuron_keys[neuron.module] = neuron_cache_key(rtl_dir, neuron, tool, neuron_command);
            cached = load_neuron_result(cache_dir / (neuron_keys[neuron.module] + ".json"));
        }
        if (cached)
            neuron_results[neuron.module] = *cached;
        else
            missing.push_back(&neuron);
    }

    std::optional<TopResult> top;
    std::filesystem::path top_cache_path;
    if (options.use_cache) {
        top_cache_path = cache_dir / (top_cache_key(rtl_dir, inventory, tool, top_command) + ".json");
        top = load_top_result(top_cache_path);
    }

    // Run the missing work: the top run first, because it is one of the longest.
    // TODO: neurons that reach no output are mapped too, then left out of the sum. Mapping the
    // top first and skipping them would save most of the time where many neurons are unused
    // (116 of 161 in iiot_cybernid), at the cost of running the top alone first.
    const int jobs = resolve_thread_count(options.jobs);
    const auto batches = plan_batches(missing, jobs, options.max_batch_neurons);
    const size_t task_count = batches.size() + (top ? 0 : 1);
    const size_t first_batch = top ? 0 : 1;
    std::vector<std::map<std::string, NeuronResult>> batch_results(batches.size());
    std::atomic<size_t> finished{0};
    if (task_count > 0)
        log_info("yosys: mapping {} of {} neurons in {} processes{}, {} at once", missing.size(),
                 inventory.neurons.size(), batches.size(), top ? "" : " and the top module", jobs);
    parallel_for(task_count, jobs, [&](size_t task) {
        if (task < first_batch)
            top = map_top(tool, rtl_dir, inventory, top_command);
        else
            batch_results[task - first_batch] = map_batch(tool, rtl_dir, batches[task - first_batch], neuron_command);
        log_progress("yosys", ++finished, task_count);
    });
    log_progress_done();

    for (const auto& results : batch_results)
        for (const auto& [module, result] : results) {
            neuron_results[module] = result;
            if (options.use_cache)
                store_neuron_result(cache_dir / (neuron_keys[module] + ".json"), result);
        }
    if (options.use_cache && task_count > 0 && first_batch == 1)
        store_top_result(top_cache_path, *top);

    HardwareReport report = assemble_report(inventory, neuron_results, *top, tool, options);
    report.seconds = timer.seconds();
    const size_t cached = inventory.neurons.size() - missing.size();
    if (options.use_cache)
        report.notes.push_back(fmt::format("{} of {} neurons came from the cache in {}", cached,
                                           inventory.neurons.size(), cache_dir.string()));
    timer.done(fmt::format("{} LUTs, {} FFs, logic depth {}", *report.luts, *report.flip_flops,
                           report.logic_depth.value_or(0)));
    return report;
}

} // namespace lutgen
