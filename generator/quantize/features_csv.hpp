// Float feature tables in CSV: a header row of column names, then one sample per row.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct FeatureTable {
    std::vector<std::string> feature_names; // in column order, the label column left out
    int feature_count = 0;
    size_t sample_count = 0;
    std::vector<float> values; // sample-major: values[sample * feature_count + feature]
    bool has_labels = false;
    std::vector<int> labels;   // one per sample when has_labels

    const float* sample(size_t index) const { return values.data() + index * feature_count; }
};

struct FeatureCsvOptions {
    int expected_features = 0;          // the model's input count
    std::string label_column = "label"; // taken out of the features when present
    bool require_labels = false;
};

// Reads the CSV. Every column except the label column is a feature, in column order, so there must
// be exactly expected_features of them. Values are parsed as double and rounded to float32, as
// LogicNets' data loaders do. Throws lutgen::Error naming the file, line and column on any of:
// a column count that does not match the model, a missing label column (when required), a
// duplicate column name, a value that is not a number or is NaN, a label that is not a
// non-negative integer.
FeatureTable read_features_csv(const std::filesystem::path& path, const FeatureCsvOptions& options);

} // namespace lutgen
