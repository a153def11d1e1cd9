#include "verify/verilator_build.hpp"

#include "base/error.hpp"
#include "base/sha256.hpp"
#include "verify/subprocess.hpp"
#include "verify/temp_directory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace lutgen {

namespace {

namespace fs = std::filesystem;

constexpr const char* kTopClass = "Vlutgen_top";
constexpr const char* kHarnessExecutable = "lutgen_harness";
constexpr const char* kConfigHeader = "lutgen_harness_config.h";
constexpr const char* kVerilatorConfig = "lutgen_public.vlt";
constexpr const char* kBuildLog = "build.log";
constexpr const char* kCacheSubdirectory = "rtl-sim";

// Bounds that reject a corrupt manifest before anything is built. They are far above the bus
// widths of the supported networks.
constexpr int kMaxBusWidth = 65536;
constexpr int kMaxLatency = 1 << 20;
constexpr std::size_t kErrorLinesInMessage = 5;

// Flags of every harness build, in order. They are part of the cache key, so a change here
// rebuilds every cached harness. -j and the paths are added per build and are not part of it.
const std::vector<std::string> kVerilatorFlags = {
    "--cc", "--exe", "--build", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal", "--vpi",
    "--prefix", kTopClass, "-o", kHarnessExecutable, "-CFLAGS", "-std=c++17",
    // verilated.mk of Verilator 5.006 sets both to -Os, which optimizes for size, not speed.
    "-MAKEFLAGS", "OPT_FAST=-O2", "-MAKEFLAGS", "OPT_GLOBAL=-O2"};

std::string read_text_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text_file(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out)
        throw Error(path.string(), "cannot write the file", "", "check the permissions and the free space");
}

bool is_identifier(const std::string& name)
{
    static const std::regex kIdentifier("[A-Za-z_][A-Za-z0-9_]*");
    return std::regex_match(name, kIdentifier);
}

bool is_executable_file(const fs::path& path)
{
    std::error_code error;
    return fs::is_regular_file(path, error) && access(path.c_str(), X_OK) == 0;
}

// Returns the harness sources in name order: the .cpp files and the headers.
std::vector<fs::path> harness_sources(const fs::path& harness_dir)
{
    std::vector<fs::path> sources;
    for (const fs::directory_entry& entry : fs::directory_iterator(harness_dir)) {
        const std::string extension = entry.path().extension().string();
        if (entry.is_regular_file() && (extension == ".cpp" || extension == ".hpp" || extension == ".h"))
            sources.push_back(entry.path());
    }
    std::sort(sources.begin(), sources.end());
    return sources;
}

// Returns the first error lines of a build log, or its last lines when none is marked as an error.
std::string first_error_lines(const fs::path& log_path)
{
    std::ifstream in(log_path);
    std::vector<std::string> errors;
    std::vector<std::string> tail;
    std::string line;
    while (std::getline(in, line)) {
        if (errors.size() < kErrorLinesInMessage &&
            (line.rfind("%Error", 0) == 0 || line.find("error:") != std::string::npos))
            errors.push_back(line);
        tail.push_back(line);
        if (tail.size() > kErrorLinesInMessage)
            tail.erase(tail.begin());
    }

    const std::vector<std::string>& lines = errors.empty() ? tail : errors;
    std::string text;
    for (const std::string& error_line : lines)
        text += (text.empty() ? "" : "\n") + error_line;
    return text;
}

void check_filesystem(const std::error_code& error, const fs::path& path, const std::string& what_failed)
{
    if (error)
        throw Error(path.string(), what_failed, error.message(), "check the permissions and the free space");
}

void check_relative_file(const fs::path& manifest_path, const fs::path& rtl_dir, const std::string& field,
                         const std::string& name)
{
    const fs::path relative(name);
    const bool escapes = std::any_of(relative.begin(), relative.end(), [](const fs::path& part) { return part == ".."; });
    if (name.empty() || relative.is_absolute() || escapes)
        throw Error(manifest_path.string(), fmt::format("invalid file name in {}", field), name,
                    "list files relative to the RTL directory, inside it");

    std::error_code error;
    if (!fs::is_regular_file(rtl_dir / relative, error))
        throw Error((rtl_dir / relative).string(), fmt::format("file listed in {} not found", field), name,
                    "regenerate the RTL directory with 'lutgen generate'");
}

} // namespace

VerilatorTool find_verilator(const fs::path& requested)
{
    VerilatorTool tool;
    const std::string name = requested.empty() ? "verilator" : requested.string();
    tool.executable = name.find('/') != std::string::npos ? fs::path(name) : find_on_path(name);
    if (tool.executable.empty() || !is_executable_file(tool.executable))
        throw Error(name, "executable not found on PATH", name, "install it with 'apt-get install verilator'");

    TempDirectory scratch(fs::temp_directory_path(), "lutgen-verilator-");
    const fs::path output = scratch.path() / "version.txt";
    ProcessOptions process;
    process.stdout_path = output;
    process.stderr_to_stdout = true;
    const int exit_code = run_process({tool.executable.string(), "--version"}, process);

    const std::string text = read_text_file(output);
    tool.version = text.substr(0, text.find('\n'));
    if (exit_code != 0)
        throw Error(tool.executable.string(), "'--version' failed", describe_exit(exit_code) + ": " + tool.version,
                    "check the Verilator installation");

    std::smatch match;
    static const std::regex kVersion("Verilator ([0-9]+)\\.([0-9]+)");
    if (!std::regex_search(tool.version, match, kVersion))
        throw Error(tool.executable.string(), "unrecognized version output", tool.version,
                    "install Verilator 5.0 or newer with 'apt-get install verilator'");
    if (std::stoi(match[1].str()) < 5)
        throw Error(tool.executable.string(), "Verilator 5.0 or newer required", tool.version,
                    "install a newer Verilator");
    return tool;
}

fs::path default_cache_dir()
{
    if (const char* cache = std::getenv("LUTGEN_CACHE_DIR"); cache && *cache)
        return fs::path(cache);
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "lutgen";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".cache" / "lutgen";
    throw Error("LUTGEN_CACHE_DIR", "no cache directory", "HOME is not set",
                "set LUTGEN_CACHE_DIR to a writable directory");
}

fs::path find_harness_dir()
{
    std::vector<fs::path> candidates;
    if (const char* data = std::getenv("LUTGEN_DATA_DIR"); data && *data)
        candidates.push_back(fs::path(data) / "sim");

    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error)
        candidates.push_back(executable.parent_path().parent_path() / "share" / "lutgen" / "sim");
    candidates.push_back(fs::path(LUTGEN_SOURCE_DIR) / "sim");

    for (const fs::path& candidate : candidates) {
        if (fs::is_regular_file(candidate / "harness.cpp", error))
            return candidate;
    }

    std::string searched;
    for (const fs::path& candidate : candidates)
        searched += (searched.empty() ? "" : ", ") + candidate.string();
    throw Error("harness.cpp", "simulation harness not found", searched,
                "set LUTGEN_DATA_DIR to the directory that contains sim/harness.cpp");
}

void check_manifest_for_simulation(const RtlManifest& manifest, const fs::path& rtl_dir)
{
    const fs::path path = rtl_dir / kRtlManifestName;
    auto require_identifier = [&](const std::string& field, const std::string& name, bool optional) {
        if (optional && name.empty())
            return;
        if (!is_identifier(name))
            throw Error(path.string(), fmt::format("invalid {}", field), name,
                        "use a Verilog identifier of letters, digits and '_'");
    };
    auto require_range = [&](const std::string& field, int value, int low, int high) {
        if (value < low || value > high)
            throw Error(path.string(), fmt::format("{} out of range", field), std::to_string(value),
                        fmt::format("use a value from {} to {}", low, high));
    };

    require_identifier("top_module", manifest.top_module, false);
    require_identifier("input_port", manifest.input_port, false);
    require_identifier("output_port", manifest.output_port, false);
    require_identifier("clock_port", manifest.clock_port, true);
    require_identifier("reset_port", manifest.reset_port, true);
    require_range("input_width", manifest.input_width, 1, kMaxBusWidth);
    require_range("output_width", manifest.output_width, 1, kMaxBusWidth);
    require_range("latency", manifest.latency, 0, kMaxLatency);
    if (manifest.latency > 0 && manifest.clock_port.empty())
        throw Error(path.string(), "latency without a clock_port", std::to_string(manifest.latency),
                    "name the clock port or set the latency to 0");

    for (const RtlLayerSignal& layer : manifest.layer_outputs) {
        require_identifier("layer_outputs signal", layer.signal, false);
        require_range(fmt::format("width of layer output '{}'", layer.signal), layer.width, 1, kMaxBusWidth);
        require_range(fmt::format("latency of layer output '{}'", layer.signal), layer.latency, 0, kMaxLatency);
    }

    if (manifest.verilog_files.empty())
        throw Error(path.string(), "no Verilog files listed", "verilog_files",
                    "regenerate the RTL directory with 'lutgen generate'");
    for (const std::string& name : manifest.verilog_files)
        check_relative_file(path, rtl_dir, "verilog_files", name);
    for (const std::string& name : manifest.data_files)
        check_relative_file(path, rtl_dir, "data_files", name);
}

std::string harness_config_header(const RtlManifest& manifest)
{
    std::string layers;
    for (const RtlLayerSignal& layer : manifest.layer_outputs)
        layers += fmt::format("{}{{\"{}\", {}, {}}}", layers.empty() ? "" : ", ", layer.signal, layer.width,
                              layer.latency);

    std::string text;
    text += fmt::format("// Generated by lutgen for the simulation harness of top module '{}'.\n",
                        manifest.top_module);
    text += "#pragma once\n";
    text += fmt::format("#define LUTGEN_TOP_CLASS {}\n", kTopClass);
    text += fmt::format("#define LUTGEN_TOP_HEADER \"{}.h\"\n", kTopClass);
    text += fmt::format("#define LUTGEN_TOP_MODULE \"{}\"\n", manifest.top_module);
    text += fmt::format("#define LUTGEN_INPUT_PORT {}\n", manifest.input_port);
    text += fmt::format("#define LUTGEN_OUTPUT_PORT {}\n", manifest.output_port);
    text += fmt::format("#define LUTGEN_INPUT_WIDTH {}\n", manifest.input_width);
    text += fmt::format("#define LUTGEN_OUTPUT_WIDTH {}\n", manifest.output_width);
    text += fmt::format("#define LUTGEN_LATENCY {}\n", manifest.latency);
    text += fmt::format("#define LUTGEN_HAS_CLOCK {}\n", manifest.clock_port.empty() ? 0 : 1);
    if (!manifest.clock_port.empty())
        text += fmt::format("#define LUTGEN_CLOCK_PORT {}\n", manifest.clock_port);
    text += fmt::format("#define LUTGEN_HAS_RESET {}\n", manifest.reset_port.empty() ? 0 : 1);
    if (!manifest.reset_port.empty())
        text += fmt::format("#define LUTGEN_RESET_PORT {}\n", manifest.reset_port);
    text += fmt::format("#define LUTGEN_RESET_ACTIVE_LEVEL {}\n", manifest.reset_active_high ? 1 : 0);
    text += fmt::format("#define LUTGEN_LAYER_SIGNALS {}\n", layers);
    return text;
}

std::string harness_verilator_config(const RtlManifest& manifest)
{
    // Marking only these signals public keeps the rest of the model optimized, unlike --public-flat-rw.
    std::string text = "`verilator_config\n";
    for (const RtlLayerSignal& layer : manifest.layer_outputs)
        text += fmt::format("public_flat_rd -module \"{}\" -var \"{}\"\n", manifest.top_module, layer.signal);
    return text;
}

std::string harness_build_key(const fs::path& rtl_dir, const RtlManifest& manifest, const fs::path& harness_dir,
                              const VerilatorTool& verilator)
{
    // Every part is preceded by its name and size, so no two different inputs hash the same text.
    Sha256 hash;
    auto add_text = [&](const std::string& label, const std::string& text) {
        hash.update(fmt::format("{} {}\n", label, text.size()));
        hash.update(text);
    };
    auto add_file = [&](const std::string& label, const fs::path& path) {
        std::error_code error;
        const std::uintmax_t size = fs::file_size(path, error);
        if (error)
            throw Error(path.string(), "cannot read the file", error.message(), "check that the file exists");
        hash.update(fmt::format("{} {}\n", label, size));
        hash.update_file(path);
    };

    add_text("format", "lutgen harness build 1");
    add_text("verilator", verilator.version);
    std::string flags;
    for (const std::string& flag : kVerilatorFlags)
        flags += flag + '\n';
    add_text("flags", flags);
    add_text("config", harness_config_header(manifest));
    add_text("vlt", harness_verilator_config(manifest));

    for (const fs::path& source : harness_sources(harness_dir))
        add_file("harness " + source.filename().string(), source);
    add_file("manifest", rtl_dir / kRtlManifestName);
    for (const std::string& name : manifest.verilog_files)
        add_file("verilog " + name, rtl_dir / name);
    for (const std::string& name : manifest.data_files)
        add_file("data " + name, rtl_dir / name);
    return hash.hex_digest();
}

HarnessBuild build_harness(const fs::path& rtl_dir, const RtlManifest& manifest, const HarnessBuildOptions& options)
{
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

    check_manifest_for_simulation(manifest, rtl_dir);
    const VerilatorTool verilator = find_verilator(options.verilator);
    const fs::path harness_dir = options.harness_dir.empty() ? find_harness_dir() : options.harness_dir;
    // Absolute, because Verilator runs in a work directory inside the cache.
    const fs::path cache_root =
        fs::absolute((options.cache_dir.empty() ? default_cache_dir() : options.cache_dir) / kCacheSubdirectory);
    const fs::path absolute_rtl_dir = fs::absolute(rtl_dir);

    HarnessBuild build;
    build.key = harness_build_key(rtl_dir, manifest, harness_dir, verilator);
    // NOTE: cache entries are never evicted. Deleting the cache directory reclaims the space.
    const fs::path entry = cache_root / build.key;
    build.executable = entry / kHarnessExecutable;
    build.build_log = entry / kBuildLog;
    if (is_executable_file(build.executable)) {
        build.cache_hit = true;
        build.seconds = elapsed();
        return build;
    }

    std::error_code error;
    TempDirectory work(cache_root, ".build-" + build.key.substr(0, 16) + "-");
    const fs::path source_dir = work.path() / "src";
    fs::create_directories(source_dir, error);
    check_filesystem(error, source_dir, "cannot create the directory");
    for (const fs::path& source : harness_sources(harness_dir)) {
        fs::copy_file(source, source_dir / source.filename(), error);
        check_filesystem(error, source_dir / source.filename(), "cannot copy the harness source");
    }
    write_text_file(source_dir / kConfigHeader, harness_config_header(manifest));
    write_text_file(source_dir / kVerilatorConfig, harness_verilator_config(manifest));

    // Verilator runs in the work directory with relative paths, so that nothing in the build
    // depends on where the cache is.
    std::vector<std::string> arguments = {verilator.executable.string()};
    arguments.insert(arguments.end(), kVerilatorFlags.begin(), kVerilatorFlags.end());
    arguments.insert(arguments.end(), {"-j", std::to_string(std::max(1, options.jobs)), "--top-module",
                                       manifest.top_module, "--Mdir", "obj",
                                       "src/" + std::string(kVerilatorConfig), "src/harness.cpp"});
    for (const std::string& name : manifest.verilog_files)
        arguments.push_back((absolute_rtl_dir / name).string());

    const fs::path work_log = work.path() / kBuildLog;
    if (options.progress)
        std::fprintf(stderr, "building the RTL simulation with Verilator (log: %s)\n", build.build_log.c_str());
    ProcessOptions process;
    process.working_directory = work.path();
    process.stdout_path = work_log;
    process.stderr_to_stdout = true;
    const int exit_code = run_process(arguments, process);

    if (exit_code != 0 || !is_executable_file(work.path() / "obj" / kHarnessExecutable)) {
        // Keep the log beside the cache entries, because the work directory is removed.
        const fs::path failed_log = cache_root / (build.key + ".failed.log");
        fs::copy_file(work_log, failed_log, fs::copy_options::overwrite_existing, error);
        throw Error(rtl_dir.string(), fmt::format("Verilator build failed ({})", describe_exit(exit_code)),
                    first_error_lines(failed_log), fmt::format("see the full log in {}", failed_log.string()));
    }

    // Keep the program, the log and the generated sources, and drop the objects.
    fs::rename(work.path() / "obj" / kHarnessExecutable, work.path() / kHarnessExecutable, error);
    check_filesystem(error, work.path() / kHarnessExecutable, "cannot move the harness program");
    fs::remove_all(work.path() / "obj", error);
    check_filesystem(error, work.path() / "obj", "cannot remove the build objects");

    // The rename fails when the entry exists. When another process renamed its build of the same
    // key first, that build is used. An entry without the program is an interrupted build and is
    // replaced.
    fs::rename(work.path(), entry, error);
    if (error && !is_executable_file(build.executable)) {
        fs::remove_all(entry, error);
        fs::rename(work.path(), entry, error);
    }
    if (error && !is_executable_file(build.executable))
        throw Error(entry.string(), "cannot move the build into the cache", error.message(),
                    "check the permissions of the cache directory");
    if (!error)
        work.release();

    build.seconds = elapsed();
    return build;
}

} // namespace lutgen
