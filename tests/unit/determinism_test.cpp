// Same input, same bytes. Every fixture model goes through import, tables, generate (both
// dialects) and simulate twice: once with one thread and once with two, from different working
// directories, with relative output paths. The two output directories must be identical.
#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace lutgen {
namespace {

namespace fs = std::filesystem;
using test::data_dir;
using test::shell_quote;

struct Fixture {
    std::string name;
    fs::path checkpoint;
    std::string arch; // preset name or JSON path
    fs::path inputs;
    std::vector<std::string> import_options = {}; // for the PolyLUT and NeuraLUT formats
};

std::vector<Fixture> fixtures()
{
    std::vector<Fixture> list = {
        {"jsc_s_digits", data_dir() / "jsc_s_digits" / "best_accuracy.pth", "jsc-s",
         data_dir() / "jsc_s_digits" / "test_input.txt"},
        {"iiot_cybernid", data_dir() / "iiot_cybernid" / "best_accuracy.pth",
         (data_dir() / "iiot_cybernid" / "arch.json").string(), data_dir() / "iiot_cybernid" / "random_input.txt"},
    };
    const fs::path polylut = data_dir() / "polylut_digits";
    list.push_back({"polylut_digits", polylut / "best_accuracy.pth", (polylut / "arch.json").string(),
                    polylut / "test_input.txt",
                    {"--format", "polylut", "--connectivity", (polylut / "connectivity.json").string()}});
    const fs::path neuralut = data_dir() / "neuralut_digits";
    list.push_back({"neuralut_digits", neuralut / "best_accuracy.pth", (neuralut / "arch.json").string(),
                    neuralut / "test_input.txt", {"--format", "neuralut"}});
    for (const char* zoo : {"key15", "mixed437", "onelayer", "w3", "wide64"}) {
        const fs::path directory = data_dir() / "zoo" / zoo;
        list.push_back({std::string("zoo_") + zoo, directory / "model_zip.pth", (directory / "arch.json").string(),
                        directory / "inputs.txt"});
    }
    return list;
}

// Runs lutgen with `arguments` in `working_directory`, stores its standard error in `log` and
// returns its exit code.
int run_in(const fs::path& working_directory, const std::vector<std::string>& arguments, std::string& log)
{
    const fs::path log_file = working_directory / "lutgen.log";
    std::string command = "cd " + shell_quote(working_directory.string()) + " && " + shell_quote(LUTGEN_BINARY) + " -q";
    for (const std::string& argument : arguments)
        command += " " + shell_quote(argument);
    command += " > /dev/null 2> " + shell_quote(log_file.string()) + " < /dev/null";
    const int status = std::system(command.c_str());
    log = test::read_text(log_file);
    fs::remove(log_file);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Writes every output of the flow for `fixture` into `working_directory`/out, naming the
// outputs by relative paths so that the working directory matters.
void run_flow(const Fixture& fixture, const fs::path& working_directory, const std::string& threads)
{
    fs::create_directories(working_directory / "out");
    std::vector<std::string> import = {"import", fixture.checkpoint.string(), "--arch", fixture.arch, "-o",
                                       "out/model.json"};
    import.insert(import.end(), fixture.import_options.begin(), fixture.import_options.end());
    const std::vector<std::vector<std::string>> steps = {
        import,
        {"tables", "out/model.json", "-o", "out/tables.json", "--threads", threads},
        {"generate", "out/model.json", "-o", "out/rtl_lutgen", "--threads", threads},
        {"generate", "out/model.json", "-o", "out/rtl_logicnets", "--dialect", "logicnets", "--threads", threads},
        {"simulate", "out/model.json", "--inputs", fixture.inputs.string(), "-o", "out/codes.txt", "--threads",
         threads},
    };
    for (const std::vector<std::string>& step : steps) {
        std::string log;
        ASSERT_EQ(run_in(working_directory, step, log), 0) << fixture.name << " " << step[0] << ": " << log;
    }
}

// Maps every file under `root` (relative path) to its bytes.
std::map<std::string, std::string> snapshot(const fs::path& root)
{
    std::map<std::string, std::string> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), root).string()] = test::read_text(entry.path());
    return files;
}

TEST(Determinism, FixturesIdenticalAcrossThreadsAndDirectories)
{
    test::ScratchDirectory scratch("determinism");
    for (const Fixture& fixture : fixtures()) {
        SCOPED_TRACE(fixture.name);
        const fs::path first = scratch.path() / fixture.name / "first";
        const fs::path second = scratch.path() / fixture.name / "second" / "nested";
        run_flow(fixture, first, "1");
        run_flow(fixture, second, "2");
        if (HasFatalFailure())
            return;

        const std::map<std::string, std::string> a = snapshot(first / "out");
        const std::map<std::string, std::string> b = snapshot(second / "out");
        ASSERT_GT(a.size(), 5u);
        ASSERT_EQ(a.size(), b.size());
        for (const auto& [name, bytes] : a) {
            auto other = b.find(name);
            ASSERT_NE(other, b.end()) << name << " is missing from the second run";
            EXPECT_TRUE(bytes == other->second) << name << " differs between --threads 1 and --threads 2";
        }

        // Nothing may depend on where lutgen ran: the working directories must not appear in any output.
        for (const auto& [name, bytes] : a)
            EXPECT_EQ(bytes.find(first.string()), std::string::npos) << name << " contains its working directory";
        fs::remove_all(scratch.path() / fixture.name);
    }
}

} // namespace
} // namespace lutgen
