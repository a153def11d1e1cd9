#include "hardware/vivado_reports.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

namespace lutgen {

namespace {

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::string trim(const std::string& text)
{
    const size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return "";
    const size_t end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

double parse_number(const std::string& text, const std::string& name, const std::string& what)
{
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value))
            return value;
    } catch (const std::exception&) {
    }
    throw Error(name, fmt::format("{} is not a number", what), text, "pass the file Vivado wrote, unchanged");
}

int64_t parse_count(const std::string& text, const std::string& name, const std::string& what)
{
    const double value = parse_number(text, name, what);
    if (value < 0 || value != std::floor(value) || value > 9e15)
        throw Error(name, fmt::format("{} is not a non-negative integer", what), text,
                    "pass the file Vivado wrote, unchanged");
    return static_cast<int64_t>(value);
}

// "Vivado v2021.2 (64-bit)" or "Vivado v.2021.2 (lin64) Build ..." -> "Vivado v2021.2".
std::string vivado_version(const std::string& line)
{
    static const std::regex pattern(R"(Vivado v\.?(\d+\.\d+))");
    std::smatch match;
    return std::regex_search(line, match, pattern) ? "Vivado v" + match[1].str() : "";
}

std::optional<CostStage> stage_from_design_state(const std::string& state)
{
    if (state.find("Synthesized") != std::string::npos)
        return CostStage::VivadoSynthesis;
    if (state.find("Routed") != std::string::npos || state.find("Placed") != std::string::npos ||
        state.find("Implemented") != std::string::npos)
        return CostStage::VivadoImplementation;
    return std::nullopt;
}

// The "| Key : value" lines at the top of every Vivado text report.
void read_report_header(const std::vector<std::string>& lines, VivadoFigures& figures)
{
    static const std::regex header(R"(^\|\s*(Tool Version|Device|Design State|Design)\s*:\s*(.*?)\s*$)");
    for (const std::string& line : lines) {
        std::smatch match;
        if (!std::regex_match(line, match, header))
            continue;
        const std::string key = match[1].str();
        const std::string value = match[2].str();
        if (key == "Tool Version")
            figures.tool = vivado_version(value);
        else if (key == "Device")
            figures.part = value;
        else if (key == "Design State")
            figures.stage = stage_from_design_state(value);
        else if (key == "Design")
            figures.top = value;
    }
}

void parse_log(const std::vector<std::string>& lines, VivadoFigures& figures)
{
    static const std::regex command(R"(^Command: (synth_design|link_design|opt_design|place_design|route_design)\b(.*)$)");
    static const std::regex top_option(R"(-top\s+(\S+))");
    static const std::regex part_option(R"(-part\s+(\S+))");
    static const std::regex wns(R"(\bWNS=(-?[0-9]+(?:\.[0-9]+)?))");
    static const std::regex cell_row(R"(^\|\s*\d+\s*\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*$)");

    bool in_cell_usage = false;
    for (const std::string& line : lines) {
        std::smatch match;
        if (figures.tool.empty() && line.rfind("# Vivado", 0) == 0)
            figures.tool = vivado_version(line);

        if (std::regex_match(line, match, command)) {
            const std::string name = match[1].str();
            const std::string options = match[2].str();
            figures.stage = name == "synth_design" ? CostStage::VivadoSynthesis : CostStage::VivadoImplementation;
            figures.kind = name == "synth_design" ? VivadoFileKind::SynthesisLog : VivadoFileKind::ImplementationLog;
            std::smatch option;
            if (std::regex_search(options, option, top_option))
                figures.top = option[1].str();
            if (std::regex_search(options, option, part_option))
                figures.part = option[1].str();
        }

        // Vivado prints the timing summary after each optimization step; the last one is final.
        if (line.find("Timing Summary") != std::string::npos && std::regex_search(line, match, wns))
            figures.wns_ns = parse_number(match[1].str(), figures.file, "WNS");

        if (line.rfind("Report Cell Usage:", 0) == 0) {
            in_cell_usage = true;
            figures.cells = CellCounts{};
            continue;
        }
        if (in_cell_usage) {
            if (std::regex_match(line, match, cell_row))
                figures.cells->add_cell(match[1].str(), parse_count(match[2].str(), figures.file, "cell count"));
            else if (line.rfind("+", 0) != 0 && line.rfind("|", 0) != 0)
                in_cell_usage = false;
        }
    }

    if (figures.cells) {
        figures.flip_flops = figures.cells->flip_flops;
        figures.muxf7 = figures.cells->muxf7;
        figures.muxf8 = figures.cells->muxf8;
    }
}

void parse_utilization(const std::vector<std::string>& lines, VivadoFigures& figures)
{
    static const std::regex row(R"(^\|\s*([^|]*?)\s*\|\s*(\d+)\s*\|)");

    read_report_header(lines, figures);
    CellCounts primitives;
    bool any_primitive = false;
    for (const std::string& line : lines) {
        std::smatch match;
        if (!std::regex_search(line, match, row))
            continue;
        std::string site = match[1].str();
        if (!site.empty() && site.back() == '*')
            site.pop_back();
        const int64_t used = parse_count(match[2].str(), figures.file, site);

        if (site == "CLB LUTs" || site == "Slice LUTs")
            figures.lut_sites = used;
        else if (site == "CLB Registers" || site == "Slice Registers")
            figures.flip_flops = used;
        else if (site == "F7 Muxes")
            figures.muxf7 = used;
        else if (site == "F8 Muxes")
            figures.muxf8 = used;
        else if (std::regex_match(site, std::regex(R"(LUT[1-6]|MUXF[78]|FD[RSCP]E)"))) {
            primitives.add_cell(site, used);
            any_primitive = true;
        }
    }
    if (any_primitive)
        figures.cells = primitives;
    if (!figures.lut_sites)
        throw Error(figures.file, "utilization report has no LUT row", "CLB LUTs",
                    "pass the text report of 'report_utilization'");
}

void parse_timing_summary(const std::vector<std::string>& lines, VivadoFigures& figures)
{
    static const std::regex clock_row(R"(^\s*(\S+)\s+\{[^}]*\}\s+([0-9.]+)\s+([0-9.]+)\s*$)");

    read_report_header(lines, figures);
    for (size_t i = 0; i < lines.size(); ++i) {
        // The design summary: a header row starting with WNS(ns), a row of dashes, then the values.
        if (trim(lines[i]).rfind("WNS(ns)", 0) == 0 && i + 2 < lines.size() && !figures.wns_ns) {
            std::istringstream values(lines[i + 2]);
            std::string first;
            if (values >> first && first != "NA")
                figures.wns_ns = parse_number(first, figures.file, "WNS");
        }
        // The first clock of the clock summary: name, {waveform}, period, frequency.
        if (trim(lines[i]).rfind("Clock", 0) == 0 && lines[i].find("Period(ns)") != std::string::npos &&
            i + 2 < lines.size() && !figures.clock_ns) {
            std::smatch match;
            if (std::regex_match(lines[i + 2], match, clock_row))
                figures.clock_ns = parse_number(match[2].str(), figures.file, "clock period");
        }
    }
}

void parse_summary(const std::vector<std::string>& lines, VivadoFigures& figures)
{
    static const std::regex pair(R"(^\s*([A-Z_0-9]+)\s*=\s*(.*?)\s*$)");

    CellCounts cells;
    bool any_cell = false;
    for (const std::string& line : lines) {
        std::smatch match;
        if (trim(line).empty())
            continue;
        if (!std::regex_match(line, match, pair))
            throw Error(figures.file, "summary line is not KEY=VALUE", line, "pass the file Vivado or LogicNets wrote");
        const std::string key = match[1].str();
        const std::string value = match[2].str();

        if (key == "TOOL")
            figures.tool = value;
        else if (key == "STAGE")
            figures.stage = value == "synthesis" ? CostStage::VivadoSynthesis : CostStage::VivadoImplementation;
        else if (key == "TOP")
            figures.top = value;
        else if (key == "PART")
            figures.part = value;
        else if (key == "CLOCK_NS")
            figures.clock_ns = parse_number(value, figures.file, key);
        else if (key == "LUT")
            figures.lut_sites = parse_count(value, figures.file, key); // LogicNets: the CLB LUTs row
        else if (key == "FF")
            figures.flip_flops = parse_count(value, figures.file, key);
        else if (key == "MUXF7")
            figures.muxf7 = parse_count(value, figures.file, key);
        else if (key == "MUXF8")
            figures.muxf8 = parse_count(value, figures.file, key);
        else if (key == "WNS")
            figures.wns_ns = parse_number(value, figures.file, key);
        else if (std::regex_match(key, std::regex("LUT[1-6]"))) {
            cells.add_cell(key, parse_count(value, figures.file, key));
            any_cell = true;
        }
    }
    if (any_cell) {
        cells.muxf7 = figures.muxf7.value_or(0);
        cells.muxf8 = figures.muxf8.value_or(0);
        cells.flip_flops = figures.flip_flops.value_or(0);
        figures.cells = cells;
    }
}

VivadoFileKind detect_kind(const std::string& text)
{
    if (text.find("Command: synth_design") != std::string::npos)
        return VivadoFileKind::SynthesisLog;
    if (text.find("Command: link_design") != std::string::npos || text.find("Command: route_design") != std::string::npos ||
        text.find("Command: place_design") != std::string::npos)
        return VivadoFileKind::ImplementationLog;
    if (text.find("| Command      : report_utilization") != std::string::npos ||
        text.find("Utilization Design Information") != std::string::npos)
        return VivadoFileKind::Utilization;
    if (text.find("Design Timing Summary") != std::string::npos)
        return VivadoFileKind::TimingSummary;
    if (std::regex_search(text, std::regex(R"(^\s*(LUT|FF|WNS|STAGE)\s*=)", std::regex::multiline)))
        return VivadoFileKind::Summary;
    return VivadoFileKind::Unknown;
}

} // namespace

VivadoFigures parse_vivado_text(const std::string& text, const std::string& name)
{
    VivadoFigures figures;
    figures.file = name;
    figures.kind = detect_kind(text);
    const std::vector<std::string> lines = split_lines(text);

    switch (figures.kind) {
    case VivadoFileKind::SynthesisLog:
    case VivadoFileKind::ImplementationLog:
        parse_log(lines, figures);
        if (figures.kind == VivadoFileKind::SynthesisLog && !figures.cells)
            throw Error(name, "synthesis log has no cell usage table", "Report Cell Usage",
                        "pass the log of a synth_design run that finished");
        break;
    case VivadoFileKind::Utilization:
        parse_utilization(lines, figures);
        break;
    case VivadoFileKind::TimingSummary:
        parse_timing_summary(lines, figures);
        break;
    case VivadoFileKind::Summary:
        parse_summary(lines, figures);
        break;
    case VivadoFileKind::Unknown:
        throw Error(name, "file is not a Vivado log, report or summary", "unknown content",
                    "pass vivado.log, a report_utilization or report_timing_summary text report, or a "
                    "KEY=VALUE summary");
    }
    return figures;
}

VivadoFigures parse_vivado_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot read file", path.filename().string(), "check the path");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse_vivado_text(buffer.str(), path.filename().string());
}

namespace {

template <typename T>
void take(std::optional<T>& target, const std::optional<T>& value, const std::string& figure, const VivadoFigures& from,
          HardwareReport& report)
{
    if (!value)
        return;
    if (target && *target != *value) {
        report.notes.push_back(fmt::format("{} differs: {} in {}, {} in {} (kept the first)", figure, *target,
                                           report.sources[figure], *value, from.file));
        return;
    }
    if (target) {
        report.sources[figure] += ", " + from.file; // a second file gives the same figure
        return;
    }
    target = value;
    report.sources[figure] = from.file;
}

} // namespace

std::vector<HardwareReport> merge_vivado_figures(const std::vector<VivadoFigures>& figures,
                                                 std::optional<double> clock_ns)
{
    bool has_synthesis = false;
    bool has_implementation = false;
    for (const VivadoFigures& file : figures) {
        has_synthesis |= file.stage == CostStage::VivadoSynthesis;
        has_implementation |= file.stage == CostStage::VivadoImplementation;
    }
    const CostStage unknown_stage =
        has_implementation || !has_synthesis ? CostStage::VivadoImplementation : CostStage::VivadoSynthesis;

    std::vector<HardwareReport> reports;
    for (CostStage stage : {CostStage::VivadoSynthesis, CostStage::VivadoImplementation}) {
        HardwareReport report;
        report.stage = stage;
        report.encoder_included = false;
        std::optional<double> file_clock;
        std::optional<int64_t> lut_sites;
        std::optional<CellCounts> cells;
        bool any = false;

        // Reports and summaries come before logs, so their figures win where both give one.
        for (int pass = 0; pass < 2; ++pass)
            for (const VivadoFigures& file : figures) {
                const bool is_log =
                    file.kind == VivadoFileKind::SynthesisLog || file.kind == VivadoFileKind::ImplementationLog;
                if (is_log != (pass == 1) || file.stage.value_or(unknown_stage) != stage)
                    continue;
                any = true;
                if (report.tool.empty())
                    report.tool = file.tool;
                if (report.part.empty())
                    report.part = file.part;
                if (report.design.empty())
                    report.design = file.top;
                take(file_clock, file.clock_ns, "clock_ns", file, report);
                take(lut_sites, file.lut_sites, "lut_sites", file, report);
                if (file.cells && !cells) {
                    cells = file.cells;
                    report.sources["cells"] = file.file;
                }
                take(report.flip_flops, file.flip_flops, "flip_flops", file, report);
                take(report.muxf7, file.muxf7, "muxf7", file, report);
                take(report.muxf8, file.muxf8, "muxf8", file, report);
                take(report.wns_ns, file.wns_ns, "wns_ns", file, report);
            }
        if (!any)
            continue;

        if (report.tool.empty())
            report.tool = "Vivado (version not in the files)";
        report.flow = stage == CostStage::VivadoSynthesis ? "synth_design, out of context"
                                                          : "opt_design, place_design, phys_opt_design, route_design";
        if (cells)
            report.cells = *cells;
        if (lut_sites) {
            report.luts = lut_sites;
            report.lut_basis = LutBasis::Sites;
        } else if (cells) {
            report.luts = cells->lut_cells();
            report.lut_basis = LutBasis::Cells;
        }
        report.registers_included = report.flip_flops.value_or(0) > 0;
        report.clock_ns = clock_ns ? clock_ns : file_clock;
        if (report.clock_ns && report.wns_ns)
            report.fmax_mhz = fmax_mhz(*report.clock_ns, *report.wns_ns);
        else if (report.wns_ns)
            report.notes.push_back("clock period unknown, so no Fmax; pass --clock-ns");
        if (report.luts && lut_sites && cells)
            report.notes.push_back(fmt::format("LUT sites {}, LUT cells {}: the utilization counts packed sites",
                                               *lut_sites, cells->lut_cells()));
        reports.push_back(std::move(report));
    }
    return reports;
}

} // namespace lutgen
