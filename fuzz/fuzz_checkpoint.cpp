// Fuzz target: a whole checkpoint file (zip or legacy container) through the safe reader.
#include "base/error.hpp"
#include "checkpoint/state_dict.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        lutgen::read_checkpoint_from_memory(data, size, "fuzz.pth");
    } catch (const lutgen::Error&) {
        // A clear rejection is the expected outcome for almost every input.
    }
    return 0;
}
