// Running an external program (Verilator, the simulation harness) without a shell.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct ProcessOptions {
    std::filesystem::path working_directory; // empty: the current directory
    std::filesystem::path stdout_path;       // empty: inherit stdout
    bool stdout_to_stderr = false;           // with an empty stdout_path: send stdout to our stderr
    std::filesystem::path stderr_path;       // empty: inherit stderr
    bool stderr_to_stdout = false;           // with an empty stderr_path: merge stderr into stdout
};

// Runs `arguments[0]` (a path, not looked up on PATH) with the remaining arguments and waits for
// it. Returns the exit code, or minus the signal number when a signal ended the program.
// Throws lutgen::Error when the program cannot be started.
int run_process(const std::vector<std::string>& arguments, const ProcessOptions& options);

// Returns the executable file `name` in the PATH directories, or an empty path.
std::filesystem::path find_on_path(const std::string& name);

// Describes an exit code of run_process: "exit code 2" or "signal 11".
std::string describe_exit(int exit_code);

} // namespace lutgen
