// Text templates with named placeholders, written `{{name}}`, for the RTL files. The Verilog
// structure lives in the template files under rtl_templates/; C++ only supplies the values.
#pragma once

#include "verilog/output_file.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace lutgen {

// A placeholder value: fixed text, or a function that streams the text into the output (for
// values as large as a whole truth table).
using TemplateValue = std::variant<std::string, std::function<void(OutputFile&)>>;
using TemplateValues = std::map<std::string, TemplateValue>;

class Template {
public:
    // Parses `text`. A placeholder is `{{` + identifier + `}}`; any other brace is literal text,
    // so Verilog concatenations such as `{{a, b}}` or `{4{x}}` need no escaping. `source` names
    // the template in error messages.
    static Template parse(std::string_view text, std::string source);
    // Reads and parses a template file. Throws lutgen::Error when it cannot be read.
    static Template load(const std::filesystem::path& path);

    // Writes the template with every placeholder replaced by its value. Throws lutgen::Error,
    // before writing anything, when a placeholder has no value or a value has no placeholder.
    void render(OutputFile& out, const TemplateValues& values) const;

    const std::string& source() const { return source_; }
    // The placeholder names, sorted, each once.
    std::vector<std::string> placeholders() const;

private:
    struct Segment {
        bool is_placeholder = false;
        std::string text; // literal text, or the placeholder name
    };

    void check_values(const TemplateValues& values) const;

    std::string source_;
    std::vector<Segment> segments_;
};

// The templates of one directory, each read once on first use.
class TemplateLibrary {
public:
    explicit TemplateLibrary(std::filesystem::path directory) : directory_(std::move(directory)) {}

    // `name` is relative to the directory, such as "lutgen/top.v".
    const Template& get(const std::string& name);

private:
    std::filesystem::path directory_;
    std::map<std::string, Template> templates_;
};

// Returns the directory holding the RTL templates: $LUTGEN_DATA_DIR/rtl_templates when that
// variable is set, else <executable dir>/../share/lutgen/rtl_templates when it exists, else the
// source tree's rtl_templates. Throws lutgen::Error when the chosen directory does not exist.
std::filesystem::path find_template_directory();

} // namespace lutgen
