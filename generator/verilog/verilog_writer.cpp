#include "verilog/verilog_writer.hpp"

#include "base/error.hpp"
#include "verilog/logicnets_rtl.hpp"
#include "verilog/lutgen_rtl.hpp"
#include "verilog/template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <system_error>

namespace lutgen {

namespace {

// Keeps key arithmetic within 32 bits. A neuron with 2^30 entries (2 GiB of table) is far
// beyond a LUT network that fits an FPGA.
constexpr int kMaxKeyBits = 30;
// Entries are uint16_t bit patterns.
constexpr int kMaxCodeBits = 16;

// Keywords of Verilog-2005 and SystemVerilog-2017 that a module name could plausibly collide with.
bool is_verilog_keyword(const std::string& name)
{
    static const std::set<std::string> kKeywords = {
        "always", "and", "assign", "automatic", "begin", "bit", "buf", "byte", "case", "casex", "casez", "cell",
        "class", "config", "const", "default", "defparam", "design", "disable", "do", "edge", "else", "end",
        "endcase", "endfunction", "endgenerate", "endmodule", "endtask", "enum", "event", "for", "force",
        "forever", "fork", "function", "generate", "genvar", "if", "initial", "inout", "input", "int", "integer",
        "interface", "join", "library", "localparam", "logic", "longint", "macromodule", "module", "nand",
        "negedge", "nor", "not", "or", "output", "package", "parameter", "posedge", "program", "real", "reg",
        "release", "repeat", "shortint", "signed", "specify", "string", "struct", "supply0", "supply1", "table",
        "task", "time", "tri", "type", "typedef", "union", "unsigned", "var", "void", "wait", "while", "wire",
        "xnor", "xor"};
    return kKeywords.count(name) != 0;
}

bool is_verilog_identifier(const std::string& name)
{
    if (name.empty() || is_verilog_keyword(name))
        return false;
    const char first = name.front();
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_'))
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'))
            return false;
    return true;
}

void check_format(const std::string& subject, const char* role, const CodeFormat& format)
{
    if (format.bits < 1 || format.bits > kMaxCodeBits)
        throw Error(subject, fmt::format("{} code bit width out of range 1..{}", role, kMaxCodeBits),
                    std::to_string(format.bits), "regenerate the truth tables");
    if (format.kind == CodeKind::Binary && format.bits != 1)
        throw Error(subject, fmt::format("binary {} code is not 1 bit wide", role), std::to_string(format.bits),
                    "regenerate the truth tables");
}

void check_neuron(const LayerTables& layer, const NeuronTable& neuron, size_t position)
{
    const std::string subject = fmt::format("layer {} neuron {}", layer.index, position);
    if (neuron.layer != layer.index || neuron.index != static_cast<int>(position))
        throw Error(subject, "invalid neuron layer or index",
                    fmt::format("layer {} index {}", neuron.layer, neuron.index), "regenerate the truth tables");
    if (neuron.inputs.empty())
        throw Error(subject, "neuron has no inputs", "0", "a neuron without inputs is a constant; regenerate the truth tables");

    for (int input : neuron.inputs)
        if (input < 0 || input >= layer.input_count)
            throw Error(subject, fmt::format("input index out of range 0..{}", layer.input_count - 1),
                        std::to_string(input), "regenerate the truth tables");

    const int64_t key_bits = static_cast<int64_t>(neuron.inputs.size()) * layer.input_format.bits;
    if (key_bits > kMaxKeyBits)
        throw Error(subject, fmt::format("key wider than {} bits", kMaxKeyBits), std::to_string(key_bits),
                    "reduce the fan-in or the input bit width");
    const size_t expected_entries = size_t{1} << key_bits;
    if (neuron.entries.size() != expected_entries)
        throw Error(subject, fmt::format("truth table does not have 2^{} entries", key_bits),
                    std::to_string(neuron.entries.size()), "regenerate the truth tables");

    const uint32_t pattern_limit = 1u << layer.output_format.bits;
    for (size_t key = 0; key < neuron.entries.size(); ++key)
        if (neuron.entries[key] >= pattern_limit)
            throw Error(subject, fmt::format("entry for key {} does not fit {} output bits", key, layer.output_format.bits),
                        std::to_string(neuron.entries[key]), "regenerate the truth tables");
}

void check_tables(const TruthTables& tables)
{
    if (tables.layers.empty())
        throw Error("truth tables", "no layers", "0", "pass a model with at least one layer");

    for (size_t position = 0; position < tables.layers.size(); ++position) {
        const LayerTables& layer = tables.layers[position];
        const std::string subject = fmt::format("layer {}", position);
        if (layer.index != static_cast<int>(position))
            throw Error(subject, "invalid layer index", std::to_string(layer.index), "regenerate the truth tables");
        check_format(subject, "input", layer.input_format);
        check_format(subject, "output", layer.output_format);
        if (layer.input_count < 1)
            throw Error(subject, "layer has no inputs", std::to_string(layer.input_count), "regenerate the truth tables");
        if (layer.neurons.empty())
            throw Error(subject, "layer has no neurons", "0", "regenerate the truth tables");

        // Bus widths are ints in the Verilog text and the manifest.
        const int64_t input_width = static_cast<int64_t>(layer.input_count) * layer.input_format.bits;
        const int64_t output_width = static_cast<int64_t>(layer.neurons.size()) * layer.output_format.bits;
        if (input_width > INT32_MAX / 2 || output_width > INT32_MAX / 2)
            throw Error(subject, "layer bus too wide", std::to_string(std::max(input_width, output_width)),
                        "reduce the layer size");

        if (position > 0) {
            const LayerTables& previous = tables.layers[position - 1];
            if (layer.input_count != static_cast<int>(previous.neurons.size()))
                throw Error(subject, fmt::format("input count differs from layer {}'s {} neurons", position - 1,
                                                 previous.neurons.size()),
                            std::to_string(layer.input_count), "regenerate the truth tables");
            if (!(layer.input_format == previous.output_format))
                throw Error(subject, fmt::format("input format differs from layer {}'s output format", position - 1),
                            fmt::format("{} {}-bit", code_kind_name(layer.input_format.kind), layer.input_format.bits),
                            "regenerate the truth tables");
        }

        for (size_t neuron = 0; neuron < layer.neurons.size(); ++neuron)
            check_neuron(layer, layer.neurons[neuron], neuron);
    }
}

void check_directory(const std::filesystem::path& directory)
{
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error))
        throw Error(directory.string(), "output directory not found", directory.string(),
                    "create the directory first");
    const bool empty = std::filesystem::is_empty(directory, error);
    if (error)
        throw Error(directory.string(), "failed to read the output directory", error.message(),
                    "check the directory permissions");
    if (!empty)
        throw Error(directory.string(), "output directory is not empty", directory.string(),
                    "pass a new or empty directory");
}

} // namespace

const char* rtl_dialect_name(RtlDialect dialect)
{
    switch (dialect) {
    case RtlDialect::Lutgen: return "lutgen";
    case RtlDialect::LogicNets: return "logicnets";
    }
    return "unknown";
}

const char* neuron_style_name(NeuronStyle style)
{
    switch (style) {
    case NeuronStyle::Memh: return "memh";
    case NeuronStyle::Case: return "case";
    }
    return "unknown";
}

const char* register_placement_name(RegisterPlacement place)
{
    switch (place) {
    case RegisterPlacement::None: return "none";
    case RegisterPlacement::BeforeLayers: return "before-layers";
    case RegisterPlacement::All: return "all";
    }
    return "unknown";
}

RtlManifest write_verilog(const TruthTables& tables, const VerilogOptions& options,
                          const std::filesystem::path& directory)
{
    check_tables(tables);

    if (options.dialect == RtlDialect::Lutgen) {
        if (!options.top_module.empty() && !is_verilog_identifier(options.top_module))
            throw Error("top module name", "not a Verilog identifier", options.top_module,
                        "use letters, digits and underscores, starting with a letter or underscore");
    } else {
        if (!tables.network_name.empty() && !is_verilog_identifier(tables.network_name))
            throw Error("network name", "not a Verilog identifier", tables.network_name,
                        "use letters, digits and underscores, starting with a letter or underscore");
        if (options.registers == RegisterPlacement::All)
            throw Error("register placement", "not available in the logicnets dialect",
                        register_placement_name(options.registers),
                        "use before-layers or none, or the lutgen dialect");
        if (options.input_encoder)
            throw Error("input encoder", "not available in the logicnets dialect", options.input_encoder->format.name(),
                        "use the lutgen dialect");
    }

    if (options.input_encoder) {
        const InputEncoder& encoder = *options.input_encoder;
        if (static_cast<int>(encoder.features.size()) != tables.input_count() ||
            !(encoder.code_format == tables.input_format()))
            throw Error("input encoder",
                        fmt::format("encoder has {} features of {}-bit codes but the tables take {} of {} bits",
                                    encoder.features.size(), encoder.code_format.bits, tables.input_count(),
                                    tables.input_format().bits),
                        encoder.format.name(), "build the encoder from the model the tables come from");
        if (static_cast<int64_t>(tables.input_count()) * encoder.format.bits > INT32_MAX / 2)
            throw Error("input encoder", "feature bus too wide", encoder.format.name(),
                        "use fewer fixed-point bits");
    }

    check_directory(directory);

    TemplateLibrary templates(find_template_directory());
    const RtlManifest manifest = options.dialect == RtlDialect::Lutgen
                                     ? write_lutgen_rtl(tables, options, templates, directory)
                                     : write_logicnets_rtl(tables, options, templates, directory);
    write_rtl_manifest(manifest, directory);
    return manifest;
}

} // namespace lutgen
