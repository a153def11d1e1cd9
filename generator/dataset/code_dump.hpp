// LogicNets' dumped datasets: one binary string per sample (input codes) and one label per line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace lutgen {

// Input codes as bit patterns, sample-major: patterns[sample * feature_count + feature].
struct CodeDataset {
    int feature_count = 0;
    int bits = 0;
    size_t sample_count = 0;
    std::vector<uint16_t> patterns;

    const uint16_t* sample(size_t index) const { return patterns.data() + index * feature_count; }
};

// Reads a dump whose lines are feature_count * bits characters of '0' and '1'. Feature i occupies
// bits [i*bits+bits-1 : i*bits] of the number the line spells (feature 0 is rightmost), each field
// most significant bit first. Blank trailing lines and '\r' are accepted; anything else is an error
// naming the file, line and character.
CodeDataset read_code_dump(const std::filesystem::path& path, int feature_count, int bits);
// Same for text already open; source names it in error messages.
CodeDataset read_code_dump(std::istream& in, const std::string& source, int feature_count, int bits);

// Reads one integer class label per line. Throws lutgen::Error if the count differs from
// `expected_count` or a label is outside [0, class_count).
std::vector<int> read_labels(const std::filesystem::path& path, size_t expected_count, int class_count);
std::vector<int> read_labels(std::istream& in, const std::string& source, size_t expected_count, int class_count);

// Writes `count` patterns of `bits` bits as a bus string in the dump layout (element 0 rightmost).
void append_bus_string(std::string& out, const uint16_t* patterns, int count, int bits);

// Parses a bus string (the layout above) back into patterns. Returns false on a bad character.
bool parse_bus_string(const char* text, size_t length, int count, int bits, uint16_t* patterns);

} // namespace lutgen
