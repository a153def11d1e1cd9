#include "base/interrupt.hpp"

#include <csignal>
#include <cstdio>
#include <mutex>
#include <pthread.h>
#include <set>
#include <thread>
#include <unistd.h>

namespace lutgen {

namespace {

std::mutex g_mutex;
std::set<std::filesystem::path> g_temporaries;

sigset_t interrupt_signals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    return signals;
}

} // namespace

void install_interrupt_cleanup()
{
    const sigset_t signals = interrupt_signals();
    if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0)
        return;

    std::thread([signals] {
        int signal_number = 0;
        if (sigwait(&signals, &signal_number) != 0)
            return;

        // The lock stays held, so no other thread starts or finishes an output from here on.
        g_mutex.lock();
        for (const std::filesystem::path& path : g_temporaries) {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
        std::fprintf(stderr, "\nerror: interrupted by signal %d; temporary outputs removed\n", signal_number);
        std::_Exit(128 + signal_number);
    }).detach();
}

void register_temporary(const std::filesystem::path& path)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_temporaries.insert(path);
}

void unregister_temporary(const std::filesystem::path& path)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_temporaries.erase(path);
}

void unblock_signals_in_child()
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

} // namespace lutgen
