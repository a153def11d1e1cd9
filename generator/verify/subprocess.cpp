#include "verify/subprocess.hpp"

#include "base/interrupt.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lutgen {

namespace {

// Only async-signal-safe calls may run between fork and exec, so the child reports a failure by
// writing errno into a close-on-exec pipe and calling _exit.
[[noreturn]] void fail_in_child(int report_fd)
{
    const int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof(error));
    (void)ignored;
    _exit(127);
}

void redirect_in_child(const char* path, int target_fd, int report_fd)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, target_fd) < 0)
        fail_in_child(report_fd);
    close(fd);
}

} // namespace

int run_process(const std::vector<std::string>& arguments, const ProcessOptions& options)
{
    LUTGEN_ASSERT(!arguments.empty());

    // Everything the child needs is prepared before fork.
    std::vector<char*> argv;
    for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    const std::string working_directory = options.working_directory.string();
    const std::string stdout_path = options.stdout_path.string();
    const std::string stderr_path = options.stderr_path.string();

    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0)
        throw Error(arguments[0], "cannot start the program", std::strerror(errno), "check the system limits");

    const pid_t pid = fork();
    if (pid < 0) {
        const int error = errno;
        close(report_pipe[0]);
        close(report_pipe[1]);
        throw Error(arguments[0], "cannot start the program", std::strerror(error), "check the system limits");
    }

    if (pid == 0) {
        unblock_signals_in_child();
        close(report_pipe[0]);
        if (!working_directory.empty() && chdir(working_directory.c_str()) != 0)
            fail_in_child(report_pipe[1]);
        if (!stdout_path.empty())
            redirect_in_child(stdout_path.c_str(), STDOUT_FILENO, report_pipe[1]);
        else if (options.stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
            fail_in_child(report_pipe[1]);
        if (!stderr_path.empty())
            redirect_in_child(stderr_path.c_str(), STDERR_FILENO, report_pipe[1]);
        else if (options.stderr_to_stdout && dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
            fail_in_child(report_pipe[1]);
        execv(argv[0], argv.data());
        fail_in_child(report_pipe[1]);
    }

    close(report_pipe[1]);
    int child_error = 0;
    ssize_t report_size;
    do {
        report_size = read(report_pipe[0], &child_error, sizeof(child_error));
    } while (report_size < 0 && errno == EINTR);
    close(report_pipe[0]);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw Error(arguments[0], "cannot wait for the program", std::strerror(errno), "retry the command");
    }

    if (report_size == static_cast<ssize_t>(sizeof(child_error)))
        throw Error(arguments[0], "cannot start the program", std::strerror(child_error),
                    "check that the program and the directories it uses exist");
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return WEXITSTATUS(status);
}

std::filesystem::path find_on_path(const std::string& name)
{
    const char* path_variable = std::getenv("PATH");
    if (!path_variable || name.empty())
        return {};

    const std::string directories = path_variable;
    std::size_t begin = 0;
    while (begin <= directories.size()) {
        std::size_t end = directories.find(':', begin);
        if (end == std::string::npos)
            end = directories.size();

        // An empty PATH entry means the current directory.
        const std::string directory = directories.substr(begin, end - begin);
        const std::filesystem::path candidate = std::filesystem::path(directory.empty() ? "." : directory) / name;
        struct stat info;
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0)
            return candidate;
        begin = end + 1;
    }
    return {};
}

std::string describe_exit(int exit_code)
{
    if (exit_code < 0)
        return "signal " + std::to_string(-exit_code);
    return "exit code " + std::to_string(exit_code);
}

} // namespace lutgen
