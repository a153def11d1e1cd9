// A minimal parallel loop. Items are claimed one at a time from a shared counter, so the work
// balances itself. Each item's result goes to a slot the caller owns, so the output does not
// depend on the thread count.
#pragma once

#include <cstddef>
#include <functional>

namespace lutgen {

// The number of threads to use for `requested` (0 = one per core).
int resolve_thread_count(int requested);

// Calls body(i) for every i in [0, count) on up to `threads` threads. The first exception thrown
// by a body is rethrown on the calling thread after all threads stop.
void parallel_for(size_t count, int threads, const std::function<void(size_t)>& body);

} // namespace lutgen
