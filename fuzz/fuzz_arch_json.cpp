// Fuzz target: the architecture JSON reader (LogicNets' config keys and quantizer overrides).
#include "arch/architecture.hpp"
#include "base/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        lutgen::architecture_from_json(text, "fuzz.json");
    } catch (const lutgen::Error&) {
    }
    return 0;
}
