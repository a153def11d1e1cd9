// The one error type of the library. The command line tool catches it once and prints
// "error: <subject>: <what failed>: '<value>'; <what to do>".
#pragma once

#include <stdexcept>
#include <string>

namespace lutgen {

class Error : public std::runtime_error {
public:
    // subject is the file or object that failed (a path, "layer 2 neuron 7", an option name).
    Error(std::string subject, std::string what_failed, std::string value, std::string hint);

    const std::string& subject() const { return subject_; }
    const std::string& what_failed() const { return what_failed_; }
    const std::string& value() const { return value_; }
    const std::string& hint() const { return hint_; }

private:
    std::string subject_;
    std::string what_failed_;
    std::string value_;
    std::string hint_;
};

// Exit codes of the command line tool: 0 success, 1 a check failed (such as an RTL mismatch),
// 2 bad input or usage.
enum ExitCode : int { kExitSuccess = 0, kExitCheckFailed = 1, kExitBadInput = 2 };

// Internal invariant failures are programming errors, reported with file and line.
[[noreturn]] void fail_invariant(const char* condition, const char* file, int line);

} // namespace lutgen

#define LUTGEN_ASSERT(condition) \
    ((condition) ? (void)0 : ::lutgen::fail_invariant(#condition, __FILE__, __LINE__))
