// Runs the real lutgen executable on every case of tests/bad_inputs/cases.json. Each case must
// exit with code 2 within a second and print exactly the expected one-line error, in the form
// "error: <file>: <what failed>: '<value>'; <what to do>". It must leave nothing in the output
// directory, not even a temporary file.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

namespace lutgen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCorpus = test::source_dir() / "tests" / "bad_inputs";

struct Paths {
    fs::path work;   // setup outputs, such as a valid model the case reads
    fs::path output; // where the case writes, which must stay empty
};

// Replaces {corpus}, {data}, {work} and {output} in text.
std::string expand(std::string text, const Paths& paths)
{
    const std::vector<std::pair<std::string, std::string>> names = {
        {"{corpus}", kCorpus.string()},
        {"{data}", test::data_dir().string()},
        {"{work}", paths.work.string()},
        {"{output}", paths.output.string()},
    };
    for (const auto& [name, value] : names)
        for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size()))
            text.replace(at, name.size(), value);
    return text;
}

std::vector<std::string> expand_arguments(const json& arguments, const Paths& paths)
{
    std::vector<std::string> result;
    for (const json& argument : arguments)
        result.push_back(expand(argument.get<std::string>(), paths));
    return result;
}

struct CaseRun {
    int exit_code = -1;
    bool signaled = false;
    double seconds = 0.0;
    std::string err;
};

// Runs lutgen through the shell with `environment` (NAME=value words) in front.
CaseRun run_case(const std::vector<std::string>& arguments, const std::string& environment, const Paths& paths)
{
    const fs::path err_file = paths.work / "stderr.txt";
    std::string command = environment + " " + test::shell_quote(LUTGEN_BINARY);
    for (const std::string& argument : arguments)
        command += " " + test::shell_quote(argument);
    command += " > /dev/null 2> " + test::shell_quote(err_file.string()) + " < /dev/null";

    CaseRun run;
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // The shell reports a child killed by a signal as exit code 128 + signal.
    run.signaled = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 128);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = test::read_text(err_file);
    fs::remove(err_file);
    return run;
}

std::string last_line(const std::string& text)
{
    std::string trimmed = text;
    while (!trimmed.empty() && trimmed.back() == '\n')
        trimmed.pop_back();
    const size_t newline = trimmed.rfind('\n');
    return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

json load_cases()
{
    return json::parse(test::read_text(kCorpus / "cases.json")).at("cases");
}

class BadInputCorpus : public testing::TestWithParam<std::string> {};

TEST_P(BadInputCorpus, FailsCleanly)
{
    json entry;
    for (const json& candidate : load_cases())
        if (candidate.at("name") == GetParam())
            entry = candidate;
    ASSERT_FALSE(entry.is_null());

    test::ScratchDirectory scratch("bad-input-" + GetParam());
    Paths paths{scratch.path() / "work", scratch.path() / "output"};
    fs::create_directories(paths.work);
    fs::create_directories(paths.output);

    const json setup_steps = entry.value("setup", json::array());
    for (const json& step : setup_steps) {
        const test::CommandResult setup = test::run_lutgen(expand_arguments(step, paths));
        ASSERT_EQ(setup.exit_code, 0) << "setup step failed: " << setup.err;
    }

    std::string environment;
    const json variables = entry.value("environment", json::object());
    for (const auto& [name, value] : variables.items())
        environment += name + "=" + test::shell_quote(expand(value.get<std::string>(), paths)) + " ";

    const CaseRun run = run_case(expand_arguments(entry.at("arguments"), paths), environment, paths);
    const std::string line = last_line(run.err);

    EXPECT_FALSE(run.signaled) << run.err;
    EXPECT_EQ(run.exit_code, entry.value("exit_code", 2)) << run.err;
    EXPECT_LT(run.seconds, 1.0);
    EXPECT_EQ(run.err.find("Sanitizer"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("runtime error:"), std::string::npos) << run.err;

    // A case may name a known deviation from the form in "form_exception", with the reason.
    static const std::regex kForm("error: [^:]+(:[0-9]+)*: .+: '.*'; .+");
    if (!entry.contains("form_exception"))
        EXPECT_TRUE(std::regex_match(line, kForm)) << line;
    // "message_regex" stands in for "message" where the exact line names a random temporary path.
    if (entry.contains("message_regex"))
        EXPECT_TRUE(std::regex_match(line, std::regex(entry.at("message_regex").get<std::string>()))) << line;
    else
        EXPECT_EQ(line, expand(entry.at("message").get<std::string>(), paths));

    std::vector<std::string> left_behind;
    for (const fs::directory_entry& file : fs::recursive_directory_iterator(paths.output))
        left_behind.push_back(file.path().string());
    EXPECT_TRUE(left_behind.empty()) << "left behind: " << testing::PrintToString(left_behind);
}

std::vector<std::string> case_names()
{
    std::vector<std::string> names;
    for (const json& entry : load_cases())
        names.push_back(entry.at("name").get<std::string>());
    return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInputCorpus, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(BadInputCorpus, EveryFileHasACase)
{
    const std::string manifest = test::read_text(kCorpus / "cases.json");
    for (const fs::directory_entry& file : fs::directory_iterator(kCorpus)) {
        const std::string name = file.path().filename().string();
        if (name == "cases.json" || name == "make_bad_inputs.py" || name == "README.md" || file.is_directory())
            continue;
        EXPECT_NE(manifest.find("{corpus}/" + name), std::string::npos) << name << " is used by no case";
    }
}

} // namespace
} // namespace lutgen
