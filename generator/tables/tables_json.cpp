#include "tables/tables_json.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <fmt/os.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace lutgen {

namespace {

std::string format_json(const CodeFormat& format)
{
    return fmt::format("{{\"kind\": \"{}\", \"bits\": {}}}", code_kind_name(format.kind), format.bits);
}

CodeFormat parse_format(const nlohmann::json& object, const std::string& source, const std::string& where)
{
    CodeFormat format;
    const std::string kind = object.at("kind").get<std::string>();
    if (kind == "signed")
        format.kind = CodeKind::Signed;
    else if (kind == "unsigned")
        format.kind = CodeKind::Unsigned;
    else if (kind == "binary")
        format.kind = CodeKind::Binary;
    else
        throw Error(source, where + ": unknown code kind", kind, "use signed, unsigned or binary");
    format.bits = object.at("bits").get<int>();
    if (format.bits < 1 || format.bits > 16 || (format.kind == CodeKind::Binary && format.bits != 1))
        throw Error(source, where + ": invalid code bit width", std::to_string(format.bits),
                    "use 1 to 16 bits (binary codes are 1 bit)");
    return format;
}

} // namespace

void write_tables_json(const TruthTables& tables, const std::filesystem::path& path)
{
    try {
        auto out = fmt::output_file(path.string());
        out.print("{{\n \"format\": \"lutgen-tables\",\n \"format_version\": 1,\n \"network\": \"{}\",\n \"layers\": [",
                  tables.network_name);

        for (size_t l = 0; l < tables.layers.size(); ++l) {
            const LayerTables& layer = tables.layers[l];
            out.print("{}\n  {{\"layer\": {}, \"input_count\": {}, \"input_format\": {}, \"output_format\": {},\n"
                      "   \"neurons\": [",
                      l ? "," : "", layer.index, layer.input_count, format_json(layer.input_format),
                      format_json(layer.output_format));

            for (size_t n = 0; n < layer.neurons.size(); ++n) {
                const NeuronTable& neuron = layer.neurons[n];
                out.print("{}\n    {{\"layer\": {}, \"neuron\": {}, \"inputs\": [{}], \"key_bits\": {},\n     \"codes\": [",
                          n ? "," : "", neuron.layer, neuron.index, fmt::join(neuron.inputs, ", "),
                          layer.key_bits(neuron));
                for (size_t key = 0; key < neuron.entries.size(); ++key)
                    out.print(key ? ",{}" : "{}", layer.output_format.code(neuron.entries[key]));
                out.print("]}}");
            }
            out.print("\n   ]}}");
        }
        out.print("\n ]\n}}\n");
        out.close();
    } catch (const std::system_error& error) {
        throw Error(path.string(), "cannot write the tables file", error.what(), "check that the directory is writable");
    }
}

TruthTables read_tables_json(const std::filesystem::path& path)
{
    const std::string source = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(source, "cannot open the tables file", source, "check the path");

    nlohmann::json document;
    try {
        document = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& error) {
        throw Error(source, "invalid JSON", error.what(), "pass a file written by 'lutgen tables'");
    }

    try {
        if (document.value("format", "") != "lutgen-tables")
            throw Error(source, "not a lutgen tables file (member 'format' is not 'lutgen-tables')",
                        document.value("format", ""), "pass a file written by 'lutgen tables'");

        TruthTables tables;
        tables.network_name = document.value("network", "logicnet");
        for (const auto& layer_object : document.at("layers")) {
            LayerTables layer;
            layer.index = static_cast<int>(tables.layers.size());
            const std::string where = fmt::format("layer {}", layer.index);
            layer.input_count = layer_object.at("input_count").get<int>();
            layer.input_format = parse_format(layer_object.at("input_format"), source, where + " input_format");
            layer.output_format = parse_format(layer_object.at("output_format"), source, where + " output_format");

            for (const auto& neuron_object : layer_object.at("neurons")) {
                NeuronTable neuron;
                neuron.layer = layer.index;
                neuron.index = static_cast<int>(layer.neurons.size());
                const std::string neuron_where = fmt::format("layer {} neuron {}", layer.index, neuron.index);
                neuron.inputs = neuron_object.at("inputs").get<std::vector<int>>();
                for (int input : neuron.inputs)
                    if (input < 0 || input >= layer.input_count)
                        throw Error(source, neuron_where + ": input index out of range", std::to_string(input),
                                    fmt::format("indices must be in [0, {})", layer.input_count));

                const int64_t key_bits = static_cast<int64_t>(neuron.inputs.size()) * layer.input_format.bits;
                if (key_bits > 30)
                    throw Error(source, neuron_where + ": table key wider than 30 bits", std::to_string(key_bits),
                                "reduce the fan-in or the input bit width");
                const auto& codes = neuron_object.at("codes");
                const size_t expected = size_t{1} << key_bits;
                if (!codes.is_array() || codes.size() != expected)
                    throw Error(source, fmt::format("{}: expected {} codes (2^{} keys)", neuron_where, expected, key_bits),
                                std::to_string(codes.is_array() ? codes.size() : 0), "give one code for every key");

                neuron.entries.reserve(expected);
                for (const auto& code_value : codes) {
                    const int code = code_value.get<int>();
                    if (code < layer.output_format.min_code() || code > layer.output_format.max_code())
                        throw Error(source, neuron_where + ": code outside the output range", std::to_string(code),
                                    fmt::format("codes must be in [{}, {}]", layer.output_format.min_code(),
                                                layer.output_format.max_code()));
                    neuron.entries.push_back(static_cast<uint16_t>(layer.output_format.pattern(code)));
                }
                layer.neurons.push_back(std::move(neuron));
            }
            tables.layers.push_back(std::move(layer));
        }
        return tables;
    } catch (const nlohmann::json::exception& error) {
        throw Error(source, "malformed tables file", error.what(), "pass a file written by 'lutgen tables'");
    }
}

} // namespace lutgen
