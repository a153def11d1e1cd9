#include "base/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace lutgen {

namespace {

std::string format_message(const std::string& subject, const std::string& what_failed,
                           const std::string& value, const std::string& hint)
{
    std::string message = subject.empty() ? what_failed : fmt::format("{}: {}", subject, what_failed);
    if (!value.empty())
        message += fmt::format(": '{}'", value);
    if (!hint.empty())
        message += fmt::format("; {}", hint);
    return message;
}

} // namespace

Error::Error(std::string subject, std::string what_failed, std::string value, std::string hint)
    : std::runtime_error(format_message(subject, what_failed, value, hint)),
      subject_(std::move(subject)),
      what_failed_(std::move(what_failed)),
      value_(std::move(value)),
      hint_(std::move(hint))
{
}

void fail_invariant(const char* condition, const char* file, int line)
{
    std::fprintf(stderr, "internal error: %s:%d: assertion failed: %s; please report this as a bug\n",
                 file, line, condition);
    std::abort();
}

} // namespace lutgen
