#include "hardware/yosys_stat.hpp"

#include "base/error.hpp"

#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

namespace lutgen {

namespace {

std::string strip_escape(const std::string& name)
{
    return !name.empty() && name[0] == '\\' ? name.substr(1) : name;
}

} // namespace

std::map<std::string, std::map<std::string, int64_t>> parse_yosys_stat_json(const std::string& text,
                                                                               const std::string& source)
{
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        throw Error(source, "Yosys stat output is not valid JSON", error.what(),
                    "check the Yosys log beside it; the run may have stopped early");
    }
    if (!json.is_object() || !json.contains("modules") || !json["modules"].is_object())
        throw Error(source, "Yosys stat output has no modules", "modules", "run 'stat -json' after synthesis");

    std::map<std::string, std::map<std::string, int64_t>> modules;
    for (const auto& [name, module] : json["modules"].items()) {
        std::map<std::string, int64_t>& types = modules[strip_escape(name)];
        if (!module.contains("num_cells_by_type"))
            continue;
        for (const auto& [type, count] : module["num_cells_by_type"].items()) {
            if (!count.is_number_integer() || count.get<int64_t>() < 0)
                throw Error(source, "cell count is not a non-negative integer", type, "check the Yosys version");
            types[strip_escape(type)] = count.get<int64_t>();
        }
    }
    return modules;
}

std::map<std::string, int> parse_yosys_ltp(const std::string& text)
{
    static const std::regex line_pattern(R"(Longest topological path in (\S+) \(length=(\d+)\))");

    std::map<std::string, int> lengths;
    std::istringstream in(text);
    std::string line;
    std::smatch match;
    while (std::getline(in, line))
        if (std::regex_search(line, match, line_pattern))
            lengths[strip_escape(match[1].str())] = std::stoi(match[2].str());
    return lengths;
}

CellCounts primitive_cells(const std::map<std::string, int64_t>& types, const std::map<std::string, int>& skip)
{
    CellCounts cells;
    for (const auto& [type, count] : types)
        if (!skip.count(type))
            cells.add_cell(type, count);
    return cells;
}

} // namespace lutgen
