#include "quantize/features_csv.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

namespace lutgen {

namespace {

std::vector<std::string> split_fields(const std::string& line)
{
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos)
            return fields;
        start = comma + 1;
    }
}

std::string trim(const std::string& text)
{
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    std::string trimmed = text.substr(begin, end - begin);
    // Header names may be quoted, as spreadsheet programs write them.
    if (trimmed.size() >= 2 && trimmed.front() == '"' && trimmed.back() == '"')
        trimmed = trimmed.substr(1, trimmed.size() - 2);
    return trimmed;
}

bool parse_number(const std::string& text, double& value)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    // Overflow to infinity is accepted (it saturates like any large value); underflow rounds to 0.
    return end == text.c_str() + text.size() && !std::isnan(value);
}

} // namespace

FeatureTable read_features_csv(const std::filesystem::path& path, const FeatureCsvOptions& options)
{
    const std::string file = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(file, "features file not found", file, "check the path");

    std::string line;
    if (!std::getline(in, line))
        throw Error(file, "features file is empty", file, "pass a CSV with a header row and one row per sample");
    if (!line.empty() && line.back() == '\r')
        line.pop_back();

    // Header: find the label column and check the feature columns against the model.
    const std::vector<std::string> header = split_fields(line);
    std::set<std::string> seen;
    int label_index = -1;
    FeatureTable table;
    for (size_t column = 0; column < header.size(); ++column) {
        const std::string name = trim(header[column]);
        if (!seen.insert(name).second)
            throw Error(file, fmt::format("line 1: duplicate column name in column {}", column + 1), name,
                        "give every column its own name");
        if (name == options.label_column)
            label_index = static_cast<int>(column);
        else
            table.feature_names.push_back(name);
    }
    table.feature_count = static_cast<int>(table.feature_names.size());
    table.has_labels = label_index >= 0;

    if (options.require_labels && !table.has_labels)
        throw Error(file, "label column not found", options.label_column,
                    "name the label column with --label-column, or leave out --labels-out");
    if (table.feature_count != options.expected_features) {
        std::string hint = fmt::format("pass a CSV with one column per model input ({}) plus an optional label "
                                       "column named '{}'",
                                       options.expected_features, options.label_column);
        if (!table.has_labels && table.feature_count == options.expected_features + 1)
            hint = fmt::format("the CSV has one column too many; name its label column with --label-column "
                               "(now '{}')",
                               options.label_column);
        throw Error(file,
                    fmt::format("CSV has {} feature columns but the model has {} inputs", table.feature_count,
                                options.expected_features),
                    line.size() > 200 ? line.substr(0, 200) + "..." : line, hint);
    }

    // One row per sample, features in column order.
    size_t line_number = 1;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;

        const std::vector<std::string> fields = split_fields(line);
        if (fields.size() != header.size())
            throw Error(file, fmt::format("line {}: row has {} fields but the header has {}", line_number,
                                          fields.size(), header.size()),
                        line.size() > 200 ? line.substr(0, 200) + "..." : line,
                        "give every row one value per column");

        for (size_t column = 0; column < fields.size(); ++column) {
            const std::string text = trim(fields[column]);
            double value = 0.0;
            if (!parse_number(text, value))
                throw Error(file, fmt::format("line {} column {}: value is not a number", line_number, column + 1),
                            text, "write plain decimal numbers such as -0.25 or 1.5e-3");

            if (static_cast<int>(column) != label_index) {
                table.values.push_back(static_cast<float>(value));
                continue;
            }
            if (value < 0.0 || value > 2147483647.0 || value != std::floor(value))
                throw Error(file, fmt::format("line {} column {}: label is not a non-negative integer", line_number,
                                              column + 1),
                            text, "write each label as a class index such as 0 or 3");
            table.labels.push_back(static_cast<int>(value));
        }
        ++table.sample_count;
    }

    if (table.sample_count == 0)
        throw Error(file, "features file has no samples", file, "add one row per sample below the header");
    return table;
}

} // namespace lutgen
