#include "hardware/hardware_report.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace lutgen {

const char* cost_stage_name(CostStage stage)
{
    switch (stage) {
    case CostStage::Estimate:
        return "estimate";
    case CostStage::YosysMapping:
        return "yosys-mapping";
    case CostStage::VivadoSynthesis:
        return "vivado-synthesis";
    case CostStage::VivadoImplementation:
        return "vivado-implementation";
    }
    return "unknown";
}

const char* lut_basis_name(LutBasis basis)
{
    switch (basis) {
    case LutBasis::Lut6Estimate:
        return "lut6-estimate";
    case LutBasis::Cells:
        return "lut-cells";
    case LutBasis::Sites:
        return "lut-sites";
    }
    return "unknown";
}

int64_t CellCounts::lut_cells() const
{
    int64_t total = 0;
    for (const auto& [size, count] : luts_by_size)
        total += count;
    return total;
}

bool CellCounts::empty() const
{
    return luts_by_size.empty() && muxf7 == 0 && muxf8 == 0 && flip_flops == 0 && other.empty();
}

void CellCounts::add(const CellCounts& counts)
{
    for (const auto& [size, count] : counts.luts_by_size)
        luts_by_size[size] += count;
    muxf7 += counts.muxf7;
    muxf8 += counts.muxf8;
    flip_flops += counts.flip_flops;
    for (const auto& [type, count] : counts.other)
        other[type] += count;
}

void CellCounts::add_cell(const std::string& type, int64_t count)
{
    if (type.size() == 4 && type.compare(0, 3, "LUT") == 0 && type[3] >= '1' && type[3] <= '6')
        luts_by_size[type[3] - '0'] += count;
    else if (type == "MUXF7")
        muxf7 += count;
    else if (type == "MUXF8")
        muxf8 += count;
    else if (type.size() == 4 && type.compare(0, 2, "FD") == 0)
        flip_flops += count; // FDRE, FDSE, FDCE, FDPE
    else
        other[type] += count;
}

double fmax_mhz(double period_ns, double wns_ns)
{
    const double achieved_ns = period_ns - wns_ns;
    if (!(achieved_ns > 0.0))
        throw Error("Fmax", "clock period minus WNS is not positive",
                    fmt::format("{} ns - ({} ns)", period_ns, wns_ns), "check the clock period and the slack");
    return 1000.0 / achieved_ns;
}

namespace {

template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& value)
{
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// Rounds to 1e-6 so that the JSON text does not show binary noise such as 0.30000000000000004.
nlohmann::ordered_json optional_real(const std::optional<double>& value)
{
    if (!value)
        return nullptr;
    return std::round(*value * 1e6) / 1e6;
}

nlohmann::ordered_json cells_json(const CellCounts& cells)
{
    nlohmann::ordered_json luts = nlohmann::ordered_json::object();
    for (const auto& [size, count] : cells.luts_by_size)
        luts[fmt::format("LUT{}", size)] = count;

    nlohmann::ordered_json other = nlohmann::ordered_json::object();
    for (const auto& [type, count] : cells.other)
        other[type] = count;

    nlohmann::ordered_json json;
    json["lut_cells"] = cells.lut_cells();
    json["luts_by_size"] = luts;
    json["muxf7"] = cells.muxf7;
    json["muxf8"] = cells.muxf8;
    json["flip_flops"] = cells.flip_flops;
    json["other"] = other;
    return json;
}

nlohmann::ordered_json layer_json(const LayerCost& layer, bool with_cells)
{
    nlohmann::ordered_json json;
    json["layer"] = layer.layer;
    json["neurons"] = layer.neurons;
    json["neurons_used"] = optional_json(layer.neurons_used);
    json["key_bits"] = layer.key_bits;
    json["output_bits"] = layer.output_bits;
    json["lut_estimate"] = optional_real(layer.lut_estimate);
    json["table_bits"] = optional_json(layer.table_bits);
    json["register_bits"] = optional_json(layer.register_bits);
    json["cells"] = with_cells ? cells_json(layer.cells) : nlohmann::ordered_json(nullptr);
    json["logic_depth"] = optional_json(layer.logic_depth);
    return json;
}

nlohmann::ordered_json report_json(const HardwareReport& report)
{
    const bool mapped = report.stage != CostStage::Estimate;

    nlohmann::ordered_json counts;
    counts["tool"] = report.tool;
    counts["stage"] = cost_stage_name(report.stage);
    counts["flow"] = report.flow;
    counts["part"] = report.part.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(report.part);
    counts["clock_ns"] = optional_real(report.clock_ns);
    counts["registers_included"] = report.registers_included;
    counts["encoder_included"] = report.encoder_included;
    counts["lut_basis"] = lut_basis_name(report.lut_basis);

    nlohmann::ordered_json json;
    json["design"] = report.design;
    json["counts"] = counts;
    json["luts"] = optional_json(report.luts);
    json["lut_estimate"] = optional_real(report.lut_estimate);
    json["flip_flops"] = optional_json(report.flip_flops);
    json["muxf7"] = optional_json(report.muxf7);
    json["muxf8"] = optional_json(report.muxf8);
    json["cells"] = mapped && !report.cells.empty() ? cells_json(report.cells) : nlohmann::ordered_json(nullptr);
    json["latency_cycles"] = optional_json(report.latency_cycles);
    json["logic_depth"] = optional_json(report.logic_depth);
    json["table_bits"] = optional_json(report.table_bits);
    json["wns_ns"] = optional_real(report.wns_ns);
    json["fmax_mhz"] = optional_real(report.fmax_mhz);
    json["seconds"] = optional_real(report.seconds);

    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const LayerCost& layer : report.layers)
        layers.push_back(layer_json(layer, mapped));
    json["layers"] = layers;

    nlohmann::ordered_json sources = nlohmann::ordered_json::object();
    for (const auto& [figure, file] : report.sources)
        sources[figure] = file;
    json["sources"] = sources;
    json["notes"] = report.notes;
    return json;
}

std::string optional_text(const std::optional<int64_t>& value)
{
    return value ? fmt::format("{}", *value) : "-";
}

std::string lut_sizes_text(const CellCounts& cells)
{
    std::string text;
    for (auto it = cells.luts_by_size.rbegin(); it != cells.luts_by_size.rend(); ++it)
        text += fmt::format("{}LUT{} {}", text.empty() ? "" : ", ", it->first, it->second);
    return text;
}

} // namespace

std::string hardware_reports_json(const std::vector<HardwareReport>& reports)
{
    nlohmann::ordered_json json;
    json["format"] = "lutgen-hardware-report";
    json["format_version"] = 1;
    json["reports"] = nlohmann::ordered_json::array();
    for (const HardwareReport& report : reports)
        json["reports"].push_back(report_json(report));
    return json.dump(1) + "\n";
}

std::string hardware_report_text(const HardwareReport& report)
{
    std::string text;
    text += fmt::format("design:    {}\n", report.design);
    text += fmt::format("stage:     {} ({})\n", cost_stage_name(report.stage), report.tool);
    text += fmt::format("flow:      {}\n", report.flow);
    text += fmt::format("part:      {}\n", report.part.empty() ? "none" : report.part);
    text += fmt::format("clock:     {}\n", report.clock_ns ? fmt::format("{} ns", *report.clock_ns) : "not given");
    text += fmt::format("counts:    registers {}, input encoder {}, LUTs as {}\n",
                        report.registers_included ? "included" : "not included",
                        report.encoder_included ? "included" : "not included", lut_basis_name(report.lut_basis));

    if (report.lut_estimate)
        text += fmt::format("LUT6 estimate: {:.1f}\n", *report.lut_estimate);
    if (report.luts) {
        const std::string sizes = lut_sizes_text(report.cells);
        text += fmt::format("LUTs:      {}{}\n", *report.luts, sizes.empty() ? "" : " (" + sizes + ")");
    }
    if (report.muxf7 || report.muxf8)
        text += fmt::format("MUXF7/F8:  {} / {}\n", optional_text(report.muxf7), optional_text(report.muxf8));
    if (report.flip_flops)
        text += fmt::format("FFs:       {}\n", *report.flip_flops);
    if (report.latency_cycles)
        text += fmt::format("latency:   {} cycles\n", *report.latency_cycles);
    if (report.logic_depth)
        text += fmt::format("logic depth: {} levels\n", *report.logic_depth);
    if (report.table_bits)
        text += fmt::format("table bits: {}\n", *report.table_bits);
    if (report.wns_ns)
        text += fmt::format("WNS:       {:.3f} ns\n", *report.wns_ns);
    if (report.fmax_mhz)
        text += fmt::format("Fmax:      {:.1f} MHz\n", *report.fmax_mhz);

    for (const LayerCost& layer : report.layers) {
        std::string line = fmt::format("layer {}: {} neurons", layer.layer, layer.neurons);
        if (layer.neurons_used)
            line += fmt::format(" ({} used)", *layer.neurons_used);
        line += fmt::format(", key {} bits, output {} bits", layer.key_bits, layer.output_bits);
        if (layer.lut_estimate)
            line += fmt::format(", LUT6 estimate {:.1f}", *layer.lut_estimate);
        if (layer.table_bits)
            line += fmt::format(", table bits {}", *layer.table_bits);
        if (layer.register_bits)
            line += fmt::format(", register bits {}", *layer.register_bits);
        if (report.stage != CostStage::Estimate) {
            line += fmt::format(", LUTs {}", layer.cells.lut_cells());
            if (layer.cells.muxf7 || layer.cells.muxf8)
                line += fmt::format(", MUXF7/F8 {} / {}", layer.cells.muxf7, layer.cells.muxf8);
        }
        if (layer.logic_depth)
            line += fmt::format(", depth {}", *layer.logic_depth);
        text += line + "\n";
    }

    for (const auto& [figure, file] : report.sources)
        text += fmt::format("source:    {} from {}\n", figure, file);
    for (const std::string& note : report.notes)
        text += fmt::format("note:      {}\n", note);
    return text;
}

} // namespace lutgen
