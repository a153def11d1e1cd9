#include "arch/architecture.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace lutgen {

using nlohmann::json;

namespace {

Architecture make_preset(const std::string& name, std::vector<int> hidden, int in_bits, int hidden_bits,
                         int out_bits, int in_fanin, int hidden_fanin, int out_fanin)
{
    Architecture arch;
    arch.name = name;
    arch.hidden_layers = std::move(hidden);
    arch.input_length = 16;
    arch.output_length = 5;
    arch.input_bitwidth = in_bits;
    arch.hidden_bitwidth = hidden_bits;
    arch.output_bitwidth = out_bits;
    arch.input_fanin = in_fanin;
    arch.hidden_fanin = hidden_fanin;
    arch.output_fanin = out_fanin;
    return arch;
}

// The published jet-substructure architectures of LogicNets.
std::optional<Architecture> find_preset(const std::string& name)
{
    if (name == "jsc-s")
        return make_preset(name, {64, 32, 32, 32}, 2, 2, 2, 3, 3, 3);
    if (name == "jsc-m")
        return make_preset(name, {64, 32, 32, 32}, 3, 3, 3, 4, 4, 4);
    if (name == "jsc-l")
        return make_preset(name, {32, 64, 192, 192, 16}, 4, 3, 7, 3, 4, 5);
    return std::nullopt;
}

int positive_integer(const json& document, const char* key, const std::string& source, int max)
{
    const json& value = document.at(key);
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > max)
        throw Error(source, fmt::format("'{}' must be an integer in [1, {}]", key, max), value.dump(),
                    "fix the architecture file");
    return value.get<int>();
}

QuantizerOverride parse_override(const json& object, const std::string& source, const std::string& which)
{
    QuantizerOverride result;
    const std::string where = fmt::format("quantizers.{}", which);
    if (!object.is_object())
        throw Error(source, where + " is not an object", object.dump(), "fix the architecture file");

    if (object.contains("kind")) {
        const std::string kind = object["kind"].get<std::string>();
        if (kind == "hardtanh")
            result.kind = QuantizerKind::HardTanh;
        else if (kind == "relu")
            result.kind = QuantizerKind::ReLU;
        else if (kind == "binary")
            result.kind = QuantizerKind::Binary;
        else
            throw Error(source, where + ".kind: unknown quantizer kind", kind, "use hardtanh, relu or binary");
    }
    if (object.contains("signed"))
        result.is_signed = object["signed"].get<bool>();

    // "scale" is a number (a constant scale), or text: "learned ..." or "constant <number> ...".
    if (object.contains("scale")) {
        const json& scale = object["scale"];
        if (scale.is_number()) {
            result.constant_scale = scale.get<float>();
        } else if (scale.is_string()) {
            const std::string text = scale.get<std::string>();
            if (text.rfind("constant", 0) == 0) {
                char* end = nullptr;
                const char* start = text.c_str() + std::string("constant").size();
                const double value = std::strtod(start, &end);
                if (end == start)
                    throw Error(source, where + ".scale: no number after 'constant'", text,
                                "write for example \"constant 1.0\" or a plain number");
                result.constant_scale = static_cast<float>(value);
            } else if (text.rfind("learned", 0) != 0) {
                throw Error(source, where + ".scale: unknown scale", text,
                            "use a number, \"constant <number>\" or \"learned\"");
            }
        } else {
            throw Error(source, where + ".scale: expected a number or text", scale.dump(),
                        "use a number, \"constant <number>\" or \"learned\"");
        }
        if (result.constant_scale && !(*result.constant_scale > 0.0f && std::isfinite(*result.constant_scale)))
            throw Error(source, where + ".scale: a constant scale must be positive and finite",
                        fmt::format("{}", *result.constant_scale), "fix the architecture file");
    }

    if (object.contains("batchnorm"))
        result.batchnorm = object["batchnorm"].get<bool>();
    if (object.contains("pre_transforms")) {
        const std::string text = object["pre_transforms"].get<std::string>();
        if (text == "none")
            result.batchnorm = false;
        else if (text.rfind("BatchNorm", 0) == 0)
            result.batchnorm = true;
        else
            throw Error(source, where + ".pre_transforms: unknown pre-transform", text,
                        "use \"none\" or \"BatchNorm1d\"");
    }
    return result;
}

} // namespace

int Architecture::fan_in(int layer) const
{
    if (layer == 0)
        return input_fanin;
    if (layer == layer_count() - 1)
        return output_fanin;
    return hidden_fanin;
}

std::vector<std::string> architecture_preset_names()
{
    return {"jsc-s", "jsc-m", "jsc-l"};
}

Architecture architecture_from_json(const std::string& text, const std::string& source)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& error) {
        // parse_error for bad syntax, out_of_range for a number too large for a double.
        throw Error(source, "invalid JSON", error.what(), "fix the architecture file");
    }
    if (!document.is_object())
        throw Error(source, "the architecture is not a JSON object", document.type_name(),
                    "use LogicNets' config keys, for example {\"hidden_layers\": [64, 32], ...}");

    Architecture arch;
    arch.name = source;
    try {
        for (const char* key : {"hidden_layers", "input_bitwidth", "hidden_bitwidth", "output_bitwidth",
                                "input_fanin", "hidden_fanin", "output_fanin"})
            if (!document.contains(key))
                throw Error(source, "missing architecture key", key,
                            "give all of hidden_layers, input_bitwidth, hidden_bitwidth, output_bitwidth, "
                            "input_fanin, hidden_fanin and output_fanin");

        const json& hidden = document["hidden_layers"];
        if (!hidden.is_array())
            throw Error(source, "'hidden_layers' is not an array", hidden.dump(), "write for example [64, 32, 32]");
        for (const json& size : hidden) {
            if (!size.is_number_integer() || size.get<int64_t>() < 1 || size.get<int64_t>() > (1 << 20))
                throw Error(source, "hidden layer size must be a positive integer", size.dump(),
                            "fix 'hidden_layers'");
            arch.hidden_layers.push_back(size.get<int>());
        }

        arch.input_bitwidth = positive_integer(document, "input_bitwidth", source, 16);
        arch.hidden_bitwidth = positive_integer(document, "hidden_bitwidth", source, 16);
        arch.output_bitwidth = positive_integer(document, "output_bitwidth", source, 16);
        arch.input_fanin = positive_integer(document, "input_fanin", source, 64);
        arch.hidden_fanin = positive_integer(document, "hidden_fanin", source, 64);
        arch.output_fanin = positive_integer(document, "output_fanin", source, 64);
        if (document.contains("input_length"))
            arch.input_length = positive_integer(document, "input_length", source, 1 << 20);
        if (document.contains("output_length"))
            arch.output_length = positive_integer(document, "output_length", source, 1 << 20);

        if (document.contains("quantizers")) {
            const json& quantizers = document["quantizers"];
            for (const auto& [which, object] : quantizers.items()) {
                if (which == "input")
                    arch.input_override = parse_override(object, source, which);
                else if (which == "hidden")
                    arch.hidden_override = parse_override(object, source, which);
                else if (which == "output")
                    arch.output_override = parse_override(object, source, which);
                else
                    throw Error(source, "unknown quantizer in 'quantizers'", which, "use input, hidden or output");
            }
        }
    } catch (const json::exception& error) {
        throw Error(source, "malformed architecture", error.what(), "fix the architecture file");
    }
    return arch;
}

Architecture load_architecture(const std::string& preset_or_path)
{
    if (std::optional<Architecture> preset = find_preset(preset_or_path))
        return *preset;

    std::ifstream in(preset_or_path, std::ios::binary);
    if (!in)
        throw Error(preset_or_path, "architecture is neither a preset nor a readable file", preset_or_path,
                    "use jsc-s, jsc-m or jsc-l, or a JSON file with LogicNets' config keys");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return architecture_from_json(buffer.str(), preset_or_path);
}

} // namespace lutgen
