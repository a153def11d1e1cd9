// The RTL input encoder of the lutgen dialect: one module that turns raw signed fixed-point
// features into input codes with per-feature comparators (see quantize/input_encoder.hpp).
#pragma once

#include "quantize/input_encoder.hpp"
#include "verilog/template.hpp"

#include <filesystem>
#include <string>

namespace lutgen {

// Writes `<module_name>.v` into `directory` and returns the file name. `header` is the file's
// opening comment block. The module has ports features [F*bits-1:0] (feature 0 in the low bits)
// and codes [F*code_bits-1:0] (the input code bus of the first layer).
std::string write_input_encoder(const InputEncoder& encoder, const std::string& module_name,
                                const std::string& header, TemplateLibrary& templates,
                                const std::filesystem::path& directory);

} // namespace lutgen
