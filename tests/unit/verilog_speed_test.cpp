// Emission time for a synthetic network shaped like JSC-L (2.2 M truth-table entries). The time
// is printed, not asserted, because it depends on the machine and its load.
#include "verilog/verilog_writer.hpp"
#include "verilog_synthetic_tables.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <utility>
#include <sys/resource.h>
#include <unistd.h>

namespace lutgen {
namespace {

// Returns the process's user and system CPU time in seconds.
std::pair<double, double> cpu_seconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& time) { return time.tv_sec + time.tv_usec / 1e6; };
    return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

TEST(VerilogSpeed, JscLShapedNetwork)
{
    // JSC-L has 16 4-bit signed inputs, layers of 32, 64, 192, 192 and 16 neurons with 3-bit
    // unsigned codes, and 5 outputs of 7 bits. Fan-in is 3 in the first layer, 4 in the hidden
    // layers and 5 in the last.
    const CodeFormat hidden{CodeKind::Unsigned, 3};
    const TruthTables tables = testing::make_synthetic_tables(16, {CodeKind::Signed, 4},
                                                              {{32, 3, hidden},
                                                               {64, 4, hidden},
                                                               {192, 4, hidden},
                                                               {192, 4, hidden},
                                                               {16, 4, hidden},
                                                               {5, 5, {CodeKind::Signed, 7}}},
                                                              7);
    ASSERT_EQ(tables.entry_count(), 2195456u);

    const std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("lutgen_verilog_speed_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);

    struct Run {
        const char* name;
        RtlDialect dialect;
        NeuronStyle style;
    };
    for (const Run& run : {Run{"lutgen memh", RtlDialect::Lutgen, NeuronStyle::Memh},
                           Run{"lutgen case", RtlDialect::Lutgen, NeuronStyle::Case},
                           Run{"logicnets", RtlDialect::LogicNets, NeuronStyle::Case}}) {
        const std::filesystem::path directory = root / run.name;
        std::filesystem::create_directories(directory);
        VerilogOptions options;
        options.dialect = run.dialect;
        options.style = run.style;

        const auto start = std::chrono::steady_clock::now();
        const auto [user_start, system_start] = cpu_seconds();
        const RtlManifest manifest = write_verilog(tables, options, directory);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const auto [user_end, system_end] = cpu_seconds();

        uintmax_t bytes = 0;
        for (const auto& entry : std::filesystem::directory_iterator(directory))
            bytes += entry.file_size();
        // The system time is mostly the file system creating files and copying pages.
        std::printf("[ timing   ] %s: %.3f s (user %.3f s, system %.3f s) for %llu entries, %.1f MB in %zu files\n",
                    run.name, seconds, user_end - user_start, system_end - system_start,
                    static_cast<unsigned long long>(tables.entry_count()), bytes / 1e6,
                    static_cast<size_t>(std::distance(std::filesystem::directory_iterator(directory),
                                                      std::filesystem::directory_iterator())));
        EXPECT_FALSE(manifest.verilog_files.empty());
    }
    std::filesystem::remove_all(root);
}

} // namespace
} // namespace lutgen
