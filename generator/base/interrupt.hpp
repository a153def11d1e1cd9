// Removal of temporary outputs when lutgen is interrupted (SIGINT, SIGTERM, SIGHUP), so an
// interrupted run leaves nothing behind, as a failed one does.
#pragma once

#include <filesystem>

namespace lutgen {

// Blocks the interrupt signals and starts a thread that waits for them. On a signal it removes
// every registered path and ends the process with 128 + the signal number. Call it first in
// main(), before any other thread starts, so every thread inherits the blocked mask.
void install_interrupt_cleanup();

// Paths to remove (recursively) on an interrupt; AtomicDirectory, AtomicFile and the Verilator
// build directories register theirs while they exist.
void register_temporary(const std::filesystem::path& path);
void unregister_temporary(const std::filesystem::path& path);

// Unblocks every signal in a child process between fork and exec (async-signal-safe), so
// programs lutgen starts can be interrupted as usual.
void unblock_signals_in_child();

} // namespace lutgen
