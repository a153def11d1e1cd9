#include "verilog/template.hpp"

#include "base/error.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#ifndef LUTGEN_SOURCE_DIR
#error "LUTGEN_SOURCE_DIR must name the source tree, which holds rtl_templates/"
#endif

namespace lutgen {

namespace {

bool is_identifier_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_identifier_char(char c)
{
    return is_identifier_start(c) || (c >= '0' && c <= '9');
}

// Returns the length of the identifier starting at `text[position]`, 0 when there is none.
size_t identifier_length(std::string_view text, size_t position)
{
    if (position >= text.size() || !is_identifier_start(text[position]))
        return 0;
    size_t end = position + 1;
    while (end < text.size() && is_identifier_char(text[end]))
        ++end;
    return end - position;
}

} // namespace

Template Template::parse(std::string_view text, std::string source)
{
    Template result;
    result.source_ = std::move(source);

    std::string literal;
    size_t position = 0;
    while (position < text.size()) {
        if (text.compare(position, 2, "{{") == 0) {
            const size_t name_length = identifier_length(text, position + 2);
            const size_t close = position + 2 + name_length;
            if (name_length > 0 && text.compare(close, 2, "}}") == 0) {
                if (!literal.empty())
                    result.segments_.push_back({false, std::move(literal)});
                literal.clear();
                result.segments_.push_back({true, std::string(text.substr(position + 2, name_length))});
                position = close + 2;
                continue;
            }
        }
        literal.push_back(text[position]);
        ++position;
    }
    if (!literal.empty())
        result.segments_.push_back({false, std::move(literal)});
    return result;
}

Template Template::load(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "RTL template not found", path.filename().string(),
                    "reinstall lutgen or set LUTGEN_DATA_DIR to the directory that contains rtl_templates/");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw Error(path.string(), "failed to read the RTL template", path.filename().string(),
                    "check the file permissions");
    return parse(text.str(), path.string());
}

std::vector<std::string> Template::placeholders() const
{
    std::set<std::string> names;
    for (const Segment& segment : segments_)
        if (segment.is_placeholder)
            names.insert(segment.text);
    return {names.begin(), names.end()};
}

void Template::check_values(const TemplateValues& values) const
{
    const std::vector<std::string> names = placeholders();
    for (const std::string& name : names)
        if (values.find(name) == values.end())
            throw Error(source_, "no value for template placeholder", name,
                        "the template and this lutgen version do not match; reinstall lutgen");

    const std::set<std::string> known(names.begin(), names.end());
    for (const auto& [name, value] : values)
        if (known.count(name) == 0)
            throw Error(source_, "template has no placeholder for value", name,
                        "the template and this lutgen version do not match; reinstall lutgen");
}

void Template::render(OutputFile& out, const TemplateValues& values) const
{
    check_values(values);

    for (const Segment& segment : segments_) {
        if (!segment.is_placeholder) {
            out.append(segment.text);
            continue;
        }
        const TemplateValue& value = values.at(segment.text);
        if (const std::string* text = std::get_if<std::string>(&value))
            out.append(*text);
        else
            std::get<std::function<void(OutputFile&)>>(value)(out);
    }
}

const Template& TemplateLibrary::get(const std::string& name)
{
    auto found = templates_.find(name);
    if (found == templates_.end())
        found = templates_.emplace(name, Template::load(directory_ / name)).first;
    return found->second;
}

namespace {

std::filesystem::path executable_directory()
{
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        return {};
    return executable.parent_path();
}

} // namespace

std::filesystem::path find_template_directory()
{
    if (const char* data_dir = std::getenv("LUTGEN_DATA_DIR"); data_dir != nullptr && *data_dir != '\0') {
        const std::filesystem::path directory = std::filesystem::path(data_dir) / "rtl_templates";
        if (!std::filesystem::is_directory(directory))
            throw Error("LUTGEN_DATA_DIR", "RTL template directory not found", directory.string(),
                        "set LUTGEN_DATA_DIR to the directory that contains rtl_templates/, or unset it");
        return directory;
    }

    const std::filesystem::path executable_dir = executable_directory();
    if (!executable_dir.empty()) {
        const std::filesystem::path installed = executable_dir / ".." / "share" / "lutgen" / "rtl_templates";
        if (std::filesystem::is_directory(installed))
            return installed.lexically_normal();
    }

    const std::filesystem::path source = std::filesystem::path(LUTGEN_SOURCE_DIR) / "rtl_templates";
    if (!std::filesystem::is_directory(source))
        throw Error("rtl_templates", "RTL template directory not found", source.string(),
                    "reinstall lutgen or set LUTGEN_DATA_DIR to the directory that contains rtl_templates/");
    return source;
}

} // namespace lutgen
