#include "base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lutgen {

int resolve_thread_count(int requested)
{
    if (requested > 0)
        return requested;
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : static_cast<int>(cores);
}

void parallel_for(size_t count, int threads, const std::function<void(size_t)>& body)
{
    const size_t thread_count = std::min(static_cast<size_t>(resolve_thread_count(threads)), count);
    if (thread_count <= 1) {
        for (size_t i = 0; i < count; ++i)
            body(i);
        return;
    }

    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;

    auto worker = [&]() {
        for (size_t i = next++; i < count && !failed; i = next++) {
            try {
                body(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!first_error)
                    first_error = std::current_exception();
                failed = true;
            }
        }
    };

    std::vector<std::thread> pool;
    for (size_t t = 1; t < thread_count; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& thread : pool)
        thread.join();
    if (first_error)
        std::rethrow_exception(first_error);
}

} // namespace lutgen
