// Fuzz target: the LogicNets input dump and label readers. The first two bytes choose the
// feature count (1 to 64) and the bit width (1 to 16); the rest is the dump text. The label
// reader gets the same text, expecting as many labels as the dump had samples.
#include "base/error.hpp"
#include "dataset/code_dump.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const int feature_count = 1 + data[0] % 64;
    const int bits = 1 + data[1] % 16;
    const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);

    size_t sample_count = 0;
    try {
        std::istringstream dump(text);
        sample_count = lutgen::read_code_dump(dump, "fuzz_input.txt", feature_count, bits).sample_count;
    } catch (const lutgen::Error&) {
    }

    try {
        std::istringstream labels(text);
        lutgen::read_labels(labels, "fuzz_output.txt", sample_count, 1 + data[0] % 32);
    } catch (const lutgen::Error&) {
    }
    return 0;
}
