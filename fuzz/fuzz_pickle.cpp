// Fuzz target: the restricted unpickler alone, reading pickles back to back as the legacy
// container does, then checking the storages they refer to.
#include "base/error.hpp"
#include "checkpoint/pickle_reader.hpp"
#include "checkpoint/tensor_storage.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    lutgen::PickleObjects objects;
    size_t offset = 0;
    try {
        while (offset < size)
            lutgen::read_pickle(data, size, offset, objects, "fuzz.pkl", "");
        lutgen::root_storages(objects, "fuzz.pkl");
    } catch (const lutgen::Error&) {
    }
    return 0;
}
