// Runs the real lutgen executable (or another program) and captures what it printed.
#pragma once

#include "test_support.hpp"

#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace lutgen::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string shell_quote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

inline CommandResult run_program(const std::string& program, const std::vector<std::string>& arguments)
{
    static int counter = 0;
    const std::filesystem::path base = std::filesystem::temp_directory_path() /
                                       ("lutgen-test-output-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter++));
    std::string command = shell_quote(program);
    for (const std::string& argument : arguments)
        command += " " + shell_quote(argument);
    command += " > " + shell_quote(base.string() + ".out") + " 2> " + shell_quote(base.string() + ".err") +
               " < /dev/null";

    CommandResult result;
    const int status = std::system(command.c_str());
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_text(base.string() + ".out");
    result.err = read_text(base.string() + ".err");
    std::filesystem::remove(base.string() + ".out");
    std::filesystem::remove(base.string() + ".err");
    return result;
}

inline CommandResult run_lutgen(const std::vector<std::string>& arguments)
{
    return run_program(LUTGEN_BINARY, arguments);
}

} // namespace lutgen::test
