// Fuzz target: the model JSON reader, including its validation of sizes, ranges and finiteness.
#include "base/error.hpp"
#include "model/model_json.hpp"


#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        lutgen::model_from_json(text, "fuzz.json");
    } catch (const lutgen::Error&) {
    }
    return 0;
}
