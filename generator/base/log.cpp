#include "base/log.hpp"

#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace lutgen {

namespace {

LogLevel g_level = LogLevel::Normal;
std::mutex g_mutex;
std::chrono::steady_clock::time_point g_last_progress;
bool g_progress_visible = false;

} // namespace

void set_log_level(LogLevel level)
{
    g_level = level;
}

LogLevel log_level()
{
    return g_level;
}

bool stderr_is_terminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

void log_line(const char* prefix, const std::string& message)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_progress_visible) {
        std::fputs("\r\033[K", stderr);
        g_progress_visible = false;
    }
    std::fprintf(stderr, "%s%s\n", prefix, message.c_str());
}

void log_progress(const char* label, size_t done, size_t total)
{
    if (g_level == LogLevel::Quiet || !stderr_is_terminal())
        return;
    std::lock_guard<std::mutex> lock(g_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - g_last_progress < std::chrono::milliseconds(200))
        return;
    g_last_progress = now;
    std::fprintf(stderr, "\r\033[K%s %zu/%zu", label, done, total);
    std::fflush(stderr);
    g_progress_visible = true;
}

void log_progress_done()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_progress_visible) {
        std::fputs("\r\033[K", stderr);
        g_progress_visible = false;
    }
}

StageTimer::StageTimer(std::string stage) : stage_(std::move(stage)), start_(std::chrono::steady_clock::now()) {}

double StageTimer::seconds() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void StageTimer::done(const std::string& summary)
{
    log_info("{}: {} ({:.3f} s)", stage_, summary, seconds());
}

} // namespace lutgen
