// Logging to stderr with fixed prefixes, like nextpnr's: "Info:", "Warning:". Progress lines are
// drawn only on a terminal, so piped output stays quiet and comparable.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <string>

namespace lutgen {

enum class LogLevel { Quiet, Normal, Verbose };

void set_log_level(LogLevel level);
LogLevel log_level();
bool stderr_is_terminal();

void log_line(const char* prefix, const std::string& message);

template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args)
{
    if (log_level() != LogLevel::Quiet)
        log_line("Info: ", fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_warning(fmt::format_string<Args...> format, Args&&... args)
{
    log_line("Warning: ", fmt::format(format, std::forward<Args>(args)...));
}

// Draws "<label> <done>/<total>" in place on a terminal, at most a few times per second.
void log_progress(const char* label, size_t done, size_t total);
void log_progress_done();

// Measures the wall time of one stage and logs it when the stage ends.
class StageTimer {
public:
    explicit StageTimer(std::string stage);
    double seconds() const;
    void done(const std::string& summary);

private:
    std::string stage_;
    std::chrono::steady_clock::time_point start_;
};

} // namespace lutgen
