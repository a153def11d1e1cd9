#include "dataset/code_dump.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

namespace lutgen {

namespace {

std::string printable(char c)
{
    if (c >= 0x20 && c < 0x7f)
        return std::string(1, c);
    return fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
}

bool is_blank(const std::string& line)
{
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

} // namespace

void append_bus_string(std::string& out, const uint16_t* patterns, int count, int bits)
{
    for (int i = count - 1; i >= 0; --i)
        for (int b = bits - 1; b >= 0; --b)
            out.push_back(((patterns[i] >> b) & 1u) ? '1' : '0');
}

bool parse_bus_string(const char* text, size_t length, int count, int bits, uint16_t* patterns)
{
    if (length != static_cast<size_t>(count) * bits)
        return false;
    for (int i = 0; i < count; ++i) {
        // Element i is the (count-1-i)-th field from the left.
        const char* field = text + static_cast<size_t>(count - 1 - i) * bits;
        uint16_t pattern = 0;
        for (int b = 0; b < bits; ++b) {
            const char c = field[b];
            if (c != '0' && c != '1')
                return false;
            pattern = static_cast<uint16_t>((pattern << 1) | (c == '1'));
        }
        patterns[i] = pattern;
    }
    return true;
}

CodeDataset read_code_dump(const std::filesystem::path& path, int feature_count, int bits)
{
    const std::string source = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(source, "cannot open the input dump", source, "check the path");
    return read_code_dump(in, source, feature_count, bits);
}

CodeDataset read_code_dump(std::istream& in, const std::string& source, int feature_count, int bits)
{
    CodeDataset dataset;
    dataset.feature_count = feature_count;
    dataset.bits = bits;
    const size_t width = static_cast<size_t>(feature_count) * bits;

    std::string line;
    size_t line_number = 0;
    size_t blank_run_start = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (is_blank(line)) {
            if (blank_run_start == 0)
                blank_run_start = line_number;
            continue;
        }
        if (blank_run_start != 0)
            throw Error(fmt::format("{}:{}", source, blank_run_start), "blank line inside the input dump", fmt::format("line {}", blank_run_start),
                        "remove blank lines between samples");

        if (line.size() != width)
            throw Error(fmt::format("{}:{}", source, line_number),
                        fmt::format("line has {} characters but the model needs {} ({} features x {} bits)",
                                    line.size(), width, feature_count, bits),
                        line.size() > 80 ? line.substr(0, 77) + "..." : line,
                        "dump the dataset for this model, or pass the matching model");

        const size_t first = dataset.patterns.size();
        dataset.patterns.resize(first + feature_count);
        if (!parse_bus_string(line.data(), line.size(), feature_count, bits, dataset.patterns.data() + first)) {
            const size_t column = line.find_first_not_of("01");
            throw Error(fmt::format("{}:{}:{}", source, line_number, column + 1),
                        "input dump lines may contain only '0' and '1'", printable(line[column]),
                        "check that this is a LogicNets input dump (*_input.txt)");
        }
        ++dataset.sample_count;
    }
    if (in.bad())
        throw Error(source, "read error", std::strerror(errno), "check the file");
    if (dataset.sample_count == 0)
        throw Error(source, "the input dump has no samples", "0 lines", "pass a non-empty *_input.txt");
    return dataset;
}

std::vector<int> read_labels(const std::filesystem::path& path, size_t expected_count, int class_count)
{
    const std::string source = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(source, "cannot open the label file", source, "check the path");
    return read_labels(in, source, expected_count, class_count);
}

std::vector<int> read_labels(std::istream& in, const std::string& source, size_t expected_count, int class_count)
{
    std::vector<int> labels;
    std::string line;
    size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (is_blank(line))
            continue;

        const size_t start = line.find_first_not_of(" \t");
        const size_t end = line.find_last_not_of(" \t") + 1;
        int label = 0;
        const auto result = std::from_chars(line.data() + start, line.data() + end, label);
        if (result.ec != std::errc() || result.ptr != line.data() + end)
            throw Error(fmt::format("{}:{}", source, line_number), "label is not an integer", line,
                        "write one integer class label per line (*_output.txt)");
        if (label < 0 || label >= class_count)
            throw Error(fmt::format("{}:{}", source, line_number),
                        fmt::format("class label outside [0, {}) for a model with {} outputs", class_count, class_count),
                        line, "pass the label file of this dataset and model");
        labels.push_back(label);
    }
    if (labels.size() != expected_count)
        throw Error(source,
                    fmt::format("the label file has {} labels but the input dump has {} samples", labels.size(),
                                expected_count),
                    std::to_string(labels.size()), "pass the label file that belongs to the input dump");
    return labels;
}

} // namespace lutgen
