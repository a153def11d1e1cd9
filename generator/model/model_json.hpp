// Reading and writing the model JSON format (documented in docs/model-format.md).
#pragma once

#include "model/model.hpp"

#include <filesystem>
#include <string>

namespace lutgen {

inline constexpr int kModelFormatVersion = 1;

std::string model_to_json(const Model& model);
void write_model(const Model& model, const std::filesystem::path& path);

// Parses and validates a model file. Throws lutgen::Error naming the file, the layer, the neuron
// and the value on anything malformed, non-finite or inconsistent.
Model read_model(const std::filesystem::path& path);
Model model_from_json(const std::string& text, const std::string& source_name);

// Checks sizes, ranges and finiteness of a model however it was built; throws lutgen::Error.
void validate_model(const Model& model, const std::string& source_name);

} // namespace lutgen
